"""The engine's two entry points.

``evaluate(rule_set, ratings, flags)``: each track is a decision table with the hit policy
"collect, take the most intensive": every placement rule whose conditions hold asks for a minimum
level, and the track's result is the most intensive of them. Substitutions then run in order,
then modifier rules. The Decision lists every rule that fired and marks the deciding ones.

``suggest_ratings(rule_set, answers)``: rating rules turn intake answers into a suggested
rating per dimension (the highest minimum among the rules that fire, else the lowest rating),
and flag rules set flags. Neither function reads a database or the clock.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from .compiled import compiled
from .errors import InputError
from .model import AnswerIs, AnyOf, Decision, Question, Reason, RuleSet

MAX_TEXT = 5000
_NO_FLAGS: Mapping = {}


def evaluate(rule_set: RuleSet, ratings: Mapping, flags: Mapping | None = None) -> Decision:
    """The decision for one rating profile. ``flags`` may omit flags (they default to false).
    Raises InputError for an unknown or missing dimension, a rating off the scale, or an
    unknown flag. Strict type checks (a boolean where a rating belongs) are
    ``validate_input``'s job, done once at the boundary."""
    c = rule_set._compiled or compiled(rule_set)
    return c.evaluate(ratings, _NO_FLAGS if flags is None else flags)


def validate_input(rule_set: RuleSet, ratings, flags) -> None:
    """Strict checks for data arriving from outside (a JSON file, a form): right types,
    known codes, ratings on the scale. Raises InputError naming the field."""
    c = compiled(rule_set)
    if not isinstance(ratings, Mapping):
        raise InputError("ratings", "must be an object mapping dimension codes to ratings")
    for code, rating in ratings.items():
        if code not in c.dims:
            raise InputError(f"ratings.{code}", "unknown dimension")
        if type(rating) not in c.rating_types[code]:  # bool is not int here
            raise InputError(f"ratings.{code}", f"{rating!r} is not a rating on the scale")
        if rating not in c.tables[c.dim_index[code]]:
            options = ", ".join(map(str, c.dims[code].scale))
            raise InputError(f"ratings.{code}", f"{rating!r} is not a rating ({options})")
    for code in c.dim_codes:
        if code not in ratings:
            raise InputError(f"ratings.{code}", "missing rating")
    if flags is None:
        return
    if not isinstance(flags, Mapping):
        raise InputError("flags", "must be an object mapping flag codes to true or false")
    for code, value in flags.items():
        if code not in c.flag_codes:
            raise InputError(f"flags.{code}", "unknown flag")
        if not isinstance(value, bool):
            raise InputError(f"flags.{code}", f"{value!r} is not true or false")


# ---------------------------------------------------------------------------------------------
# Answers


def clean_answers(rule_set: RuleSet, answers: Mapping) -> dict:
    """Answers checked against the question catalog and normalised (dates parsed).
    Blank answers (None, "") are dropped. Raises InputError naming the question."""
    if not isinstance(answers, Mapping):
        raise InputError("answers", "must be an object mapping question codes to answers")
    questions = {q.code: q for q in rule_set.questions}
    out: dict = {}
    for code, value in answers.items():
        q = questions.get(code)
        if q is None:
            raise InputError(f"answers.{code}", "unknown question")
        if value is None or value == "" or value == []:
            continue
        out[code] = _clean_answer(q, value)
    return out


def _clean_answer(q: Question, value):
    field = f"answers.{q.code}"
    if q.type == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise InputError(field, f"{value!r} is not a whole number")
        if q.min_value is not None and value < q.min_value:
            raise InputError(field, f"{value} is below the minimum {q.min_value}")
        if q.max_value is not None and value > q.max_value:
            raise InputError(field, f"{value} is above the maximum {q.max_value}")
        return value
    if q.type == "bool":
        if not isinstance(value, bool):
            raise InputError(field, f"{value!r} is not true or false")
        return value
    if q.type == "choice":
        allowed = [c for c, _ in q.choices]
        if value not in allowed:
            raise InputError(field, f"{value!r} is not one of {', '.join(allowed)}")
        return value
    if q.type == "multichoice":
        allowed = {c for c, _ in q.choices}
        if not isinstance(value, list | tuple) or not all(v in allowed for v in value):
            raise InputError(field, f"must be a list drawn from {', '.join(sorted(allowed))}")
        return tuple(value)
    if q.type == "date":
        if isinstance(value, datetime.date):
            return value
        if not isinstance(value, str):
            raise InputError(field, f"{value!r} is not a date (YYYY-MM-DD)")
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise InputError(field, f"{value!r} is not a date (YYYY-MM-DD)") from None
    if q.type == "text":
        if not isinstance(value, str):
            raise InputError(field, "must be text")
        if len(value) > MAX_TEXT:
            raise InputError(field, f"is longer than {MAX_TEXT} characters")
        return value
    raise InputError(field, f"unsupported question type {q.type}")


def _age_on(born: datetime.date, on: datetime.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def answer_holds(cond, answers: Mapping) -> bool:
    if isinstance(cond, AnyOf):
        return any(answer_holds(c, answers) for c in cond.conditions)
    if not isinstance(cond, AnswerIs):
        return False
    op, want = cond.op, cond.value
    if op in ("age_under", "age_at_least"):
        born, on = answers.get("date_of_birth"), answers.get("assessment_date")
        if not isinstance(born, datetime.date) or not isinstance(on, datetime.date):
            return False
        age = _age_on(born, on)
        return age < want if op == "age_under" else age >= want
    have = answers.get(cond.question)
    if op == "answered":
        return have is not None
    if op == "unanswered":
        return have is None
    if have is None:
        return False
    if op == "is_true":
        return have is True
    if op == "is_false":
        return have is False
    if op == "eq":
        return have == want
    if op == "ne":
        return have != want
    if op == "in":
        return have in want
    if op == "not_in":
        return have not in want
    if isinstance(have, bool) or not isinstance(have, int | float):
        return False
    if op == "gt":
        return have > want
    if op == "gte":
        return have >= want
    if op == "lt":
        return have < want
    if op == "lte":
        return have <= want
    if op == "between":
        return want[0] <= have <= want[1]
    return False


def suggest_ratings(
    rule_set: RuleSet, answers: Mapping
) -> tuple[dict, dict[str, bool], tuple[Reason, ...]]:
    """Suggested rating per dimension, flags, and the rating and flag rules that fired (the
    ones that set a dimension's suggestion are marked deciding)."""
    clean = clean_answers(rule_set, answers)
    fired_by_dim: dict[str, list] = {d.code: [] for d in rule_set.dimensions}
    for rule in rule_set.rating_rules:
        if all(answer_holds(c, clean) for c in rule.when):
            fired_by_dim[rule.dimension].append(rule)
    ratings: dict = {}
    reasons: list[Reason] = []
    for d in rule_set.dimensions:
        fired = fired_by_dim[d.code]
        top = max((d.position(r.rating) for r in fired), default=0)
        ratings[d.code] = d.scale[top]
        reasons.extend(
            Reason(r.id, "rating", d.code, str(r.rating), d.position(r.rating) == top, r.text)
            for r in fired
        )
    flags = {f.code: False for f in rule_set.flags}
    for rule in rule_set.flag_rules:
        if all(answer_holds(c, clean) for c in rule.when):
            flags[rule.flag] = True
            reasons.append(Reason(rule.id, "flag", "", rule.flag, True, rule.text))
    return ratings, flags, tuple(reasons)
