"""Forms of the rule editor. Every choice is drawn from the version's own catalogs (levels,
dimensions and their scales, flags, modifiers, questions and their choices): never free text
where a choice exists. Conditions are built row by row; a value is typed only for an answer
comparison, and it is checked against the question's type and choices."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError

from engine import (
    ANSWER_OP_LABELS,
    ANY_LEVEL,
    CONDITION_KIND_LABELS,
    ConditionCatalog,
    RuleSet,
    check_condition,
)
from intake.forms import question_field

# The engine's words for each comparison, with a hint where the builder needs one.
_OP_HINTS = {
    "includes_any": "includes any of (several-of-a-list questions)",
    "includes_none": "includes none of (several-of-a-list questions)",
    "between": "is between (low-high)",
    "age_under": "age on the assessment date is under",
    "age_at_least": "age on the assessment date is at least",
}
OPS = [(op, _OP_HINTS.get(op, label)) for op, label in ANSWER_OP_LABELS.items()]
KINDS_PLACEMENT = [(k, CONDITION_KIND_LABELS[k]) for k in ("rating", "flag", "at_least")]
KINDS_ANSWER = [("answer", CONDITION_KIND_LABELS["answer"])]
# A version that determines its level from needs (4th edition): conditions on the needs and
# on the level determined so far.
KINDS_NEED = [(k, CONDITION_KIND_LABELS[k]) for k in ("need", "result")]
# The engine's field names for a condition (engine.check_condition), as this form names them.
FORM_FIELD = {"is": "flag_value", "of": "dimensions", "levels": "need_levels",
              "bases": "need_bases", "variants": "need_variants"}  # fmt: skip


class Catalogs:
    """The codes a version offers, for the choices of every form."""

    def __init__(self, rs: RuleSet):
        self.rs = rs
        self.dimensions = [(d.code, f"{d.code} {d.name}") for d in rs.dimensions]
        self.scales = {d.code: list(d.scale) for d in rs.dimensions}
        seen: dict[str, None] = {}
        for d in rs.dimensions:
            for code in d.scale:
                seen.setdefault(str(code), None)
        self.ratings = [(c, c) for c in seen]
        self.tracks = [(t, t.capitalize()) for t in rs.tracks]
        self.levels = [
            (t.capitalize(), [(lv.code, lv.label()) for lv in rs.levels_of(t)]) for t in rs.tracks
        ]
        self.flags = [(f.code, f.description or f.code) for f in rs.flags]
        self.modifiers = [(m.code, f"{m.code} {m.name}") for m in rs.modifiers]
        self.questions = [(q.code, q.label or q.code) for q in rs.questions]
        self.question = {q.code: q for q in rs.questions}
        self.conditions = ConditionCatalog.of(rs)
        self.determines = rs.determines
        self.all_levels = [(lv.code, lv.label()) for lv in rs.levels]
        primary = rs.levels_of(rs.primary_track)
        self.primary_levels = [(lv.code, lv.label()) for lv in primary]
        bases: dict[str, None] = {}
        variants: dict[str, None] = {}
        for lv in rs.levels:
            bases.setdefault(lv.base, None)
            if lv.variant:
                variants.setdefault(lv.variant, None)
        self.bases = [(b, b) for b in bases]
        self.variants = [(v, v) for v in variants]

    def level_track(self, code: str) -> str | None:
        for lv in self.rs.levels:
            if lv.code == code:
                return lv.track
        return None


def _code(value: str, scale: list):
    for code in scale:
        if str(code) == value:
            return code
    return None


class RuleForm(forms.Form):
    rule_id = forms.CharField(label="Rule ID", max_length=60, help_text="Stable, e.g. T-D5-3.")
    text = forms.CharField(
        label="Description, in plain words", max_length=300, widget=forms.TextInput
    )
    note = forms.CharField(
        label="Source or caveat (for administrators)", max_length=300, required=False
    )

    def __init__(
        self, *args, kind: str, catalogs: Catalogs, taken: set[str], new: bool = False, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.kind, self.catalogs, self.taken, self.new = kind, catalogs, taken, new
        if new:  # a new rule's ID may be left to the editor, which suggests one on save
            self.fields["rule_id"].required = False
            self.fields["rule_id"].help_text = (
                "Leave blank and one is made from the track and the conditions (you can change "
                "it afterwards)."
            )
        c = catalogs
        if kind in ("placement", "substitution"):
            self.fields["track"] = forms.ChoiceField(label="Track", choices=c.tracks)
        if kind == "placement":
            self.fields["level"] = forms.ChoiceField(label="At least this level", choices=c.levels)
        if kind == "substitution":
            self.fields["from_level"] = forms.ChoiceField(
                label="When the track came out at",
                choices=[("Any", [(ANY_LEVEL, "Any level")]), *c.levels],
            )
            self.fields["level"] = forms.ChoiceField(label="It becomes", choices=c.levels)
        if kind == "modifier":
            self.fields["modifier"] = forms.ChoiceField(label="Adds", choices=c.modifiers)
        if kind == "rating":
            self.fields["dimension"] = forms.ChoiceField(label="Dimension", choices=c.dimensions)
            self.fields["rating"] = forms.ChoiceField(
                label="Suggests at least this rating", choices=c.ratings
            )
        if kind == "flag":
            self.fields["flag"] = forms.ChoiceField(label="Sets the flag", choices=c.flags)
        if kind == "need":
            self.fields["level"] = forms.ChoiceField(
                label="Needs at least this level",
                choices=[("", "No level (a modifier only)"), *c.all_levels],
                required=False,
            )
            self.fields["modifier"] = forms.ChoiceField(
                label="Adds", choices=[("", "No modifier"), *c.modifiers], required=False
            )
        if kind == "determination":
            self.fields["level"] = forms.ChoiceField(label="The level is", choices=c.primary_levels)
        if kind in ("placement", "substitution"):
            for name in ("level", "from_level"):
                if name in self.fields:  # the page offers only the chosen track's levels
                    self.fields[name].widget.attrs["data-follows-track"] = "1"

    def clean_rule_id(self):
        rule_id = self.cleaned_data["rule_id"].strip()
        if not rule_id and self.new:
            return ""  # suggested once the conditions are known (suggested_rule_id)
        if not rule_id or any(ch.isspace() for ch in rule_id):
            raise ValidationError("Use letters, digits and dashes, without spaces.")
        if rule_id in self.taken:
            raise ValidationError(f"The rule ID {rule_id} is already used in this version.")
        return rule_id

    def clean(self):
        cleaned = super().clean()
        c = self.catalogs
        track = cleaned.get("track")
        for name in ("level", "from_level"):
            code = cleaned.get(name)
            if self.kind in ("need", "determination"):
                break
            if code and code != ANY_LEVEL and track and c.level_track(code) != track:
                self.add_error(name, f"Level {code} is not on the {track} track.")
        if self.kind == "need" and not cleaned.get("level") and not cleaned.get("modifier"):
            self.add_error("level", "A need asks for a level, a modifier, or both.")
        if self.kind == "rating":
            dim, rating = cleaned.get("dimension"), cleaned.get("rating")
            if dim and rating is not None and _code(rating, c.scales[dim]) is None:
                self.add_error("rating", f"{rating} is not a rating on the {dim} scale.")
        return cleaned

    def rule_fields(self) -> dict:
        """The Rule row's fields."""
        d = self.cleaned_data
        fields = {
            "rule_id": d["rule_id"],
            "kind": self.kind,
            "text": d["text"].strip(),
            "note": d.get("note", "").strip(),
        }
        for name in ("track", "level", "from_level", "modifier", "dimension", "flag"):
            if name in d:
                fields[name] = d[name]
        if "rating" in d:
            fields["rating"] = str(d["rating"])
        return fields


class ConditionForm(forms.Form):
    group = forms.IntegerField(
        label="Either-of group",
        required=False,
        min_value=1,
        max_value=99,
        help_text="Conditions with the same number here are alternatives: either of them is "
        "enough. Leave blank when the condition must hold.",
    )
    kind = forms.ChoiceField(label="Kind of condition")
    dimension = forms.ChoiceField(label="Dimension", required=False)
    low = forms.ChoiceField(label="Rated from", required=False)
    high = forms.ChoiceField(label="to", required=False)
    flag = forms.ChoiceField(label="Flag", required=False)
    flag_value = forms.ChoiceField(
        label="is", choices=[("on", "on"), ("off", "off")], required=False
    )
    count = forms.IntegerField(label="At least", required=False, min_value=1)
    dimensions = forms.MultipleChoiceField(
        label="of these dimensions", required=False, widget=forms.CheckboxSelectMultiple
    )
    minimum = forms.ChoiceField(label="rated at least", required=False)
    question = forms.ChoiceField(label="Question", required=False)
    op = forms.ChoiceField(label="Comparison", choices=[("", "Choose..."), *OPS], required=False)
    value = forms.CharField(
        label="Value",
        required=False,
        max_length=200,
        help_text="A number; several values separated by commas for 'is one of'; low-high "
        "for 'is between'. Choices can be written as their value or their label.",
    )
    need_levels = forms.MultipleChoiceField(
        label="Levels", required=False, widget=forms.CheckboxSelectMultiple
    )
    need_bases = forms.MultipleChoiceField(
        label="or base levels (any variant)", required=False, widget=forms.CheckboxSelectMultiple
    )
    need_variants = forms.MultipleChoiceField(
        label="or variants", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, catalogs: Catalogs, answers_only: bool, **kwargs):
        super().__init__(*args, **kwargs)
        c = self.catalogs = catalogs
        self.answers_only = answers_only
        kinds = KINDS_ANSWER if answers_only else KINDS_PLACEMENT
        if c.determines and not answers_only:
            kinds = [*kinds, *KINDS_NEED]
        self.fields["kind"].choices = kinds
        self.fields["need_levels"].choices = c.all_levels
        self.fields["need_bases"].choices = c.bases
        self.fields["need_variants"].choices = c.variants
        blank = [("", "Choose...")]
        self.fields["dimension"].choices = blank + c.dimensions
        self.fields["low"].choices = blank + c.ratings
        self.fields["high"].choices = blank + c.ratings
        self.fields["flag"].choices = blank + c.flags
        self.fields["dimensions"].choices = c.dimensions
        self.fields["minimum"].choices = blank + c.ratings
        self.fields["question"].choices = blank + c.questions

    def clean(self):
        cleaned = super().clean()
        self.condition = None
        if cleaned.get("DELETE") or not cleaned.get("kind"):
            return cleaned
        kinds = [k for k, _ in self.fields["kind"].choices]
        fields = {
            name: cleaned.get(FORM_FIELD.get(name, name))
            for name in ("kind", "dimension", "low", "high", "flag", "is", "count", "of",
                         "minimum", "question", "op", "value", "levels", "bases", "variants")
        }  # fmt: skip
        self.condition, errors = check_condition(fields, self.catalogs.conditions, kinds=kinds)
        for name, message in errors.items():
            self.add_error(FORM_FIELD.get(name, name), message)
        return cleaned


class BaseConditionFormSet(forms.BaseFormSet):
    def __init__(self, *args, catalogs: Catalogs, answers_only: bool, **kwargs):
        self.catalogs, self.answers_only = catalogs, answers_only
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"catalogs": self.catalogs, "answers_only": self.answers_only}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            catalogs=self.catalogs,
            answers_only=self.answers_only,
        )
        self.add_fields(form, None)
        return form

    def when(self) -> list:
        """The conditions as data (the file format's ``when``): rows sharing a group become
        one ``any_of`` at the position of the group's first row."""
        when: list = []
        groups: dict[int, list] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", {})
            cond = getattr(form, "condition", None)
            if not data or data.get("DELETE") or cond is None:
                continue
            group = data.get("group")
            if group is None:
                when.append(cond)
            elif group in groups:
                groups[group].append(cond)
            else:
                groups[group] = [cond]
                when.append({"any_of": groups[group]})
        return when


ConditionFormSet = forms.formset_factory(
    ConditionForm, formset=BaseConditionFormSet, extra=0, can_delete=True, max_num=30
)


def condition_initial(when: list) -> list[dict]:
    """Form initial data for a rule's ``when`` (file format)."""
    rows = []
    group = 0
    for cond in when:
        if "any_of" in cond:
            group += 1
            rows.extend({**_initial(c), "group": group} for c in cond["any_of"])
        else:
            rows.append(_initial(cond))
    return rows


def _initial(cond: dict) -> dict:
    if "need" in cond or "result" in cond:
        kind = "need" if "need" in cond else "result"
        spec = cond[kind]
        return {
            "kind": kind,
            "need_levels": spec.get("levels", []),
            "need_bases": spec.get("bases", []),
            "need_variants": spec.get("variants", []),
        }
    if "rating" in cond:
        return {
            "kind": "rating",
            "dimension": cond["rating"],
            "low": str(cond["from"]),
            "high": str(cond["to"]),
        }
    if "flag" in cond:
        return {
            "kind": "flag",
            "flag": cond["flag"],
            "flag_value": "on" if cond.get("is", True) else "off",
        }
    if "at_least" in cond:
        return {
            "kind": "at_least",
            "count": cond["at_least"],
            "dimensions": cond["of"],
            "minimum": str(cond["rated"]),
        }
    value = cond.get("value")
    if isinstance(value, list) and cond["op"] == "between":
        text = f"{value[0]}-{value[1]}"
    elif isinstance(value, list):
        text = ", ".join(map(str, value))
    elif value is True or value is False:
        text = "yes" if value else "no"
    else:
        text = "" if value is None else str(value)
    return {"kind": "answer", "question": cond["answer"], "op": cond["op"], "value": text}


class TestCaseForm(forms.Form):
    """A test case from ratings and flags, or from intake answers."""

    __test__ = False

    name = forms.CharField(label="What the case checks", max_length=200)
    source = forms.ChoiceField(
        label="Input",
        choices=[("ratings", "Ratings and flags"), ("answers", "Intake answers")],
        widget=forms.RadioSelect,
        initial="ratings",
    )
    expect_compare = forms.ChoiceField(
        label="The treatment level should be",
        choices=[("exact", "exactly"), ("at least", "at least"), ("at most", "at most")],
        initial="exact",
        required=False,  # left out: exactly
    )
    expect_level = forms.ChoiceField(label="Expected treatment level")
    expect_withdrawal_level = forms.ChoiceField(
        label="Expected withdrawal management", required=False
    )
    check_modifiers = forms.BooleanField(
        label="Check the modifiers exactly (tick those expected below)", required=False
    )
    expect_modifiers = forms.MultipleChoiceField(
        label="Expected modifiers", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, catalogs: Catalogs, **kwargs):

        super().__init__(*args, **kwargs)
        rs = catalogs.rs
        self.catalogs = catalogs
        primary = [(lv.code, lv.label()) for lv in rs.levels_of(rs.primary_track)]
        self.fields["expect_level"].choices = primary
        wm = [(lv.code, lv.label()) for lv in rs.levels_of(rs.withdrawal_track)]
        self.fields["expect_withdrawal_level"].choices = [("", "Not checked"), *wm]
        self.fields["expect_modifiers"].choices = catalogs.modifiers
        for d in rs.dimensions:
            self.fields[f"r_{d.code}"] = forms.ChoiceField(
                label=f"{d.code} rating",
                choices=[("", "-"), *[(str(x), str(x)) for x in d.scale]],
                required=False,
            )
        self.fields["flags"] = forms.MultipleChoiceField(
            label="Flags that are on",
            required=False,
            choices=catalogs.flags,
            widget=forms.CheckboxSelectMultiple,
        )
        self.answer_questions = list(rs.questions)
        for q in self.answer_questions:
            field = question_field(q, required=False)
            if q.type == "bool" and q.required:
                field.required = False
            field.label = f"{q.label} ({q.step})"
            self.fields[f"a_{q.code}"] = field

    def rating_fields(self):
        return [self[f"r_{d.code}"] for d in self.catalogs.rs.dimensions]

    def answer_fields(self):
        return [self[f"a_{q.code}"] for q in self.answer_questions]

    def clean(self):
        cleaned = super().clean()
        rs = self.catalogs.rs
        if cleaned.get("source") == "ratings":
            for d in rs.dimensions:
                if cleaned.get(f"r_{d.code}") in (None, ""):
                    self.add_error(f"r_{d.code}", "Choose a rating for every dimension.")
        elif cleaned.get("source") == "answers" and not any(
            cleaned.get(f"a_{q.code}") not in (None, "", [], False) for q in self.answer_questions
        ):
            self.add_error("source", "Answer at least one question.")
        return cleaned

    def case_fields(self) -> dict:

        d = self.cleaned_data
        rs = self.catalogs.rs
        ratings = answers = None
        if d["source"] == "ratings":
            ratings = {x.code: _code(d[f"r_{x.code}"], list(x.scale)) for x in rs.dimensions}
        else:
            answers = {}
            for q in self.answer_questions:
                value = d.get(f"a_{q.code}")
                if isinstance(value, datetime.date):
                    value = value.isoformat()
                if value not in (None, "", []):
                    answers[q.code] = value
        return {
            "name": d["name"].strip(),
            "ratings": ratings,
            "answers": answers,
            "flags": dict.fromkeys(d.get("flags", []), True),
            "expect_level": d["expect_level"],
            "expect_compare": d.get("expect_compare") or "exact",
            "expect_withdrawal_level": d.get("expect_withdrawal_level", ""),
            "expect_modifiers": list(d.get("expect_modifiers", []))
            if d.get("check_modifiers")
            else None,
        }
