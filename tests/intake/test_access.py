"""A clinician of another program gets 404 for everything about a patient (never 403: a 403
would confirm the record exists)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from tests.intake.conftest import complete_moderate, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(clinician_client, patient_a):
    a = start(clinician_client, patient_a)
    complete_moderate(clinician_client, a)
    clinician_client.post(
        reverse("intake:assessment_step", args=[a.pk, "summary"]), {"confirm_ratings": "on"}
    )
    return a


def test_other_programs_clinician_gets_404_everywhere(assessment, patient_a, clinician_b):
    other = Client()
    other.force_login(clinician_b)
    urls = [
        reverse("portal:patient_detail", args=[patient_a.pk]),
        reverse("portal:assessment_detail", args=[assessment.pk]),
        reverse("intake:assessment_step", args=[assessment.pk, "D1"]),
        reverse("intake:assessment_step", args=[assessment.pk, "summary"]),
        reverse("placement:recommendation", args=[assessment.pk]),
        reverse("placement:handout", args=[assessment.pk]),
    ]
    for url in urls:
        assert other.get(url).status_code == 404, url
    posts = [
        (reverse("portal:assessment_create", args=[patient_a.pk]),
         {"kind": "initial", "assessment_date": datetime.date.today().isoformat()}),
        (reverse("intake:assessment_step", args=[assessment.pk, "D1"]), {"version": "1"}),
        (reverse("intake:step_suggest", args=[assessment.pk, "D1"]), {"version": "1"}),
        (reverse("placement:recommendation", args=[assessment.pk]), {"provided_level": "1"}),
    ]  # fmt: skip
    for url, data in posts:
        assert other.post(url, data).status_code == 404, url
    assessment.refresh_from_db()
    assert assessment.status == "draft" and not assessment.placements.exists()


def test_other_programs_patients_do_not_appear_in_search(patient_a, clinician_b):
    other = Client()
    other.force_login(clinician_b)
    page = other.get(reverse("intake:patient_list"), {"q": patient_a.family_name})
    assert patient_a.mrn not in page.content.decode()
