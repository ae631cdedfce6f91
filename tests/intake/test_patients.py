"""Finding and registering patients."""

import datetime

import pytest
from django.urls import reverse

from intake.models import Patient
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

NEW = {
    "given_name": "Dana",
    "family_name": "Rivers",
    "date_of_birth": "1990-05-17",
    "sex": "female",
    "mrn": "A-77",
    "preferred_language": "Spanish",
    "phone": "+1 (555) 010-2000",
}


def register(client, program, **changes):
    return client.post(reverse("intake:patient_create"), {"program": program.pk, **NEW, **changes})


def test_clinician_registers_a_patient(clinician_client, program_a, clinician_a):
    response = register(clinician_client, program_a)
    patient = Patient.objects.get(mrn="A-77")
    assert response["Location"] == reverse("portal:patient_detail", args=[patient.pk])
    assert (patient.program, patient.created_by, patient.preferred_language) == (
        program_a,
        clinician_a,
        "Spanish",
    )


def test_same_mrn_in_the_program_is_refused(clinician_client, program_a):
    PatientFactory(program=program_a, mrn="A-77")
    response = register(clinician_client, program_a)
    assert response.status_code == 200
    assert "A-77 is already used in Program A" in response.content.decode()
    assert Patient.objects.filter(mrn="A-77").count() == 1


def test_same_mrn_in_another_program_is_fine(clinician_client, program_a, program_b):
    PatientFactory(program=program_b, mrn="A-77")
    assert register(clinician_client, program_a).status_code == 302


def test_same_name_and_birth_date_is_flagged_until_confirmed(clinician_client, program_a):
    PatientFactory(
        program=program_a,
        given_name="Dana",
        family_name="RIVERS",
        date_of_birth=datetime.date(1990, 5, 17),
        mrn="OLD-1",
    )
    response = register(clinician_client, program_a)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Possible duplicate" in html and "OLD-1" in html
    assert not Patient.objects.filter(mrn="A-77").exists()
    response = register(clinician_client, program_a, confirm_not_duplicate="on")
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date_of_birth", "2999-01-01", "cannot be in the future"),
        ("date_of_birth", "17/05/1990", "Enter a valid date"),
        ("given_name", "x" * 81, "at most 80 characters"),
        ("phone", "call me <maybe>", "digits, spaces"),
        ("family_name", "Riv\x00ers", "control characters"),
        ("mrn", "", "This field is required"),
    ],
)
def test_bad_patient_input_gets_a_field_error_and_saves_nothing(
    clinician_client, program_a, field, value, message
):
    response = register(clinician_client, program_a, **{field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Patient.objects.count() == 0


@pytest.mark.parametrize(
    ("query", "found"),
    [("rivers", True), ("Dana Rivers", True), ("Rivers Dana", True), ("A-77", True),
     ("1990-05-17", True), ("05/17/1990", True), ("Smith", False), ("1990-05-18", False)],
)  # fmt: skip
def test_search_by_name_mrn_or_birth_date(clinician_client, program_a, query, found):
    PatientFactory(
        program=program_a, given_name="Dana", family_name="Rivers", mrn="A-77",
        date_of_birth=datetime.date(1990, 5, 17),
    )  # fmt: skip
    page = clinician_client.get(reverse("intake:patient_list"), {"q": query}).content.decode()
    assert ("Rivers, Dana" in page) is found


def test_patient_list_shows_only_the_users_programs(clinician_client, program_a, program_b):
    PatientFactory(program=program_a, family_name="Insider")
    PatientFactory(program=program_b, family_name="Outsider")
    page = clinician_client.get(reverse("intake:patient_list")).content.decode()
    assert "Insider" in page and "Outsider" not in page


def test_supervisor_sees_patients_but_cannot_register_or_assess(client, supervisor_a, program_a):
    patient = PatientFactory(program=program_a)
    client.force_login(supervisor_a)
    assert client.get(reverse("portal:patient_detail", args=[patient.pk])).status_code == 200
    assert client.get(reverse("intake:patient_create")).status_code == 403
    response = client.post(
        reverse("portal:assessment_create", args=[patient.pk]),
        {"kind": "initial", "assessment_date": datetime.date.today().isoformat()},
    )
    assert response.status_code == 404
