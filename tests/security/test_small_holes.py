"""Smaller holes from the attack run: over-long usernames, separation of duties, the signature
password's attempt limit."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from accounts.roles import Role
from accounts.services import membership_grant
from intake.services import assessment_save_step
from placement.models import Signature
from placement.services.reviews import ReviewError, review_claim
from tests.conftest import CSRFClient
from tests.factories import PASSWORD, PatientFactory, make_assessment, make_submitted, member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_process_tasks")]


def test_an_over_long_username_is_a_form_error_not_a_server_error(client):
    response = client.post(reverse("login"), {"username": "a" * 5001, "password": "x" * 20})
    assert response.status_code == 200
    assert b"at most 150 characters" in response.content
    assert not AccessAttempt.objects.exists()


@pytest.fixture
def dual(program_a):
    """A user who is both clinician and supervisor of program A."""
    user = member(Role.CLINICIAN, program_a, username="dual")
    membership_grant(user=user, program=program_a, role=Role.SUPERVISOR)
    return user


def test_a_supervisor_who_wrote_a_step_cannot_sign_what_another_clinician_submitted(
    dual, clinician_a, program_a, supervisor_a
):
    from placement.services.recommendations import placement_submit, recommendation_compute

    patient = PatientFactory(program=program_a)
    assessment = make_assessment(clinician_a, patient)
    # The dual-role user edits one step; the other clinician then submits.
    assessment = assessment_save_step(
        user=dual,
        assessment_id=assessment.pk,
        version=assessment.version,
        step="D5",
        answers={"craving_0_10": 7, "coping_skills": "fair"},
        rating=2,
    )
    recommendation_compute(assessment=assessment, user=clinician_a)
    rec = assessment.recommendations.first()
    placement = placement_submit(
        assessment=assessment,
        user=clinician_a,
        decision={"provided_level": rec.level, "provided_withdrawal_level": rec.withdrawal_level},
    )
    with pytest.raises(ReviewError, match="another supervisor must review it"):
        review_claim(placement_id=placement.pk, user=dual)
    web = CSRFClient()
    web.force_login(dual)
    web.post(reverse("placement:review_claim", args=[placement.pk]))
    response = web.post(
        reverse("placement:review_approve", args=[placement.pk]), {"approve-password": PASSWORD}
    )
    assert response.status_code == 409
    assert not Signature.objects.exists()
    # An uninvolved supervisor can.
    review_claim(placement_id=placement.pk, user=supervisor_a)


def test_the_signature_password_counts_toward_the_lockout(clinician_a, supervisor_a, program_a):
    placement = make_submitted(clinician_a, PatientFactory(program=program_a))
    web = CSRFClient()
    web.force_login(supervisor_a)
    web.post(reverse("placement:review_claim", args=[placement.pk]))
    url = reverse("placement:review_approve", args=[placement.pk])
    for _ in range(4):
        response = web.post(
            url, {"approve-password": "a-guess-of-mine", "approve-comment": "Looks right."}
        )
        assert response.status_code == 400
        assert b"That password is not right" in response.content
    response = web.post(
        url, {"approve-password": "another-guess", "approve-comment": "Looks right."}
    )
    assert response["Location"] == reverse("login")
    # Signed out, and the right password no longer works either: nothing is signed.
    assert web.post(url, {"password": PASSWORD})["Location"].startswith("/accounts/login/")
    assert not Signature.objects.exists()
    again = CSRFClient().post(reverse("login"), {"username": "supervisor_a", "password": PASSWORD})
    assert again.status_code == 429
    # The lockout table keeps no clinical comment.
    assert all("Looks right" not in a.post_data for a in AccessAttempt.objects.all())
