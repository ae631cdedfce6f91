"""The audit source address and the lockout's address cannot be forged with X-Forwarded-For:
the header is believed only from configured proxies."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from tests.factories import PASSWORD, PatientFactory

pytestmark = pytest.mark.django_db


def view_patient(client, patient, **headers):
    client.get(reverse("portal:patient_detail", args=[patient.pk]), **headers)
    return LogEntry.objects.filter(action=LogEntry.Action.ACCESS).latest("id")


def test_a_forged_forwarded_for_header_is_ignored(client, clinician_a, program_a):
    patient = PatientFactory(program=program_a)
    client.force_login(clinician_a)
    entry = view_patient(
        client, patient, REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="203.0.113.66"
    )
    assert entry.remote_addr == "198.51.100.9"
    assert entry.remote_port is None


def test_the_header_is_believed_from_a_configured_proxy(client, clinician_a, program_a, settings):
    settings.STEPWISE_TRUSTED_PROXIES = ["10.0.0.0/8"]
    patient = PatientFactory(program=program_a)
    client.force_login(clinician_a)
    # The client forged a first hop; our two proxies appended what they saw.
    entry = view_patient(
        client,
        patient,
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.66, 198.51.100.20, 10.0.0.1",
    )
    assert entry.remote_addr == "198.51.100.20"
    # From outside the proxy network the same header means nothing.
    entry = view_patient(
        client, patient, REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="198.51.100.20"
    )
    assert entry.remote_addr == "192.0.2.1"


def test_a_forged_header_does_not_escape_the_lockout(client, clinician_a):
    for i in range(5):
        client.post(
            reverse("login"),
            {"username": "clinician_a", "password": "wrong-password"},
            REMOTE_ADDR="198.51.100.9",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{i}",
        )
    response = client.post(
        reverse("login"),
        {"username": "clinician_a", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.9",
        HTTP_X_FORWARDED_FOR="203.0.113.200",
    )
    assert response.status_code == 429
