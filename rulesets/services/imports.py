"""Importing a rule-set file (spreadsheet, YAML or JSON) as a new draft.

Every file is checked before anything parses it (its size; for a spreadsheet, the zip archive's
unpacked size, compression ratio, parts and sheets - ``spreadsheet.check_archive``), and a
spreadsheet is read no further than its row and column limits and for no longer than its time
limit. A small file is imported in the request. A spreadsheet that unpacks to more than
``STEPWISE_IMPORT_SYNC_BYTES`` is stored and read by a background job (``RuleSetImport``),
whose page the uploader follows; the job is sent again by the sweeper when a worker was not
reached or stopped, and marked refused after a few tries. Nothing is half-imported: a draft is
written in one transaction, or not at all."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from config.tasks import enqueue, enqueue_on_commit
from engine import MAX_FILE_BYTES, RuleSetError, TextRefused, decode
from rulesets.models import RuleSet, RuleSetImport, RuleSetImportStatus
from rulesets.spreadsheet import check_archive, data_from_workbook

from .workflow import rule_set_import

IMPORT_TASK = "rulesets.import_run"
PENDING_GIVE_UP_S = 3600


def _is_spreadsheet(file_name: str, raw: bytes) -> bool:
    return file_name.lower().endswith(".xlsx") or raw[:2] == b"PK"


def _read_spreadsheet(raw: bytes) -> dict:

    return data_from_workbook(raw, time_limit_s=settings.STEPWISE_IMPORT_TIME_LIMIT_S)


def rule_set_import_file(*, user, file_name: str, raw: bytes) -> RuleSet | RuleSetImport:
    """An uploaded file as a new draft (returned), or - for a large spreadsheet - the
    background job that will read it (returned; follow it on its page). RuleSetError names
    every problem; nothing is written then."""

    if len(raw) > MAX_FILE_BYTES:
        raise RuleSetError([f"The file is larger than {MAX_FILE_BYTES // 1_000_000} MB."])
    if _is_spreadsheet(file_name, raw):
        unpacked = check_archive(raw)
        if unpacked > settings.STEPWISE_IMPORT_SYNC_BYTES:
            with transaction.atomic():
                job = RuleSetImport.objects.create(
                    created_by=user,
                    file_name=file_name[:200],
                    content=raw,
                    unpacked_bytes=unpacked,
                    heartbeat_at=timezone.now(),
                )
                enqueue_on_commit(IMPORT_TASK, job.pk)
            return job
        return rule_set_import(data=_read_spreadsheet(raw), user=user)
    try:
        text = decode(raw)
    except TextRefused as exc:
        raise RuleSetError([f"The file is {exc}"]) from None
    return rule_set_import(text=text, user=user)


def rule_set_import_run(*, job_id: int) -> None:
    """Read a stored spreadsheet and import it as a draft. Idempotent: a job that is done,
    refused, or being read by another worker is left alone."""
    now = timezone.now()
    stale = now - timedelta(seconds=RuleSetImport.STALE_S)
    claimed = (
        RuleSetImport.objects.filter(pk=job_id)
        .filter(
            Q(status=RuleSetImportStatus.PENDING)
            | Q(status=RuleSetImportStatus.RUNNING, heartbeat_at__lt=stale)
        )
        .update(status=RuleSetImportStatus.RUNNING, heartbeat_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return
    job = RuleSetImport.objects.select_related("created_by").get(pk=job_id)
    try:
        draft = rule_set_import(data=_read_spreadsheet(bytes(job.content)), user=job.created_by)
    except RuleSetError as exc:
        _finish(job_id, status=RuleSetImportStatus.FAILED, problems=exc.problems[:100])
        return
    except Exception as exc:  # never leave the job "reading": say so on its page
        _finish(
            job_id,
            status=RuleSetImportStatus.FAILED,
            problems=[f"The file could not be imported ({type(exc).__name__})."],
        )
        raise
    _finish(job_id, status=RuleSetImportStatus.DONE, draft=draft)


def _finish(job_id: int, *, status: str, problems=(), draft: RuleSet | None = None) -> None:
    RuleSetImport.objects.filter(pk=job_id).update(
        status=status,
        problems=list(problems),
        draft=draft,
        content=b"",  # the file is not kept once read
        finished_at=timezone.now(),
    )


def rule_set_import_job_for_user(*, user, job_id: int) -> RuleSetImport:
    """The job, for the person who uploaded it only (RuleSetImport.DoesNotExist otherwise)."""
    return RuleSetImport.objects.select_related("draft").get(pk=job_id, created_by=user)


def rule_set_imports_sweep(*, now=None) -> int:
    """Periodic: send again the imports no worker started or that stopped mid-way; refuse
    them after ``RuleSetImport.MAX_ATTEMPTS`` runs or an hour of waiting. Returns how many
    were sent again."""
    now = now or timezone.now()
    resend_after = now - timedelta(seconds=settings.STEPWISE_SWEEP_AFTER_S)
    stale = now - timedelta(seconds=RuleSetImport.STALE_S)
    waiting = RuleSetImport.objects.filter(
        Q(status=RuleSetImportStatus.PENDING, heartbeat_at__lt=resend_after)
        | Q(status=RuleSetImportStatus.RUNNING, heartbeat_at__lt=stale)
    ).only("pk", "status", "attempts", "created_at")
    sent = 0
    for job in waiting.order_by("pk")[:100]:
        if job.attempts >= RuleSetImport.MAX_ATTEMPTS or (
            job.status == RuleSetImportStatus.PENDING
            and job.created_at < now - timedelta(seconds=PENDING_GIVE_UP_S)
        ):
            _finish(
                job.pk,
                status=RuleSetImportStatus.FAILED,
                problems=[
                    "The background job could not finish reading the file; nothing was "
                    "imported. Try the import again later."
                ],
            )
            continue
        moved = RuleSetImport.objects.filter(pk=job.pk, status=job.status).update(
            status=RuleSetImportStatus.PENDING, heartbeat_at=now
        )
        if moved and enqueue(IMPORT_TASK, job.pk):
            sent += 1
    return sent
