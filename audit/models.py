from django.conf import settings
from django.db import models


class AuditExport(models.Model):
    """A CSV export of audit entries. Creating one is itself logged by django-auditlog."""

    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    exported_at = models.DateTimeField(auto_now_add=True)
    filters = models.JSONField(default=dict)
    rows = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Audit export {self.pk} by user {self.exported_by_id}"
