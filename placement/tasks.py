"""Celery tasks: thin wrappers around services. Every task is idempotent."""

import logging

from celery import shared_task
from django.utils import timezone

from placement import impact
from placement.services import work

log = logging.getLogger(__name__)


@shared_task(name="placement.impact_run")
def impact_run_task(job_id: int) -> None:
    impact.impact_run(job_id=job_id)


@shared_task(name="placement.run_work_item", bind=True, max_retries=5, default_retry_delay=30)
def run_work_item(self, item_id: int) -> bool:
    try:
        return work.work_run(item_id=item_id)
    except Exception as exc:
        work.work_record_failure(item_id=item_id, error=type(exc).__name__)
        log.warning("work item %s failed: %s", item_id, type(exc).__name__)
        raise self.retry(exc=exc) from exc


@shared_task(name="placement.sweep_work")
def sweep_work() -> int:
    return work.work_sweep()


@shared_task(name="placement.overdue_digest")
def overdue_digest() -> int:
    from placement.services.notifications import send_overdue_digest

    return send_overdue_digest(on_date=timezone.localdate())
