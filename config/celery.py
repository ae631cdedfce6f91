"""The Celery application. Tasks live in each app's ``tasks.py`` and are found by
autodiscovery; configuration comes from Django settings prefixed ``CELERY_``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("stepwise")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="stepwise.ping")
def ping() -> str:
    """Round trip through the broker and a worker; `/healthz?deep=1` waits for it."""
    return "pong"
