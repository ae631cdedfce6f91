"""The queue's counts are links to lists of placements, stay current after a claim, and an
empty queue says what comes next. Levels read as names, placements keep one number."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from intake.models import Patient
from placement.models import Placement
from placement.services.reviews import review_approve, review_claim, review_return
from tests.factories import PatientFactory, make_submitted

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_process_tasks")]
# A fixed adult birth date: from 65 the default rules weigh withdrawal more heavily, and a
# random one would make the levels these tests read vary.
ADULT = datetime.date(1985, 3, 4)


def queue(client, **params):
    return client.get(reverse("placement:review_queue"), params)


def listed(page) -> list[int]:
    return [r["p"].pk for r in page.context["rows"]]


@pytest.fixture
def day(clinician_a, supervisor_a, program_a):
    """One placement in each state a supervisor asks about."""
    waiting = make_submitted(
        clinician_a, PatientFactory(program=program_a, date_of_birth=ADULT, family_name="Wait")
    )
    returned = make_submitted(
        clinician_a, PatientFactory(program=program_a, date_of_birth=ADULT, family_name="Ret")
    )
    review_claim(placement_id=returned.pk, user=supervisor_a)
    review_return(placement_id=returned.pk, user=supervisor_a, comment="Check D5.")
    signed = make_submitted(
        clinician_a, PatientFactory(program=program_a, date_of_birth=ADULT, family_name="Sig")
    )
    review_claim(placement_id=signed.pk, user=supervisor_a)
    review_approve(placement_id=signed.pk, user=supervisor_a)
    lapsed = make_submitted(
        clinician_a, PatientFactory(program=program_a, date_of_birth=ADULT, family_name="Lapse")
    )
    review_claim(placement_id=lapsed.pk, user=supervisor_a)
    review_approve(placement_id=lapsed.pk, user=supervisor_a)
    Placement.objects.filter(pk=lapsed.pk).update(
        decided_at=timezone.now() - datetime.timedelta(days=45),
        next_review_date=timezone.localdate() - datetime.timedelta(days=2),
    )
    lapsed.assessment.__class__.objects.filter(pk=lapsed.assessment_id).update(
        created_at=timezone.now() - datetime.timedelta(days=46)
    )
    Patient.objects.filter(pk=lapsed.assessment.patient_id).update(
        review_due=timezone.localdate() - datetime.timedelta(days=2)
    )
    return {"waiting": waiting, "returned": returned, "signed": signed, "lapsed": lapsed}


def test_each_count_is_a_link_to_its_list(supervisor_client, day):
    page = queue(supervisor_client)
    counts = page.context["counts"]
    assert (counts["open"], counts["submitted"], counts["in_review"]) == (1, 1, 0)
    assert (counts["returned"], counts["signed"], counts["review_overdue"]) == (1, 1, 1)
    html = page.content.decode()
    for status in ("submitted", "in_review", "returned", "signed", "review_overdue"):
        assert f'href="/review/?status={status}"' in html
    assert listed(page) == [day["waiting"].pk]
    assert listed(queue(supervisor_client, status="returned")) == [day["returned"].pk]
    # Signed in the last 30 days only: the one decided 45 days ago is not listed.
    assert listed(queue(supervisor_client, status="signed")) == [day["signed"].pk]
    assert listed(queue(supervisor_client, status="review_overdue")) == [day["lapsed"].pk]
    page = queue(supervisor_client, status="returned")
    assert "Returned, awaiting the clinician (1)" in page.content.decode()
    assert 'aria-current="page"' in page.content.decode()


def test_a_resubmitted_placement_leaves_the_returned_list_and_keeps_its_number(
    supervisor_client, day, clinician_a
):
    from intake.services import assessment_save_step
    from placement.services.recommendations import placement_submit, recommendation_compute

    first = day["returned"]
    assessment = first.assessment
    assessment.refresh_from_db()
    assessment = assessment_save_step(
        user=clinician_a, assessment_id=assessment.pk, version=assessment.version, step="D5",
        answers={"craving_0_10": 5, "coping_skills": "fair"}, rating=1,
    )  # fmt: skip
    recommendation_compute(assessment=assessment, user=clinician_a)
    second = placement_submit(
        assessment=assessment, user=clinician_a,
        decision={"provided_level": "2.1", "provided_withdrawal_level": "2-WM"},
    )  # fmt: skip
    assert second.number == first.number and second.label == f"{first.number}, round 2"
    assert listed(queue(supervisor_client, status="returned")) == []
    page = queue(supervisor_client)
    assert second.pk in listed(page)
    assert f"placement {first.number}, round 2" in page.content.decode()


def test_a_claim_brings_the_counts_with_the_row(supervisor_client, day):
    response = supervisor_client.post(
        reverse("placement:queue_claim", args=[day["waiting"].pk]),
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/review/?status=submitted",
    )
    html = response.content.decode()
    counts = html[html.index('id="queue-counts"') :]
    assert 'hx-swap-oob="true"' in counts
    assert re.search(r"Not yet claimed <span[^>]*>0</span>", counts)
    assert re.search(r"In review <span[^>]*>1</span>", counts)
    assert re.search(r'class="nav-link active" href="/review/\?status=submitted"', counts)


def test_an_empty_queue_points_to_what_comes_next(supervisor_client, day, supervisor_a):
    review_claim(placement_id=day["waiting"].pk, user=supervisor_a)
    review_approve(placement_id=day["waiting"].pk, user=supervisor_a)
    html = queue(supervisor_client).content.decode()
    assert "Nothing is waiting for review." in html
    assert "1 returned placement awaiting the clinician" in html
    assert "1 continued-stay review overdue" in html


def test_an_empty_queue_with_nothing_else_says_so(supervisor_client):
    html = queue(supervisor_client).content.decode()
    assert "Nothing is waiting for review." in html
    assert "no continued-stay review is overdue" in html


def test_rows_name_the_patient_and_the_levels_in_words(supervisor_client, day):
    html = queue(supervisor_client).content.decode()
    patient = day["waiting"].assessment.patient
    assert f"MRN {patient.mrn}" in html
    assert "2.1 Intensive Outpatient" in html
    assert "with withdrawal management 2-WM" in html
    row = html[html.index(f'id="queue-row-{day["waiting"].pk}"') :]
    assert "Claim<span" in row and f"{patient.given_name} {patient.family_name}" in row


def test_the_supervisor_home_names_the_patient_and_links_the_counts(supervisor_client, day):
    html = supervisor_client.get(reverse("home")).content.decode()
    patient = day["waiting"].assessment.patient
    assert f"{patient.given_name} {patient.family_name}" in html
    assert f"MRN {patient.mrn}" in html
    assert "indicated 2.1 Intensive Outpatient" in html
    assert 'href="/review/?status=returned">1 returned, awaiting the clinician' in html
    assert 'href="/review/?status=review_overdue">1 continued-stay review overdue' in html


def test_the_review_due_follows_signing_and_a_new_assessment(
    supervisor_client, clinician_a, supervisor_a, program_a
):
    from intake.services import assessment_start

    patient = PatientFactory(program=program_a)
    placement = make_submitted(clinician_a, patient)
    review_claim(placement_id=placement.pk, user=supervisor_a)
    review_approve(placement_id=placement.pk, user=supervisor_a)
    patient.refresh_from_db()
    placement.refresh_from_db()
    assert (patient.review_due, patient.review_placement_id) == (
        placement.next_review_date, placement.pk,
    )  # fmt: skip
    Patient.objects.filter(pk=patient.pk).update(
        review_due=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert listed(queue(supervisor_client, status="review_overdue")) == [placement.pk]
    assessment_start(
        user=clinician_a, patient=patient, kind="continued_stay",
        assessment_date=timezone.localdate(),
    )  # fmt: skip
    patient.refresh_from_db()
    assert patient.review_due is None
    assert listed(queue(supervisor_client, status="review_overdue")) == []


def test_deep_pages_stop_at_a_bound_and_say_so(supervisor_client, clinician_a, program_a):
    make_submitted(clinician_a, PatientFactory(program=program_a))
    page = queue(supervisor_client, page="500")
    assert page.context["page"].number == 1
    assert "use the filters to find the others" in page.content.decode()
