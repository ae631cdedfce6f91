"""Forms of a version's catalogs: a level, a dimension and its rating scale's meanings, a
question (label, help, choices, step, order)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from intake.forms import TextField


class LevelForm(forms.Form):
    name = forms.CharField(label="Name", max_length=160)
    adolescent_name = forms.CharField(
        label="Name for adolescents",
        max_length=160,
        required=False,
        help_text="Leave blank when it is the same.",
    )
    hours_adult = forms.CharField(label="Hours, adults", max_length=200, required=False)
    hours_adolescent = forms.CharField(label="Hours, adolescents", max_length=200, required=False)
    review_days = forms.IntegerField(
        label="Review after (days)", required=False, min_value=1, max_value=365
    )
    setting = TextField(max_length=2000, label="What it is like (for patients)")
    suits = TextField(max_length=2000, label="Who it suits (for patients)")
    intensity = forms.IntegerField(
        label="Care intensity",
        min_value=0,
        max_value=99,
        help_text="One scale for every rule set and edition (0 no care, 1 early intervention "
        "... 11 hospital): the review queue puts more intensive care first, and a review across "
        "editions compares it. Levels with the same care share a number.",
    )
    crosswalk_3rd = forms.CharField(
        label="Nearest 3rd-edition level",
        max_length=20,
        required=False,
        help_text="4th edition: the 3rd-edition level a reviewer reads this one as.",
    )

    def __init__(self, *args, fourth_edition: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not fourth_edition:
            del self.fields["crosswalk_3rd"]


class DimensionForm(forms.Form):
    name = forms.CharField(label="Name", max_length=120)
    short_name = forms.CharField(
        label="Short name", max_length=60, required=False, help_text="For tabs, e.g. Withdrawal."
    )

    def __init__(self, *args, scale, **kwargs):
        super().__init__(*args, **kwargs)
        self.scale = scale
        for code in scale:
            self.fields[f"anchor_{code}"] = forms.CharField(
                label=f"Rating {code} means", max_length=300, required=False
            )

    def anchors(self) -> list[str]:
        values = [self.cleaned_data.get(f"anchor_{c}", "").strip() for c in self.scale]
        return values if any(values) else []


class QuestionForm(forms.Form):
    label = forms.CharField(label="Question", max_length=300)
    help_text = TextField(max_length=2000, label="Help for the clinician")
    step = forms.ChoiceField(label="Asked on the step")
    order = forms.IntegerField(label="Order on the step", min_value=0, max_value=32767)
    required = forms.BooleanField(label="Must be answered", required=False)
    choices = TextField(
        max_length=4000,
        label="Choices, one per line: value | label",
        help_text="Only for questions with a list of answers. Values are used by the rules; "
        "labels are what people read.",
    )

    def __init__(self, *args, steps, question_type: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.question_type = question_type
        self.fields["step"].choices = steps
        if question_type not in ("choice", "multichoice"):
            del self.fields["choices"]

    def clean_choices(self):
        text = self.cleaned_data.get("choices", "")
        lines = [x for x in text.splitlines() if x.strip()]
        if not lines:
            raise ValidationError("A list question needs choices, one per line.")
        pairs = []
        for n, line in enumerate(lines, 1):
            if "|" not in line:
                raise ValidationError(f"Line {n}: write it as value | label.")
            value, label = (p.strip() for p in line.split("|", 1))
            if not value or not label:
                raise ValidationError(f"Line {n}: both a value and a label are needed.")
            pairs.append([value, label])
        values = [v for v, _ in pairs]
        if len(set(values)) != len(values):
            raise ValidationError("A value appears twice.")
        return pairs
