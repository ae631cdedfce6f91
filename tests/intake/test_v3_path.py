"""The clinician's path with rule set version 3: the new questions where a clinician expects
them, with units and plausible ranges; the unscored-withdrawal and naloxone sentences on the
recommendation, the review page, the PDF and the handout; drafts that move from version 2 with
the suicide answer carried over; release notes with the sources and the impact; versions 1 and 2
replaying exactly."""

import json
import random
from io import BytesIO

import pytest
import yaml
from django.urls import reverse

from engine import evaluate
from engine.serialize import from_data
from intake.models import Assessment
from placement.services.recommendations import placement_submit
from rulesets.defaults import DEFAULT_RULE_SET_V2_FILE
from rulesets.models import RuleSet
from tests.factories import MODERATE_ANSWERS, PatientFactory, make_assessment, step_post
from tests.intake.conftest import save_step, start
from tests.placement.test_commands import run

pytestmark = pytest.mark.django_db

UNSCORED = "Withdrawal is expected but was not scored: score CIWA-Ar or COWS now"
NALOXONE = "Give naloxone and teach overdose response"


def step_page(client, assessment, step) -> str:
    return client.get(
        reverse("intake:assessment_step", args=[assessment.pk, step])
    ).content.decode()


# -- where the questions are asked ----------------------------------------------------------------


def test_the_new_questions_are_on_the_steps_a_clinician_expects(clinician_client, patient_a):
    assessment = start(clinician_client, patient_a)
    assert assessment.rule_set.label == "asam3-default@3"
    d1 = step_page(clinician_client, assessment, "D1")
    order = [
        d1.index(label)
        for label in (
            "Intoxication now",
            "CIWA-Ar score",
            "COWS score",
            "Pulse (beats per minute)",
            "Blood pressure, systolic (upper number, mmHg)",
            "Blood pressure, diastolic (lower number, mmHg)",
            "daily or almost daily in the past 30 days",
            "Standard drinks on a typical drinking day",
            "SADQ score",
        )
    ]
    assert order == sorted(order)  # vital signs and dependence beside the withdrawal scores
    assert "Substances the person is withdrawing from" in step_page(
        clinician_client, assessment, "substances"
    )
    d3 = step_page(clinician_client, assessment, "D3")
    assert "Suicide attempt in the past 3 months" in d3 and "Attempt in the past 3 months" not in d3
    assert "A non-fatal overdose in the past 12 months" in step_page(
        clinician_client, assessment, "D5"
    )
    assert "Most of the people they spend time with use" in step_page(
        clinician_client, assessment, "D6"
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("pulse_bpm", 900, "less than or equal to 250"),
        ("pulse_bpm", 5, "greater than or equal to 20"),
        ("systolic_bp", 301, "less than or equal to 300"),
        ("diastolic_bp", 10, "greater than or equal to 20"),
        ("sadq_score", 61, "less than or equal to 60"),
        ("drinks_per_day", 101, "less than or equal to 100"),
    ],
)
def test_implausible_vital_signs_and_scores_are_field_errors(
    clinician_client, patient_a, field, value, message
):
    assessment = start(clinician_client, patient_a)
    response = save_step(clinician_client, assessment, "D1", {field: value})
    assert response.status_code == 400
    assert message in response.content.decode()
    assessment.refresh_from_db()
    assert field not in assessment.answers


def test_vital_signs_may_be_left_blank(clinician_client, patient_a):
    assessment = start(clinician_client, patient_a)
    response = save_step(clinician_client, assessment, "D1", {"ciwa_ar_score": 12}, rating=2)
    assert response.status_code == 302


def test_the_live_suggestion_follows_the_pulse(clinician_client, patient_a):
    assessment = start(clinician_client, patient_a)

    def suggested(answers) -> str:
        data = step_post("D1", answers, version=assessment.version)
        html = clinician_client.post(
            reverse("intake:step_suggest", args=[assessment.pk, "D1"]),
            data,
            HTTP_HX_REQUEST="true",
        ).content.decode()
        return html.split('data-suggested-rating="')[1][0]

    assert suggested({"ciwa_ar_score": 14, "pulse_bpm": 110}) == "2"
    assert suggested({"ciwa_ar_score": 14, "pulse_bpm": 118}) == "3"


# -- what the recommendation says -----------------------------------------------------------------

DAILY_DRINKER = {
    **MODERATE_ANSWERS,
    "substances": {"dsm5_criteria_count": 6, "opioid_use_disorder": True},
    "D1": {"daily_use": True, "drinks_per_day": 12},
}


@pytest.fixture
def unscored(clinician_a, patient_a):
    return make_assessment(clinician_a, patient_a, answers=DAILY_DRINKER, ratings={"D1": 1})


def test_unscored_withdrawal_and_naloxone_read_as_sentences_on_the_recommendation(
    clinician_client, unscored
):
    rec = unscored.recommendations.get()
    assert rec.withdrawal_level == "1-WM"
    assert {"SCORE-WM", "NALOXONE", "MOUD"} <= set(rec.modifiers)
    page = clinician_client.get(reverse("placement:recommendation", args=[unscored.pk]))
    html = page.content.decode()
    withdrawal = html[html.index('id="track-withdrawal"') :]
    assert UNSCORED in withdrawal[: withdrawal.index("</section>")]  # with the withdrawal level
    assert NALOXONE in html
    assert "<strong>SCORE-WM</strong>" not in html  # a code only behind the rule-ID switch


def test_the_sentences_are_on_the_review_page_the_pdf_and_the_handout(
    clinician_client, clinician_a, supervisor_a, unscored, django_capture_on_commit_callbacks
):
    from django.test import Client
    from pypdf import PdfReader

    with django_capture_on_commit_callbacks(execute=True):
        placement = placement_submit(
            assessment=unscored,
            user=clinician_a,
            decision={"provided_level": "2.1", "provided_withdrawal_level": "1-WM"},
        )
    supervisor = Client()
    supervisor.force_login(supervisor_a)
    review = supervisor.get(reverse("placement:review_detail", args=[placement.pk]))
    assert UNSCORED in review.content.decode() and NALOXONE in review.content.decode()
    from placement.services.reviews import review_approve, review_claim

    review_claim(placement_id=placement.pk, user=supervisor_a)
    with django_capture_on_commit_callbacks(execute=True):
        review_approve(placement_id=placement.pk, user=supervisor_a)
    pdf = supervisor.get(reverse("placement:placement_pdf", args=[placement.pk]))
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(BytesIO(pdf.content)).pages).split()
    )
    assert UNSCORED in text and "Naloxone and overdose education" in text
    handout = clinician_client.get(
        reverse("placement:handout", args=[unscored.pk])
    ).content.decode()
    assert "Your care team will check you for them" in handout  # the person's words
    assert "nasal spray that reverses an opioid overdose" in handout
    assert "CIWA-Ar" not in handout and "SCORE-WM" not in handout


# -- drafts that move from version 2 -----------------------------------------------------------


@pytest.fixture
def v2_draft(clinician_client, patient_a):
    """A draft started under version 2 with a recent attempt recorded in the one question
    version 2 had for it, and D3 completed."""
    v2 = RuleSet.objects.get(name="asam3-default", version=2)
    assessment = start(clinician_client, patient_a)
    Assessment.objects.filter(pk=assessment.pk).update(
        rule_set=v2,
        answers={"suicide_risk": "recent_attempt", "psychiatric_symptoms": "none"},
        confirmed_ratings={"D3": 3},
        completed_steps=["substances", "D1", "D2", "D3"],
    )
    assessment.refresh_from_db()
    return assessment


def test_a_recent_attempt_carries_over_and_the_step_asks_for_current_thoughts(
    clinician_client, v2_draft
):
    response = save_step(clinician_client, v2_draft, "D4", {"stage_of_change": "action"}, rating=0)
    assert response.status_code == 302
    page = clinician_client.get(response["Location"]).content.decode()
    assert "now uses the rule set asam3-default@3" in page and "see step D3" in page
    v2_draft.refresh_from_db()
    assert v2_draft.rule_set.label == "asam3-default@3"
    assert v2_draft.answers["suicide_attempt_past_3_months"] is True
    assert "suicide_risk" not in v2_draft.answers
    assert "D3" not in v2_draft.completed_steps and "D4" in v2_draft.completed_steps
    d3 = step_page(clinician_client, v2_draft, "D3")
    assert "Needs an answer again" in d3 and "current thoughts of suicide needs an answer" in d3
    assert v2_draft.suggested_ratings["D3"] == 3  # the attempt still counts
    # Saving D3 without the current-thoughts answer is refused; with it, the notice goes.
    refused = save_step(
        clinician_client, v2_draft, "D3", {"psychiatric_symptoms": "none"}, rating=3
    )
    assert refused.status_code == 400
    saved = save_step(
        clinician_client, v2_draft, "D3",
        {"suicide_risk": "none", "suicide_attempt_past_3_months": True,
         "psychiatric_symptoms": "none"}, rating=3,
    )  # fmt: skip
    assert saved.status_code == 302
    v2_draft.refresh_from_db()
    assert "D3" in v2_draft.completed_steps and v2_draft.notices == {}


def test_a_version_2_draft_without_that_answer_moves_without_asking_anything(
    clinician_client, patient_a
):
    v2 = RuleSet.objects.get(name="asam3-default", version=2)
    assessment = start(clinician_client, patient_a)
    Assessment.objects.filter(pk=assessment.pk).update(
        rule_set=v2, answers={"suicide_risk": "ideation"}, completed_steps=["D3"]
    )
    assessment.refresh_from_db()
    save_step(clinician_client, assessment, "D4", {"stage_of_change": "action"}, rating=0)
    assessment.refresh_from_db()
    assert assessment.answers["suicide_risk"] == "ideation" and "D3" in assessment.completed_steps
    assert assessment.notices == {}


# -- versions 1 and 2 replay exactly --------------------------------------------------------------


def test_version_2_still_replays_exactly(tmp_path):
    shipped = from_data(yaml.safe_load(DEFAULT_RULE_SET_V2_FILE.read_text()), version=2)
    flags = [f.code for f in shipped.flags]
    rng = random.Random(11)
    cases = [
        {
            "ratings": {f"D{i}": rng.randint(0, 4) for i in range(1, 7)},
            "flags": {f: rng.random() < 0.3 for f in flags},
        }
        for _ in range(300)
    ]
    code, out, err = run(
        "recommend", "--rule-set", "asam3-default@2", payload=cases, tmp_path=tmp_path
    )
    assert code == 0, err
    for case, got in zip(cases, json.loads(out), strict=True):
        want = evaluate(shipped, case["ratings"], case["flags"])
        assert got["rule_set"] == "asam3-default@2"
        assert (got["level"], got["withdrawal_level"], got["modifiers"]) == (
            want.level, want.withdrawal_level, list(want.modifiers),
        )  # fmt: skip
        assert got["reasons"] == [r.as_dict() for r in want.reasons]


def test_a_recommendation_made_with_version_2_still_reads_version_2(clinician_a, program_a):
    from placement.services.recommendations import recommendation_compute

    v2 = RuleSet.objects.get(name="asam3-default", version=2)
    assessment = make_assessment(clinician_a, PatientFactory(program=program_a))
    rec = assessment.recommendations.get()
    assert rec.rule_set.version == 3
    Assessment.objects.filter(pk=assessment.pk).update(rule_set=v2, status="submitted")
    assessment.refresh_from_db()
    old = recommendation_compute(assessment=assessment, user=clinician_a)
    shipped = from_data(yaml.safe_load(DEFAULT_RULE_SET_V2_FILE.read_text()), version=2)
    want = evaluate(shipped, old.ratings, {k: v for k, v in old.flags.items() if k in
                                           {f.code for f in shipped.flags}})  # fmt: skip
    assert (old.rule_set_label, old.level, old.withdrawal_level) == (
        "asam3-default@2", want.level, want.withdrawal_level,
    )  # fmt: skip


# -- release notes --------------------------------------------------------------------------------


def test_the_release_notes_of_version_3_name_the_sources_and_the_changes(
    clinician_client, clinician_a, program_a
):
    adolescent = {**MODERATE_ANSWERS}
    make_assessment(clinician_a, PatientFactory(program=program_a, date_of_birth="2011-01-01"),
                    answers=adolescent)  # fmt: skip
    home = clinician_client.get(reverse("home")).content.decode()
    assert "New rules in use since" in home and "/rules/asam3-default/3/changes/" in home
    page = clinician_client.get("/rules/asam3-default/3/changes/").content.decode()
    for source in ("NICE CG100 and CG115", "ASAM/AAAP stimulant use disorder guideline",
                   "ACOG Committee Opinion 711", "Australian Therapeutic Guidelines"):  # fmt: skip
        assert source in page, source
    assert "<code>W-D1-2-LOW-RISK</code>" in page and "<code>M-SCORE-WM</code>" in page
    assert "Of the 1 assessment stored in your programs, 1 would be placed differently" in page
