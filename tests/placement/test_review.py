"""The supervisor's review: queue, claim, approve with signature, return, override."""

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from placement.models import ImmutableRecordError, Placement, Signature
from placement.services.reviews import ClaimConflict, ReviewError, review_claim
from tests.factories import PASSWORD, PatientFactory, make_submitted, member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_process_tasks")]


def claim(client, placement):
    return client.post(reverse("placement:review_claim", args=[placement.pk]))


def approve(client, placement, password=PASSWORD, **extra):
    return client.post(
        reverse("placement:review_approve", args=[placement.pk]),
        {"approve-password": password, **{f"approve-{k}": v for k, v in extra.items()}},
    )


def test_submission_notifies_the_programs_supervisors_without_patient_data(
    submitted, supervisor_a, supervisor_b, patient_a
):
    assert [m.to for m in mail.outbox] == [[supervisor_a.email]]
    body = mail.outbox[0].body + mail.outbox[0].subject
    assert f"Placement {submitted.pk}" in body
    for secret in (patient_a.family_name, patient_a.given_name, patient_a.mrn):
        assert secret not in body


def test_queue_shows_only_supervised_programs_most_urgent_first(
    supervisor_client, clinician_a, clinician_b, program_a, program_b
):
    p1 = make_submitted(clinician_a, PatientFactory(program=program_a))  # 2.1
    p2 = make_submitted(
        clinician_a,
        PatientFactory(program=program_a),
        ratings={"D2": 3},
        answers={
            **__import__("tests.factories").factories.MODERATE_ANSWERS,
            "D2": {"medical_condition_status": "needs_monitoring"},
        },
    )  # fmt: skip  3.7
    p3 = make_submitted(
        clinician_a,
        PatientFactory(program=program_a),
        answers={
            **__import__("tests.factories").factories.MODERATE_ANSWERS,
            "D3": {"suicide_risk": "intent_or_plan", "psychiatric_symptoms": "moderate"},
        },
        ratings={"D3": 4},
    )  # fmt: skip  EMERGENCY
    other = make_submitted(clinician_b, PatientFactory(program=program_b))
    Placement.objects.filter(pk=p1.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(hours=30)
    )
    page = supervisor_client.get(reverse("placement:review_queue"))
    ids = [row["p"].pk for row in page.context["rows"]]
    assert ids == [p3.pk, p2.pk, p1.pk]
    assert other.pk not in ids
    html = page.content.decode()
    assert "EMERGENCY" in html
    assert page.context["rows"][2]["overdue"] is True  # 30 h > the 24 h target
    assert page.context["counts"]["submitted"] == 3


@pytest.mark.parametrize(
    ("params", "expected"),
    [({"discrepancy": "yes"}, ["differs"]), ({"discrepancy": "no"}, ["same"]),
     ({"level": "2.1"}, ["same", "differs"]), ({"waiting": "10"}, ["differs"]),
     ({"overdue": "1"}, ["differs"])],
)  # fmt: skip
def test_queue_filters(supervisor_client, clinician_a, program_a, params, expected):
    same = make_submitted(clinician_a, PatientFactory(program=program_a))
    differs = make_submitted(
        clinician_a,
        PatientFactory(program=program_a),
        decision={"provided_level": "1", "provided_withdrawal_level": "2-WM",
                  "discrepancy_reason": "financial"},
    )  # fmt: skip
    Placement.objects.filter(pk=differs.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(hours=25)
    )
    names = {same.pk: "same", differs.pk: "differs"}
    page = supervisor_client.get(reverse("placement:review_queue"), params)
    assert sorted(names[r["p"].pk] for r in page.context["rows"]) == sorted(expected)


def test_queue_filter_by_program_and_clinician(
    supervisor_client, supervisor_a, clinician_a, program_a, program_b
):
    from accounts.services import membership_grant

    membership_grant(user=supervisor_a, program=program_b, role=Role.SUPERVISOR)
    colleague = member(Role.CLINICIAN, program_b, username="colleague")
    mine = make_submitted(clinician_a, PatientFactory(program=program_a))
    theirs = make_submitted(colleague, PatientFactory(program=program_b))
    page = supervisor_client.get(reverse("placement:review_queue"), {"program": program_b.pk})
    assert [r["p"].pk for r in page.context["rows"]] == [theirs.pk]
    page = supervisor_client.get(reverse("placement:review_queue"), {"clinician": clinician_a.pk})
    assert [r["p"].pk for r in page.context["rows"]] == [mine.pk]


def test_claim_from_the_queue_updates_the_row_in_place(supervisor_client, submitted):
    response = supervisor_client.post(
        reverse("placement:queue_claim", args=[submitted.pk]), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="queue-row-{submitted.pk}"')
    assert "In review" in html and "Review" in html


def test_second_supervisor_sees_who_has_the_claim(submitted, supervisor_a, program_a):
    second = member(
        Role.SUPERVISOR, program_a, username="second", first_name="Sol", last_name="Two"
    )
    review_claim(placement_id=submitted.pk, user=supervisor_a)
    with pytest.raises(ClaimConflict, match=supervisor_a.get_full_name()):
        review_claim(placement_id=submitted.pk, user=second)
    other = Client()
    other.force_login(second)
    response = other.post(
        reverse("placement:queue_claim", args=[submitted.pk]), HTTP_HX_REQUEST="true"
    )
    assert f"{supervisor_a.get_full_name()} claimed this placement" in response.content.decode()


def test_a_supervisor_cannot_review_their_own_submission(program_a):
    both = member(Role.CLINICIAN, program_a, username="both")
    from accounts.services import membership_grant

    membership_grant(user=both, program=program_a, role=Role.SUPERVISOR)
    placement = make_submitted(both, PatientFactory(program=program_a))
    with pytest.raises(ReviewError, match="another supervisor"):
        review_claim(placement_id=placement.pk, user=both)


def test_approve_needs_the_claim_and_the_password(
    supervisor_client, submitted, supervisor_a, django_capture_on_commit_callbacks
):
    response = approve(supervisor_client, submitted)
    assert response.status_code == 409
    claim(supervisor_client, submitted)
    response = approve(supervisor_client, submitted, password="wrong")
    assert response.status_code == 400
    assert "Your signature was not applied" in response.content.decode()
    assert not Signature.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = approve(supervisor_client, submitted)
    assert response.status_code == 302
    submitted.refresh_from_db()
    sig = submitted.signature
    assert (submitted.status, submitted.final_level, submitted.final_withdrawal_level) == (
        "signed", "2.1", "2-WM",
    )  # fmt: skip
    assert (sig.signer, sig.signer_name, sig.signer_role) == (
        supervisor_a, supervisor_a.get_full_name(), "Supervisor",
    )  # fmt: skip
    # 2.1 reviews in 30 days, 2-WM in 3: the sooner wins.
    assert submitted.next_review_date == timezone.localdate() + datetime.timedelta(days=3)
    assert submitted.assessment.status == "signed"
    assert bytes(submitted.document.pdf)[:5] == b"%PDF-"
    assert any("was approved" in m.subject for m in mail.outbox)


def test_return_needs_a_comment_and_the_clinician_sees_it(
    supervisor_client, submitted, clinician_a
):
    claim(supervisor_client, submitted)
    url = reverse("placement:review_return", args=[submitted.pk])
    response = supervisor_client.post(url, {"return-comment": "  "})
    assert response.status_code == 400
    supervisor_client.post(url, {"return-comment": "Please re-check the D5 rating."})
    submitted.refresh_from_db()
    assert submitted.status == "returned"
    assert submitted.assessment.status == "returned"
    clinician = Client()
    clinician.force_login(clinician_a)
    home = clinician.get(reverse("home")).content.decode()
    assert "Returned for revision" in home and "Please re-check the D5 rating." in home


def test_returned_assessment_is_revised_and_resubmitted_keeping_every_round(
    supervisor_client, submitted, clinician_a, django_capture_on_commit_callbacks
):
    from intake.services import assessment_save_step
    from placement.services.recommendations import placement_submit, recommendation_compute

    claim(supervisor_client, submitted)
    supervisor_client.post(
        reverse("placement:review_return", args=[submitted.pk]),
        {"return-comment": "D5 looks high."},
    )
    assessment = submitted.assessment
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
    assert second.round == 2
    rounds = list(assessment.placements.order_by("round").values_list("status", flat=True))
    assert rounds == ["returned", "submitted"]


def test_override_replaces_the_level_with_reason_and_signs(supervisor_client, submitted):
    claim(supervisor_client, submitted)
    response = supervisor_client.post(
        reverse("placement:review_override", args=[submitted.pk]),
        {"override-override_level": "2.5", "override-override_withdrawal_level": "",
         "override-override_reason": "safety",
         "override-comment": "Lives alone; near-daily contact needed.",
         "override-password": PASSWORD},
    )  # fmt: skip
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.final_level, submitted.override_reason) == ("2.5", "safety")
    assert submitted.signature.meaning.startswith("Overrode the provided level with 2.5")


def test_override_needs_a_comment(supervisor_client, submitted):
    claim(supervisor_client, submitted)
    response = supervisor_client.post(
        reverse("placement:review_override", args=[submitted.pk]),
        {
            "override-override_level": "2.5",
            "override-override_reason": "safety",
            "override-comment": "",
            "override-password": PASSWORD,
        },
    )
    assert response.status_code == 400
    submitted.refresh_from_db()
    assert submitted.status == "in_review"


def test_signed_placement_cannot_be_changed_anywhere(
    supervisor_client, submitted, superuser, supervisor_a
):
    claim(supervisor_client, submitted)
    approve(supervisor_client, submitted)
    submitted.refresh_from_db()
    # through the model
    submitted.final_level = "4"
    with pytest.raises(ImmutableRecordError):
        submitted.save()
    with pytest.raises(ImmutableRecordError):
        submitted.signature.save()
    with pytest.raises(ImmutableRecordError):
        submitted.delete()
    # through the views
    for name in ("review_approve", "review_return", "review_override", "review_release"):
        response = supervisor_client.post(
            reverse(f"placement:{name}", args=[submitted.pk]),
            {f"{prefix}-{k}": v for prefix in ("approve", "return", "override")
             for k, v in {"password": PASSWORD, "comment": "again", "override_level": "4",
                          "override_reason": "safety"}.items()},
        )  # fmt: skip
        assert response.status_code in (400, 409), name
    # through admin, even as a superuser
    admin = Client()
    admin.force_login(superuser)
    url = reverse("admin:placement_placement_change", args=[submitted.pk])
    assert admin.get(url).status_code == 200  # view only
    admin.post(url, {"final_level": "4"})
    delete = reverse("admin:placement_placement_delete", args=[submitted.pk])
    assert admin.post(delete, {"post": "yes"}).status_code == 403
    assert Placement.objects.get(pk=submitted.pk).final_level == "2.1"
    assert Signature.objects.count() == 1


def test_pdf_has_the_part_2_notice_on_every_page_and_only_members_get_it(
    supervisor_client, submitted, clinician_b
):
    from io import BytesIO

    from pypdf import PdfReader

    claim(supervisor_client, submitted)
    approve(supervisor_client, submitted, comment="Agree.")
    response = supervisor_client.get(reverse("placement:placement_pdf", args=[submitted.pk]))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(BytesIO(response.content))
    assert len(reader.pages) >= 1
    for page in reader.pages:
        text = " ".join(page.extract_text().split())
        assert "42 CFR part 2" in text
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert submitted.assessment.patient.mrn in text
    assert "asam3-default@3" in text and "T-D3-2" in text
    other = Client()
    other.force_login(clinician_b)
    assert other.get(reverse("placement:placement_pdf", args=[submitted.pk])).status_code == 404


def test_pdf_fetcher_refuses_files_and_network():
    from placement.services.documents import StaticOnlyFetcher

    fetcher = StaticOnlyFetcher()
    for url in (
        "file:///etc/passwd",
        "http://127.0.0.1:6379/",
        "stepwise-static:../config/settings/base.py",
    ):
        with pytest.raises(ValueError, match=r"blocked|not a static file"):
            fetcher.fetch(url)
    assert fetcher.fetch("stepwise-static:css/stepwise.css").read().startswith(b"/*")


def test_pdf_cannot_read_local_files_through_html(tmp_path):
    from weasyprint import HTML

    from placement.services.documents import StaticOnlyFetcher

    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not really")
    html = f'<img src="file://{secret}"><link rel="stylesheet" href="http://127.0.0.1:9/x.css">'
    pdf = HTML(
        string=html, base_url="stepwise-static:", url_fetcher=StaticOnlyFetcher()
    ).write_pdf()
    assert pdf.startswith(b"%PDF")  # rendered without fetching either resource


def test_the_first_page_of_the_signed_pdf_says_what_a_reader_needs_first(
    supervisor_client, submitted, supervisor_a
):
    """Page 1: the person, the recommended and provided levels, the signer and the date, the
    edition and the rule-set version. No page of the document holds a lone line."""
    from io import BytesIO

    from django.utils import timezone
    from pypdf import PdfReader

    claim(supervisor_client, submitted)
    approve(supervisor_client, submitted, comment="Agree.")
    response = supervisor_client.get(reverse("placement:placement_pdf", args=[submitted.pk]))
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(BytesIO(response.content)).pages]
    first = pages[0]
    submitted.refresh_from_db()
    patient = submitted.assessment.patient
    signed = timezone.localtime(submitted.signature.signed_at).strftime("%Y-%m-%d")
    assert f"{patient.given_name} {patient.family_name}" in first and patient.mrn in first
    assert "Recommended 2.1 Intensive Outpatient" in first
    assert "Provided (clinician) 2.1 Intensive Outpatient" in first
    assert f"Signed {supervisor_a.get_full_name()} (Supervisor), {signed}" in first
    assert "ASAM Criteria, 3rd edition" in first and "asam3-default@3" in first
    assert "Ratings" not in first  # the details start on a page of their own
    assert len(pages) >= 2 and all(len(p) > 200 for p in pages)
