"""N6 and N14: a broker that accepts connections and then never answers must not freeze the
requests that enqueue work, nor `/healthz`. The broker here is a listening socket that never
reads or writes. The time bounds below only catch a hang (the run before the fix waited 107 s);
what is checked is that the request answered and what it saved."""

import signal
import socket

import pytest
from django.urls import reverse

from config import health
from config.celery import app as celery_app
from placement.models import Placement, WorkItem
from tests.intake.conftest import complete_moderate, start

pytestmark = pytest.mark.django_db

HANG_S = 20  # far above the ~1 s a frozen broker now costs; far below the 107 s it cost


@pytest.fixture
def frozen_broker(monkeypatch):
    """Point Celery at a socket that accepts connections and then says nothing."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    url = f"redis://127.0.0.1:{sock.getsockname()[1]}/0"
    monkeypatch.setenv("CELERY_BROKER_URL", url)  # Celery reads this before its settings
    monkeypatch.setitem(celery_app.conf, "broker_url", url)
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    yield url
    sock.close()


def answered_within(seconds, call):
    """``call()``'s result, or a failure when it is still running after ``seconds`` (an alarm
    in this thread: the request runs inside the test's transaction)."""

    def still_waiting(signum, frame):
        raise AssertionError(f"still waiting after {seconds} s")

    previous = signal.signal(signal.SIGALRM, still_waiting)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return call()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_submit_for_review_answers_and_saves_with_a_frozen_broker(
    client, clinician_a, patient_a, frozen_broker, django_capture_on_commit_callbacks
):
    clinician_client = client
    clinician_client.force_login(clinician_a)
    a = start(clinician_client, patient_a)
    complete_moderate(clinician_client, a)
    clinician_client.post(
        reverse("intake:assessment_step", args=[a.pk, "summary"]), {"confirm_ratings": "on"}
    )

    def submit():
        with django_capture_on_commit_callbacks(execute=True):
            return clinician_client.post(
                reverse("placement:recommendation", args=[a.pk]),
                {"provided_level": "2.1", "provided_withdrawal_level": "2-WM", "action": "submit"},
            )

    response = answered_within(HANG_S, submit)
    assert response.status_code == 302
    placement = Placement.objects.get(assessment=a)
    assert placement.status == "submitted"
    item = WorkItem.objects.get(placement=placement, kind="notify_supervisors")
    assert item.done_at is None  # undone, and the sweeper will send it when the broker is back


def test_healthz_answers_with_a_frozen_broker_and_reuses_the_probe(client, frozen_broker):
    first = answered_within(HANG_S, lambda: client.get("/healthz"))
    assert first.status_code == 503
    assert first.json()["checks"]["broker"]["ok"] is False
    again = answered_within(HANG_S, lambda: client.get("/healthz"))
    assert again.json()["checks"]["broker"].get("cached") is True  # no second probe


def test_while_one_request_probes_the_others_read_the_last_answer(frozen_broker):
    health._probe.update(at=0.0, result={"ok": True, "mode": "broker"})  # an old answer
    assert health._probe_lock.acquire()  # another request is probing now
    try:
        assert answered_within(2, health.check_broker) == {
            "ok": True,
            "mode": "broker",
            "cached": True,
        }
    finally:
        health._probe_lock.release()
