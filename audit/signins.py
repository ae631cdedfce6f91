"""Sign-ins, failed sign-ins, lockouts and sign-outs in the audit log.

A failed sign-in names the account only when the username typed is a real one; anything else
typed there (a mistyped name, a password in the wrong box, a patient's name) is never stored."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType

from config.clientip import client_ip

EVENTS = {
    "sign-in": "Signed in",
    "sign-in failed": "Sign-in failed",
    "locked out": "Locked out after failed sign-ins",
    "sign-out": "Signed out",
}


def _log(event: str, *, user=None, request=None) -> None:
    User = get_user_model()
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(User),
        object_pk=str(user.pk) if user is not None else "",
        object_id=user.pk if user is not None else None,
        object_repr=EVENTS[event],
        action=LogEntry.Action.ACCESS,
        actor=user,
        remote_addr=client_ip(request) if request is not None else None,
        additional_data={"event": event},
    )


def _known(username) -> object | None:
    if not isinstance(username, str) or not username or len(username) > 150:
        return None
    return get_user_model().objects.filter(username=username).first()


def on_signed_in(sender, request, user, **kwargs):
    _log("sign-in", user=user, request=request)


def on_signed_out(sender, request, user, **kwargs):
    if user is not None:
        _log("sign-out", user=user, request=request)


def on_failed(sender, credentials, request=None, **kwargs):
    _log("sign-in failed", user=_known((credentials or {}).get("username")), request=request)


def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    _log("locked out", user=_known(username), request=request)
