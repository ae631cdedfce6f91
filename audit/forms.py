from django import forms
from django.core.exceptions import ValidationError

from intake.forms import DateInput

from .selectors import ACTIONS, AuditFilters, patients_matching


class AuditFilterForm(forms.Form):
    patient = forms.CharField(
        label="Patient",
        required=False,
        max_length=120,
        help_text="Full name or medical record number.",
    )
    user = forms.CharField(label="Username", required=False, max_length=150)
    action = forms.ChoiceField(
        label="Action",
        required=False,
        choices=[("", "Any"), *((k, k.capitalize()) for k in ACTIONS)],
    )
    since = forms.DateField(label="From", required=False, widget=DateInput())
    until = forms.DateField(label="To", required=False, widget=DateInput())

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", "The end date is before the start date: swap them.")
        text = cleaned.get("patient", "").strip()
        self.patients = patients_matching(text) if text else []
        if text and not self.patients:
            self.add_error("patient", "No patient has that name or medical record number.")
        return cleaned

    def filters(self) -> AuditFilters | None:
        """The filters, or None when the form has errors (nothing is listed then)."""
        if self.is_bound and not self.is_valid():
            return None
        data = self.cleaned_data if self.is_bound else {}
        return AuditFilters(
            patient=data.get("patient", ""),
            user=data.get("user", ""),
            action=data.get("action", ""),
            since=data.get("since"),
            until=data.get("until"),
            patient_ids=[p.pk for p in getattr(self, "patients", [])],
        )


__all__ = ["AuditFilterForm", "ValidationError"]
