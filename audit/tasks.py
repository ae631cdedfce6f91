"""Celery tasks of the audit app: thin wrappers around its services."""

from celery import shared_task

from . import services


@shared_task(name="audit.export")
def audit_export_task(export_id: int) -> None:
    services.audit_export_run(export_id=export_id)


@shared_task(name="audit.sweep_exports")
def audit_sweep_exports_task() -> dict:
    return services.audit_exports_sweep()
