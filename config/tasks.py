"""Sending background work to Celery, by task name, for every app.

Services never import a task module: they call ``enqueue("placement.run_work_item", 12)`` (or
``enqueue_on_commit``). Sending gives up quickly - one try over a connection with short connect
and socket timeouts (``SEND_TIMEOUT_S``) - and never raises: the database row that describes
the work is the truth, and a periodic sweeper sends again whatever is still due. So a broker
that refuses, or one that accepts the connection and then never answers, costs a request about
a second, not minutes. (Workers keep Celery's own connection settings: these short timeouts
are for sending only.)"""

from __future__ import annotations

import logging
import threading

from django.db import transaction
from kombu.pools import producers

log = logging.getLogger(__name__)

SEND_TIMEOUT_S = 1.0
_connections: dict[str, object] = {}
_lock = threading.Lock()


def short_timeouts(url: str, seconds: float = SEND_TIMEOUT_S) -> dict:
    """Transport options that bound every socket operation of a broker connection."""
    scheme = url.split(":", 1)[0]
    if scheme.startswith(("redis", "rediss")):
        return {"socket_timeout": seconds, "socket_connect_timeout": seconds}
    if scheme in ("amqp", "amqps", "pyamqp"):
        return {"read_timeout": seconds, "write_timeout": seconds}
    return {}


def _app():
    # The Celery app imports the settings; loaded at the first enqueue, not at import.
    from config.celery import app

    return app


_discovered = False


def _task(name: str):
    """The registered task, for running it in-process. The apps' ``tasks.py`` are imported
    once (autodiscovery by the Django fixup: no ``django.setup()`` again, which would
    reconfigure logging)."""
    global _discovered
    app = _app()
    if name not in app.tasks and not _discovered:
        app.autodiscover_tasks(force=True)
        _discovered = True
    return app.tasks[name]


def _sending_connection():
    """One connection (and its pool of producers) per broker address, with short timeouts."""
    app = _app()
    url = app.conf.broker_url
    with _lock:
        conn = _connections.get(url)
        if conn is None:
            conn = app.connection_for_write(
                url,
                connect_timeout=SEND_TIMEOUT_S,
                transport_options=short_timeouts(url),
            )
            _connections[url] = conn
    return conn


def enqueue(name: str, *args) -> bool:
    """Send task ``name`` now. True when the broker took it (or it ran in-process); False
    when the broker could not be reached in time (logged, never raised)."""
    try:
        app = _app()
        if app.conf.task_always_eager:
            _task(name).apply_async(args=args)
            return True
        with producers[_sending_connection()].acquire(
            block=True, timeout=SEND_TIMEOUT_S
        ) as producer:
            app.send_task(name, args=args, producer=producer, retry=False)
    except Exception as exc:  # broker refused, timed out or unknown: the sweeper re-sends
        log.warning("could not enqueue %s%s: %s", name, args, type(exc).__name__)
        return False
    return True


def enqueue_on_commit(name: str, *args) -> None:
    """Send task ``name`` after the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: enqueue(name, *args), robust=True)
