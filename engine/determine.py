"""Top-down determination from needs (the 4th edition's way), as data.

A rule set with need rules decides like this:
1. **Needs.** Every need rule whose conditions hold (usually "subdimension 1B is rated 2")
   asks for its minimum level - a need - and may add a modifier.
2. **Determination.** Determination rules are tried in order; the first whose conditions hold
   over the needs (``NeedIs``: some need has this level, base level or variant) gives the
   level, and the determination stops.
3. **Overlays.** Substitutions then run in order on that level (``from_level`` -> ``to_level``
   when their conditions hold), e.g. the COE overlay.
4. **Modifiers.** Modifier rules add modifiers (conditions may test the result with
   ``ResultIs``), beside the modifiers the needs added.

The **dimensional drivers** are the needs that made the deciding rule and the overlays hold:
their reasons are marked deciding. Pure functions; no database, no clock."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import InputError
from .model import (
    ANY_LEVEL,
    AnyOf,
    AtLeast,
    Decision,
    FlagIs,
    NeedIs,
    NeedRule,
    RatingIn,
    Reason,
    ResultIs,
    RuleSet,
    base_of,
    variant_of,
)


def check_input(rs: RuleSet, ratings: Any, flags: Any) -> None:
    """Every rated (sub)dimension present with a code on its scale, no unknown code, flags
    known and true or false. Raises InputError naming the field."""
    if not isinstance(ratings, Mapping):
        raise InputError("ratings", "must be an object mapping (sub)dimension codes to codes")
    dims = {d.code: d for d in rs.dimensions}
    for code in ratings:
        if code not in dims:
            raise InputError(f"ratings.{code}", "unknown subdimension")
    for code, d in dims.items():
        if code not in ratings or ratings[code] is None:
            raise InputError(f"ratings.{code}", "missing rating (every subdimension is rated)")
        value = ratings[code]
        if isinstance(value, bool) or value not in d.scale:
            options = ", ".join(map(str, d.scale))
            raise InputError(f"ratings.{code}", f"{value!r} is not a code of {code} ({options})")
    if flags is None:
        return
    if not isinstance(flags, Mapping):
        raise InputError("flags", "must be an object mapping flag codes to true or false")
    known = {f.code for f in rs.flags}
    for code, value in flags.items():
        if code not in known:
            raise InputError(f"flags.{code}", "unknown flag")
        if not isinstance(value, bool):
            raise InputError(f"flags.{code}", f"{value!r} is not true or false")


def _rating_holds(rs: RuleSet, cond: Any, ratings: Any, flags: Any) -> bool:
    if isinstance(cond, AnyOf):
        return any(_rating_holds(rs, c, ratings, flags) for c in cond.conditions)
    if isinstance(cond, RatingIn):
        d = rs.dimension(cond.dimension)
        return d.position(cond.low) <= d.position(ratings[cond.dimension]) <= d.position(cond.high)
    if isinstance(cond, FlagIs):
        return bool(flags.get(cond.flag, False)) == cond.value
    if isinstance(cond, AtLeast):
        reached = 0
        for code in cond.dimensions:
            d = rs.dimension(code)
            if d.position(ratings[code]) >= d.position(cond.minimum):
                reached += 1
        return reached >= cond.count
    return False


def need_matches(cond: NeedIs, level: str) -> bool:
    return (
        level in cond.levels
        or base_of(level) in cond.bases
        or (variant_of(level) != "" and variant_of(level) in cond.variants)
    )


def _holds(cond: Any, needs: tuple[str, ...], result: str | None) -> bool:
    if isinstance(cond, AnyOf):
        return any(_holds(c, needs, result) for c in cond.conditions)
    if isinstance(cond, NeedIs):
        return any(need_matches(cond, n) for n in needs)
    if isinstance(cond, ResultIs):
        return result is not None and (result in cond.levels or base_of(result) in cond.bases)
    return False


def _need_conditions(cond: Any) -> list[NeedIs]:
    if isinstance(cond, AnyOf):
        return [n for c in cond.conditions for n in _need_conditions(c)]
    return [cond] if isinstance(cond, NeedIs) else []


def fired_needs(rs: RuleSet, ratings: Any, flags: Any) -> list[NeedRule]:
    return [r for r in rs.need_rules if all(_rating_holds(rs, c, ratings, flags) for c in r.when)]


def level_from_needs(rs: RuleSet, needs: tuple[str, ...]) -> Any:
    """(level, the deciding determination rule, the substitutions that fired) for a set of
    needs on the primary track."""
    level, deciding = None, None
    for rule in rs.determination_rules:
        if all(_holds(c, needs, None) for c in rule.when):
            level, deciding = rule.level, rule
            break
    overlays = []
    if level is not None:
        for sub in rs.substitutions:
            if sub.from_level in (level, ANY_LEVEL) and all(
                _holds(c, needs, level) for c in sub.when
            ):
                level = sub.to_level
                overlays.append(sub)
    return level, deciding, overlays


def modifiers_from(
    rs: RuleSet, needs: Any, level: Any, ratings: Any, flags: Any, need_modifiers: Any
) -> tuple[Any, ...]:
    fired = [
        r
        for r in rs.modifier_rules
        if all(
            _holds(c, needs, level)
            if isinstance(c, NeedIs | ResultIs | AnyOf) and _is_need_based(c)
            else _rating_holds(rs, c, ratings, flags)
            for c in r.when
        )
    ]
    on = set(need_modifiers) | {r.modifier for r in fired}
    return tuple(m.code for m in rs.modifiers if m.code in on), fired


def _is_need_based(cond: Any) -> bool:
    if isinstance(cond, AnyOf):
        return all(_is_need_based(c) for c in cond.conditions)
    return isinstance(cond, NeedIs | ResultIs)


def determine(
    rs: RuleSet, ratings: Mapping[str, Any], flags: Mapping[str, Any] | None = None
) -> Decision:
    flags = flags or {}
    check_input(rs, ratings, flags)
    track = rs.primary_track
    on_track = {lv.code for lv in rs.levels_of(track)}
    fired = fired_needs(rs, ratings, flags)
    needs = tuple(r.level for r in fired if r.level in on_track)
    all_needs = tuple(r.level for r in fired if r.level)
    level, deciding, overlays = level_from_needs(rs, needs)
    need_modifiers = [r.modifier for r in fired if r.modifier]
    modifiers, modifier_rules = modifiers_from(rs, all_needs, level, ratings, flags, need_modifiers)
    # The drivers: needs that made the deciding rule or an overlay hold.
    conditions = [n for rule in [deciding, *overlays] if rule for c in rule.when
                  for n in _need_conditions(c)]  # fmt: skip
    drivers = {r.id for r in fired if r.level and any(need_matches(c, r.level) for c in conditions)}
    reasons = [
        Reason(r.id, "need", track if r.level else "", r.level or r.modifier, r.id in drivers,
               r.text)
        for r in fired
    ]  # fmt: skip
    if deciding is not None:
        reasons.append(Reason(deciding.id, "determination", track, deciding.level, True,
                              deciding.text))  # fmt: skip
    reasons += [Reason(s.id, "substitution", track, s.to_level, True, s.text) for s in overlays]
    reasons += [Reason(m.id, "modifier", "", m.modifier, True, m.text) for m in modifier_rules]
    # Drivers first, then the rest (the order in which the explanation lists them).
    reasons.sort(key=lambda x: (x.kind != "need" or not x.deciding, x.kind != "need"))
    return Decision(
        levels=((track, level),) if level is not None else (),
        modifiers=modifiers,
        reasons=tuple(reasons),
        primary_track=track,
        withdrawal_track=rs.withdrawal_track,
    )
