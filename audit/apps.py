from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        from auditlog.models import LogEntry
        from auditlog.registry import auditlog
        from django.db.models.signals import post_save, pre_delete, pre_save

        from .links import link_patients
        from .models import AuditExport
        from .protect import refuse_change, refuse_delete

        auditlog.register(AuditExport)
        pre_save.connect(refuse_change, sender=LogEntry, dispatch_uid="audit_refuse_change")
        pre_delete.connect(refuse_delete, sender=LogEntry, dispatch_uid="audit_refuse_delete")
        post_save.connect(link_patients, sender=LogEntry, dispatch_uid="audit_link_patients")
