"""Exactly once per recipient when the worker is killed (-9) in the middle of a batch of
emails, with a real worker, a real broker and a real SMTP server (CI; skipped without a
broker)."""

import datetime
import os
import signal

import pytest
from django.utils import timezone

from accounts.roles import Role
from placement.models import OutboxEmail, WorkItem
from placement.services.work import work_sweep
from tests.celery_worker import start_worker, stop_worker, wait_until_ready
from tests.factories import PatientFactory, make_submitted, member
from tests.placement.test_worker import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker_env(smtp_sink):
    return {
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": str(smtp_sink.port),
    }


def test_killing_the_worker_mid_batch_sends_no_email_twice(
    smtp_sink, worker_env, celery_worker_process, clinician_a, supervisor_a, program_a
):
    import threading

    supervisors = [supervisor_a] + [
        member(Role.SUPERVISOR, program_a, username=f"sup{i}") for i in range(5)
    ]
    held = supervisors[2].email
    smtp_sink.hold[held] = threading.Event()  # the mail server stalls on the third message
    make_submitted(clinician_a, PatientFactory(program=program_a))
    assert smtp_sink.holding.wait(60), "the worker never reached the third email"
    os.kill(celery_worker_process.pid, signal.SIGKILL)
    celery_worker_process.wait()
    assert sum(smtp_sink.received.values()) == 2

    replacement = start_worker(worker_env)
    try:
        wait_until_ready(replacement)
        # Ten minutes later: the sweeper finds the interrupted email and the rest of the batch.
        OutboxEmail.objects.filter(status="sending").update(
            claimed_at=timezone.now() - datetime.timedelta(hours=1)
        )
        WorkItem.objects.update(last_sent_at=timezone.now() - datetime.timedelta(hours=1))
        work_sweep(older_than_s=0)
        assert wait_for(lambda: not OutboxEmail.objects.filter(status="pending").exists())
        assert wait_for(lambda: WorkItem.objects.filter(failed_at__isnull=False).exists())
    finally:
        stop_worker(replacement)
    others = [u.email for u in supervisors if u.email != held]
    assert {a: smtp_sink.received[a] for a in others} == dict.fromkeys(others, 1)
    assert smtp_sink.received[held] == 0
    assert OutboxEmail.objects.get(to_address=held).status == "unknown"
