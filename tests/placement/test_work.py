"""Background work is never lost and never duplicated (in-process tasks; the same with a real
worker is in test_worker.py)."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from kombu.exceptions import OperationalError

from placement.models import OutboxEmail, Placement, WorkItem
from placement.services.work import work_run, work_sweep
from placement.tasks import overdue_digest, run_work_item
from tests.factories import PatientFactory, make_submitted

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_process_tasks")]


@pytest.fixture
def broker_down(monkeypatch):
    """Enqueueing fails as with an unreachable broker; calling the result brings it back."""
    working = run_work_item.apply_async

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(run_work_item, "apply_async", refuse)
    return lambda: monkeypatch.setattr(run_work_item, "apply_async", working)


def test_submission_succeeds_with_the_broker_down_and_the_sweeper_catches_up(
    clinician_a, supervisor_a, patient_a, django_capture_on_commit_callbacks, broker_down,
):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        placement = make_submitted(clinician_a, patient_a)
    assert Placement.objects.get(pk=placement.pk).status == "submitted"
    item = WorkItem.objects.get(placement=placement)
    assert item.done_at is None and mail.outbox == []
    assert work_sweep(older_than_s=0) == 0  # still down: nothing sent, nothing lost
    broker_down()  # the broker is back
    assert work_sweep(older_than_s=0) == 1
    item.refresh_from_db()
    assert item.done_at is not None
    assert len(mail.outbox) == 1


def test_a_task_run_twice_sends_nothing_twice(
    clinician_a, supervisor_a, patient_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        placement = make_submitted(clinician_a, patient_a)
    item = WorkItem.objects.get(placement=placement)
    assert len(mail.outbox) == 1
    assert work_run(item_id=item.pk) is False
    run_work_item.apply(args=[item.pk])
    assert len(mail.outbox) == 1
    assert OutboxEmail.objects.filter(status="sent").count() == 1


def test_an_interrupted_task_is_redone_once(clinician_a, supervisor_a, patient_a):
    # No on_commit capture: the enqueue never happened, as if the worker died before finishing.
    placement = make_submitted(clinician_a, patient_a)
    item = WorkItem.objects.get(placement=placement)
    WorkItem.objects.filter(pk=item.pk).update(
        attempts=1, last_sent_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    assert work_sweep() == 1
    assert work_sweep() == 0  # done now: not sent again
    assert len(mail.outbox) == 1


def test_sweeper_leaves_recently_sent_work_alone(clinician_a, supervisor_a, patient_a):
    make_submitted(clinician_a, patient_a)  # enqueued just now (on_commit not run here)
    assert work_sweep() == 0


def test_daily_digest_goes_once_to_supervisors_with_overdue_reviews(
    clinician_a, supervisor_a, supervisor_b, program_a
):
    placement = make_submitted(clinician_a, PatientFactory(program=program_a))
    Placement.objects.filter(pk=placement.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(hours=48)
    )
    mail.outbox.clear()
    assert overdue_digest.apply().get() == 1
    assert overdue_digest.apply().get() == 0
    assert [m.to for m in mail.outbox] == [[supervisor_a.email]]
    assert "1 placement review(s) overdue" in mail.outbox[0].subject
