"""Every create, change and view of patient data is logged with user, time, action, object and
source address; superusers read and export the log; nobody changes it."""

import csv
import io

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditExport
from placement.services.reviews import review_approve, review_claim
from tests.factories import PatientFactory, make_submitted

pytestmark = pytest.mark.django_db

ACCESS = LogEntry.Action.ACCESS


def entries(**filters):
    return LogEntry.objects.filter(**filters)


def test_registering_a_patient_is_logged_with_user_and_address(client, clinician_a, program_a):
    client.force_login(clinician_a)
    client.post(
        reverse("intake:patient_create"),
        {"program": program_a.pk, "given_name": "Lee", "family_name": "Audit",
         "date_of_birth": "1990-01-01", "sex": "male", "mrn": "AUD-1",
         "preferred_language": "English", "phone": ""},
        REMOTE_ADDR="192.0.2.7",
    )  # fmt: skip
    entry = entries(action=LogEntry.Action.CREATE, content_type__model="patient").get()
    assert (entry.actor, entry.remote_addr) == (clinician_a, "192.0.2.7")
    assert entry.additional_data["patient_id"] == entry.object_id


def test_viewing_patient_assessment_and_pdf_is_logged_as_access(
    client, clinician_a, supervisor_a, program_a
):
    patient = PatientFactory(program=program_a)
    placement = make_submitted(clinician_a, patient)
    review_claim(placement_id=placement.pk, user=supervisor_a)
    review_approve(placement_id=placement.pk, user=supervisor_a)
    client.force_login(clinician_a)
    before = entries(action=ACCESS).count()
    client.get(reverse("intake:patient_detail", args=[patient.pk]))
    client.get(reverse("intake:assessment_detail", args=[placement.assessment_id]))
    client.get(reverse("intake:recommendation", args=[placement.assessment_id]))
    client.get(reverse("placement:placement_pdf", args=[placement.pk]))
    viewed = entries(action=ACCESS).order_by("id")[before:]
    assert [e.content_type.model for e in viewed] == [
        "patient", "assessment", "assessment", "placement",
    ]  # fmt: skip
    assert all(
        e.actor == clinician_a and e.additional_data["patient_id"] == patient.pk for e in viewed
    )


def test_changes_to_assessments_and_placements_are_logged(clinician_a, supervisor_a, program_a):
    placement = make_submitted(clinician_a, PatientFactory(program=program_a))
    review_claim(placement_id=placement.pk, user=supervisor_a)
    review_approve(placement_id=placement.pk, user=supervisor_a)
    models = set(entries().values_list("content_type__model", flat=True))
    assert {"assessment", "recommendation", "placement", "signature"} <= models
    claims = entries(content_type__model="placement", action=LogEntry.Action.UPDATE)
    assert claims.filter(actor=supervisor_a).exists()  # the claim's conditional update too


def test_audit_page_is_for_superusers_and_filters(client, superuser, clinician_a, program_a):
    one = PatientFactory(program=program_a)
    two = PatientFactory(program=program_a)
    reader = Client()
    reader.force_login(clinician_a)
    reader.get(reverse("intake:patient_detail", args=[one.pk]))
    reader.get(reverse("intake:patient_detail", args=[two.pk]))
    assert reader.get(reverse("audit:log")).status_code == 403
    client.force_login(superuser)
    page = client.get(
        reverse("audit:log"), {"patient": one.pk, "action": "access", "user": "clinician_a"}
    )
    rows = list(page.context["page"])
    assert len(rows) == 1 and rows[0].object_id == one.pk
    today = timezone.localtime(rows[0].timestamp).date().isoformat()
    page = client.get(
        reverse("audit:log"),
        {"since": today, "until": today, "action": "access", "user": "clinician_a"},
    )
    assert len(page.context["page"]) == 2
    page = client.get(reverse("audit:log"), {"since": "2000-01-01", "until": "2000-01-02"})
    assert len(page.context["page"]) == 0


def test_csv_export_is_itself_audited(client, superuser, clinician_a, program_a):
    patient = PatientFactory(program=program_a)
    reader = Client()
    reader.force_login(clinician_a)
    reader.get(reverse("intake:patient_detail", args=[patient.pk]))
    client.force_login(superuser)
    response = client.get(reverse("audit:export"), {"patient": patient.pk})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["time", "user", "action"]
    assert any(r[1] == "clinician_a" and r[2] == "access" for r in rows[1:])
    export = AuditExport.objects.get()
    assert (export.exported_by, export.filters["patient"]) == (superuser, patient.pk)
    assert entries(content_type__model="auditexport", action=LogEntry.Action.CREATE).exists()


def test_audit_entries_cannot_be_changed_or_deleted(client, superuser, clinician_a, program_a):
    PatientFactory(program=program_a)
    entry = LogEntry.objects.first()
    entry.object_repr = "tampered"
    with pytest.raises(PermissionDenied):
        entry.save()
    with pytest.raises(PermissionDenied), transaction.atomic():
        entry.delete()
    client.force_login(superuser)
    url = reverse("admin:auditlog_logentry_delete", args=[entry.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert LogEntry.objects.filter(pk=entry.pk).exists()
