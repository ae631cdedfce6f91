"""Conditions as people write them: the one place where a condition's kinds, comparisons, their
words and the checks of their values are defined.

The rule editor's condition builder and the spreadsheet reader both hand ``check_condition``
the same text fields (``kind``, ``dimension``, ``low``, ``high``, ``flag``, ``is``, ``count``,
``of``, ``minimum``, ``question``, ``op``, ``value``, ``levels``, ``bases``, ``variants``) and
get back the condition as data (the file format's shape) or, per field, what is wrong in plain
words; each maps the field names to its own (form fields, spreadsheet columns). A whole rule
set is then checked by ``validate.problems``, which reads the same conditions parsed."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .model import AGE_OPS, SET_OPS, Question, RuleSet

# Every comparison of an intake answer, in the words used on screen and in spreadsheets.
ANSWER_OP_LABELS = {
    "eq": "is",
    "ne": "is not",
    "in": "is one of",
    "not_in": "is none of",
    "includes_any": "includes any of",
    "includes_none": "includes none of",
    "gte": "is at least",
    "gt": "is above",
    "lte": "is at most",
    "lt": "is below",
    "between": "is between",
    "is_true": "is yes",
    "is_false": "is no",
    "answered": "is answered",
    "unanswered": "is not answered",
    "age_under": "age is under",
    "age_at_least": "age is at least",
}
NO_VALUE_OPS = frozenset({"is_true", "is_false", "answered", "unanswered"})
SIZE_OPS = frozenset({"gt", "gte", "lt", "lte", *AGE_OPS})
CONDITION_KIND_LABELS = {
    "rating": "A rating is in a range",
    "flag": "A flag is on or off",
    "at_least": "At least N dimensions are rated K or more",
    "answer": "An intake answer",
    "need": "Some need is one of these levels, base levels or variants",
    "result": "The level determined so far is one of these",
}
EMPTY = "Choose or fill this in."
_WHOLE = re.compile(r"-?[0-9]{1,9}(?:\.0*)?")


@dataclass(frozen=True)
class ConditionCatalog:
    """What a rule set offers a condition: dimensions with their scales, flags, questions."""

    scales: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    flags: frozenset[Any] = frozenset()
    questions: Mapping[str, Question] = field(default_factory=dict)

    @classmethod
    def of(cls, rs: RuleSet) -> ConditionCatalog:
        return cls(
            scales={d.code: tuple(d.scale) for d in rs.dimensions},
            flags=frozenset(f.code for f in rs.flags),
            questions={q.code: q for q in rs.questions},
        )

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> ConditionCatalog:
        """The same catalog from a rule set still in its file shape (a spreadsheet being read)."""

        def question(q: Mapping[str, Any]) -> Question:
            return Question(
                code=str(q.get("code", "")),
                label=str(q.get("label", "")),
                type=str(q.get("type", "")),
                step=str(q.get("step", "")),
                choices=tuple(
                    (str(c[0]), str(c[1] if len(c) > 1 else c[0]))
                    for c in q.get("choices") or ()
                    if isinstance(c, list | tuple) and c
                ),
                min_value=q.get("min_value"),
                max_value=q.get("max_value"),
            )

        return cls(
            scales={d["code"]: tuple(d.get("scale") or ()) for d in data.get("dimensions", [])},
            flags=frozenset(f["code"] for f in data.get("flags", [])),
            questions={q["code"]: question(q) for q in data.get("questions", [])},
        )


class _Bad(Exception):
    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name, self.message = name, message


def _shown(value: Any, size: int = 40) -> str:
    text = str(value)
    return text if len(text) <= size else text[:size] + "..."


def _code(text: str, scale: Any) -> object | None:
    """The scale's own code written as ``text`` (2 or "2A"), or None."""
    code: object
    for code in scale:
        if str(code) == str(text).strip():
            return code
    return None


def _required(fields: Mapping[str, Any], *names: str) -> None:
    for name in names:
        value = fields.get(name)
        if value in (None, "", [], ()):
            raise _Bad(name, EMPTY)


def _whole(name: str, text: str) -> int:
    text = str(text).strip()
    if not _WHOLE.fullmatch(text):
        raise _Bad(name, f"'{_shown(text)}' is not a whole number.")
    return int(text.split(".")[0])


def _items(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    return [x.strip() for x in str(value or "").split(",") if x.strip()]


def parse_value(question: Question, op: str, text: str) -> Any:
    """The value an answer is compared with, from what was typed (``_Bad`` on "value")."""
    choices = dict(question.choices)
    by_label = {label.lower(): value for value, label in question.choices}

    def one(item: str) -> Any:
        item = item.strip()
        if question.type == "int" or op in SIZE_OPS:
            number = _whole("value", item)
            low, high = question.min_value, question.max_value
            if op not in AGE_OPS and (
                (low is not None and number < low) or (high is not None and number > high)
            ):
                raise _Bad("value", f"{number} is outside {low}-{high}, the question's range.")
            return number
        if question.type == "bool":
            if item.lower() in ("yes", "true"):
                return True
            if item.lower() in ("no", "false"):
                return False
            raise _Bad("value", "Write yes or no.")
        if question.type in ("choice", "multichoice"):
            if item in choices:
                return item
            if item.lower() in by_label:
                return by_label[item.lower()]
            raise _Bad("value", f"'{_shown(item)}' is not one of: {', '.join(choices.values())}.")
        return item

    if op in SET_OPS:
        return [one(x) for x in _items(text)]
    if op == "between":
        parts = [p for p in str(text).replace(",", "-").split("-") if p.strip()]
        if len(parts) != 2:
            raise _Bad("value", "Write the range as low-high, for example 10-18.")
        low, high = one(parts[0]), one(parts[1])
        if low > high:
            raise _Bad("value", f"The range {low}-{high} is inverted.")
        return [low, high]
    return one(text)


def _rating(f: Mapping[str, Any], c: ConditionCatalog) -> dict[str, Any]:
    _required(f, "dimension", "low", "high")
    dim = str(f["dimension"])
    scale = c.scales.get(dim)
    if scale is None:
        raise _Bad("dimension", f"'{_shown(dim)}' is not a dimension of this rule set.")
    low, high = _code(f["low"], scale), _code(f["high"], scale)
    if low is None:
        raise _Bad("low", f"{_shown(f['low'])} is not a rating on the {dim} scale.")
    if high is None:
        raise _Bad("high", f"{_shown(f['high'])} is not a rating on the {dim} scale.")
    if scale.index(low) > scale.index(high):
        raise _Bad(
            "high", f"The range {low}-{high} is inverted: the low end is above the high end."
        )
    return {"rating": dim, "from": low, "to": high}


def _flag(f: Mapping[str, Any], c: ConditionCatalog) -> dict[str, Any]:
    _required(f, "flag")
    flag = str(f["flag"])
    if flag not in c.flags:
        raise _Bad("flag", f"'{_shown(flag)}' is not a flag of this rule set.")
    state = str(f.get("is") or "on").strip().lower()
    if state not in ("on", "off"):
        raise _Bad("is", f"'{_shown(state)}' is not on or off.")
    return {"flag": flag, "is": state == "on"}


def _at_least(f: Mapping[str, Any], c: ConditionCatalog) -> dict[str, Any]:
    _required(f, "count", "of", "minimum")
    of = _items(f["of"])
    unknown = [d for d in of if d not in c.scales]
    if unknown:
        raise _Bad("of", f"'{_shown(unknown[0])}' is not a dimension of this rule set.")
    count = _whole("count", f["count"])
    if not 1 <= count <= len(of):
        raise _Bad("count", f"Give a number from 1 to {len(of)} (the dimensions listed).")
    codes = [_code(f["minimum"], c.scales[d]) for d in of]
    if any(x is None for x in codes):
        raise _Bad("minimum", f"{_shown(f['minimum'])} is not a rating on every listed scale.")
    return {"at_least": count, "of": of, "rated": codes[0]}


def _answer(f: Mapping[str, Any], c: ConditionCatalog) -> dict[str, Any]:
    _required(f, "op")
    op = str(f["op"])
    if op not in ANSWER_OP_LABELS:
        raise _Bad("op", f"'{_shown(op)}' is not one of: {', '.join(ANSWER_OP_LABELS.values())}.")
    code = str(f.get("question") or ("date_of_birth" if op in AGE_OPS else ""))
    if not code:
        raise _Bad("question", EMPTY)
    question = c.questions.get(code)
    if question is None:
        raise _Bad("question", f"'{_shown(code)}' is not a question of this rule set.")
    words = ANSWER_OP_LABELS[op]
    if op in ("is_true", "is_false") and question.type != "bool":
        raise _Bad("op", f"'{words}' is for yes/no questions.")
    if op in ("includes_any", "includes_none") and question.type != "multichoice":
        raise _Bad("op", "'Includes' compares a several-of-a-list question; use 'is one of'.")
    if op in ("gt", "gte", "lt", "lte") and question.type != "int":
        raise _Bad("op", "Comparisons of size are for number questions.")
    out: dict[str, Any] = {"answer": code, "op": op}
    if op in NO_VALUE_OPS:
        return out
    _required(f, "value")
    text = f["value"]
    out["value"] = parse_value(question, op, text)
    return out


def _needs(kind: str) -> Any:
    def build(f: Mapping[str, Any], c: ConditionCatalog) -> dict[str, Any]:
        names = ("levels", "bases", "variants") if kind == "need" else ("levels", "bases")
        spec = {name: _items(f.get(name)) for name in names}
        spec = {k: v for k, v in spec.items() if v}
        if not spec:
            raise _Bad("levels", "Name at least one level, base level or variant.")
        return {kind: spec}

    return build


_BUILDERS = {
    "rating": _rating,
    "flag": _flag,
    "at_least": _at_least,
    "answer": _answer,
    "need": _needs("need"),
    "result": _needs("result"),
}


def check_condition(
    fields: Mapping[str, Any], catalog: ConditionCatalog, *, kinds: Any = tuple(_BUILDERS)
) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """A condition from what a person wrote: ``(condition as data, {})``, or ``(None,
    {field: what is wrong})``. ``kinds``: the kinds allowed here (rating and flag rules test
    only answers; only a rule set that determines from needs tests needs)."""
    kind = str(fields.get("kind") or "")
    if kind not in _BUILDERS:
        return None, {"kind": f"'{_shown(kind)}' is not a kind of condition."}
    if kind not in kinds:
        allowed = ", ".join(CONDITION_KIND_LABELS[k].lower() for k in kinds)
        return None, {"kind": f"This rule can test only: {allowed}."}
    try:
        return _BUILDERS[kind](fields, catalog), {}
    except _Bad as bad:
        return None, {bad.name: bad.message}
