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


class PatientLink(models.Model):
    """Which patients an audit entry is about: one row per (entry, patient). An entry about one
    record names one patient; a list page (search results, the review queue) names every
    patient it showed. The audit log filters by patient through the (patient, time) index."""

    entry = models.ForeignKey(
        "auditlog.LogEntry", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    patient_id = models.BigIntegerField()
    timestamp = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["patient_id", "-timestamp"], name="audit_patient_time")]
        constraints = [
            models.UniqueConstraint(fields=["entry", "patient_id"], name="audit_link_unique")
        ]

    def __str__(self) -> str:
        return f"Entry {self.entry_id} about patient {self.patient_id}"


def patient_ids_of(data) -> list[int]:
    """The patient ids an entry's additional data names (``patient_id`` and ``patient_ids``)."""
    if not isinstance(data, dict):
        return []
    found = list(data.get("patient_ids") or [])
    if data.get("patient_id") is not None:
        found.append(data["patient_id"])
    out = set()
    for value in found:
        try:
            out.add(int(value))
        except (TypeError, ValueError):
            continue
    return sorted(out)
