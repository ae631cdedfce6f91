"""Notification emails reach each recipient exactly once, counted at a real SMTP server, with
failures injected mid-batch: a refused address, a dropped connection, a database connection
lost after the mail server accepted a message."""

import datetime

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from placement.models import OutboxEmail, WorkItem
from placement.services import notifications
from placement.services.work import work_sweep
from tests.factories import PatientFactory, make_submitted, member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_process_tasks")]


@pytest.fixture
def six_supervisors(program_a, supervisor_a):
    others = [member(Role.SUPERVISOR, program_a, username=f"sup{i}") for i in range(5)]
    return [supervisor_a, *others]


def submit(clinician_a, program_a, capture):
    with capture(execute=True):
        return make_submitted(clinician_a, PatientFactory(program=program_a))


def time_passes():
    """Every wait is over (instead of sleeping through the back-off)."""
    past = timezone.now() - datetime.timedelta(seconds=1)
    OutboxEmail.objects.filter(next_attempt_at__isnull=False).update(next_attempt_at=past)
    WorkItem.objects.filter(next_attempt_at__isnull=False).update(next_attempt_at=past)
    stale = timezone.now() - datetime.timedelta(hours=1)
    OutboxEmail.objects.filter(status="sending").update(claimed_at=stale)


def sweep_many(times=12):
    for _ in range(times):
        time_passes()
        work_sweep(older_than_s=0)


def test_one_refused_address_never_makes_the_others_receive_twice(
    smtp_sink, six_supervisors, clinician_a, program_a, django_capture_on_commit_callbacks
):
    refused = six_supervisors[2].email
    smtp_sink.refuse[refused] = "451 4.7.1 mailbox busy, try later"
    placement = submit(clinician_a, program_a, django_capture_on_commit_callbacks)
    sweep_many()
    others = [u.email for u in six_supervisors if u.email != refused]
    assert {a: smtp_sink.received[a] for a in others} == dict.fromkeys(others, 1)
    assert smtp_sink.received[refused] == 0
    # Retried with waits, then given up: the limit, not forever.
    row = OutboxEmail.objects.get(to_address=refused)
    assert (row.status, row.attempts) == ("failed", OutboxEmail.MAX_ATTEMPTS)
    assert smtp_sink.rcpt_attempts[refused] == OutboxEmail.MAX_ATTEMPTS
    item = WorkItem.objects.get(placement=placement)
    assert item.failed_at is not None and "could not be delivered" in item.last_error


def test_a_permanent_refusal_fails_at_once(
    smtp_sink, six_supervisors, clinician_a, program_a, django_capture_on_commit_callbacks
):
    refused = six_supervisors[0].email
    smtp_sink.refuse[refused] = "550 5.1.1 no such mailbox"
    submit(clinician_a, program_a, django_capture_on_commit_callbacks)
    sweep_many()
    assert smtp_sink.rcpt_attempts[refused] == 1
    assert OutboxEmail.objects.get(to_address=refused).status == "failed"
    assert sum(smtp_sink.received.values()) == 5


def test_a_dropped_delivery_mid_batch_is_retried_once(
    smtp_sink, six_supervisors, clinician_a, program_a, django_capture_on_commit_callbacks
):
    flaky = six_supervisors[3].email
    smtp_sink.fail_data[flaky] = "421 4.3.0 closing connection"
    placement = submit(clinician_a, program_a, django_capture_on_commit_callbacks)
    assert smtp_sink.received[flaky] == 0
    assert OutboxEmail.objects.get(to_address=flaky).next_attempt_at > timezone.now()
    sweep_many()
    assert all(smtp_sink.received[u.email] == 1 for u in six_supervisors)
    assert WorkItem.objects.get(placement=placement).done_at is not None


def test_a_database_failure_after_sending_never_sends_again(
    smtp_sink,
    six_supervisors,
    clinician_a,
    program_a,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    real = notifications._mark_sent
    calls = {"n": 0}

    def connection_killed(email):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OperationalError("server closed the connection unexpectedly")
        return real(email)

    monkeypatch.setattr(notifications, "_mark_sent", connection_killed)
    placement = submit(clinician_a, program_a, django_capture_on_commit_callbacks)
    sweep_many()
    assert all(smtp_sink.received[u.email] == 1 for u in six_supervisors)
    statuses = sorted(OutboxEmail.objects.values_list("status", flat=True))
    assert statuses == ["sent"] * 5 + ["unknown"]
    item = WorkItem.objects.get(placement=placement)
    assert item.failed_at is not None  # a superuser looks at the interrupted one


def test_failed_work_is_shown_to_superusers_who_can_try_again(
    smtp_sink,
    six_supervisors,
    clinician_a,
    program_a,
    superuser,
    client,
    django_capture_on_commit_callbacks,
):
    refused = six_supervisors[1].email
    smtp_sink.refuse[refused] = "550 5.1.1 no such mailbox"
    placement = submit(clinician_a, program_a, django_capture_on_commit_callbacks)
    item = WorkItem.objects.get(placement=placement)
    assert item.failed_at is not None
    client.force_login(superuser)
    home = client.get(reverse("home")).content.decode()
    assert "1 background job failed" in home
    listing = client.get(reverse("admin:placement_workitem_changelist")).content.decode()
    assert f"placement {placement.pk}" in listing
    del smtp_sink.refuse[refused]  # the address was fixed
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:placement_workitem_changelist"),
            {"action": "try_again", "_selected_action": [item.pk]},
        )
    item.refresh_from_db()
    assert item.done_at is not None
    assert smtp_sink.received[refused] == 1
    assert sum(smtp_sink.received.values()) == 6


def test_the_digest_goes_through_the_outbox_once_a_day(
    smtp_sink, clinician_a, supervisor_a, program_a
):
    from placement.models import Placement
    from placement.tasks import overdue_digest

    placement = make_submitted(clinician_a, PatientFactory(program=program_a))
    Placement.objects.filter(pk=placement.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(hours=48)
    )
    assert overdue_digest.apply().get() == 1
    assert overdue_digest.apply().get() == 0
    assert smtp_sink.received[supervisor_a.email] == 1
