from django.conf import settings
from django.core.files.storage import storages
from django.db import models


def private_storage():

    return storages["private"]


class AuditExport(models.Model):
    """A CSV export of audit entries, written by a background job to private storage and
    downloaded only when complete (the download is audited). Creating one is itself logged by
    django-auditlog."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        RUNNING = "running", "Writing"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Deleted after the retention period"

    # A run is tried this many times (a worker killed, a connection cut) before the export is
    # marked failed; a run that wrote nothing for STALE_S seconds is taken to have stopped.
    MAX_ATTEMPTS = 3
    STALE_S = 300

    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    exported_at = models.DateTimeField(auto_now_add=True)
    filters = models.JSONField(default=dict)
    rows = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DONE)
    total = models.PositiveIntegerField(default=0)
    file = models.FileField(storage=private_storage, upload_to="audit-exports/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    error = models.CharField(max_length=200, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # When the export was last sent to a worker or last wrote a batch: the sweeper sends it
    # again when this is old (a broker that was down, a worker that died mid-way).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Audit export {self.pk} by user {self.exported_by_id}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.rows / self.total) if self.total else 0


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
