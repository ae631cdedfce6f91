"""N2: a spreadsheet import has limits on what it unpacks and on the work it does, checked
before openpyxl parses anything, each refusal naming the limit; large imports run as a
background job. Memory is measured with tracemalloc (never a timed assertion)."""

import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from engine import RuleSetError
from rulesets import spreadsheet
from rulesets.models import Rule, RuleSet, RuleSetImport
from rulesets.services.imports import rule_set_import_file, rule_set_imports_sweep
from tests.security import xlsx_attacks as x

pytestmark = pytest.mark.django_db

MB = 1_000_000


def counts():
    return RuleSet.objects.count(), Rule.objects.count()


def refused_within(raw: bytes, user, *, peak_mb: float) -> list[str]:
    """Import ``raw``; it must be refused, write nothing, and stay under ``peak_mb`` of
    Python memory while trying."""
    before = counts()
    tracemalloc.start()
    try:
        with pytest.raises(RuleSetError) as exc:
            rule_set_import_file(user=user, file_name="rules.xlsx", raw=raw)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert counts() == before
    assert peak < peak_mb * MB, f"peak {peak / MB:.1f} MB"
    return exc.value.problems


def test_a_part_that_unpacks_too_large_is_refused_before_parsing(rule_admin):
    raw = x.exported()
    bomb = x.with_parts(raw, {x.sheet_part(raw, "Levels"): x.padded_sheet(60 * MB)})
    assert len(bomb) < 200_000  # a small upload...
    problems = refused_within(bomb, rule_admin, peak_mb=5)  # ... that never unpacks
    assert "unpacks to 60,000,000 bytes; the limit is 5,000,000 bytes per part" in problems[0]


def test_a_part_compressed_too_well_is_refused(rule_admin):
    raw = x.exported()
    bomb = x.with_parts(raw, {x.sheet_part(raw, "Flags"): x.padded_sheet(4 * MB)})
    problems = refused_within(bomb, rule_admin, peak_mb=5)
    assert "the limit is 100 times" in problems[0] and "xl/worksheets/" in problems[0]


def test_parts_that_unpack_too_large_together_are_refused(rule_admin):
    raw = x.exported()
    parts = {f"xl/media/noise{i}.bin": x.noisy_part(3_500_000, i) for i in range(3)}
    bomb = x.with_parts(raw, parts, level=6)
    assert len(bomb) < 2 * MB
    problems = refused_within(bomb, rule_admin, peak_mb=5)
    assert "the limit is 10,000,000 bytes" in problems[0]


def test_too_many_sheets_are_refused(rule_admin):
    raw = x.exported()
    extra = {f"xl/worksheets/extra{i}.xml": x.padded_sheet(200) for i in range(40)}
    problems = refused_within(x.with_parts(raw, extra), rule_admin, peak_mb=5)
    assert "sheets; the limit is 40" in problems[0]


def test_a_sheet_claiming_the_whole_grid_is_read_only_to_the_limits(rule_admin):
    raw = x.exported()
    sparse = x.with_parts(raw, {x.sheet_part(raw, "Levels"): x.far_corner_sheet(6_000)})
    problems = refused_within(sparse, rule_admin, peak_mb=60)
    assert "Sheet 'Levels': more than 5,000 rows." in problems


@override_settings(STEPWISE_IMPORT_TIME_LIMIT_S=0)
def test_reading_stops_at_the_time_limit(rule_admin):
    problems = refused_within(x.exported(), rule_admin, peak_mb=60)
    assert problems == [
        "Reading the spreadsheet took longer than the limit of 0 seconds; nothing was imported."
    ]


def test_an_export_is_well_inside_every_limit():
    raw = x.exported()
    assert spreadsheet.check_archive(raw) < spreadsheet.MAX_UNPACKED // 20


@override_settings(STEPWISE_IMPORT_SYNC_BYTES=1_000)
def test_a_large_import_runs_as_a_background_job_and_shows_its_draft(
    rule_admin, client, in_process_tasks, django_capture_on_commit_callbacks
):
    client.force_login(rule_admin)
    upload = SimpleUploadedFile("big.xlsx", x.exported())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("rules:import"), {"file": upload})
    job = RuleSetImport.objects.get()
    assert response["Location"] == reverse("rules:import_job", args=[job.pk])
    job.refresh_from_db()
    assert job.status == "done" and job.draft.label == "asam3-default@4"
    assert bytes(job.content) == b""  # the file is not kept once read
    page = client.get(response["Location"]).content.decode()
    assert "Imported as draft asam3-default@4." in page
    assert reverse("rules:version", args=["asam3-default", 4]) in page


@override_settings(STEPWISE_IMPORT_SYNC_BYTES=1_000)
def test_a_large_import_that_fails_lists_its_problems_on_its_page(
    rule_admin, client, in_process_tasks, django_capture_on_commit_callbacks
):
    raw = x.exported()
    sparse = x.with_parts(raw, {x.sheet_part(raw, "Levels"): x.far_corner_sheet(6_000)})
    client.force_login(rule_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("rules:import"), {"file": SimpleUploadedFile("big.xlsx", sparse)}
        )
    page = client.get(response["Location"]).content.decode()
    assert "The file was not imported" in page and "more than 5,000 rows" in page
    assert RuleSet.objects.filter(name="asam3-default", version=4).count() == 0


@override_settings(STEPWISE_IMPORT_SYNC_BYTES=1_000)
def test_an_import_no_worker_took_is_sent_again_by_the_sweeper(rule_admin, in_process_tasks):
    import datetime

    from django.utils import timezone

    job = RuleSetImport.objects.create(
        created_by=rule_admin,
        file_name="big.xlsx",
        content=x.exported(),
        heartbeat_at=timezone.now() - datetime.timedelta(hours=0, minutes=10),
    )
    assert rule_set_imports_sweep() == 1
    job.refresh_from_db()
    assert job.status == "done" and job.draft is not None


def test_someone_elses_import_job_is_not_found(rule_admin, client, program_a):
    from accounts.roles import Role
    from tests.factories import member

    job = RuleSetImport.objects.create(created_by=rule_admin, file_name="big.xlsx")
    other = member(Role.RULE_ADMIN, program_a, username="other_admin")
    client.force_login(other)
    assert client.get(reverse("rules:import_job", args=[job.pk])).status_code == 404
