"""A deliberately naive interpreter of the rule-set semantics, written straight from the
specification (collect, take the most intensive; substitutions in order; modifiers). The
compiled engine must agree with it on every input."""

import datetime
from collections.abc import Mapping

from engine.errors import InputError
from engine.model import (
    AnswerIs,
    AnyOf,
    AtLeast,
    FlagIs,
    Question,
    RatingIn,
    Reason,
    RuleSet,
)

MAX_TEXT = 5000


def holds(cond, ratings, flags, rs):
    if isinstance(cond, AnyOf):
        return any(holds(c, ratings, flags, rs) for c in cond.conditions)
    if isinstance(cond, RatingIn):
        scale = rs.dimension(cond.dimension).scale
        return (
            scale.index(cond.low) <= scale.index(ratings[cond.dimension]) <= scale.index(cond.high)
        )
    if isinstance(cond, FlagIs):
        return bool(flags.get(cond.flag, False)) == cond.value
    if isinstance(cond, AtLeast):
        n = 0
        for code in cond.dimensions:
            scale = rs.dimension(code).scale
            if scale.index(ratings[code]) >= scale.index(cond.minimum):
                n += 1
        return n >= cond.count
    raise AssertionError(cond)


def reference(rs, ratings, flags):
    result = {}
    for track in rs.tracks:
        fired = [
            r
            for r in rs.placement_rules
            if r.track == track and all(holds(c, ratings, flags, rs) for c in r.when)
        ]
        if fired:
            result[track] = max((rs.level(r.level) for r in fired), key=lambda lv: lv.rank).code
    for s in rs.substitutions:
        if s.from_level in (result.get(s.track), "*") and all(
            holds(c, ratings, flags, rs) for c in s.when
        ):
            result[s.track] = s.to_level
    mods = {
        m.modifier for m in rs.modifier_rules if all(holds(c, ratings, flags, rs) for c in m.when)
    }
    fired_ids = {
        r.id
        for r in (*rs.placement_rules, *rs.modifier_rules)
        if all(holds(c, ratings, flags, rs) for c in r.when)
    }
    return result, mods, fired_ids


# -- answers: what rating and flag rules mean, read plainly --------------------------------


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
    if op in ("includes_any", "includes_none"):
        chosen = set(have) if isinstance(have, list | tuple) else {have}
        hit = bool(chosen & set(want))
        return bool(chosen) and (hit if op == "includes_any" else not hit)
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


def suggest_ratings_reference(
    rule_set: RuleSet, answers: Mapping
) -> tuple[dict, dict[str, bool], tuple[Reason, ...]]:
    """The meaning of the rating and flag rules, stated plainly: the compiled suggester
    (``engine/suggest.py``) must agree with this on every answer set."""
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
