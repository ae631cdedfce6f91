from celery import shared_task

from . import services


@shared_task(name="audit.export")
def audit_export_task(export_id: int) -> None:
    services.audit_export_run(export_id=export_id)
