"""Rating and flag rules compiled for speed.

``engine.answer_holds`` and ``engine.clean_answers`` state what the conditions mean; this
module turns each question into a checking function and each condition into a small closure,
once per rule set, and shares the Reason objects between calls, so that a full answer set is
suggested in a few microseconds per rule. The two must agree: the tests compare them on random
answer sets."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import Any

from .errors import InputError
from .model import AnswerIs, AnyOf, Question, Reason, RuleSet

MAX_TEXT = 5000

Predicate = Callable[[Mapping[str, Any]], bool]


def _cleaner(q: Question) -> Callable[..., Any]:
    field = f"answers.{q.code}"
    if q.type == "int":
        lo, hi = q.min_value, q.max_value

        def clean_int(value: Any) -> Any:
            if value.__class__ is not int and (
                isinstance(value, bool) or not isinstance(value, int)
            ):
                raise InputError(field, f"{value!r} is not a whole number")
            if lo is not None and value < lo:
                raise InputError(field, f"{value} is below the minimum {lo}")
            if hi is not None and value > hi:
                raise InputError(field, f"{value} is above the maximum {hi}")
            return value

        return clean_int
    if q.type == "bool":

        def clean_bool(value: Any) -> Any:
            if value is not True and value is not False:
                raise InputError(field, f"{value!r} is not true or false")
            return value

        return clean_bool
    if q.type == "choice":
        allowed = frozenset(c for c, _ in q.choices)
        listed = ", ".join(c for c, _ in q.choices)

        def clean_choice(value: Any) -> Any:
            try:
                ok = value in allowed
            except TypeError:
                ok = False
            if not ok:
                raise InputError(field, f"{value!r} is not one of {listed}")
            return value

        return clean_choice
    if q.type == "multichoice":
        allowed = frozenset(c for c, _ in q.choices)
        listed = ", ".join(sorted(allowed))

        def clean_multi(value: Any) -> Any:
            try:
                ok = isinstance(value, list | tuple) and all(v in allowed for v in value)
            except TypeError:
                ok = False
            if not ok:
                raise InputError(field, f"must be a list drawn from {listed}")
            return tuple(value)

        return clean_multi
    if q.type == "date":

        def clean_date(value: Any) -> Any:
            if isinstance(value, datetime.date):
                return value
            if not isinstance(value, str):
                raise InputError(field, f"{value!r} is not a date (YYYY-MM-DD)")
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                raise InputError(field, f"{value!r} is not a date (YYYY-MM-DD)") from None

        return clean_date
    if q.type == "text":

        def clean_text(value: Any) -> Any:
            if not isinstance(value, str):
                raise InputError(field, "must be text")
            if len(value) > MAX_TEXT:
                raise InputError(field, f"is longer than {MAX_TEXT} characters")
            return value

        return clean_text

    def unsupported(value: Any) -> None:
        raise InputError(field, f"unsupported question type {q.type}")

    return unsupported


def _age(answers: Mapping[str, Any]) -> int | None:
    born, on = answers.get("date_of_birth"), answers.get("assessment_date")
    if not isinstance(born, datetime.date) or not isinstance(on, datetime.date):
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


_NUMBERS = (int, float)  # exactly: a bool is not a number here
_NEVER_BLANK = frozenset((int, bool, float))


def _predicate(cond: Any) -> Predicate:
    if isinstance(cond, AnyOf):
        alternatives = tuple(_predicate(c) for c in cond.conditions)
        if len(alternatives) == 2:
            first, second = alternatives
            return lambda a: first(a) or second(a)
        return lambda a: any(p(a) for p in alternatives)
    if not isinstance(cond, AnswerIs):
        return lambda a: False
    q, op, want = cond.question, cond.op, cond.value
    if op == "age_under":
        return lambda a: (age := _age(a)) is not None and age < want
    if op == "age_at_least":
        return lambda a: (age := _age(a)) is not None and age >= want
    if op == "answered":
        return lambda a: a.get(q) is not None
    if op == "unanswered":
        return lambda a: a.get(q) is None
    if op == "is_true":
        return lambda a: a.get(q) is True
    if op == "is_false":
        return lambda a: a.get(q) is False
    if op == "eq":
        if want is not None:  # a missing answer (None) never equals it
            return lambda a: a.get(q) == want
        return lambda a: False
    if op == "ne":
        return lambda a: (have := a.get(q)) is not None and have != want
    if op == "in":
        return lambda a: (have := a.get(q)) is not None and have in want
    if op == "not_in":
        return lambda a: (have := a.get(q)) is not None and have not in want
    if op in ("includes_any", "includes_none"):
        wanted = frozenset(want or ())

        def chosen(a: Any) -> frozenset[Any] | None:
            have = a.get(q)
            if have is None:
                return None
            return frozenset(have) if isinstance(have, tuple | list) else frozenset((have,))

        if op == "includes_any":
            return lambda a: bool((c := chosen(a)) and c & wanted)
        return lambda a: bool((c := chosen(a)) and not c & wanted)
    if op == "gt":
        return lambda a: (have := a.get(q)).__class__ in _NUMBERS and have > want
    if op == "gte":
        return lambda a: (have := a.get(q)).__class__ in _NUMBERS and have >= want
    if op == "lt":
        return lambda a: (have := a.get(q)).__class__ in _NUMBERS and have < want
    if op == "lte":
        return lambda a: (have := a.get(q)).__class__ in _NUMBERS and have <= want
    if op == "between":
        low, high = want
        return lambda a: (have := a.get(q)).__class__ in _NUMBERS and low <= have <= high
    return lambda a: False


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _all(predicates: tuple[Predicate, ...]) -> Predicate:
    if not predicates:
        return lambda a: True
    if len(predicates) == 1:
        return predicates[0]
    if len(predicates) == 2:
        first, second = predicates
        return lambda a: first(a) and second(a)
    if len(predicates) == 3:
        first, second, third = predicates
        return lambda a: first(a) and second(a) and third(a)
    return lambda a: all(p(a) for p in predicates)


class Suggester:
    """``suggest(answers)`` -> (ratings, flags, reasons), as ``engine.suggest_ratings``."""

    def __init__(self, rs: RuleSet):
        self.cleaners = {q.code: _cleaner(q) for q in rs.questions}
        # Per dimension: rules that are one "answer equals" condition, looked up by the
        # answer (one dict lookup instead of a call per rule), and the other rules, called.
        # A rule is (order, position of its rating, Reason if deciding, Reason if not).
        self.dimensions = []
        for d in rs.dimensions:
            by_answer: dict[str, dict[str, Any]] = {}
            called = []
            for order, r in enumerate(rs.rating_rules):
                if r.dimension != d.code:
                    continue
                entry = (
                    order,
                    d.position(r.rating),
                    Reason(r.id, "rating", d.code, str(r.rating), True, r.text),
                    Reason(r.id, "rating", d.code, str(r.rating), False, r.text),
                )
                cond = r.when[0] if len(r.when) == 1 else None
                if isinstance(cond, AnswerIs) and cond.op == "eq" and _hashable(cond.value):
                    by_answer.setdefault(cond.question, {}).setdefault(cond.value, []).append(entry)
                else:
                    called.append((_all(tuple(map(_predicate, r.when))), entry))
            lookups = tuple(
                (q, {v: tuple(es) for v, es in values.items()}) for q, values in by_answer.items()
            )
            self.dimensions.append((d.code, d.scale, lookups, tuple(called)))
        self.flag_defaults = {f.code: False for f in rs.flags}
        self.flag_rules = tuple(
            (
                _all(tuple(map(_predicate, r.when))),
                r.flag,
                Reason(r.id, "flag", "", r.flag, True, r.text),
            )
            for r in rs.flag_rules
        )

    def clean(self, answers: Any) -> dict[str, Any]:
        if not isinstance(answers, Mapping):
            raise InputError("answers", "must be an object mapping question codes to answers")
        cleaners = self.cleaners
        out = {}
        for code, value in answers.items():
            cleaner = cleaners.get(code)
            if cleaner is None:
                raise InputError(f"answers.{code}", "unknown question")
            # Blank answers (None, "", []) are dropped; a whole number or a yes/no is never
            # blank, so the common answers skip the comparisons.
            if value.__class__ not in _NEVER_BLANK and (
                value is None or value == "" or value == []
            ):
                continue
            out[code] = cleaner(value)
        return out

    def suggest(self, answers: Any) -> tuple[dict[str, Any], dict[str, bool], tuple[Reason, ...]]:
        clean = self.clean(answers)
        ratings = {}
        reasons: list[Reason] = []
        for code, scale, lookups, called in self.dimensions:
            fired = [entry for holds, entry in called if holds(clean)]
            for question, by_value in lookups:
                value = clean.get(question)
                if value is not None:
                    try:
                        hits = by_value.get(value)
                    except TypeError:  # an unhashable answer equals no listed value
                        hits = None
                    if hits:
                        fired.extend(hits)
            if not fired:
                ratings[code] = scale[0]
                continue
            fired.sort()  # rule order, as the reasons are listed
            top = max(e[1] for e in fired)
            ratings[code] = scale[top]
            reasons.extend(e[2] if e[1] == top else e[3] for e in fired)
        flags = dict(self.flag_defaults)
        for holds, flag, reason in self.flag_rules:
            if holds(clean):
                flags[flag] = True
                reasons.append(reason)
        return ratings, flags, tuple(reasons)


def suggester(rs: RuleSet) -> Suggester:
    """The compiled suggester of ``rs``, built once per RuleSet object."""
    s: Suggester | None = rs._suggester
    if s is None:
        s = Suggester(rs)
        object.__setattr__(rs, "_suggester", s)
    return s
