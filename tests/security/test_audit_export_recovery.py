"""N7 and N13: audit exports are never stranded ("Waiting" forever after the broker was down,
"Writing: 2000 of 306,019" after a worker died), their files are private (0600, outside the
source tree) and deleted after the retention period, and every download is audited."""

import datetime
import os
import stat
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditExport
from audit.selectors import AuditFilters
from audit.services import audit_export_run, audit_export_start, audit_exports_sweep
from audit.writer import record_access
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

AGO = datetime.timedelta(minutes=10)


@pytest.fixture
def entries(program_a):
    for _ in range(3):
        record_access(PatientFactory(program=program_a))


@pytest.fixture
def broker_down(monkeypatch):
    from config import tasks

    working = tasks.enqueue
    monkeypatch.setattr(tasks, "enqueue", lambda name, *args: False)
    return lambda: monkeypatch.setattr(tasks, "enqueue", working)  # only this patch


def test_an_export_started_while_the_broker_is_down_is_sent_again_and_finishes(
    superuser, entries, broker_down, in_process_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        export = audit_export_start(user=superuser, filters=AuditFilters())
    export.refresh_from_db()
    assert export.status == "pending"
    broker_down()  # the broker is back
    AuditExport.objects.filter(pk=export.pk).update(heartbeat_at=timezone.now() - AGO)
    assert audit_exports_sweep()["resent"] == 1
    export.refresh_from_db()
    assert export.status == "done" and export.rows == export.total > 0


def test_an_export_whose_worker_died_mid_way_is_written_again_in_full(
    superuser, entries, in_process_tasks
):
    export = AuditExport.objects.create(
        exported_by=superuser,
        filters=AuditFilters().as_dict(),
        status="running",
        rows=2000,
        total=306_019,
        attempts=1,
        heartbeat_at=timezone.now() - AGO,
    )
    audit_exports_sweep()
    export.refresh_from_db()
    assert export.status == "done"
    assert export.rows == export.total  # every entry, not the 2,000 of the stopped run
    assert export.total not in (0, 306_019)
    assert export.attempts == 2


def test_a_running_export_that_still_writes_is_left_alone(superuser, in_process_tasks):
    export = AuditExport.objects.create(
        exported_by=superuser, status="running", rows=10, heartbeat_at=timezone.now()
    )
    audit_exports_sweep()
    audit_export_run(export_id=export.pk)  # a duplicate delivery: one writer at a time
    export.refresh_from_db()
    assert (export.status, export.rows) == ("running", 10)


def test_an_export_that_keeps_stopping_is_marked_failed_visibly(superuser, client):
    export = AuditExport.objects.create(
        exported_by=superuser,
        status="running",
        attempts=AuditExport.MAX_ATTEMPTS,
        heartbeat_at=timezone.now() - AGO,
    )
    assert audit_exports_sweep()["failed"] == 1
    client.force_login(superuser)
    page = client.get(reverse("audit:export_status", args=[export.pk])).content.decode()
    assert "The export failed (stopped 3 times before finishing)" in page


def test_an_export_no_worker_started_for_an_hour_is_marked_failed(superuser, broker_down):
    export = AuditExport.objects.create(
        exported_by=superuser, status="pending", heartbeat_at=timezone.now() - AGO
    )
    AuditExport.objects.filter(pk=export.pk).update(
        exported_at=timezone.now() - datetime.timedelta(hours=2)
    )
    audit_exports_sweep()
    export.refresh_from_db()
    assert export.status == "failed" and "within an hour" in export.error


def test_export_files_are_private_and_outside_the_source_tree(superuser, entries):
    export = audit_export_start(user=superuser, filters=AuditFilters())
    audit_export_run(export_id=export.pk)
    export.refresh_from_db()
    path = Path(export.file.path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert not path.is_relative_to(settings.BASE_DIR)


def test_the_default_private_folder_is_outside_the_checkout():
    from config.settings import base

    if not os.environ.get("STEPWISE_PRIVATE_DIR") and not os.environ.get("STEPWISE_PRIVATE_ROOT"):
        assert not Path(base.STEPWISE_PRIVATE_DIR).is_relative_to(base.BASE_DIR)
    assert "private/" in (Path(settings.BASE_DIR) / ".gitignore").read_text().split()


def test_files_are_deleted_after_the_retention_period(superuser, entries, client):
    export = audit_export_start(user=superuser, filters=AuditFilters())
    audit_export_run(export_id=export.pk)
    export.refresh_from_db()
    path = Path(export.file.path)
    days = settings.STEPWISE_EXPORT_RETENTION_DAYS
    AuditExport.objects.filter(pk=export.pk).update(
        finished_at=timezone.now() - datetime.timedelta(days=days - 1)
    )
    assert audit_exports_sweep()["deleted"] == 0 and path.exists()
    AuditExport.objects.filter(pk=export.pk).update(
        finished_at=timezone.now() - datetime.timedelta(days=days, minutes=1)
    )
    assert audit_exports_sweep()["deleted"] == 1
    assert not path.exists()
    export.refresh_from_db()
    assert export.status == "expired" and not export.file
    client.force_login(superuser)
    assert client.get(reverse("audit:export_download", args=[export.pk])).status_code == 404
    page = client.get(reverse("audit:export_status", args=[export.pk])).content.decode()
    assert "was deleted on" in page


def test_every_download_is_audited(superuser, entries, client):
    export = audit_export_start(user=superuser, filters=AuditFilters())
    audit_export_run(export_id=export.pk)
    client.force_login(superuser)
    for n in (1, 2):
        assert client.get(reverse("audit:export_download", args=[export.pk])).status_code == 200
        downloads = LogEntry.objects.filter(
            action=LogEntry.Action.ACCESS, additional_data__page="audit export download"
        )
        assert downloads.count() == n
