"""A program on the 4th edition: its new assessments use asam4-default, the wizard rates each
subdimension with a suggested code and the answer behind it, Dimension 6 is recorded and
shown where the level is selected, the recommendation names the dimensional drivers first,
a selected level that differs needs its reason, a supervisor signs, the edition shows
everywhere, and a program's history holds both editions, each replaying exactly."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from engine import evaluate
from intake.models import Assessment
from placement.models import Placement, Recommendation
from placement.services.reviews import review_approve, review_claim
from tests.factories import PatientFactory, make_submitted, step_post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_process_tasks")]

# Answers per step (the catalog's own descriptions), giving 1B 2, 3A 2A, 4A B.
ANSWERS = {
    "1B": {"q1b": "2"},
    "3A": {"q3a": "2A"},
    "4A": {"q4a": "B"},
    "6": {"d6_preferences": "Wants to keep working days; prefers evening groups."},
}


@pytest.fixture
def fourth_program(program_a):
    program_a.edition = "4"
    program_a.save()
    return program_a


def start(client, patient, kind="initial") -> Assessment:
    client.post(
        reverse("portal:assessment_create", args=[patient.pk]),
        {"kind": kind, "assessment_date": datetime.date.today().isoformat()},
    )
    return Assessment.objects.filter(patient=patient).latest("id")


def page_post(page, answers: dict, ratings: dict, *, version: int) -> dict:
    """The POST a browser sends for a page: one part per subdimension, its fields prefixed
    with the subdimension's code."""
    if not page.parts:
        return step_post(page.code, answers.get(page.code, {}), version=version)
    data = {"action": "next"}
    for part in page.parts:
        part_data = step_post(
            part.code, answers.get(part.code, {}), version=version, rating=ratings[part.code]
        )
        data.update({f"{part.code}-{k}": v for k, v in part_data.items() if k != "action"})
    return data


def walk(client, assessment, answers=None) -> Assessment:
    """Every page in order, as the browser posts it, the suggested codes accepted."""
    from engine.engine import suggest_ratings
    from intake.catalog import wizard_steps
    from rulesets.loader import engine_rule_set

    answers = answers or ANSWERS
    rs = engine_rule_set(assessment.rule_set)
    given = {}
    for part_answers in answers.values():
        given.update(part_answers)
    for page in wizard_steps(rs)[:-1]:
        assessment.refresh_from_db()
        url = reverse("intake:assessment_step", args=[assessment.pk, page.code])
        assert client.get(url).status_code == 200, page.code
        ratings = suggest_ratings(rs, {**assessment.answers, **given})[0]
        response = client.post(url, page_post(page, answers, ratings, version=assessment.version))
        assert response.status_code == 302, (page.code, response.content.decode()[:3000])
    assessment.refresh_from_db()
    return assessment


def submit_and_sign(client, assessment, supervisor) -> Placement:
    """Submit at the recommended level; the supervisor claims and signs."""
    rec = Recommendation.objects.get(assessment=assessment)
    client.post(
        reverse("placement:recommendation", args=[assessment.pk]),
        {"provided_level": rec.level, "action": "submit"},
    )
    placement = Placement.objects.get(assessment=assessment)
    review_claim(placement_id=placement.pk, user=supervisor)
    review_approve(placement_id=placement.pk, user=supervisor)
    return placement


def test_a_fourth_edition_assessment_end_to_end(
    clinician_client, fourth_program, supervisor_a, clinician_a
):
    patient = PatientFactory(program=fourth_program)
    assessment = start(clinician_client, patient)
    assert assessment.rule_set.name == "asam4-default"
    # A subdimension's address leads to its dimension's page, where it is rated with the others.
    sub = clinician_client.get(reverse("intake:assessment_step", args=[assessment.pk, "1B"]))
    assert sub["Location"].endswith("/steps/1/#rate-1B")
    step = clinician_client.get(reverse("intake:assessment_step", args=[assessment.pk, "1"]))
    html = step.content.decode()
    assert "Dimension 1: Intoxication, Withdrawal, and Addiction Medications" in html
    for title in ("1A: ", "1B: Withdrawal and associated risks", "1C: "):
        assert title in html
    assert "1B Withdrawal and associated risks: which describes the person now?" in html
    assessment = walk(clinician_client, assessment)
    assert assessment.confirmed_ratings["1B"] == "2" and assessment.confirmed_ratings["3A"] == "2A"
    response = clinician_client.post(
        reverse("intake:assessment_step", args=[assessment.pk, "summary"]),
        {"confirm_ratings": "on"},
    )
    assert response["Location"] == reverse("placement:recommendation", args=[assessment.pk])
    page = clinician_client.get(response["Location"]).content.decode()
    rec = Recommendation.objects.get(assessment=assessment)
    assert (rec.level, rec.withdrawal_level, rec.modifiers) == ("2.7 COE", "", [])
    assert "Medically Managed Intensive Outpatient, Co-occurring Enhanced" in page
    assert "ASAM Criteria, 4th edition" in page
    drivers = page.index("Dimensional drivers")
    assert page.index("1B withdrawal rated 2") > drivers
    assert "Wants to keep working days; prefers evening groups." in page  # Dimension 6
    # The level catalog (version 3) says what the level is like and how much time it takes.
    assert "<strong>Time:</strong> 9 or more hours a week, with medical care each day" in page
    # A selected level that differs needs its reason.
    bad = clinician_client.post(
        reverse("placement:recommendation", args=[assessment.pk]),
        {"provided_level": "2.5 COE", "action": "submit"},
    )
    assert not Placement.objects.filter(assessment=assessment).exists()
    assert "reason" in bad.content.decode().lower()
    clinician_client.post(
        reverse("placement:recommendation", args=[assessment.pk]),
        {"provided_level": "2.5 COE", "discrepancy_reason": "patient_preference",
         "action": "submit"},
    )  # fmt: skip
    placement = Placement.objects.get(assessment=assessment)
    assert placement.discrepancy and placement.provided_level == "2.5 COE"
    review_claim(placement_id=placement.pk, user=supervisor_a)
    review_approve(placement_id=placement.pk, user=supervisor_a)
    placement.refresh_from_db()
    assert placement.status == "signed" and placement.final_level == "2.5 COE"
    supervisor = Client()
    supervisor.force_login(supervisor_a)
    review = supervisor.get(reverse("placement:review_detail", args=[placement.pk])).content
    assert b"ASAM Criteria, 4th edition" in review
    # The handout, the signed placement's PDF and the audit log (and so its export) too.
    handout = clinician_client.get(reverse("placement:handout", args=[assessment.pk])).content
    assert b"Placement guided by the ASAM Criteria, 4th edition." in handout
    handout_text = handout.decode()
    assert "<strong>Where and how:</strong> An intensive outpatient or day program" not in (
        handout_text
    )  # the level provided is 2.5 COE, a day program:
    assert "<strong>Where and how:</strong> A day program most days of the week" in handout_text
    assert "<strong>How much time:</strong> 20 or more hours a week." in handout_text
    from django.template.loader import render_to_string

    from placement.selectors import placement_context

    pdf_html = render_to_string("pdf/placement.html", placement_context(placement))
    assert "ASAM Criteria, 4th edition" in pdf_html
    assert "Dimension 6: person-centered considerations" in pdf_html
    assert "Wants to keep working days; prefers evening groups." in pdf_html
    from auditlog.models import LogEntry

    from audit.selectors import describe_entry

    said = {describe_entry(e) for e in LogEntry.objects.all()}
    assert {"Recommendation created (4th edition)", "Placement signed (4th edition)"} <= said


def test_one_program_holds_both_editions_and_each_replays_exactly(
    clinician_client, clinician_a, supervisor_a, program_a
):
    patient = PatientFactory(program=program_a, date_of_birth=datetime.date(1985, 3, 4))
    third = make_submitted(clinician_a, patient)
    review_claim(placement_id=third.pk, user=supervisor_a)
    review_approve(placement_id=third.pk, user=supervisor_a)
    program_a.edition = "4"
    program_a.save()
    assessment = walk(clinician_client, start(clinician_client, patient))
    clinician_client.post(
        reverse("intake:assessment_step", args=[assessment.pk, "summary"]),
        {"confirm_ratings": "on"},
    )
    rec = Recommendation.objects.get(assessment=assessment)
    assert rec.rule_set.name == "asam4-default"
    submit_and_sign(clinician_client, assessment, supervisor_a)
    signed = Placement.objects.filter(assessment__patient__program=program_a, status="signed")
    assert sorted(signed.values_list("recommendation__rule_set__name", flat=True)) == [
        "asam3-default",
        "asam4-default",
    ]
    page = clinician_client.get(reverse("portal:patient_detail", args=[patient.pk])).content
    text = page.decode()
    assert "3rd edition" in text and "4th edition" in text
    from rulesets.loader import engine_rule_set

    for r in Recommendation.objects.filter(assessment__patient=patient):
        replay = evaluate(engine_rule_set(r.rule_set), r.ratings, r.flags)
        assert (replay.level, replay.withdrawal_level or "", list(replay.modifiers)) == (
            r.level, r.withdrawal_level, r.modifiers,
        )  # fmt: skip
        assert [x.as_dict() for x in replay.reasons] == r.reasons
    # The review of the 4th-edition assessment says which drivers changed: none can be
    # compared with a 3rd-edition assessment, and the page says so rather than guessing.
    assert rec.assessment.previous is None or rec.assessment.previous.rule_set.edition == "3"


def test_a_continued_service_review_says_which_drivers_changed(
    clinician_client, fourth_program, supervisor_a
):
    patient = PatientFactory(program=fourth_program)
    first = walk(
        clinician_client, start(clinician_client, patient), {**ANSWERS, "1B": {"q1b": "1"}}
    )
    clinician_client.post(
        reverse("intake:assessment_step", args=[first.pk, "summary"]), {"confirm_ratings": "on"}
    )
    submit_and_sign(clinician_client, first, supervisor_a)
    again = walk(clinician_client, start(clinician_client, patient, "continued_stay"))
    assert again.previous_id == first.pk
    clinician_client.post(
        reverse("intake:assessment_step", args=[again.pk, "summary"]), {"confirm_ratings": "on"}
    )
    page = clinician_client.get(reverse("placement:recommendation", args=[again.pk])).content
    text = page.decode()
    assert "Drivers that changed since the previous assessment" in text
    assert "1B Withdrawal: 1 -&gt; 2" in text


def test_a_dimension_page_is_saved_all_or_nothing(clinician_client, fourth_program):
    """Three subdimensions on one page: one wrong part keeps all three unsaved, and says why."""
    from intake.catalog import get_step
    from rulesets.loader import engine_rule_set

    patient = PatientFactory(program=fourth_program)
    assessment = walk(clinician_client, start(clinician_client, patient))
    rs = engine_rule_set(assessment.rule_set)
    page = get_step(rs, "1")
    before = (dict(assessment.answers), dict(assessment.confirmed_ratings), assessment.version)
    ratings = dict(assessment.confirmed_ratings)
    ratings["1B"] = "1"  # lower than the suggested 2, with no justification
    data = page_post(page, {"1A": {}, "1B": {"q1b": "2"}, "1C": {}}, ratings,
                     version=assessment.version)  # fmt: skip
    data["1A-notes"] = "Slept at a friend's; no recent use."
    url = reverse("intake:assessment_step", args=[assessment.pk, "1"])
    response = clinician_client.post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing on this step was saved" in html
    assert "You confirmed 1, lower than the suggested 2: write why." in html
    assessment.refresh_from_db()
    assert (assessment.answers, assessment.confirmed_ratings, assessment.version) == before
    assert "1A" not in assessment.notes
    # With the reason written, the whole page is saved at once.
    data["1B-justification"] = "Withdrawal well managed at home with family support."
    assert clinician_client.post(url, data).status_code == 302
    assessment.refresh_from_db()
    assert assessment.confirmed_ratings["1B"] == "1"
    assert assessment.notes["1A"] == "Slept at a friend's; no recent use."
    assert assessment.version == before[2] + 1


def test_each_subdimension_on_a_page_gets_its_own_live_suggestion(clinician_client, fourth_program):
    patient = PatientFactory(program=fourth_program)
    assessment = walk(clinician_client, start(clinician_client, patient))
    from intake.catalog import get_step
    from rulesets.loader import engine_rule_set

    page = get_step(engine_rule_set(assessment.rule_set), "3")
    ratings = dict(assessment.confirmed_ratings)
    data = page_post(page, {"3A": {"q3a": "3A"}}, ratings, version=assessment.version)
    url = reverse("intake:step_suggest", args=[assessment.pk, "3A"])
    html = clinician_client.post(url, data).content.decode()
    assert 'data-suggested-rating="3A"' in html
    # The same answers on screen, asked for 3B: its own suggestion, not 3A's.
    html = clinician_client.post(
        reverse("intake:step_suggest", args=[assessment.pk, "3B"]), data
    ).content.decode()
    assert 'data-suggested-rating="3A"' not in html
    assert "data-suggested-rating=" in html
