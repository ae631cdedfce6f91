"""42 CFR Part 2 consents and the accounting of disclosures."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .forms import DateInput, plain_identifier, today
from .models import Consent, Disclosure, Patient

ACCOUNTING_YEARS = 3
# A consent's dates must lie within this many years of today.
MAX_CONSENT_YEARS = 10


class ConsentForm(forms.ModelForm):
    class Meta:
        model = Consent
        fields = ["recipient", "purpose", "scope", "signed_on", "expires_on"]
        widgets = {"signed_on": DateInput(), "expires_on": DateInput()}
        help_texts = {
            "purpose": "For example: coordination of care with the primary care provider.",
            "expires_on": "Part 2 consents must end on a date or event; record the date.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("recipient", "purpose"):
            self.fields[name].validators.append(plain_identifier)
        now = today()
        self.fields["signed_on"].widget.attrs.update(
            min=(now - datetime.timedelta(days=365 * MAX_CONSENT_YEARS)).isoformat(),
            max=now.isoformat(),
        )
        self.fields["expires_on"].widget.attrs.update(
            max=(now + datetime.timedelta(days=365 * MAX_CONSENT_YEARS)).isoformat()
        )

    def clean_signed_on(self):
        signed = self.cleaned_data["signed_on"]
        now = today()
        if signed > now:
            raise ValidationError("The signing date cannot be in the future.")
        if signed < now - datetime.timedelta(days=365 * MAX_CONSENT_YEARS):
            raise ValidationError(
                f"Check the year: a consent signed more than {MAX_CONSENT_YEARS} years ago "
                "cannot be recorded as current."
            )
        return signed

    def clean_expires_on(self):
        expires = self.cleaned_data["expires_on"]
        if expires > today() + datetime.timedelta(days=365 * MAX_CONSENT_YEARS):
            raise ValidationError(
                f"Check the year: the expiry is more than {MAX_CONSENT_YEARS} years away. Part 2 "
                "consents end on a date or event; record a realistic date."
            )
        return expires

    def clean(self):
        cleaned = super().clean()
        signed, expires = cleaned.get("signed_on"), cleaned.get("expires_on")
        if signed and expires and expires <= signed:
            self.add_error("expires_on", "The consent must expire after the day it was signed.")
        return cleaned


class DisclosureForm(forms.Form):
    consent = forms.ModelChoiceField(
        queryset=Consent.objects.none(),
        label="Consent that covers this disclosure",
        empty_label="Choose a consent...",
    )

    def __init__(self, *args, patient: Patient, scope: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        on = timezone.localdate()
        ids = [c.pk for c in patient.consents.all() if c.covers(scope, on)]
        self.fields["consent"].queryset = patient.consents.filter(pk__in=ids)
        self.fields["consent"].label_from_instance = lambda c: (
            f"{c.recipient} - {c.purpose} (until {c.expires_on:%Y-%m-%d})"
        )


def consent_record(*, patient: Patient, user, data: dict) -> Consent:
    return Consent.objects.create(patient=patient, created_by=user, **data)


@transaction.atomic
def consent_revoke(*, consent: Consent, user) -> Consent:
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.revoked_at is None:
        consent.revoked_at = timezone.now()
        consent.revoked_by = user
        consent.save(update_fields=["revoked_at", "revoked_by"])
    return consent


@transaction.atomic
def disclosure_record(
    *, consent: Consent, user, what: str, method: str, placement_id=None, scope: str
) -> Disclosure:
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if not consent.covers(scope, timezone.localdate()):
        raise ValidationError(
            "That consent does not cover this disclosure (expired, revoked or too narrow)."
        )
    return Disclosure.objects.create(
        patient_id=consent.patient_id,
        consent=consent,
        placement_id=placement_id,
        what=what,
        recipient=consent.recipient,
        purpose=consent.purpose,
        method=method,
        disclosed_by=user,
    )


def accounting_of_disclosures(*, patient: Patient):
    since = timezone.now() - datetime.timedelta(days=365 * ACCOUNTING_YEARS + 1)
    return (
        patient.disclosures.filter(disclosed_at__gte=since)
        .select_related("disclosed_by", "consent")
        .order_by("-disclosed_at")
    )
