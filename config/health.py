"""`/healthz`: is the database reachable, is the broker reachable. No patient data, no login.
200 when every check passes, 503 otherwise. `?deep=1` also sends a task through the broker and
waits (briefly) for a worker to answer it; because that holds a web thread, deep checks are for
signed-in superusers or a monitor sending the `X-Health-Token` header that matches
STEPWISE_HEALTH_TOKEN. Anyone else asking for a deep check gets 403."""

import threading
import time

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

from accounts.twofactor import session_complete
from config.celery import app as celery_app
from config.celery import ping
from config.tasks import short_timeouts

BROKER_TIMEOUT_S = 1.0
DEEP_TIMEOUT_S = 2.0
# The broker probe's answer is reused for this long, and while one request probes the others
# read the last answer: a broker that hangs costs one thread about a second every few seconds,
# not every caller (anonymous monitors included) a thread each.
PROBE_REUSE_S = 5.0
_probe: dict = {"at": 0.0, "result": None}
_probe_lock = threading.Lock()


def check_database() -> dict:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means unhealthy; the type is enough to report
        return {"ok": False, "error": type(exc).__name__}
    return {
        "ok": True,
        "vendor": connection.vendor,
        "ms": round((time.perf_counter() - started) * 1000, 1),
    }


def probe_broker() -> dict:
    """Connect to the broker and talk to it, every socket operation bounded."""
    started = time.perf_counter()
    url = celery_app.conf.broker_url
    try:
        with Connection(
            url, connect_timeout=BROKER_TIMEOUT_S, transport_options=short_timeouts(url)
        ) as conn:
            conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_S)
            conn.default_channel  # noqa: B018 (opening a channel is a round trip)
    except Exception as exc:
        return {"ok": False, "mode": "broker", "error": type(exc).__name__}
    return {
        "ok": True,
        "mode": "broker",
        "transport": url.split(":", 1)[0],
        "ms": round((time.perf_counter() - started) * 1000, 1),
    }


def check_broker() -> dict:
    if celery_app.conf.task_always_eager:
        return {"ok": True, "mode": "in-process"}
    last = _probe["result"]
    if last is not None and time.monotonic() - _probe["at"] < PROBE_REUSE_S:
        return {**last, "cached": True}
    # Only the first caller ever waits for a probe that another request is running.
    if not _probe_lock.acquire(blocking=last is None):
        return {**last, "cached": True}
    try:
        result = probe_broker()
        _probe.update(at=time.monotonic(), result=result)
        return result
    finally:
        _probe_lock.release()


def check_worker() -> dict:
    started = time.perf_counter()
    try:
        answer = ping.apply_async(expires=DEEP_TIMEOUT_S).get(timeout=DEEP_TIMEOUT_S)
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": answer == "pong", "ms": round((time.perf_counter() - started) * 1000, 1)}


def deep_allowed(request) -> bool:

    user = getattr(request, "user", None)
    # A session that has not entered its second factor is not a signed-in administrator.
    if user is not None and user.is_authenticated and user.is_superuser and session_complete(user):
        return True
    token = settings.STEPWISE_HEALTH_TOKEN
    sent = request.headers.get("X-Health-Token", "")
    return bool(token) and constant_time_compare(sent, token)


@login_not_required
@never_cache
@require_GET
def healthz(request):
    deep = request.GET.get("deep") == "1"
    if deep and not deep_allowed(request):
        return JsonResponse(
            {
                "status": "forbidden",
                "detail": "Deep checks need a signed-in administrator or the X-Health-Token "
                "header.",
            },
            status=403,
        )
    checks = {"database": check_database(), "broker": check_broker()}
    if deep:
        checks["worker"] = check_worker() if checks["broker"]["ok"] else {"ok": False}
    healthy = all(c["ok"] for c in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )
