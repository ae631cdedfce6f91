"""Pages do not issue a query per row."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.middleware import SESSION_KEY
from placement.services.reviews import review_approve, review_claim
from tests.factories import PatientFactory, make_assessment, make_submitted

pytestmark = pytest.mark.django_db


def count(client, url):
    client.get(url)  # warm caches (rule sets, content types)
    # The idle sign-out records activity at most once a second: stamp it now, so that the
    # counted request never includes that session write (it depends on timing, not on rows).
    session = client.session
    session[SESSION_KEY] = time.time()
    session.save()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_review_queue_queries_do_not_grow_with_rows(client, clinician_a, supervisor_a, program_a):
    client.force_login(supervisor_a)
    url = reverse("placement:review_queue")
    make_submitted(clinician_a, PatientFactory(program=program_a))
    few = count(client, url)
    for _ in range(6):
        make_submitted(clinician_a, PatientFactory(program=program_a))
    assert count(client, url) == few


def test_patient_page_queries_do_not_grow_with_assessments(
    client, clinician_a, supervisor_a, patient_a
):
    client.force_login(clinician_a)
    url = reverse("portal:patient_detail", args=[patient_a.pk])

    def sign_one():
        p = make_submitted(clinician_a, patient_a, kind="continued_stay")
        review_claim(placement_id=p.pk, user=supervisor_a)
        review_approve(placement_id=p.pk, user=supervisor_a)

    sign_one()
    one = count(client, url)
    sign_one()
    sign_one()
    make_assessment(clinician_a, patient_a, kind="continued_stay")
    assert count(client, url) == one


def test_clinician_home_queries_do_not_grow_with_drafts(client, clinician_a, program_a):
    client.force_login(clinician_a)
    make_assessment(clinician_a, PatientFactory(program=program_a))
    few = count(client, reverse("home"))
    for _ in range(4):
        make_assessment(clinician_a, PatientFactory(program=program_a))
    assert count(client, reverse("home")) == few
