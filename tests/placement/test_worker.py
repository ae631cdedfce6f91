"""Background work with a real Celery worker process consuming from Redis (run by CI; skipped
without CELERY_BROKER_URL)."""

import threading
import time
from pathlib import Path

import pytest
from django.db import connections

from config.celery import app as celery_app
from placement.models import Placement, PlacementDocument, Signature, WorkItem
from placement.services.reviews import ReviewError, review_approve, review_claim
from placement.services.work import work_sweep
from placement.tasks import run_work_item
from tests.factories import PatientFactory, make_submitted

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def mail_dir(tmp_path):
    return tmp_path / "mail"


@pytest.fixture
def worker_env(mail_dir):
    return {
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "DJANGO_EMAIL_FILE_PATH": str(mail_dir),
    }


def wait_for(predicate, timeout_s=45.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def sent(mail_dir: Path) -> list[str]:
    if not mail_dir.exists():
        return []
    return [p.read_text() for p in sorted(mail_dir.iterdir())]


def all_done():
    return not WorkItem.objects.filter(done_at__isnull=True).exists()


def reconnect():
    """Drop the web process's cached broker connections so the next publish reconnects."""
    from kombu import pools

    pools.reset()  # kombu keeps producer pools per connection, process-wide
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def approve(placement, supervisor):
    review_claim(placement_id=placement.pk, user=supervisor)
    return review_approve(placement_id=placement.pk, user=supervisor)


def test_worker_notifies_renders_the_pdf_once_and_emails_once(
    celery_worker_process, mail_dir, clinician_a, supervisor_a, program_a
):
    placement = make_submitted(clinician_a, PatientFactory(program=program_a))
    assert wait_for(all_done), "the worker did not notify the supervisors"
    assert len(sent(mail_dir)) == 1
    approve(placement, supervisor_a)
    assert wait_for(lambda: all_done() and WorkItem.objects.count() == 3)
    assert PlacementDocument.objects.filter(placement=placement).count() == 1
    assert bytes(PlacementDocument.objects.get().pdf)[:5] == b"%PDF-"
    messages = sent(mail_dir)
    assert len(messages) == 2
    assert any("was approved" in m for m in messages)


def test_a_task_sent_twice_produces_no_duplicates(
    celery_worker_process, mail_dir, clinician_a, supervisor_a, program_a
):
    placement = make_submitted(clinician_a, PatientFactory(program=program_a))
    approve(placement, supervisor_a)
    assert wait_for(lambda: all_done() and WorkItem.objects.count() == 3)
    for item in WorkItem.objects.all():
        run_work_item.delay(item.pk)
        run_work_item.delay(item.pk)
    # The solo worker takes tasks in order: once a ping comes back, the repeats are done.
    from config.celery import ping

    assert ping.apply_async().get(timeout=60) == "pong"
    assert PlacementDocument.objects.count() == 1
    assert len(sent(mail_dir)) == 2


def test_broker_down_at_submission_then_back_completes_the_work(
    celery_worker_process, mail_dir, clinician_a, supervisor_a, program_a, monkeypatch
):
    real = celery_app.conf.broker_url
    dead = "redis://127.0.0.1:9/0"  # the broker as the web process sees it: unreachable
    monkeypatch.setenv("CELERY_BROKER_URL", dead)
    monkeypatch.setitem(celery_app.conf, "broker_url", dead)
    reconnect()
    placement = make_submitted(clinician_a, PatientFactory(program=program_a))
    assert Placement.objects.get(pk=placement.pk).status == "submitted"
    assert WorkItem.objects.get(placement=placement).done_at is None
    monkeypatch.setenv("CELERY_BROKER_URL", real)
    monkeypatch.setitem(celery_app.conf, "broker_url", real)
    reconnect()
    time.sleep(1)
    assert sent(mail_dir) == []
    assert work_sweep(older_than_s=0) == 1
    assert wait_for(all_done), "the sweeper's re-send was not processed"
    assert len(sent(mail_dir)) == 1


def test_two_supervisors_approving_at_once_make_exactly_one_signature(
    celery_worker_process, clinician_a, supervisor_a, program_a
):
    from accounts.roles import Role
    from tests.factories import member

    if connections["default"].vendor != "postgresql":
        pytest.skip("needs a database with real row locks")
    second = member(Role.SUPERVISOR, program_a, username="second")
    placement = make_submitted(clinician_a, PatientFactory(program=program_a))
    barrier = threading.Barrier(2)
    results = []

    def try_approve(user):
        try:
            barrier.wait()
            approve(placement, user)
            results.append("signed")
        except ReviewError as exc:
            results.append(type(exc).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=try_approve, args=(u,)) for u in (supervisor_a, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results) == ["ClaimConflict", "signed"]
    assert Signature.objects.filter(placement=placement).count() == 1


def test_a_large_impact_preview_runs_on_the_worker(
    celery_worker_process, clinician_a, rule_admin, program_a, settings
):
    from rulesets.impact import impact_start
    from rulesets.models import ImpactJob, RuleSet
    from rulesets.services import rule_set_clone
    from tests.factories import make_assessment

    settings.STEPWISE_IMPACT_SYNC_LIMIT = 0
    make_assessment(clinician_a, PatientFactory(program=program_a))
    draft = rule_set_clone(
        rule_set=RuleSet.objects.get(name="asam3-default", status="published"), user=rule_admin
    )
    job = impact_start(rule_set=draft, user=rule_admin)
    assert job.status == "pending"
    assert wait_for(lambda: ImpactJob.objects.get(pk=job.pk).status == "done")
    assert ImpactJob.objects.get(pk=job.pk).result["cases"] == 1
