"""Audit exports: a CSV of the filtered entries, written by a background job and offered for
download only once it is complete. A response streamed from the web process could be cut off
by a proxy timeout and still look complete; a finished file with its row count cannot."""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import logging
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from config import tasks

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
    with transaction.atomic():
        export = AuditExport.objects.create(
            exported_by=user,
            filters=filters.as_dict(),
            status=AuditExport.Status.PENDING,
            heartbeat_at=timezone.now(),
        )
        transaction.on_commit(lambda: _enqueue(export.pk), robust=True)
    return export


def _enqueue(export_id: int) -> bool:
    """Send the export to a worker; False when the broker cannot be reached (the sweeper
    sends it again)."""
    return tasks.enqueue("audit.export", export_id)


def _filters(data: dict) -> AuditFilters:

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
    now = timezone.now()
    stale = now - timedelta(seconds=AuditExport.STALE_S)
    # One writer at a time: a waiting export, or a run that has stopped writing.
    claimed = (
        AuditExport.objects.filter(pk=export_id)
        .filter(
            Q(status=AuditExport.Status.PENDING)
            | Q(status=AuditExport.Status.RUNNING, heartbeat_at__lt=stale)
        )
        .update(
            status=AuditExport.Status.RUNNING,
            rows=0,
            heartbeat_at=now,
            attempts=F("attempts") + 1,
        )
    )
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
                AuditExport.objects.filter(pk=export_id).update(
                    rows=written, heartbeat_at=timezone.now()
                )
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


PENDING_GIVE_UP_S = 3600


def audit_exports_sweep(*, now=None) -> dict:
    """Periodic: send again the exports that were never started (the broker was down) or whose
    run stopped writing (a worker killed, a connection cut), marking them failed - visibly, on
    their page - after ``AuditExport.MAX_ATTEMPTS`` runs or an hour of waiting; and delete the
    files of exports older than the retention period (the row stays, as a record that the
    export was made)."""
    now = now or timezone.now()
    resend_after = now - timedelta(seconds=settings.STEPWISE_SWEEP_AFTER_S)
    stale = now - timedelta(seconds=AuditExport.STALE_S)
    counts = {"resent": 0, "failed": 0, "deleted": 0}
    waiting = AuditExport.objects.filter(
        Q(status=AuditExport.Status.PENDING, heartbeat_at__lt=resend_after)
        | Q(status=AuditExport.Status.PENDING, heartbeat_at__isnull=True)
        | Q(status=AuditExport.Status.RUNNING, heartbeat_at__lt=stale)
    )
    for export in waiting.order_by("pk")[:100]:
        gave_up = export.attempts >= AuditExport.MAX_ATTEMPTS or (
            export.status == AuditExport.Status.PENDING
            and export.exported_at < now - timedelta(seconds=PENDING_GIVE_UP_S)
        )
        if gave_up:
            reason = (
                f"stopped {export.attempts} times before finishing"
                if export.attempts >= AuditExport.MAX_ATTEMPTS
                else "no worker could start it within an hour"
            )
            changed = AuditExport.objects.filter(pk=export.pk, status=export.status).update(
                status=AuditExport.Status.FAILED, error=reason
            )
            counts["failed"] += changed
            continue
        changed = AuditExport.objects.filter(pk=export.pk, status=export.status).update(
            status=AuditExport.Status.PENDING, heartbeat_at=now
        )
        if changed and _enqueue(export.pk):
            counts["resent"] += 1
    keep_after = now - timedelta(days=settings.STEPWISE_EXPORT_RETENTION_DAYS)
    old = AuditExport.objects.filter(status=AuditExport.Status.DONE, finished_at__lt=keep_after)
    for export in old.order_by("pk")[:500]:
        if export.file:
            export.file.delete(save=False)
        counts["deleted"] += AuditExport.objects.filter(
            pk=export.pk, status=AuditExport.Status.DONE
        ).update(status=AuditExport.Status.EXPIRED, file="", deleted_at=now)
    return counts


# A cell that starts with one of these is read as a formula by spreadsheet programs (OWASP,
# "CSV injection"): such a cell is written with a leading apostrophe, which they show as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _write(writer, entries: list) -> int:
    patients = entry_patients(entries)
    for e in entries:
        writer.writerow(
            csv_cell(v)
            for v in [
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
