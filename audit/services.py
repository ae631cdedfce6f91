"""Audit exports: a CSV of the filtered entries, written by a background job and offered for
download only once it is complete. A response streamed from the web process could be cut off
by a proxy timeout and still look complete; a finished file with its row count cannot."""

from __future__ import annotations

import csv
import hashlib
import io
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from .models import AuditExport
from .selectors import (
    AuditFilters,
    audit_entries,
    describe_changes,
    describe_entry,
    entry_patients,
)

log = logging.getLogger(__name__)
CHUNK = 2_000
HEADER = [
    "time",
    "user",
    "action",
    "what",
    "record type",
    "record",
    "patients",
    "address",
    "changes",
]


def audit_export_start(*, user, filters: AuditFilters) -> AuditExport:
    from .tasks import audit_export_task

    with transaction.atomic():
        export = AuditExport.objects.create(
            exported_by=user, filters=filters.as_dict(), status=AuditExport.Status.PENDING
        )
        transaction.on_commit(lambda: _enqueue(audit_export_task, export.pk), robust=True)
    return export


def _enqueue(task, export_id: int) -> None:
    try:
        task.delay(export_id)
    except Exception as exc:  # the broker is down: the export page offers to try again
        log.warning("could not enqueue audit export %s: %s", export_id, type(exc).__name__)


def _filters(data: dict) -> AuditFilters:
    import datetime

    def day(value):
        return datetime.date.fromisoformat(value) if value else None

    return AuditFilters(
        user=data.get("user") or "",
        action=data.get("action") or "",
        since=day(data.get("since")),
        until=day(data.get("until")),
        patient_ids=list(data.get("patient_ids") or []),
    )


def audit_export_run(*, export_id: int) -> None:
    """Write the export. Idempotent: a finished export is left alone; an interrupted one
    starts again from the beginning."""
    claimed = AuditExport.objects.filter(
        pk=export_id, status__in=[AuditExport.Status.PENDING, AuditExport.Status.RUNNING]
    ).update(status=AuditExport.Status.RUNNING, rows=0)
    if not claimed:
        return
    export = AuditExport.objects.get(pk=export_id)
    try:
        entries = audit_entries(_filters(export.filters))
        total = entries.count()
        AuditExport.objects.filter(pk=export_id).update(total=total)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(HEADER)
        written = 0
        batch: list = []
        for entry in entries.iterator(chunk_size=CHUNK):
            batch.append(entry)
            if len(batch) == CHUNK:
                written += _write(writer, batch)
                batch = []
                AuditExport.objects.filter(pk=export_id).update(rows=written)
        written += _write(writer, batch)
        body = out.getvalue().encode("utf-8")
        name = f"stepwise-audit-{export_id}.csv"
        export.file.save(name, ContentFile(body), save=False)
        AuditExport.objects.filter(pk=export_id).update(
            status=AuditExport.Status.DONE,
            rows=written,
            file=export.file.name,
            sha256=hashlib.sha256(body).hexdigest(),
            finished_at=timezone.now(),
        )
    except Exception as exc:
        AuditExport.objects.filter(pk=export_id).update(
            status=AuditExport.Status.FAILED, error=type(exc).__name__[:200]
        )
        raise


def _write(writer, entries: list) -> int:
    patients = entry_patients(entries)
    for e in entries:
        writer.writerow(
            [
                timezone.localtime(e.timestamp).isoformat(),
                e.actor.get_username() if e.actor else "",
                e.get_action_display(),
                describe_entry(e),
                e.content_type.model if e.content_type else "",
                e.object_pk,
                "; ".join(f"{p.given_name} {p.family_name} (MRN {p.mrn})" for p in patients[e.pk]),
                e.remote_addr or "",
                describe_changes(e, iso=True, limit=50),
            ]
        )
    return len(entries)
