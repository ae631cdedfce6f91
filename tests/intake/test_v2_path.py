"""The clinician's path with rule set version 2: emergencies shown on the step itself, drafts
moving to the current rules, release notes, and what the clinician reads being right."""

import datetime
import io

import pytest
from django.urls import reverse

from intake.models import Assessment
from placement.services.reviews import review_approve, review_claim
from rulesets.models import RuleSet
from tests.factories import (
    MODERATE_ANSWERS,
    PatientFactory,
    make_assessment,
    make_submitted,
    step_post,
)
from tests.intake.conftest import complete_moderate, save_step, start

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_process_tasks")]


def live(client, assessment, step, answers, rating=None):
    """What the page's live update gets back for the answers on screen."""
    assessment.refresh_from_db()
    data = step_post(step, answers, version=assessment.version)
    if rating is not None:
        data.update({"rating": str(rating), "rating_follows": "0"})
    return client.post(
        reverse("intake:step_suggest", args=[assessment.pk, step]), data, HTTP_HX_REQUEST="true"
    ).content.decode()


# -- emergencies shown at once ----------------------------------------------------------------


def test_intent_or_a_plan_shows_the_banner_in_the_same_live_update(clinician_client, patient_a):
    assessment = start(clinician_client, patient_a)
    html = live(
        clinician_client, assessment, "D3",
        {"suicide_risk": "intent_or_plan", "psychiatric_symptoms": "none"},
    )  # fmt: skip
    assert 'data-suggested-rating="4"' in html
    assert html.count('id="emergency-banner" hx-swap-oob="true"') == 1
    assert html.count("Emergency: arrange an emergency evaluation now") == 1
    assert "Intent or a plan to end their life." in html
    assert 'value="emergency"' in html  # straight to the recommendation


def test_a_confirmed_rating_of_4_shows_the_banner_naming_it(clinician_client, patient_a):
    assessment = start(clinician_client, patient_a)
    html = live(clinician_client, assessment, "D2", {"medical_condition_status": "stable"}, 4)
    assert "Emergency: arrange an emergency evaluation now" in html
    assert "You rated D2 (Biomedical Conditions and Complications) 4." in html


def test_no_banner_without_an_emergency(clinician_client, patient_a):
    assessment = start(clinician_client, patient_a)
    html = live(clinician_client, assessment, "D3", {"suicide_risk": "ideation"})
    assert "Emergency" not in html
    assert '<div id="emergency-banner" hx-swap-oob="true">' in html  # clears an earlier one


def test_the_banner_stays_on_later_steps_and_says_it_once(clinician_client, patient_a):
    assessment = start(clinician_client, patient_a)
    save_step(
        clinician_client, assessment, "D3",
        {"suicide_risk": "none", "suicide_attempt_past_3_months": True,
         "psychiatric_symptoms": "none"}, rating=3,
    )  # fmt: skip
    page = clinician_client.get(
        reverse("intake:assessment_step", args=[assessment.pk, "D4"])
    ).content.decode()
    assert page.count("Emergency: arrange an emergency evaluation now") == 1
    assert "A suicide attempt in the past 3 months." in page


def test_the_banner_link_saves_the_step_and_opens_the_recommendation(clinician_client, patient_a):
    assessment = start(clinician_client, patient_a)
    response = save_step(
        clinician_client, assessment, "D3",
        {"suicide_risk": "intent_or_plan", "psychiatric_symptoms": "none"}, rating=4,
        action="emergency",
    )  # fmt: skip
    assert response["Location"] == reverse("placement:recommendation", args=[assessment.pk])
    page = clinician_client.get(response["Location"]).content.decode()
    assert "Emergency: arrange an emergency evaluation now" in page
    assert "Intent or a plan to end their life." in page
    assert "finish these steps" in page  # the level needs D4-D6 and the rest
    assessment.refresh_from_db()
    assert assessment.confirmed_ratings["D3"] == 4
    # Each remaining step says what it still needs, in words.
    assert "Substances and diagnosis</a>: still needs Number of DSM-5" in page
    assert "Craving today, 0 (none) to 10 (worst)" in page
    assert "the rating of D5 (Relapse, Continued Use, or Continued Problem Potential)" in page
    # D3 was saved from the banner with its rating: only the confirmation is left.
    assert "the rating of D3" not in page
    assert "Problem Potential</a>: still needs" in page
    assert "everything is entered; open it and choose Save and continue" in page


def test_the_emergency_handout_puts_the_evaluation_first(clinician_a, program_a, client):
    answers = {
        **MODERATE_ANSWERS,
        "D3": {"suicide_risk": "intent_or_plan", "psychiatric_symptoms": "none"},
    }
    assessment = make_assessment(
        clinician_a, PatientFactory(program=program_a), answers=answers, ratings={"D3": 4}
    )
    client.force_login(clinician_a)
    page = client.get(reverse("placement:handout", args=[assessment.pk])).content.decode()
    first = page.index("First: an emergency evaluation, today")
    assert first < page.index("Recommended for you")


# -- drafts started under version 1 -----------------------------------------------------------


@pytest.fixture
def v1_draft(clinician_client, patient_a):
    assessment = start(clinician_client, patient_a)
    Assessment.objects.filter(pk=assessment.pk).update(
        rule_set=RuleSet.objects.get(name="asam3-default", version=1)
    )
    assessment.refresh_from_db()
    return assessment


def test_a_version_1_draft_says_it_will_move_and_moves_at_its_next_save(clinician_client, v1_draft):
    page = clinician_client.get(
        reverse("intake:assessment_step", args=[v1_draft.pk, "D1"])
    ).content.decode()
    assert "started under the rules asam3-default, version 1" in page
    assert "moves to asam3-default, version 3" in page
    response = save_step(
        clinician_client, v1_draft, "D1",
        {"ciwa_ar_score": 6, "withdrawal_complications_history": True}, rating=2,
    )  # fmt: skip
    page = clinician_client.get(response["Location"]).content.decode()
    assert "now uses the rule set asam3-default@3" in page
    v1_draft.refresh_from_db()
    assert v1_draft.rule_set.label == "asam3-default@3"
    assert v1_draft.suggested_ratings["D1"] == 2  # version 2's complicated-history rule, kept


def test_submitted_work_keeps_version_1(clinician_a, supervisor_a, patient_a):
    placement = make_submitted(clinician_a, patient_a)
    v1 = RuleSet.objects.get(name="asam3-default", version=1)
    Assessment.objects.filter(pk=placement.assessment_id).update(rule_set=v1)
    review_claim(placement_id=placement.pk, user=supervisor_a)
    review_approve(placement_id=placement.pk, user=supervisor_a)
    placement.assessment.refresh_from_db()
    assert placement.assessment.rule_set == v1


# -- release notes ----------------------------------------------------------------------------


def test_release_notes_list_every_change_and_the_programs_impact(
    clinician_client, clinician_a, program_a
):
    calm = {**MODERATE_ANSWERS, "D1": {"ciwa_ar_score": 0},
            "D5": {"craving_0_10": 1, "coping_skills": "good"},
            "D3": {"suicide_risk": "none", "psychiatric_symptoms": "none"}}  # fmt: skip
    # Readiness alone: 2.1 under version 1, 1 under version 2.
    make_assessment(clinician_a, PatientFactory(program=program_a), answers=calm,
                    ratings={"D1": 0, "D3": 0, "D5": 0})  # fmt: skip
    home = clinician_client.get(reverse("home")).content.decode()
    assert "New rules in use since" in home and "/rules/asam3-default/3/changes/" in home
    page = clinician_client.get("/rules/asam3-default/2/changes/").content.decode()
    assert "Version 2 mends under-placement" in page
    assert "ASAM 2020 alcohol withdrawal guideline" in page
    assert "<code>T-D5-2</code>" in page and "<code>W-D1-HIGH-RISK</code>" in page
    assert "Relapse risk is rising despite lower-level care." in page  # what was removed
    assert "When D4 is 2: treatment at least 2.1" in page  # T-D4-2 before ...
    assert "When D4 is 2: treatment at least 1" in page  # ... and now
    assert "Of the 1 assessment stored in your programs, 1 would be placed differently" in page


def test_the_notice_ends_30_days_after_publication(clinician_client):
    from django.utils import timezone

    RuleSet.objects.filter(status="published").update(
        published_at=timezone.now() - datetime.timedelta(days=31)
    )
    assert "New rules in use since" not in clinician_client.get(reverse("home")).content.decode()


# -- what the clinician reads must be right ---------------------------------------------------


def test_the_handout_describes_the_level_provided_and_says_why_it_differs(
    clinician_client, clinician_a, patient_a
):
    program = patient_a.program
    program.phone, program.address = "555-0142", "12 River Road"
    program.save()
    assessment = make_assessment(clinician_a, patient_a)
    clinician_client.post(
        reverse("placement:recommendation", args=[assessment.pk]),
        {"provided_level": "1", "provided_withdrawal_level": "2-WM",
         "discrepancy_reason": "service_not_available", "action": "save"},
    )  # fmt: skip
    page = clinician_client.get(reverse("placement:handout", args=[assessment.pk])).content.decode()
    assert "You will receive: Outpatient Services (level 1)" in page
    assert "The assessment recommended Intensive Outpatient (level 2.1)" in page
    assert "The reason: service not available" in page
    assert "555-0142" in page and "12 River Road" in page and program.name in page
    assert "What happens next" in page


def test_substances_show_their_labels_everywhere(
    clinician_client, clinician_a, supervisor_a, patient_a
):
    from pypdf import PdfReader

    assessment = start(clinician_client, patient_a)
    complete_moderate(clinician_client, assessment)
    last = (datetime.date.today() - datetime.timedelta(days=2)).isoformat()
    response = save_step(
        clinician_client, assessment, "substances", MODERATE_ANSWERS["substances"],
        **{"substances-0-substance": "opioids_illicit", "substances-0-last_use": last,
           "substances-0-route": "nasal", "substances-0-frequency": "several_weekly"},
    )  # fmt: skip
    assert response.status_code == 302
    summary = clinician_client.get(
        reverse("intake:assessment_step", args=[assessment.pk, "summary"])
    ).content.decode()
    detail = clinician_client.get(
        reverse("portal:assessment_detail", args=[assessment.pk])
    ).content.decode()
    for html in (summary, detail):
        assert "Heroin or illicit fentanyl" in html and "snorted" in html
        assert "several times a week" in html and "opioids_illicit" not in html
    clinician_client.post(
        reverse("intake:assessment_step", args=[assessment.pk, "summary"]),
        {"confirm_ratings": "on"},
    )
    clinician_client.post(
        reverse("placement:recommendation", args=[assessment.pk]),
        {"provided_level": "2.1", "provided_withdrawal_level": "2-WM", "action": "submit"},
    )
    placement = assessment.placements.get()
    review_claim(placement_id=placement.pk, user=supervisor_a)
    review_approve(placement_id=placement.pk, user=supervisor_a)
    pdf = clinician_client.get(reverse("placement:placement_pdf", args=[placement.pk]))
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split()
    )
    assert "Heroin or illicit fentanyl" in text and "opioids_illicit" not in text
    assert "CIWA-Ar score" in text and "12" in text
    assert "PAWSS score" in text


def test_after_a_validation_error_the_card_shows_the_suggestion_for_the_page(
    clinician_client, patient_a
):
    assessment = start(clinician_client, patient_a)
    response = save_step(clinician_client, assessment, "D1", {"ciwa_ar_score": 12}, rating=0)
    html = response.content.decode()
    assert response.status_code == 400
    assert "lower than the suggested 2" in html
    assert 'data-suggested-rating="2"' in html


def test_continued_stay_is_the_default_after_a_signed_placement(
    clinician_client, clinician_a, supervisor_a, patient_a
):
    page = clinician_client.get(reverse("portal:patient_detail", args=[patient_a.pk]))
    assert page.context["start_form"]["kind"].value() is None
    placement = make_submitted(clinician_a, patient_a)
    review_claim(placement_id=placement.pk, user=supervisor_a)
    review_approve(placement_id=placement.pk, user=supervisor_a)
    page = clinician_client.get(reverse("portal:patient_detail", args=[patient_a.pk]))
    assert page.context["start_form"]["kind"].value() == "continued_stay"


def test_a_second_open_assessment_of_the_same_kind_warns_and_links(clinician_client, patient_a):
    first = start(clinician_client, patient_a)
    response = clinician_client.post(
        reverse("portal:assessment_create", args=[patient_a.pk]),
        {"kind": "initial", "assessment_date": datetime.date.today().isoformat()},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "already has an open initial assessment" in html
    assert reverse("intake:assessment_step", args=[first.pk, first.current_step]) in html
    assert patient_a.assessments.count() == 1
    response = clinician_client.post(
        reverse("portal:assessment_create", args=[patient_a.pk]),
        {"kind": "initial", "assessment_date": datetime.date.today().isoformat(),
         "start_another": "on"},
    )  # fmt: skip
    assert response.status_code == 302 and patient_a.assessments.count() == 2


def test_the_flags_are_a_list(clinician_client, clinician_a, patient_a):
    assessment = make_assessment(clinician_a, patient_a)
    page = clinician_client.get(reverse("placement:recommendation", args=[assessment.pk]))
    html = page.content.decode()
    assert "<li>Meets criteria for a substance use disorder" in html
    assert "flags:" not in html
