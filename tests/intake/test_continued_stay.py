"""Continued-stay reviews start from the previous answers and show what changed."""

import pytest
from django.urls import reverse

from placement.services.reviews import review_approve, review_claim
from tests.factories import MODERATE_ANSWERS, make_submitted
from tests.intake.conftest import save_step, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(clinician_a, supervisor_a, patient_a):
    placement = make_submitted(clinician_a, patient_a)
    review_claim(placement_id=placement.pk, user=supervisor_a)
    return review_approve(placement_id=placement.pk, user=supervisor_a)


def test_continued_stay_prefills_the_previous_answers(clinician_client, patient_a, signed):
    review = start(clinician_client, patient_a, kind="continued_stay")
    assert review.previous == signed.assessment
    assert review.answers["ciwa_ar_score"] == 12
    page = clinician_client.get(reverse("intake:assessment_step", args=[review.pk, "D1"]))
    assert 'value="12"' in page.content.decode()


def test_summary_shows_change_per_dimension_and_a_step_down(clinician_client, patient_a, signed):
    review = start(clinician_client, patient_a, kind="continued_stay")
    improved = dict(MODERATE_ANSWERS)
    improved["D1"] = {"ciwa_ar_score": 0}
    improved["D3"] = {"suicide_risk": "none", "psychiatric_symptoms": "mild"}
    improved["D4"] = {"stage_of_change": "action"}
    improved["D5"] = {"craving_0_10": 2, "coping_skills": "good"}
    ratings = {"D1": 0, "D2": 1, "D3": 1, "D4": 0, "D5": 0, "D6": 0}
    for step, answers in improved.items():
        response = save_step(clinician_client, review, step, answers, rating=ratings.get(step))
        assert response.status_code == 302
    summary = clinician_client.get(reverse("intake:assessment_step", args=[review.pk, "summary"]))
    html = summary.content.decode()
    assert "-2 (lower risk)" in html  # D1 2 -> 0
    assert "no change" in html  # D2 1 -> 1
    clinician_client.post(
        reverse("intake:assessment_step", args=[review.pk, "summary"]), {"confirm_ratings": "on"}
    )
    rec = review.recommendations.get()
    assert rec.level == "1"
    page = clinician_client.get(
        reverse("placement:recommendation", args=[review.pk])
    ).content.decode()
    assert "Step down" in page and "from 2.1 Intensive Outpatient" in page


def test_a_worse_picture_is_a_step_up(clinician_client, patient_a, signed):
    review = start(clinician_client, patient_a, kind="continued_stay")
    worse = dict(MODERATE_ANSWERS)
    worse["D6"] = {"housing": "homeless", "supportive_person": True}
    for step, answers in worse.items():
        rating = {"D1": 2, "D2": 1, "D3": 2, "D4": 2, "D5": 2, "D6": 3}.get(step)
        save_step(clinician_client, review, step, answers, rating=rating)
    clinician_client.post(
        reverse("intake:assessment_step", args=[review.pk, "summary"]), {"confirm_ratings": "on"}
    )
    page = clinician_client.get(
        reverse("placement:recommendation", args=[review.pk])
    ).content.decode()
    assert "Step up" in page


def test_first_placement_is_an_entry_point(clinician_client, patient_a):
    from tests.intake.conftest import complete_moderate

    assessment = start(clinician_client, patient_a)
    complete_moderate(clinician_client, assessment)
    clinician_client.post(
        reverse("intake:assessment_step", args=[assessment.pk, "summary"]),
        {"confirm_ratings": "on"},
    )
    page = clinician_client.get(reverse("placement:recommendation", args=[assessment.pk]))
    assert "Entry point" in page.content.decode()
