"""Celery tasks: thin wrappers around services. Every task is idempotent."""

import logging

from celery import shared_task
from django.utils import timezone

from placement.services import work
from placement.services.notifications import send_overdue_digest

log = logging.getLogger(__name__)


@shared_task(name="placement.run_work_item")
def run_work_item(item_id: int) -> bool:
    """Failures are recorded on the item (attempts, a growing wait, failed after a limit);
    the sweeper, not Celery's retry, sends it again when it is due."""
    return work.work_run(item_id=item_id)


@shared_task(name="placement.sweep_work")
def sweep_work() -> int:
    return work.work_sweep()


@shared_task(name="placement.overdue_digest")
def overdue_digest() -> int:
    return send_overdue_digest(on_date=timezone.localdate())
