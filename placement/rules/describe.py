"""Conditions in plain words, for explanations and the admin."""

from __future__ import annotations

from .model import AnswerIs, AnyOf, AtLeast, Condition, FlagIs, RatingIn

_OPS = {
    "eq": "is",
    "ne": "is not",
    "in": "is one of",
    "not_in": "is none of",
    "gt": "is above",
    "gte": "is at least",
    "lt": "is below",
    "lte": "is at most",
}


def _value(v) -> str:
    if isinstance(v, list | tuple):
        return ", ".join(map(str, v))
    return str(v)


def describe_condition(cond: Condition) -> str:
    if isinstance(cond, AnyOf):
        return "(" + " or ".join(describe_condition(c) for c in cond.conditions) + ")"
    if isinstance(cond, RatingIn):
        if cond.low == cond.high:
            return f"{cond.dimension} is {cond.low}"
        return f"{cond.dimension} is {cond.low}-{cond.high}"
    if isinstance(cond, FlagIs):
        return cond.flag if cond.value else f"not {cond.flag}"
    if isinstance(cond, AtLeast):
        return f"at least {cond.count} of {', '.join(cond.dimensions)} rated {cond.minimum} or more"
    if isinstance(cond, AnswerIs):
        if cond.op == "is_true":
            return f"{cond.question} is yes"
        if cond.op == "is_false":
            return f"{cond.question} is no"
        if cond.op == "answered":
            return f"{cond.question} is answered"
        if cond.op == "unanswered":
            return f"{cond.question} is not answered"
        if cond.op == "age_at_least":
            return f"aged {cond.value} or older on the assessment date"
        if cond.op == "between":
            return f"{cond.question} is {cond.value[0]}-{cond.value[1]}"
        if cond.op == "age_under":
            return f"younger than {cond.value} on the assessment date"
        return f"{cond.question} {_OPS.get(cond.op, cond.op)} {_value(cond.value)}"
    return "?"


def describe_when(when) -> str:
    if not when:
        return "always"
    return " and ".join(describe_condition(c) for c in when)
