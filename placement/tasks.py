"""Celery tasks: thin wrappers around services. Every task is idempotent."""

from celery import shared_task

from placement import impact


@shared_task(name="placement.impact_run")
def impact_run_task(job_id: int) -> None:
    impact.impact_run(job_id=job_id)
