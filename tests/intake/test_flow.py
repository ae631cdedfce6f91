"""The clinician's day: register, assess, see the recommendation, decide, submit."""

import pytest
from django.urls import reverse

from placement.models import Placement, Recommendation, WorkItem
from tests.intake.conftest import complete_moderate, start

pytestmark = pytest.mark.django_db


def test_moderate_case_end_to_end(clinician_client, patient_a, supervisor_a):
    assessment = start(clinician_client, patient_a)
    complete_moderate(clinician_client, assessment)
    summary = clinician_client.get(
        reverse("intake:assessment_step", args=[assessment.pk, "summary"])
    )
    assert summary.status_code == 200
    response = clinician_client.post(
        reverse("intake:assessment_step", args=[assessment.pk, "summary"]),
        {"confirm_ratings": "on"},
    )
    assert response["Location"] == reverse("placement:recommendation", args=[assessment.pk])
    page = clinician_client.get(response["Location"])
    assert page.status_code == 200
    rec = Recommendation.objects.get(assessment=assessment)
    assert (rec.level, rec.withdrawal_level, rec.modifiers) == ("2.1", "2-WM", ["COE"])
    text = page.content.decode()
    assert "Intensive Outpatient" in text
    assert "T-D3-2" in text and "W-D1-2-SUPPORTED" in text
    assert "asam3-default@3" in text
    assert "At least 9 hours a week" in text
    response = clinician_client.post(
        reverse("placement:recommendation", args=[assessment.pk]),
        {"provided_level": "2.1", "provided_withdrawal_level": "2-WM", "action": "submit"},
    )
    assert response.status_code == 302
    placement = Placement.objects.get(assessment=assessment)
    assert placement.status == "submitted" and not placement.discrepancy
    assessment.refresh_from_db()
    assert assessment.status == "submitted"
    assert WorkItem.objects.filter(placement=placement, kind="notify_supervisors").exists()
