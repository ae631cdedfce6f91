"""Every response that shows a patient's identity or clinical data writes exactly one ACCESS
entry naming the patients shown: one test over every page type."""

import datetime

import pytest
from auditlog.models import LogEntry

from audit.models import PatientLink
from placement.services.reviews import review_approve, review_claim
from tests.conftest import CSRFClient
from tests.factories import PatientFactory, make_assessment, make_submitted

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_process_tasks")]


@pytest.fixture
def world(clinician_a, supervisor_a, superuser, program_a, clinician_b, program_b):
    draft_patient = PatientFactory(
        program=program_a, family_name="Quillfeather", date_of_birth=datetime.date(1981, 3, 4)
    )
    draft = make_assessment(clinician_a, draft_patient)
    queued = make_submitted(clinician_a, PatientFactory(program=program_a))
    signed = make_submitted(clinician_a, PatientFactory(program=program_a))
    review_claim(placement_id=signed.pk, user=supervisor_a)
    review_approve(placement_id=signed.pk, user=supervisor_a)
    make_assessment(clinician_b, PatientFactory(program=program_b))  # never shown to A
    return {
        "draft": draft,
        "queued": queued,
        "signed": signed,
        "patient": draft_patient,
        "users": {"clinician": clinician_a, "supervisor": supervisor_a, "superuser": superuser},
    }


def pages(w):
    """(role, method, url, data, headers, patients the response shows)."""
    d, q, s, p = w["draft"], w["queued"], w["signed"], w["patient"]
    a_patients = {d.patient_id, q.assessment.patient_id, s.assessment.patient_id}
    return {
        "clinician home": ("clinician", "GET", "/", {}, {}, None),
        "patient list": ("clinician", "GET", "/patients/", {}, {}, a_patients),
        "patient search": ("clinician", "GET", "/patients/", {"q": "Quillfeather"}, {}, {p.pk}),
        "patient search, no match": ("clinician", "GET", "/patients/", {"q": "Nobody"}, {}, set()),
        "registration duplicates": (
            "clinician",
            "POST",
            "/patients/new/",
            {
                "program": p.program_id,
                "given_name": p.given_name,
                "family_name": p.family_name,
                "date_of_birth": p.date_of_birth.isoformat(),
                "sex": "female",
                "mrn": "NEW-1",
                "preferred_language": "English",
                "phone": "",
            },
            {},
            {p.pk},
        ),
        "patient page": ("clinician", "GET", f"/patients/{p.pk}/", {}, {}, {p.pk}),
        "assessment": ("clinician", "GET", f"/assessments/{d.pk}/", {}, {}, {p.pk}),
        "wizard step": ("clinician", "GET", f"/assessments/{d.pk}/steps/D1/", {}, {}, {p.pk}),
        "wizard summary": (
            "clinician",
            "GET",
            f"/assessments/{d.pk}/steps/summary/",
            {},
            {},
            {p.pk},
        ),
        "live suggestion": (
            "clinician",
            "POST",
            f"/assessments/{d.pk}/steps/D1/suggest/",
            {"q_ciwa_ar_score": "12"},
            {"HTTP_HX_REQUEST": "true"},
            {p.pk},
        ),
        "recommendation": (
            "clinician",
            "GET",
            f"/assessments/{d.pk}/recommendation/",
            {},
            {},
            {p.pk},
        ),
        "handout": ("clinician", "GET", f"/assessments/{d.pk}/handout/", {}, {}, {p.pk}),
        "consents": ("clinician", "GET", f"/patients/{p.pk}/consents/", {}, {}, {p.pk}),
        "disclosures": ("clinician", "GET", f"/patients/{p.pk}/disclosures/", {}, {}, {p.pk}),
        "pdf": (
            "clinician",
            "GET",
            f"/placements/{s.pk}/pdf/",
            {},
            {},
            {s.assessment.patient_id},
        ),
        "disclose": (
            "clinician",
            "GET",
            f"/placements/{s.pk}/disclose/",
            {},
            {},
            {s.assessment.patient_id},
        ),
        "supervisor home": ("supervisor", "GET", "/", {}, {}, {q.assessment.patient_id}),
        "review queue": ("supervisor", "GET", "/review/", {}, {}, {q.assessment.patient_id}),
        "review queue refresh": (
            "supervisor",
            "GET",
            "/review/",
            {},
            {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "queue-results"},
            {q.assessment.patient_id},
        ),
        "review page": (
            "supervisor",
            "GET",
            f"/review/{q.pk}/",
            {},
            {},
            {q.assessment.patient_id},
        ),
        "queue claim": (
            "supervisor",
            "POST",
            f"/review/{q.pk}/claim/",
            {},
            {"HTTP_HX_REQUEST": "true"},
            {q.assessment.patient_id},
        ),
        "admin patients": ("superuser", "GET", "/admin/intake/patient/", {}, {}, None),
        "admin patient": (
            "superuser",
            "GET",
            f"/admin/intake/patient/{p.pk}/change/",
            {},
            {},
            {p.pk},
        ),
        "admin assessments": ("superuser", "GET", "/admin/intake/assessment/", {}, {}, None),
        "admin assessment": (
            "superuser",
            "GET",
            f"/admin/intake/assessment/{d.pk}/change/",
            {},
            {},
            {p.pk},
        ),
        "admin recommendations": (
            "superuser",
            "GET",
            "/admin/placement/recommendation/",
            {},
            {},
            None,
        ),
        "admin recommendation": (
            "superuser",
            "GET",
            f"/admin/placement/recommendation/{d.recommendations.first().pk}/change/",
            {},
            {},
            {p.pk},
        ),
        "admin placements": ("superuser", "GET", "/admin/placement/placement/", {}, {}, None),
        "audit log": ("superuser", "GET", "/audit/", {}, {}, None),
    }


PAGE_NAMES = sorted(
    [
        "clinician home", "patient list", "patient search", "patient search, no match",
        "registration duplicates", "patient page", "assessment", "wizard step",
        "wizard summary", "live suggestion", "recommendation", "handout", "consents",
        "disclosures", "pdf", "disclose", "supervisor home", "review queue",
        "review queue refresh", "review page", "queue claim", "admin patients",
        "admin patient", "admin assessments", "admin assessment", "admin recommendations",
        "admin recommendation", "admin placements", "audit log",
    ]
)  # fmt: skip


def linked(entry) -> set[int]:
    return set(PatientLink.objects.filter(entry=entry).values_list("patient_id", flat=True))


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_each_page_type_writes_one_access_entry_naming_the_patients_shown(world, name):
    role, method, url, data, headers, expected = pages(world)[name]
    user = world["users"][role]
    client = CSRFClient()
    client.force_login(user)
    before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
    if method == "GET":
        response = client.get(url, data, **headers)
    else:
        response = client.post(url, data, **headers)
    assert response.status_code == 200, (name, response.status_code)
    new = list(LogEntry.objects.filter(action=LogEntry.Action.ACCESS).order_by("id")[before:])
    assert len(new) == 1, [e.object_repr for e in new]
    entry = new[0]
    assert entry.actor == user
    shown = linked(entry)
    if expected is None:  # a list page: at least the patients of the fixture it shows
        assert shown, name
    else:
        assert shown == expected
    if name == "clinician home":
        assert world["patient"].pk in shown


def test_every_page_type_in_the_table_exists(world):
    assert sorted(pages(world)) == PAGE_NAMES


def test_a_search_is_recorded_without_its_term(client, clinician_a, program_a, caplog):
    from audit.writer import search_digest

    PatientFactory(program=program_a, family_name="Zanzibarro")
    client.force_login(clinician_a)
    client.get("/patients/", {"q": "Zanzibarro"})
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).latest("id")
    assert entry.additional_data["page"] == "patient_search"
    assert entry.additional_data["search"] == {
        "kind": "name or record number",
        "digest": search_digest("zanzibarro"),
    }
    stored = " ".join(
        f"{e.object_repr} {e.additional_data}"
        for e in LogEntry.objects.filter(action=LogEntry.Action.ACCESS)
    )
    assert "zanzibarro" not in stored.lower()
    assert "Zanzibarro" not in caplog.text


def test_pages_without_patients_write_nothing(client, clinician_b):
    client.force_login(clinician_b)
    before = LogEntry.objects.count()
    assert client.get("/").status_code == 200
    assert LogEntry.objects.count() == before
