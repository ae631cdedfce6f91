"""Recording the decision: the indicated level, or another with a coded reason."""

import pytest
from django.urls import reverse

from placement.models import Placement
from tests.intake.conftest import complete_moderate, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(clinician_client, patient_a):
    a = start(clinician_client, patient_a)
    complete_moderate(clinician_client, a)
    clinician_client.post(
        reverse("intake:assessment_step", args=[a.pk, "summary"]), {"confirm_ratings": "on"}
    )
    return a


def decide(client, assessment, **data):
    return client.post(
        reverse("placement:recommendation", args=[assessment.pk]),
        {"provided_withdrawal_level": "2-WM", "action": "submit", **data},
    )


def test_a_different_level_needs_a_reason(clinician_client, ready):
    response = decide(clinician_client, ready, provided_level="1")
    assert response.status_code == 200
    assert "choose the reason" in response.content.decode()
    assert not Placement.objects.exists()


def test_other_needs_free_text(clinician_client, ready):
    response = decide(clinician_client, ready, provided_level="1", discrepancy_reason="other")
    assert "Describe the reason when you choose Other." in response.content.decode()
    response = decide(
        clinician_client, ready, provided_level="1", discrepancy_reason="other",
        discrepancy_text="Patient is the only carer for a parent.",
    )  # fmt: skip
    assert response.status_code == 302
    p = Placement.objects.get()
    assert (p.discrepancy, p.discrepancy_reason, p.provided_level) == (True, "other", "1")


def test_declined_level_is_recorded_with_payer_authorization(clinician_client, ready):
    response = decide(
        clinician_client, ready, provided_level="1", discrepancy_reason="patient_preference",
        authorized_level="2.1",
    )  # fmt: skip
    assert response.status_code == 302
    p = Placement.objects.get()
    assert (p.indicated_level, p.provided_level, p.authorized_level) == ("2.1", "1", "2.1")
    assert p.discrepancy_reason == "patient_preference"


def test_providing_the_indicated_level_needs_no_reason(clinician_client, ready):
    response = decide(clinician_client, ready, provided_level="2.1", discrepancy_reason="financial")
    assert response.status_code == 302
    p = Placement.objects.get()
    assert (p.discrepancy, p.discrepancy_reason) == (False, "not_applicable")


def test_decision_can_be_saved_as_a_draft(clinician_client, ready):
    response = decide(
        clinician_client, ready, provided_level="1", discrepancy_reason="transportation",
        action="save",
    )  # fmt: skip
    assert response.status_code == 302
    ready.refresh_from_db()
    assert ready.decision["discrepancy_reason"] == "transportation"
    assert ready.status == "draft" and not Placement.objects.exists()
    page = clinician_client.get(
        reverse("placement:recommendation", args=[ready.pk])
    ).content.decode()
    assert 'value="transportation" selected' in page


def test_unknown_level_is_refused(clinician_client, ready):
    response = decide(clinician_client, ready, provided_level="9")
    assert "Select a valid choice" in response.content.decode()
