"""Lockout after failed sign-ins, password rules, and automatic sign-out after inactivity."""

import time

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from accounts.middleware import SESSION_KEY
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def attempt(client, username, password, ip="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_five_failures_lock_the_username_and_address_with_a_clear_message(client, clinician_a):
    for _ in range(4):
        assert attempt(client, "clinician_a", "wrong-password").status_code == 200
    locked = attempt(client, "clinician_a", "wrong-password")
    assert locked.status_code == 429
    assert b"Try again in 15 minutes" in locked.content
    # Even the right password is refused while locked...
    assert attempt(client, "clinician_a", PASSWORD).status_code == 429
    # ...but only for that username from that address.
    assert attempt(client, "clinician_a", PASSWORD, ip="10.0.0.2").status_code == 302


def test_an_admin_unlocks_by_clearing_the_attempts(client, clinician_a):
    from axes.utils import reset

    for _ in range(5):
        attempt(client, "clinician_a", "wrong-password")
    assert AccessAttempt.objects.exists()
    reset(username="clinician_a")
    assert attempt(client, "clinician_a", PASSWORD).status_code == 302


def test_lockout_lasts_fifteen_minutes(settings):
    import datetime

    assert settings.AXES_FAILURE_LIMIT == 5
    assert datetime.timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_idle_session_is_signed_out(client, clinician_a, settings):
    settings.STEPWISE_IDLE_TIMEOUT_S = 900
    client.force_login(clinician_a)
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session[SESSION_KEY] = time.time() - 901
    session.save()
    response = client.get(reverse("intake:patient_list"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.get(reverse("home")).status_code == 302  # the session is gone


def test_background_polling_does_not_keep_a_session_alive(client, clinician_a, supervisor_a):
    client.force_login(supervisor_a)
    client.get(reverse("home"))
    session = client.session
    session[SESSION_KEY] = time.time() - 800
    session.save()
    response = client.get(
        reverse("placement:review_queue"),
        HTTP_X_STEPWISE_BACKGROUND="1",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="queue-results",
    )
    assert response.status_code == 200
    assert client.session[SESSION_KEY] < time.time() - 700  # not refreshed by the poll
    session = client.session
    session[SESSION_KEY] = time.time() - 901
    session.save()
    response = client.get(
        reverse("placement:review_queue"), HTTP_X_STEPWISE_BACKGROUND="1", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 204 and response["HX-Redirect"].startswith("/accounts/login/")


def test_activity_keeps_the_session_alive(client, clinician_a):
    client.force_login(clinician_a)
    client.get(reverse("home"))
    session = client.session
    session[SESSION_KEY] = time.time() - 600
    session.save()
    assert client.post(reverse("keepalive")).status_code == 204
    assert client.session[SESSION_KEY] > time.time() - 5


def test_step_autosave_before_sign_out_keeps_the_work(client, clinician_a, program_a):
    import datetime

    from tests.factories import PatientFactory, step_post

    patient = PatientFactory(program=program_a, date_of_birth=datetime.date(1990, 1, 1))
    client.force_login(clinician_a)
    client.post(
        reverse("portal:assessment_create", args=[patient.pk]),
        {"kind": "initial", "assessment_date": datetime.date.today().isoformat()},
    )
    assessment = patient.assessments.get()
    data = step_post("D5", {"craving_0_10": 8}, version=assessment.version)
    data["autosave_before_signout"] = "1"
    response = client.post(reverse("intake:assessment_step", args=[assessment.pk, "D5"]), data)
    assert response["Location"].startswith("/accounts/login/")
    assessment.refresh_from_db()
    assert assessment.answers["craving_0_10"] == 8
    assert client.get(reverse("home")).status_code == 302  # signed out


def test_passwords_need_twelve_characters():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("short-pass1")
    validate_password("a-long-enough-passphrase")


def test_every_request_moves_the_deadline_the_browser_counts_from(client, clinician_a):
    """The browser saves the draft a few seconds before the deadline counted from its last
    request: the server must count from that request too, or the session ends first."""
    client.force_login(clinician_a)
    client.get(reverse("home"))
    session = client.session
    session[SESSION_KEY] = time.time() - 10
    session.save()
    assert client.get(reverse("intake:patient_list")).status_code == 200
    assert client.session[SESSION_KEY] > time.time() - 5
