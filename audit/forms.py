from django import forms

from intake.forms import DateInput

from .selectors import ACTIONS, AuditFilters


class AuditFilterForm(forms.Form):
    patient = forms.IntegerField(label="Patient number", required=False, min_value=1)
    user = forms.CharField(label="Username", required=False, max_length=150)
    action = forms.ChoiceField(
        label="Action",
        required=False,
        choices=[("", "Any"), *((k, k.capitalize()) for k in ACTIONS)],
    )
    since = forms.DateField(label="From", required=False, widget=DateInput())
    until = forms.DateField(label="To", required=False, widget=DateInput())

    def filters(self) -> AuditFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return AuditFilters(
            patient=data.get("patient"),
            user=data.get("user", ""),
            action=data.get("action", ""),
            since=data.get("since"),
            until=data.get("until"),
        )
