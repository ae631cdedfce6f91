"""42 CFR Part 2: consents, disclosures under them, and the accounting of disclosures."""

import datetime
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from intake.models import Consent, Disclosure
from placement.services.reviews import review_approve, review_claim
from tests.factories import make_submitted

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


@pytest.fixture
def signed(clinician_a, supervisor_a, patient_a):
    placement = make_submitted(clinician_a, patient_a)
    review_claim(placement_id=placement.pk, user=supervisor_a)
    return review_approve(placement_id=placement.pk, user=supervisor_a)


@pytest.fixture
def clinician(client, clinician_a):
    client.force_login(clinician_a)
    return client


def add_consent(client, patient, **changes):
    data = {
        "recipient": "Dr. Primary Care, Eastside Clinic",
        "purpose": "Coordination of care",
        "scope": "placement",
        "signed_on": TODAY.isoformat(),
        "expires_on": (TODAY + datetime.timedelta(days=365)).isoformat(),
        **changes,
    }
    return client.post(reverse("intake:consents", args=[patient.pk]), data)


def test_clinician_records_a_consent(clinician, patient_a):
    assert add_consent(clinician, patient_a).status_code == 302
    consent = Consent.objects.get()
    assert consent.is_active(TODAY) and consent.covers("placement", TODAY)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"expires_on": TODAY.isoformat()}, "must expire after the day it was signed"),
        (
            {"signed_on": (TODAY + datetime.timedelta(days=3)).isoformat()},
            "cannot be in the future",
        ),
        ({"recipient": ""}, "This field is required"),
        ({"scope": "everything"}, "Select a valid choice"),
    ],
)
def test_bad_consents_are_refused(clinician, patient_a, changes, message):
    response = add_consent(clinician, patient_a, **changes)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Consent.objects.exists()


def test_disclosure_asks_for_a_consent_records_it_and_stamps_the_pdf(clinician, patient_a, signed):
    add_consent(clinician, patient_a)
    consent = Consent.objects.get()
    url = reverse("placement:placement_disclose", args=[signed.pk])
    page = clinician.get(url).content.decode()
    assert "Dr. Primary Care, Eastside Clinic" in page
    response = clinician.post(url, {"consent": consent.pk})
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(BytesIO(response.content)).pages).split()
    )
    assert "Disclosed to Dr. Primary Care, Eastside Clinic" in text
    assert "42 CFR part 2" in text
    disclosure = Disclosure.objects.get()
    assert (disclosure.consent, disclosure.placement_id, disclosure.method) == (
        consent, signed.pk, "PDF download",
    )  # fmt: skip
    accounting = clinician.get(reverse("intake:disclosures", args=[patient_a.pk]))
    assert "Coordination of care" in accounting.content.decode()


def test_revoked_or_expired_consents_cover_nothing(clinician, patient_a, signed):
    add_consent(clinician, patient_a)
    consent = Consent.objects.get()
    clinician.post(reverse("intake:consent_revoke", args=[consent.pk]))
    consent.refresh_from_db()
    assert consent.revoked_at is not None
    response = clinician.post(
        reverse("placement:placement_disclose", args=[signed.pk]), {"consent": consent.pk}
    )
    assert response.status_code == 400 and not Disclosure.objects.exists()
    add_consent(
        clinician, patient_a,
        signed_on=(TODAY - datetime.timedelta(days=400)).isoformat(),
        expires_on=(TODAY - datetime.timedelta(days=1)).isoformat(),
    )  # fmt: skip
    expired = Consent.objects.latest("id")
    response = clinician.post(
        reverse("placement:placement_disclose", args=[signed.pk]), {"consent": expired.pk}
    )
    assert response.status_code == 400 and not Disclosure.objects.exists()


def test_accounting_covers_three_years(clinician, clinician_a, patient_a, signed):
    add_consent(clinician, patient_a)
    consent = Consent.objects.get()
    clinician.post(
        reverse("placement:placement_disclose", args=[signed.pk]), {"consent": consent.pk}
    )
    old = Disclosure.objects.get()
    Disclosure.objects.filter(pk=old.pk).update(
        disclosed_at=timezone.now() - datetime.timedelta(days=365 * 3 + 10)
    )
    clinician.post(
        reverse("placement:placement_disclose", args=[signed.pk]), {"consent": consent.pk}
    )
    page = clinician.get(reverse("intake:disclosures", args=[patient_a.pk]))
    assert len(page.context["disclosures"]) == 1


def test_disclosures_are_never_changed(clinician, patient_a, signed):
    add_consent(clinician, patient_a)
    clinician.post(
        reverse("placement:placement_disclose", args=[signed.pk]),
        {"consent": Consent.objects.get().pk},
    )
    d = Disclosure.objects.get()
    with pytest.raises(PermissionError):
        d.save()
    with pytest.raises(PermissionError):
        d.delete()


def test_other_programs_cannot_see_or_revoke_consents(patient_a, clinician_b, clinician):
    add_consent(clinician, patient_a)
    consent = Consent.objects.get()
    other = Client()
    other.force_login(clinician_b)
    assert other.get(reverse("intake:consents", args=[patient_a.pk])).status_code == 404
    assert other.post(reverse("intake:consent_revoke", args=[consent.pk])).status_code == 404
    assert other.get(reverse("intake:disclosures", args=[patient_a.pk])).status_code == 404
