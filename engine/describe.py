"""Conditions and rules in plain words, for explanations, the rule editor, compare pages and
release notes. With the rule set at hand, questions and answers read as their labels.

    When D5 is 3 or more and D6 is 3 or more: treatment at least 3.5
"""

from __future__ import annotations

from typing import Any

from .conditions import ANSWER_OP_LABELS
from .model import (
    ANY_LEVEL,
    AnswerIs,
    AnyOf,
    AtLeast,
    Condition,
    DeterminationRule,
    FlagIs,
    FlagRule,
    ModifierRule,
    NeedIs,
    NeedRule,
    PlacementRule,
    RatingIn,
    RatingRule,
    ResultIs,
    RuleSet,
    Substitution,
)

_OPS = ANSWER_OP_LABELS


def _value(v: Any) -> str:
    if isinstance(v, list | tuple):
        return ", ".join(map(str, v))
    return str(v)


def _flag(code: str) -> str:
    return code.replace("_", " ")


def _range(cond: RatingIn, rs: RuleSet | None) -> str:
    d = cond.dimension
    if cond.low == cond.high:
        return f"{d} is {cond.low}"
    scale = None
    if rs is not None:
        try:
            scale = rs.dimension(d).scale
        except KeyError:
            scale = None
    if scale and cond.high == scale[-1]:
        return f"{d} is {cond.low} or more"
    if scale and cond.low == scale[0]:
        return f"{d} is {cond.high} or less"
    return f"{d} is {cond.low}-{cond.high}"


def _answer(cond: AnswerIs, rs: RuleSet | None) -> str:
    label, choices = cond.question, {}
    if rs is not None:
        try:
            q = rs.question(cond.question)
            label, choices = q.label, dict(q.choices)
        except KeyError:
            pass

    def show(v: Any) -> str:
        if isinstance(v, list | tuple):
            return ", ".join(str(choices.get(x, x)) for x in v)
        return str(choices.get(v, v))

    op = cond.op
    if op == "is_true":
        return f"{label}: yes"
    if op == "is_false":
        return f"{label}: no"
    if op == "answered":
        return f"{label} is answered"
    if op == "unanswered":
        return f"{label} is not answered"
    if op == "between":
        return f"{label} is {cond.value[0]}-{cond.value[1]}"
    if op == "age_under":
        return f"younger than {cond.value} on the assessment date"
    if op == "age_at_least":
        return f"aged {cond.value} or older on the assessment date"
    return f"{label} {_OPS.get(op, op)} {show(cond.value)}"


def describe_condition(cond: Condition, rs: RuleSet | None = None) -> str:
    if isinstance(cond, AnyOf):
        return "(" + " or ".join(describe_condition(c, rs) for c in cond.conditions) + ")"
    if isinstance(cond, RatingIn):
        return _range(cond, rs)
    if isinstance(cond, FlagIs):
        return _flag(cond.flag) if cond.value else f"not {_flag(cond.flag)}"
    if isinstance(cond, AtLeast):
        return f"at least {cond.count} of {', '.join(cond.dimensions)} rated {cond.minimum} or more"
    if isinstance(cond, AnswerIs):
        return _answer(cond, rs)
    if isinstance(cond, NeedIs):
        parts = []
        if cond.levels:
            parts.append(" or ".join(cond.levels))
        if cond.bases:
            parts.append("at " + " or ".join(cond.bases) + " (any variant)")
        if cond.variants:
            parts.append(" or ".join(cond.variants))
        return "a need " + " or ".join(parts) if parts else "a need"
    if isinstance(cond, ResultIs):
        shown = [*cond.levels, *(f"{b} (any variant)" for b in cond.bases)]
        return "the level so far is " + ", ".join(shown)
    return "?"


def describe_when(when: Any, rs: RuleSet | None = None) -> str:
    if not when:
        return "always"
    return " and ".join(describe_condition(c, rs) for c in when)


def rule_outcome(rule: Any, rs: RuleSet | None = None) -> str:
    """What a rule does, in words: "treatment at least 3.5", "adds COE"..."""
    if isinstance(rule, PlacementRule):
        return f"{rule.track} at least {rule.level}"
    if isinstance(rule, Substitution):
        start = "any level" if rule.from_level == ANY_LEVEL else rule.from_level
        return f"{rule.track} {start} becomes {rule.to_level}"
    if isinstance(rule, ModifierRule):
        return f"adds {rule.modifier}"
    if isinstance(rule, RatingRule):
        return f"suggests {rule.dimension} at least {rule.rating}"
    if isinstance(rule, FlagRule):
        return f"sets {_flag(rule.flag)}"
    if isinstance(rule, NeedRule):
        parts = [f"needs at least {rule.level}"] if rule.level else []
        if rule.modifier:
            parts.append(f"adds {rule.modifier}")
        return " and ".join(parts)
    if isinstance(rule, DeterminationRule):
        return f"the level is {rule.level} (and the determination stops)"
    return "?"


def rule_sentence(rule: Any, rs: RuleSet | None = None) -> str:
    """The rule as one sentence, without its id: "When D5 is 3 or more and D6 is 3 or more:
    treatment at least 3.5"."""
    when = describe_when(rule.when, rs)
    head = "Always" if when == "always" else f"When {when}"
    return f"{head}: {rule_outcome(rule, rs)}"
