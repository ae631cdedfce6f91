import datetime

import pytest
from django.urls import reverse

from intake.models import Assessment
from tests.factories import MODERATE_ANSWERS, MODERATE_SUGGESTED, PatientFactory, step_post


@pytest.fixture
def patient_a(program_a):
    return PatientFactory(program=program_a, date_of_birth=datetime.date(1985, 3, 4))


@pytest.fixture
def patient_b(program_b):
    return PatientFactory(program=program_b)


def start(client, patient, kind="initial", date=None):
    date = date or datetime.date.today().isoformat()
    response = client.post(
        reverse("portal:assessment_create", args=[patient.pk]),
        {"kind": kind, "assessment_date": date},
    )
    assert response.status_code == 302, response.content
    return Assessment.objects.filter(patient=patient).latest("id")


def save_step(client, assessment, step, answers, rating=None, **extra):
    assessment.refresh_from_db()
    return client.post(
        reverse("intake:assessment_step", args=[assessment.pk, step]),
        step_post(step, answers, version=assessment.version, rating=rating, **extra),
    )


def complete_moderate(client, assessment, ratings=None):
    ratings = {**MODERATE_SUGGESTED, **(ratings or {})}
    for step, answers in MODERATE_ANSWERS.items():
        response = save_step(client, assessment, step, answers, rating=ratings.get(step))
        assert response.status_code == 302, response.content.decode()[:3000]
    return assessment


@pytest.fixture
def clinician_client(client, clinician_a):
    client.force_login(clinician_a)
    return client
