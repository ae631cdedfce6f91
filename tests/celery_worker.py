"""A real Celery worker process for tests marked ``worker``: it consumes from the broker named
by CELERY_BROKER_URL and writes to the test database. Without a broker (the SQLite default)
those tests are skipped, unless STEPWISE_REQUIRE_WORKER=1 (CI) makes that a failure."""

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app
from config.celery import ping

ROOT = Path(__file__).resolve().parents[1]


def _unavailable(reason: str):
    if os.environ.get("STEPWISE_REQUIRE_WORKER") == "1":
        pytest.fail(f"a real worker is required here but {reason}")
    pytest.skip(reason)


def test_database_url() -> str:
    s = connection.settings_dict
    auth = quote(s["USER"] or "")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"])
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


test_database_url.__test__ = False


def start_worker(extra_env: dict | None = None) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": test_database_url(),
        **(extra_env or {}),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool",
            "solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
    )


def wait_until_ready(proc: subprocess.Popen, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the worker exited with status {proc.returncode}")
        try:
            if ping.apply_async(expires=5).get(timeout=5) == "pong":
                return
        except Exception:  # noqa: S112 - not up yet; try again until the deadline
            continue
    raise RuntimeError("the worker did not answer a ping in time")


def stop_worker(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture
def worker_env():
    """Extra environment for the worker process; tests override this fixture."""
    return {}


@pytest.fixture
def celery_worker_process(transactional_db, worker_env):
    if settings.CELERY_TASK_ALWAYS_EAGER:
        _unavailable("CELERY_BROKER_URL is not set (tasks run in-process)")
    if connection.vendor != "postgresql":
        _unavailable("the worker shares the test database, which needs PostgreSQL")
    celery_app.control.purge()
    proc = start_worker(worker_env)
    try:
        wait_until_ready(proc)
        yield proc
    finally:
        stop_worker(proc)
