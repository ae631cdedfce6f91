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

from collections.abc import Mapping
from typing import Any

from .compiled import compiled
from .determine import check_input, determine
from .errors import InputError
from .model import Decision, Reason, RuleSet
from .suggest import suggester

_NO_FLAGS: Mapping[str, Any] = {}


def evaluate(
    rule_set: RuleSet, ratings: Mapping[str, Any], flags: Mapping[str, Any] | None = None
) -> Decision:
    """The decision for one rating profile. ``flags`` may omit flags (they default to false).
    Raises InputError for an unknown or missing dimension, a rating off the scale, or an
    unknown flag. Strict type checks (a boolean where a rating belongs) are
    ``validate_input``'s job, done once at the boundary."""
    if rule_set.need_rules:  # determined top down from needs (4th edition)
        return determine(rule_set, ratings, flags)
    c = rule_set._compiled or compiled(rule_set)
    return c.evaluate(ratings, _NO_FLAGS if flags is None else flags)


def validate_input(rule_set: RuleSet, ratings: Any, flags: Any) -> None:
    """Strict checks for data arriving from outside (a JSON file, a form): right types,
    known codes, ratings on the scale. Raises InputError naming the field."""
    if rule_set.need_rules:
        return check_input(rule_set, ratings, flags)
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


def suggest_ratings(
    rule_set: RuleSet, answers: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, bool], tuple[Reason, ...]]:
    """Suggested rating per dimension, flags, and the rating and flag rules that fired (the
    ones that set a dimension's suggestion are marked deciding). Raises InputError naming the
    question for a bad answer. Runs the rules compiled once per rule set (``suggest.py``)."""
    return suggester(rule_set).suggest(answers)


def tabulate(rule_set: RuleSet) -> bool:
    """Compile a rule set that will not change into per-track tables, so that any decision
    costs a few lookups (see ``compiled.py``). Returns False when the tables would be too
    big; evaluation then stays on the key path. A rule set determined from needs has no
    tables (its decisions are a handful of set tests)."""
    if rule_set.need_rules:
        return False
    return (rule_set._compiled or compiled(rule_set)).tabulate()
