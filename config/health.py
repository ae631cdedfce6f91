"""`/healthz`: is the database reachable, is the broker reachable. No patient data, no login.
200 when every check passes, 503 otherwise. `?deep=1` also sends a task through the broker and
waits (briefly) for a worker to answer it; because that holds a web thread, deep checks are for
signed-in superusers or a monitor sending the `X-Health-Token` header that matches
STEPWISE_HEALTH_TOKEN. Anyone else asking for a deep check gets 403."""

import time

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

from config.celery import app as celery_app
from config.celery import ping

BROKER_TIMEOUT_S = 2.0
DEEP_TIMEOUT_S = 2.0


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


def check_broker() -> dict:
    if celery_app.conf.task_always_eager:
        return {"ok": True, "mode": "in-process"}
    started = time.perf_counter()
    url = celery_app.conf.broker_url
    try:
        with Connection(url, connect_timeout=BROKER_TIMEOUT_S) as conn:
            conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_S)
    except Exception as exc:
        return {"ok": False, "mode": "broker", "error": type(exc).__name__}
    return {
        "ok": True,
        "mode": "broker",
        "transport": url.split(":", 1)[0],
        "ms": round((time.perf_counter() - started) * 1000, 1),
    }


def check_worker() -> dict:
    started = time.perf_counter()
    try:
        answer = ping.apply_async(expires=DEEP_TIMEOUT_S).get(timeout=DEEP_TIMEOUT_S)
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": answer == "pong", "ms": round((time.perf_counter() - started) * 1000, 1)}


def deep_allowed(request) -> bool:
    from django.utils.crypto import constant_time_compare

    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_superuser:
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
