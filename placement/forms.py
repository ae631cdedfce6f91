"""The clinician's decision and the supervisor's review forms."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from accounts.reauth import password_reconfirm
from intake.forms import MAX_NOTES, TextField
from placement.models import DiscrepancyReason, OverrideReason


class DecisionForm(forms.Form):
    """Provide the indicated level, or another one with a coded reason (free text for
    "other"); optionally the payer-authorized level and a note."""

    provided_level = forms.ChoiceField(label="Level provided")
    provided_withdrawal_level = forms.ChoiceField(
        label="Withdrawal management provided", required=False
    )
    discrepancy_reason = forms.ChoiceField(
        label="Reason the provided level differs",
        choices=DiscrepancyReason.choices,
        initial=DiscrepancyReason.NOT_APPLICABLE,
        required=False,
    )
    discrepancy_text = TextField(
        max_length=1000, label="Describe the reason", help_text="Required when the reason is Other."
    )
    authorized_level = forms.ChoiceField(label="Payer-authorized level (optional)", required=False)
    clinician_note = TextField(max_length=MAX_NOTES, label="Note for the reviewer")

    def __init__(self, *args, recommendation, treatment_choices, withdrawal_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.recommendation = recommendation
        self.fields["provided_level"].choices = treatment_choices
        self.fields["authorized_level"].choices = [("", "Not recorded"), *treatment_choices]
        if withdrawal_choices:
            self.fields["provided_withdrawal_level"].choices = withdrawal_choices
        else:
            del self.fields["provided_withdrawal_level"]

    def clean(self):
        cleaned = super().clean()
        rec = self.recommendation
        differs = cleaned.get("provided_level") != rec.level or (
            "provided_withdrawal_level" in self.fields
            and cleaned.get("provided_withdrawal_level") != rec.withdrawal_level
        )
        reason = cleaned.get("discrepancy_reason") or DiscrepancyReason.NOT_APPLICABLE
        if differs and reason == DiscrepancyReason.NOT_APPLICABLE:
            self.add_error(
                "discrepancy_reason",
                "The level provided differs from the indicated one: choose the reason.",
            )
        if (
            differs
            and reason == DiscrepancyReason.OTHER
            and not cleaned.get("discrepancy_text", "").strip()
        ):
            self.add_error("discrepancy_text", "Describe the reason when you choose Other.")
        if not differs:
            cleaned["discrepancy_reason"] = DiscrepancyReason.NOT_APPLICABLE
            cleaned["discrepancy_text"] = ""
        return cleaned

    def decision(self) -> dict:
        data = self.cleaned_data
        return {
            "provided_level": data["provided_level"],
            "provided_withdrawal_level": data.get("provided_withdrawal_level", ""),
            "discrepancy_reason": data["discrepancy_reason"],
            "discrepancy_text": data.get("discrepancy_text", ""),
            "authorized_level": data.get("authorized_level", ""),
            "clinician_note": data.get("clinician_note", ""),
        }


class ReturnForm(forms.Form):
    # Each of the review page's three forms has its own prefix, so no two fields on the page
    # share an id and every label points into its own form.
    prefix = "return"
    comment = TextField(
        max_length=MAX_NOTES, required=True, label="What the clinician should revise"
    )


class SignatureForm(forms.Form):
    """Electronic signature: the reviewer re-enters their password."""

    prefix = "approve"
    password = forms.CharField(
        label="Your password (electronic signature)",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    comment = TextField(max_length=MAX_NOTES, label="Comment (optional)")

    def __init__(self, *args, user, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request

    def clean_password(self):
        """Wrong passwords count toward the sign-in lockout (ReauthLocked propagates to the
        view, which has already been signed out)."""
        password = self.cleaned_data["password"]
        if not password_reconfirm(request=self.request, user=self.user, password=password):
            raise ValidationError("That password is not right. Your signature was not applied.")
        return password


class OverrideForm(SignatureForm):
    prefix = "override"
    override_level = forms.ChoiceField(label="Level to provide instead")
    override_withdrawal_level = forms.ChoiceField(
        label="Withdrawal management to provide instead", required=False
    )
    override_reason = forms.ChoiceField(
        label="Reason for the override", choices=OverrideReason.choices
    )
    comment = TextField(max_length=MAX_NOTES, required=True, label="Comment (required)")

    field_order = [
        "override_level",
        "override_withdrawal_level",
        "override_reason",
        "comment",
        "password",
    ]

    def __init__(self, *args, treatment_choices, withdrawal_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["override_level"].choices = treatment_choices
        if withdrawal_choices:
            self.fields["override_withdrawal_level"].choices = [
                ("", "No change"),
                *withdrawal_choices,
            ]
        else:
            del self.fields["override_withdrawal_level"]
