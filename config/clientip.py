"""The client's address, for the audit log and the sign-in lockout.

``X-Forwarded-For`` is whatever the client chose to send unless a proxy we run wrote it, so it is
believed only when the request arrives from an address in STEPWISE_TRUSTED_PROXIES (addresses
or networks, e.g. ``10.0.0.5,10.1.0.0/16``; empty by default). The header is then read from the
right, skipping our own proxies: the first address that is not one of them is the client."""

from __future__ import annotations

import ipaddress
from functools import cache

from auditlog.middleware import AuditlogMiddleware
from django.conf import settings


@cache
def _networks(spec: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(s.strip(), strict=False) for s in spec if s.strip())


def _address(text: str):
    text = text.strip()
    if text.startswith("["):  # [v6]:port
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(addr) -> bool:
    nets = _networks(tuple(settings.STEPWISE_TRUSTED_PROXIES))
    return addr is not None and any(addr in net for net in nets)


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    if not _trusted(_address(remote or "")):
        return remote
    hops = [h for h in request.headers.get("X-Forwarded-For", "").split(",") if h.strip()]
    for hop in reversed(hops):
        addr = _address(hop)
        if addr is None:
            return remote  # a malformed header: believe nothing in it
        if not _trusted(addr):
            return str(addr)
    return remote


class TrustedProxyAuditlogMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware with our notion of the client address."""

    @staticmethod
    def _get_remote_addr(request):
        return client_ip(request)

    @staticmethod
    def _get_remote_port(request):
        if not _trusted(_address(request.META.get("REMOTE_ADDR") or "")):
            return None
        try:
            return int(request.headers.get("X-Forwarded-Port", ""))
        except ValueError:
            return None
