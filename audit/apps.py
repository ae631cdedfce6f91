from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        # Imported here because models load only once the app registry is ready.
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

        # (the sign-in signals too: axes's module reads its models)
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import (
            user_logged_in,
            user_logged_out,
            user_login_failed,
        )

        from . import signins

        user_logged_in.connect(signins.on_signed_in, dispatch_uid="audit_signed_in")
        user_logged_out.connect(signins.on_signed_out, dispatch_uid="audit_signed_out")
        user_login_failed.connect(signins.on_failed, dispatch_uid="audit_sign_in_failed")
        user_locked_out.connect(signins.on_locked_out, dispatch_uid="audit_locked_out")
