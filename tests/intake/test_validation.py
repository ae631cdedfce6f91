"""Every validation error the intake promises: a field-level message, nothing half-saved."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.intake.conftest import save_step, start

pytestmark = pytest.mark.django_db

TOMORROW = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
LAST_YEAR = (datetime.date.today() - datetime.timedelta(days=300)).isoformat()


@pytest.mark.parametrize(
    ("step", "answers", "message"),
    [
        ("D1", {"ciwa_ar_score": 68}, "less than or equal to 67"),
        ("D1", {"ciwa_ar_score": -1}, "greater than or equal to 0"),
        ("D1", {"cows_score": 49}, "less than or equal to 48"),
        ("D1", {"ciwa_ar_score": "twelve"}, "Enter a whole number"),
        ("D5", {"craving_0_10": 11, "coping_skills": "good"}, "less than or equal to 10"),
        ("D6", {"housing": "castle"}, "Select a valid choice"),
    ],
)
def test_out_of_range_answers_are_refused(clinician_client, patient_a, step, answers, message):
    assessment = start(clinician_client, patient_a)
    before = assessment.version
    response = save_step(clinician_client, assessment, step, answers, rating=0)
    assert response.status_code == 400
    assert message in response.content.decode()
    assessment.refresh_from_db()
    assert (assessment.version, assessment.answers) == (before, {})


def test_over_long_notes_are_refused(clinician_client, patient_a):
    assessment = start(clinician_client, patient_a)
    response = save_step(
        clinician_client, assessment, "D1", {"ciwa_ar_score": 3}, rating=1, notes="x" * 5001
    )
    assert response.status_code == 400
    assert "at most 5000 characters" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.notes == {}


def test_future_last_use_is_refused(clinician_client, patient_a):
    assessment = start(clinician_client, patient_a)
    response = save_step(
        clinician_client, assessment, "substances", {"dsm5_criteria_count": 3},
        **{"substances-0-substance": "alcohol", "substances-0-last_use": TOMORROW,
           "substances-0-route": "oral", "substances-0-frequency": "daily"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.substances == [] and assessment.answers == {}


def test_future_assessment_date_is_refused(clinician_client, patient_a):
    response = clinician_client.post(
        reverse("portal:assessment_create", args=[patient_a.pk]),
        {"kind": "initial", "assessment_date": TOMORROW},
    )
    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()
    assert not patient_a.assessments.exists()


def test_assessment_date_before_birth_is_refused(clinician_client, patient_a):
    response = clinician_client.post(
        reverse("portal:assessment_create", args=[patient_a.pk]),
        {"kind": "initial", "assessment_date": "1980-01-01"},
    )
    assert response.status_code == 400
    assert "before the patient&#x27;s date of birth" in response.content.decode()
    assert not patient_a.assessments.exists()


@pytest.mark.parametrize("field", ["given_name", "family_name", "mrn"])
def test_names_and_record_numbers_refuse_text_direction_controls(field, program_a):
    from accounts.models import Program
    from intake.forms import PatientForm

    data = {
        "program": program_a.pk, "given_name": "Ana", "family_name": "Lee",
        "date_of_birth": "1990-01-01", "sex": "female", "mrn": "MRN-77",
        "preferred_language": "English", "phone": "",
    }  # fmt: skip
    data[field] = data[field] + "\u202egnp.exe"
    form = PatientForm(data, programs=Program.objects.all())
    assert not form.is_valid()
    assert "text-direction characters" in form.errors[field][0]


@pytest.mark.parametrize(
    ("signed", "expires", "field"),
    [("0001-01-01", TOMORROW, "signed_on"), (LAST_YEAR, "9999-12-31", "expires_on")],
)
def test_consent_dates_must_be_plausible(signed, expires, field, patient_a):
    from intake.consents import ConsentForm

    form = ConsentForm(
        {"recipient": "Dr Ray", "purpose": "Care", "scope": "placement",
         "signed_on": signed, "expires_on": expires}
    )  # fmt: skip
    assert not form.is_valid()
    assert "Check the year" in form.errors[field][0]


def test_consent_recipients_refuse_text_direction_controls(patient_a):
    from intake.consents import ConsentForm

    form = ConsentForm(
        {"recipient": "Clinic \u202eevil", "purpose": "Care", "scope": "placement",
         "signed_on": LAST_YEAR, "expires_on": TOMORROW}
    )  # fmt: skip
    assert not form.is_valid() and "recipient" in form.errors


def test_the_date_pickers_stop_at_today(clinician_client, patient_a):
    """A birth date, an assessment date and a last use cannot be picked after today."""
    today = timezone.localdate().isoformat()
    register = clinician_client.get(reverse("intake:patient_create")).content.decode()
    patient = clinician_client.get(
        reverse("portal:patient_detail", args=[patient_a.pk])
    ).content.decode()
    assessment = start(clinician_client, patient_a)
    substances = clinician_client.get(
        reverse("intake:assessment_step", args=[assessment.pk, "substances"])
    ).content.decode()
    for page, name in (
        (register, "date_of_birth"),
        (patient, "assessment_date"),
        (substances, "substances-0-last_use"),
    ):
        tag = next(t for t in page.split("<input")[1:] if f'name="{name}"' in t)
        assert f'max="{today}"' in tag, name
