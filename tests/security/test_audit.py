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
    client.get(reverse("portal:patient_detail", args=[patient.pk]))
    client.get(reverse("portal:assessment_detail", args=[placement.assessment_id]))
    client.get(reverse("placement:recommendation", args=[placement.assessment_id]))
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
    one = PatientFactory(program=program_a, given_name="Ona", family_name="Quarry", mrn="Q-1")
    two = PatientFactory(program=program_a)
    reader = Client()
    reader.force_login(clinician_a)
    reader.get(reverse("portal:patient_detail", args=[one.pk]))
    reader.get(reverse("portal:patient_detail", args=[two.pk]))
    assert reader.get(reverse("audit:log")).status_code == 403
    client.force_login(superuser)
    for who in ("Ona Quarry", "quarry", "Q-1"):  # by name or MRN, never an internal id
        page = client.get(
            reverse("audit:log"), {"patient": who, "action": "access", "user": "clinician_a"}
        )
        rows = page.context["rows"]
        assert [r["e"].object_id for r in rows] == [one.pk], who
        assert rows[0]["patients"] == [one]
        assert "Ona Quarry" in page.content.decode() and "MRN Q-1" in page.content.decode()
    today = timezone.localtime(rows[0]["e"].timestamp).date().isoformat()
    page = client.get(
        reverse("audit:log"),
        {"since": today, "until": today, "action": "access", "user": "clinician_a"},
    )
    whats = sorted(r["what"] for r in page.context["rows"])
    assert whats == ["Signed in", "Viewed the patient", "Viewed the patient"]
    page = client.get(reverse("audit:log"), {"since": "2000-01-01", "until": "2000-01-02"})
    assert page.context["rows"] == []


def test_an_inverted_date_range_is_an_error_not_an_empty_list(client, superuser):
    client.force_login(superuser)
    page = client.get(reverse("audit:log"), {"since": "2026-02-01", "until": "2026-01-01"})
    assert page.status_code == 400
    assert "The end date is before the start date" in page.content.decode()


def test_entries_read_in_words_with_one_named_time_zone(client, superuser, clinician_a, program_a):
    from placement.services.reviews import review_approve, review_claim
    from tests.factories import make_submitted

    supervisor = __import__("tests.factories").factories.member(
        __import__("accounts.roles").roles.Role.SUPERVISOR, program_a, username="sup_words"
    )
    placement = make_submitted(clinician_a, PatientFactory(program=program_a))
    review_claim(placement_id=placement.pk, user=supervisor)
    review_approve(placement_id=placement.pk, user=supervisor)
    client.force_login(superuser)
    page = client.get(reverse("audit:log"))
    html = page.content.decode()
    whats = {r["what"] for r in page.context["rows"]}
    assert {
        "Recommendation created (3rd edition)",
        "Placement signed (3rd edition)",
        "Placement claimed for review (3rd edition)",
    } <= whats
    assert "Signed in" in whats
    assert "None" not in " ".join(whats)
    assert "Times are in America/New_York" in html


def test_sign_ins_failures_lockouts_and_sign_outs_are_logged(client, clinician_a):
    from tests.factories import PASSWORD

    client.post(reverse("login"), {"username": "clinician_a", "password": PASSWORD})
    client.post(reverse("logout"))
    for _ in range(5):
        client.post(reverse("login"), {"username": "clinician_a", "password": "wrong-one"})
    client.post(reverse("login"), {"username": "Zebulon Quintessa", "password": "x"})
    events = list(
        LogEntry.objects.filter(additional_data__has_key="event")
        .order_by("id")
        .values_list("additional_data__event", "actor__username")
    )
    assert events[:2] == [("sign-in", "clinician_a"), ("sign-out", "clinician_a")]
    assert ("sign-in failed", "clinician_a") in events
    assert ("locked out", "clinician_a") in events
    assert ("sign-in failed", None) in events  # an unknown name is not kept
    assert not LogEntry.objects.filter(object_repr__icontains="Zebulon").exists()


def test_export_is_a_job_whose_complete_file_is_downloaded_and_audited(
    client, superuser, clinician_a, program_a, django_capture_on_commit_callbacks, in_process_tasks
):
    patient = PatientFactory(program=program_a, given_name="Ida", family_name="Export")
    reader = Client()
    reader.force_login(clinician_a)
    reader.get(reverse("portal:patient_detail", args=[patient.pk]))
    client.force_login(superuser)
    assert client.get(reverse("audit:export")).status_code == 405  # a GET records nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("audit:export"), {"patient": "Ida Export"})
    export = AuditExport.objects.get()
    assert response["Location"] == reverse("audit:export_status", args=[export.pk])
    assert export.status == "done" and export.rows >= 1
    page = client.get(response["Location"]).content.decode()
    assert "Download the CSV" in page and "complete" in page
    download = client.get(reverse("audit:export_download", args=[export.pk]))
    body = b"".join(download.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:4] == ["time", "user", "action", "what"]
    assert len(rows) - 1 == export.rows
    assert any(r[1] == "clinician_a" and "Ida Export" in r[6] for r in rows[1:])
    assert rows[1][0].endswith(("-05:00", "-04:00"))  # ISO 8601 with the offset
    assert export.filters["patient_ids"] == [patient.pk]
    assert entries(content_type__model="auditexport", action=LogEntry.Action.CREATE).exists()
    assert entries(
        content_type__model="auditexport", action=LogEntry.Action.ACCESS, object_id=export.pk
    ).exists()


def test_another_superusers_export_is_not_theirs(
    client, superuser, django_capture_on_commit_callbacks
):
    from audit.selectors import AuditFilters
    from audit.services import audit_export_run, audit_export_start
    from tests.factories import UserFactory

    other = UserFactory(username="root2", is_staff=True, is_superuser=True)
    export = audit_export_start(user=other, filters=AuditFilters())
    audit_export_run(export_id=export.pk)
    client.force_login(superuser)
    assert client.get(reverse("audit:export_download", args=[export.pk])).status_code == 404


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


def test_change_details_show_local_times_never_utc(client, superuser, clinician_a, program_a):
    from placement.services.reviews import review_approve, review_claim
    from tests.factories import make_submitted, member

    supervisor = member(
        __import__("accounts.roles").roles.Role.SUPERVISOR, program_a, username="sup_tz"
    )
    placement = make_submitted(clinician_a, PatientFactory(program=program_a))
    review_claim(placement_id=placement.pk, user=supervisor)
    client.force_login(superuser)
    page = client.get(reverse("audit:log"), {"action": "update"})
    claimed = next(
        r for r in page.context["rows"] if r["what"] == "Placement claimed for review (3rd edition)"
    )
    placement.refresh_from_db()
    local = timezone.localtime(placement.claimed_at).strftime("%Y-%m-%d %H:%M")
    assert f"claimed at: (empty) → {local}" in claimed["changes"]
    assert (
        "+00:00" not in claimed["changes"] and "status: submitted → in_review" in claimed["changes"]
    )
    assert local in page.content.decode()
    review_approve(placement_id=placement.pk, user=supervisor)


def test_changes_to_answers_and_steps_read_in_words_not_json(
    client, superuser, clinician_a, program_a
):
    from tests.factories import make_assessment

    make_assessment(clinician_a, PatientFactory(program=program_a))
    client.force_login(superuser)
    page = client.get(reverse("audit:log"), {"action": "update"})
    changes = [r["changes"] for r in page.context["rows"] if r["what"].startswith("Assessment")]
    assert changes
    text = " | ".join(changes)
    assert '{"' not in text and '["' not in text  # no raw JSON anywhere
    assert "completed steps: added" in text
    assert "answers: " in text and " → " in text
