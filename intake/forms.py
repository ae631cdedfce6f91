"""Intake forms. Every field has a label; every error names the field in plain words."""

from __future__ import annotations

import datetime
import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from engine import Dimension, Question

from .catalog import FREQUENCY_CHOICES, ROUTE_CHOICES, SUBSTANCE_CHOICES
from .models import AssessmentKind, AssessmentStatus, Patient
from .selectors import likely_duplicates

MAX_NOTES = 5000
MAX_JUSTIFICATION = 2000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Bidirectional controls (embeddings, overrides, isolates, marks) can make a name or a
# recipient display as something else ("Trojan Source"); identifiers never need them.
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_PHONE = re.compile(r"^[0-9+().\- x]{0,30}$")


def today() -> datetime.date:
    return timezone.localdate()


def no_control_characters(value: str) -> str:
    if value and _CONTROL.search(value):
        raise ValidationError("Remove the invisible control characters from this text.")
    return value


# Characters that show as nothing (or as a blank) yet make two identifiers differ: format
# characters (Unicode category Cf: zero-width spaces and joiners, soft hyphens, word joiners,
# bidirectional marks), line and paragraph separators (Zl, Zp), and the fillers that render
# blank (Hangul fillers, the braille blank, the combining grapheme joiner).
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Zl", "Zp"})
_FILLERS = frozenset("\u034f\u115f\u1160\u3164\uffa0\u2800")


def has_invisible_characters(value: str) -> bool:
    return any(
        unicodedata.category(c) in _INVISIBLE_CATEGORIES or c in _FILLERS for c in value or ""
    )


def normal_identifier(value: str) -> str:
    """An identifier as stored and compared: NFKC-normalised (full-width and compatibility
    forms folded: a full-width M-1 is M-1) and stripped."""
    return unicodedata.normalize("NFKC", value or "").strip()


def plain_identifier(value: str) -> str:
    """For names, record numbers and consent parties: no control characters, no
    bidirectional formatting characters and no other invisible characters."""
    no_control_characters(value)
    if value and _BIDI.search(value):
        raise ValidationError(
            "Remove the invisible text-direction characters from this text (they can make it "
            "display differently from what is stored)."
        )
    if has_invisible_characters(value):
        raise ValidationError(
            "Remove the invisible characters (such as zero-width spaces) from this text: they "
            "would make it differ from what is shown."
        )
    return value


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PastDateInput(DateInput):
    """A date that cannot be later than today (a birth date, an assessment date, a last use):
    the browser's date picker stops at today, as the server's check does. The bound is read
    when the page is drawn, so a form kept in memory never carries yesterday's limit."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].setdefault("min", "1900-01-01")
        context["widget"]["attrs"]["max"] = today().isoformat()
        return context


class TextField(forms.CharField):
    """Free text: stripped, length-limited, no control characters (newlines and tabs are fine)."""

    def __init__(self, *, max_length: int, rows: int = 3, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(
            max_length=max_length,
            widget=forms.Textarea(attrs={"rows": rows, "maxlength": max_length}),
            validators=[no_control_characters],
            **kwargs,
        )


# -- patients --------------------------------------------------------------------------------


class PatientForm(forms.ModelForm):
    program = forms.ModelChoiceField(queryset=None, empty_label=None)
    confirm_not_duplicate = forms.BooleanField(
        required=False,
        label="This is a different person from the existing patient(s) with the same name and "
        "birth date",
    )

    class Meta:
        model = Patient
        fields = [
            "program",
            "given_name",
            "family_name",
            "date_of_birth",
            "sex",
            "mrn",
            "preferred_language",
            "phone",
        ]
        labels = {"given_name": "Given name", "family_name": "Family name", "sex": "Sex"}
        widgets = {"date_of_birth": PastDateInput()}

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs
        if programs.count() == 1:
            self.fields["program"].initial = programs.first()
            self.fields["program"].widget = forms.HiddenInput()
        self.duplicates = []
        for name in ("given_name", "family_name", "preferred_language", "mrn", "phone"):
            self.fields[name].validators.append(plain_identifier)
        self.fields["phone"].help_text = "Digits, spaces and + ( ) - . x only."

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        if born > today():
            raise ValidationError("The date of birth cannot be in the future.")
        if born < datetime.date(1900, 1, 1):
            raise ValidationError("Check the year: the date of birth is before 1900.")
        return born

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "").strip()
        if not _PHONE.match(phone):
            raise ValidationError("Use digits, spaces and + ( ) - . x only.")
        return phone

    def clean_mrn(self):
        return normal_identifier(self.cleaned_data["mrn"])

    def clean_given_name(self):
        return normal_identifier(self.cleaned_data["given_name"])

    def clean_family_name(self):
        return normal_identifier(self.cleaned_data["family_name"])

    def clean(self):
        cleaned = super().clean()
        program = cleaned.get("program")
        mrn = cleaned.get("mrn")
        if program and mrn:
            taken = Patient.objects.filter(program=program, mrn__iexact=mrn)
            if self.instance.pk:
                taken = taken.exclude(pk=self.instance.pk)
            if taken.exists():
                self.add_error(
                    "mrn", f"Medical record number {mrn} is already used in {program.name}."
                )
        if (
            program
            and cleaned.get("given_name")
            and cleaned.get("family_name")
            and cleaned.get("date_of_birth")
        ):
            self.duplicates = list(
                likely_duplicates(
                    program=program,
                    given_name=cleaned["given_name"],
                    family_name=cleaned["family_name"],
                    date_of_birth=cleaned["date_of_birth"],
                ).exclude(pk=self.instance.pk or 0)
            )
            if self.duplicates and not cleaned.get("confirm_not_duplicate"):
                self.add_error(
                    "confirm_not_duplicate",
                    "A patient with the same name and birth date is already registered (MRN "
                    + ", ".join(p.mrn for p in self.duplicates)
                    + "). Open that record instead, or tick this box if this is someone else.",
                )
        return cleaned

    def validate_unique(self):
        # The MRN check in clean() gives a clearer message than the constraint's.
        pass


class PatientSearchForm(forms.Form):
    q = forms.CharField(
        label="Search patients",
        required=False,
        max_length=100,
        help_text="Name, medical record number, or birth date (YYYY-MM-DD).",
    )


class StartAssessmentForm(forms.Form):
    kind = forms.ChoiceField(label="Type of assessment", choices=AssessmentKind.choices)
    assessment_date = forms.DateField(label="Assessment date", widget=PastDateInput())
    start_another = forms.BooleanField(
        label="Start another one anyway", required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, patient, **kwargs):

        super().__init__(*args, **kwargs)
        self.patient = patient
        self.fields["assessment_date"].initial = today()
        self.open_same_kind = None
        # Someone already placed comes back for a continued-stay review, not a new intake.
        if patient.assessments.filter(status=AssessmentStatus.SIGNED).exists():
            self.fields["kind"].initial = AssessmentKind.CONTINUED_STAY

    def clean(self):

        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind and not cleaned.get("start_another"):
            self.open_same_kind = (
                self.patient.assessments.filter(kind=kind)
                .exclude(status=AssessmentStatus.SIGNED)
                .order_by("-assessment_date", "-id")
                .first()
            )
            other = self.open_same_kind
            if other is not None:
                self.fields["start_another"].widget = forms.CheckboxInput()
                self.add_error(
                    "start_another",
                    f"This person already has an open {other.get_kind_display().lower()} "
                    f"assessment from {other.assessment_date:%Y-%m-%d}. Open it instead, or "
                    "tick this box to start another one.",
                )
        return cleaned

    def clean_assessment_date(self):
        date = self.cleaned_data["assessment_date"]
        if date > today():
            raise ValidationError("The assessment date cannot be in the future.")
        if date < self.patient.date_of_birth:
            raise ValidationError("The assessment date is before the patient's date of birth.")
        return date


# -- wizard steps ----------------------------------------------------------------------------


class YesNoField(forms.TypedChoiceField):
    """A yes/no question that must be answered either way (a required "bool" question): an
    unticked box cannot tell "no" from "not asked"."""

    widget = forms.RadioSelect
    TRUE = ("yes", "on", "true", "True")
    FALSE = ("no", "off", "false", "False")

    def __init__(self, **kwargs):
        super().__init__(
            choices=[("yes", "Yes"), ("no", "No")], coerce=self._coerce, empty_value=None, **kwargs
        )

    @classmethod
    def _coerce(cls, value):
        return value in cls.TRUE

    def to_python(self, value):
        if value is True or value in self.TRUE:
            return "yes"
        if value is False or value in self.FALSE:
            return "no"
        return super().to_python(value)

    def prepare_value(self, value):
        if value is True:
            return "yes"
        if value is False:
            return "no"
        return value


def question_field(q: Question, required: bool) -> forms.Field:
    common = {"label": q.label, "help_text": q.help_text, "required": required}
    if q.type == "int":
        return forms.IntegerField(min_value=q.min_value, max_value=q.max_value, **common)
    if q.type == "bool" and q.required:
        return YesNoField(**common)
    if q.type == "bool":
        return forms.BooleanField(**{**common, "required": False})
    if q.type == "choice":
        choices = list(q.choices)
        if not required:
            choices = [("", "Not assessed"), *choices]
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if q.type == "multichoice":
        return forms.MultipleChoiceField(
            choices=list(q.choices), widget=forms.CheckboxSelectMultiple, **common
        )
    if q.type == "date":
        return forms.DateField(widget=DateInput(), **common)
    return TextField(max_length=MAX_NOTES, **common)


class StepForm(forms.Form):
    """One wizard step: its questions, and for a dimension step the confirmed rating with a
    justification when it is lower than the suggestion; always a clinical-notes box.

    ``partial`` (saving a draft or an automatic save before sign-out) checks every value given
    but does not insist on required ones."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args,
        questions: tuple[Question, ...],
        dimension: Dimension | None = None,
        suggested=None,
        partial: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.dimension = dimension
        self.suggested = suggested
        self.partial = partial
        for q in questions:
            self.fields[f"q_{q.code}"] = question_field(q, required=q.required and not partial)
        if dimension is not None:
            anchors = dimension.anchors or ("",) * len(dimension.scale)
            self.fields["rating"] = forms.TypedChoiceField(
                label=f"Confirmed {dimension.code} rating",
                choices=[
                    (str(code), f"{code} - {anchor}" if anchor else str(code))
                    for code, anchor in zip(dimension.scale, anchors, strict=True)
                ],
                coerce=self._coerce_rating,
                widget=forms.RadioSelect,
                required=not partial,
                empty_value=None,  # no choice made: not yet rated (never an empty string)
            )
            self.fields["justification"] = TextField(
                max_length=MAX_JUSTIFICATION,
                # Several subdimensions share a page: each label says whose it is.
                label=f"Why a lower {dimension.code} rating than suggested"
                if self.prefix
                else "Why a lower rating than suggested",
                help_text="Required when you confirm a rating lower than the suggested one.",
            )
        self.fields["notes"] = TextField(
            max_length=MAX_NOTES,
            rows=4 if not self.prefix else 2,
            label=f"Clinical notes on {dimension.code}"
            if self.prefix and dimension is not None
            else "Clinical notes",
        )

    def _coerce_rating(self, value):
        for code in self.dimension.scale:
            if str(code) == value:
                return code
        raise ValidationError("Choose a rating.")

    def question_fields(self):
        return [self[f"q_{q.code}"] for q in self.questions]

    def answers(self, valid_only: bool = False) -> dict:
        """The answers of this step, JSON-ready (dates as YYYY-MM-DD). Blank means removed.
        ``valid_only``: only the questions whose values passed validation (after an error
        elsewhere on the page, the suggestion still follows what is on screen)."""
        out = {}
        for q in self.questions:
            if valid_only and f"q_{q.code}" not in self.cleaned_data:
                continue
            value = self.cleaned_data.get(f"q_{q.code}")
            if isinstance(value, datetime.date):
                value = value.isoformat()
            if value in ("", []):
                value = None
            out[q.code] = value
        return out

    def check_justification(self, suggested_rating) -> None:
        """A confirmed rating lower than ``suggested_rating`` needs a written justification."""
        if self.dimension is None or self.partial:
            return
        rating = self.cleaned_data.get("rating")
        if rating is None or suggested_rating is None:
            return
        scale = self.dimension.scale
        if (
            scale.index(rating) < scale.index(suggested_rating)
            and not self.cleaned_data.get("justification", "").strip()
        ):
            self.add_error(
                "justification",
                f"You confirmed {rating}, lower than the suggested {suggested_rating}: write why.",
            )


class SubstanceForm(forms.Form):
    substance = forms.ChoiceField(
        label="Substance", choices=[("", "Choose..."), *SUBSTANCE_CHOICES]
    )
    last_use = forms.DateField(label="Last use", widget=PastDateInput())
    route = forms.ChoiceField(label="Route", choices=[("", "Choose..."), *ROUTE_CHOICES])
    frequency = forms.ChoiceField(
        label="Frequency, past 30 days", choices=[("", "Choose..."), *FREQUENCY_CHOICES]
    )

    def __init__(self, *args, assessment_date=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.assessment_date = assessment_date

    def clean_last_use(self):
        last = self.cleaned_data["last_use"]
        if last < datetime.date(1900, 1, 1):
            raise ValidationError("Check the year: the last use is before 1900.")
        if last > today():
            raise ValidationError("The last use cannot be in the future.")
        if self.assessment_date and last > self.assessment_date:
            raise ValidationError("The last use is after the assessment date.")
        return last


class BaseSubstanceFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", {})
            if not data or data.get("DELETE"):
                continue
            if data.get("substance") in seen:
                form.add_error("substance", "This substance is already listed.")
            seen.add(data.get("substance"))

    def rows(self) -> list[dict]:
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", {})
            if not data or data.get("DELETE") or not data.get("substance"):
                continue
            rows.append(
                {
                    "substance": data["substance"],
                    "last_use": data["last_use"].isoformat(),
                    "route": data["route"],
                    "frequency": data["frequency"],
                }
            )
        return rows


SubstanceFormSet = forms.formset_factory(
    SubstanceForm, formset=BaseSubstanceFormSet, extra=1, max_num=12, can_delete=True
)
