"""``seed_demo --patients N`` builds a network whose records hang together as the app's own
would: the engine's recommendations, placements in every state, signatures, review dates,
audit entries with their patient links; and the pages read it."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def network():
    out = io.StringIO()
    call_command("seed_demo", patients=60, audit_entries=40, stdout=out)
    return out.getvalue()


def test_the_network_hangs_together(network):
    from auditlog.models import LogEntry

    from audit.models import PatientLink
    from intake.models import Assessment, Patient
    from placement.models import Placement, Recommendation, Signature

    assert "Network added" in network
    patients = Patient.objects.filter(program__code__startswith="net-")
    assert patients.count() == 60
    assert Assessment.objects.filter(patient__in=patients).count() >= 60
    statuses = set(Placement.objects.values_list("status", flat=True))
    assert statuses == {"submitted", "in_review", "returned", "signed"}
    # Every finished assessment has exactly one recommendation, made by the engine.
    finished = Assessment.objects.filter(patient__in=patients).exclude(status="draft")
    assert not finished.annotate(n=Count("recommendations")).exclude(n=1).exists()
    drafts = Assessment.objects.filter(patient__in=patients, status="draft")
    assert not drafts.filter(recommendations__isnull=False).exists()
    for rec in Recommendation.objects.all()[:20]:
        assert rec.level and rec.reasons and rec.rule_set_label == "asam3-default@3"
    # Signed placements are signed once; a placement keeps one number across its rounds.
    signed = Placement.objects.filter(status="signed")
    assert Signature.objects.filter(placement__in=signed).count() == signed.count()
    for p in Placement.objects.filter(round=2):
        first = Placement.objects.get(assessment=p.assessment, round=1)
        assert p.number == first.number == first.pk
    # The review due is the latest signed placement's.
    for patient in patients.filter(review_due__isnull=False):
        due = Placement.objects.get(pk=patient.review_placement_id)
        assert due.status == "signed"
        assert patient.review_due == due.next_review_date
    # Audit entries name their patients through the index.
    entries = LogEntry.objects.count()
    assert entries >= 60 * 4 + 40
    assert (
        PatientLink.objects.count()
        == entries - LogEntry.objects.filter(additional_data__patient_id__isnull=True).count()
    )


def test_the_pages_read_the_network(network):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="n01.sup1")
    client = Client()
    client.force_login(user)
    assert client.get("/review/").status_code == 200
    assert client.get("/patients/", {"q": "a"}).status_code == 200
    clinician = get_user_model().objects.get(username="n01.clin1")
    client.force_login(clinician)
    assert client.get("/").status_code == 200


def test_a_second_run_adds_more_and_reuses_the_staff(network):
    from django.contrib.auth import get_user_model

    from intake.models import Patient

    staff = get_user_model().objects.count()
    call_command("seed_demo", patients=5, stdout=io.StringIO())
    assert get_user_model().objects.count() == staff
    assert Patient.objects.filter(program__code__startswith="net-").count() == 65


def test_negative_sizes_are_refused(db):
    with pytest.raises(CommandError, match="0 or more"):
        call_command("seed_demo", patients=-1, stdout=io.StringIO())
