"""Structural checks of a rule set: every code it mentions exists, every range is a range,
every id is unique. Returns plain sentences an administrator can act on."""

from __future__ import annotations

from collections import Counter
from typing import Any

from .model import (
    ANSWER_OPS,
    ANY_LEVEL,
    QUESTION_TYPES,
    SET_OPS,
    AnswerIs,
    AnyOf,
    AtLeast,
    Condition,
    FlagIs,
    NeedIs,
    RatingIn,
    ResultIs,
    RuleSet,
)

POPULATIONS = ("all", "adult", "adolescent")


def _duplicates(values: Any) -> list[Any]:
    return sorted(v for v, n in Counter(values).items() if n > 1)


def problems(rs: RuleSet) -> list[str]:
    out: list[str] = []
    dims = {d.code: d for d in rs.dimensions}
    flags = {f.code for f in rs.flags}
    modifiers = {m.code for m in rs.modifiers}
    questions = {q.code: q for q in rs.questions}
    levels_by_track: dict[str, set[str]] = {}
    for lv in rs.levels:
        levels_by_track.setdefault(lv.track, set()).add(lv.code)

    if not rs.dimensions:
        out.append("The rule set has no dimensions.")
    for code in _duplicates(d.code for d in rs.dimensions):
        out.append(f"Dimension code {code} is used more than once.")
    for d in rs.dimensions:
        if not d.scale:
            out.append(f"Dimension {d.code} has an empty rating scale.")
        for code in _duplicates(d.scale):
            out.append(f"Dimension {d.code} lists rating {code} more than once.")
        if d.anchors and len(d.anchors) != len(d.scale):
            out.append(
                f"Dimension {d.code} has {len(d.anchors)} anchor descriptions "
                f"for {len(d.scale)} ratings."
            )

    if not rs.levels:
        out.append("The rule set has no levels.")
    for code in _duplicates(lv.code for lv in rs.levels):
        out.append(f"Level code {code} is used more than once.")
    for track in levels_by_track:
        ranks = [lv.rank for lv in rs.levels if lv.track == track]
        for rank in _duplicates(ranks):
            out.append(f"Two levels on the {track} track share the order position {rank}.")
    for lv in rs.levels:
        if lv.population not in POPULATIONS:
            out.append(f"Level {lv.code}: population must be one of {', '.join(POPULATIONS)}.")
    if rs.levels and rs.primary_track not in levels_by_track:
        out.append(f"No level belongs to the main track '{rs.primary_track}'.")
    if rs.kept_variant and not any(rs.kept_variant in (lv.variant or "") for lv in rs.levels):
        out.append(f"No level has the variant '{rs.kept_variant}' that needs must keep.")
    if rs.ceiling_level and rs.ceiling_level not in {lv.code for lv in rs.levels}:
        out.append(f"The ceiling level '{rs.ceiling_level}' is not a level of this rule set.")

    for code in _duplicates(f.code for f in rs.flags):
        out.append(f"Flag {code} is defined more than once.")
    for code in _duplicates(m.code for m in rs.modifiers):
        out.append(f"Modifier {code} is defined more than once.")
    for code in _duplicates(q.code for q in rs.questions):
        out.append(f"Question {code} is defined more than once.")
    for q in rs.questions:
        if q.type not in QUESTION_TYPES:
            out.append(f"Question {q.code}: unknown type '{q.type}'.")
        if q.type in ("choice", "multichoice") and not q.choices:
            out.append(f"Question {q.code}: a {q.type} question needs choices.")
        if q.min_value is not None and q.max_value is not None and q.min_value > q.max_value:
            out.append(f"Question {q.code}: minimum {q.min_value} is above maximum {q.max_value}.")

    tracks = set(levels_by_track)
    for m in rs.modifiers:
        if m.track and m.track not in tracks:
            out.append(f"Modifier {m.code}: unknown track '{m.track}'.")
    for i, c in enumerate(rs.carry_over, 1):
        where = f"Carried-over answer {i}"
        if not c.question:
            out.append(f"{where}: name the question whose answer changes meaning.")
        for code, _value in c.answers:
            if code not in questions:
                out.append(f"{where}: unknown question '{code}'.")
        if c.ask and c.ask not in questions:
            out.append(f"{where}: the question to ask again, '{c.ask}', is unknown.")
        if c.ask and not c.text:
            out.append(f"{where}: say in words why the question is asked again.")

    all_ids = [
        r.id
        for group in (
            rs.placement_rules,
            rs.substitutions,
            rs.modifier_rules,
            rs.rating_rules,
            rs.flag_rules,
            rs.need_rules,
            rs.determination_rules,
        )
        for r in group
    ]
    for rule_id in _duplicates(all_ids):
        out.append(f"Rule id {rule_id} is used more than once.")
    for rule_id in all_ids:
        if not rule_id or not rule_id.strip():
            out.append("A rule has an empty id.")

    all_levels = {lv.code for lv in rs.levels}
    primary = levels_by_track.get(rs.primary_track, set())

    def check_conditions(rule_id: str, when: Any, answers_only: bool, needs: bool = False) -> None:
        for cond in when:
            if _need_based(cond):
                if not rs.determines:
                    out.append(
                        f"Rule {rule_id}: conditions on needs or on the result belong to a rule "
                        "set that determines its level from needs."
                    )
                elif not needs:
                    out.append(f"Rule {rule_id}: this kind of rule cannot test needs.")
                else:
                    out.extend(_need_problems(rule_id, cond, all_levels))
                continue
            out.extend(_condition_problems(rule_id, cond, dims, flags, questions, answers_only))

    if rs.determines:
        if rs.placement_rules:
            out.append(
                "A rule set that determines its level from needs cannot also have placement "
                "rules; use need rules and determination rules."
            )
        if not rs.determination_rules:
            out.append("Need rules are given but no determination rule turns them into a level.")
    elif rs.determination_rules:
        out.append("Determination rules need need rules to work on.")
    for g in rs.groups:
        if g.rated and not any(d.group == g.code for d in rs.dimensions):
            out.append(f"Dimension {g.code} is rated but has no subdimensions.")
    for d in rs.dimensions:
        if d.group and d.group not in {g.code for g in rs.groups}:
            out.append(f"Subdimension {d.code}: unknown dimension '{d.group}'.")
    r: Any  # each loop below walks rules of one kind
    for r in rs.need_rules:
        if not r.level and not r.modifier:
            out.append(f"Rule {r.id}: a need rule asks for a level, a modifier, or both.")
        if r.level and r.level not in all_levels:
            out.append(f"Rule {r.id}: unknown level '{r.level}'.")
        if r.modifier and r.modifier not in modifiers:
            out.append(f"Rule {r.id}: unknown modifier '{r.modifier}'.")
        check_conditions(r.id, r.when, answers_only=False)
    for r in rs.determination_rules:
        if r.level not in primary:
            out.append(f"Rule {r.id}: unknown level '{r.level}' on the {rs.primary_track} track.")
        for cond in r.when:
            if not _need_based(cond):
                out.append(f"Rule {r.id}: a determination rule tests needs only.")
        check_conditions(r.id, tuple(c for c in r.when if _need_based(c)), False, needs=True)

    for r in rs.placement_rules:
        if r.level not in levels_by_track.get(r.track, set()):
            out.append(f"Rule {r.id}: unknown level '{r.level}' on the {r.track} track.")
        check_conditions(r.id, r.when, answers_only=False)
    for r in rs.substitutions:
        codes = (r.to_level,) if r.from_level == ANY_LEVEL else (r.from_level, r.to_level)
        for code in codes:
            if code not in levels_by_track.get(r.track, set()):
                out.append(f"Rule {r.id}: unknown level '{code}' on the {r.track} track.")
        check_conditions(r.id, r.when, answers_only=False, needs=True)
    for r in rs.modifier_rules:
        if r.modifier not in modifiers:
            out.append(f"Rule {r.id}: unknown modifier '{r.modifier}'.")
        check_conditions(r.id, r.when, answers_only=False, needs=True)
    for r in rs.rating_rules:
        if r.dimension not in dims:
            out.append(f"Rule {r.id}: unknown dimension '{r.dimension}'.")
        elif r.rating not in dims[r.dimension].scale:
            out.append(f"Rule {r.id}: rating {r.rating} is not on the {r.dimension} scale.")
        check_conditions(r.id, r.when, answers_only=True)
    for r in rs.flag_rules:
        if r.flag not in flags:
            out.append(f"Rule {r.id}: unknown flag '{r.flag}'.")
        check_conditions(r.id, r.when, answers_only=True)
    return out


def _need_based(cond: Any) -> bool:
    if isinstance(cond, AnyOf):
        return bool(cond.conditions) and all(_need_based(c) for c in cond.conditions)
    return isinstance(cond, NeedIs | ResultIs)


def _need_problems(rule_id: str, cond: Any, levels: set[str]) -> list[str]:
    if isinstance(cond, AnyOf):
        return [p for c in cond.conditions for p in _need_problems(rule_id, c, levels)]
    out = []
    bases = {code.split(" ", 1)[0] for code in levels}
    variants = {code.split(" ", 1)[1] for code in levels if " " in code}
    if not (cond.levels or cond.bases or getattr(cond, "variants", ())):
        out.append(f"Rule {rule_id}: a condition on needs names no level, base or variant.")
    for code in cond.levels:
        if code not in levels:
            out.append(f"Rule {rule_id}: unknown level '{code}'.")
    for code in cond.bases:
        if code not in bases:
            out.append(f"Rule {rule_id}: no level has the base '{code}'.")
    for code in getattr(cond, "variants", ()):
        if code not in variants:
            out.append(f"Rule {rule_id}: no level has the variant '{code}'.")
    return out


def _condition_problems(
    rule_id: str, cond: Condition, dims: Any, flags: Any, questions: Any, answers_only: bool
) -> list[str]:
    out: list[str] = []
    where = f"Rule {rule_id}"
    if isinstance(cond, AnyOf):
        if not cond.conditions:
            out.append(f"{where}: an 'any of' group has no alternatives.")
        for sub in cond.conditions:
            out.extend(_condition_problems(rule_id, sub, dims, flags, questions, answers_only))
        return out
    if answers_only and not isinstance(cond, AnswerIs):
        out.append(f"{where}: rating and flag rules can only test intake answers.")
        return out
    if not answers_only and isinstance(cond, AnswerIs):
        out.append(f"{where}: placement rules test ratings and flags, not intake answers.")
        return out
    if isinstance(cond, RatingIn):
        d = dims.get(cond.dimension)
        if d is None:
            out.append(f"{where}: unknown dimension '{cond.dimension}'.")
        elif cond.low not in d.scale or cond.high not in d.scale:
            bad = cond.low if cond.low not in d.scale else cond.high
            out.append(f"{where}: rating {bad} is not on the {d.code} scale.")
        elif d.position(cond.low) > d.position(cond.high):
            out.append(
                f"{where}: the {d.code} range {cond.low}-{cond.high} is inverted "
                "(the low end is above the high end)."
            )
    elif isinstance(cond, FlagIs):
        if cond.flag not in flags:
            out.append(f"{where}: unknown flag '{cond.flag}'.")
    elif isinstance(cond, AtLeast):
        unknown = [c for c in cond.dimensions if c not in dims]
        if unknown:
            out.append(f"{where}: unknown dimension '{unknown[0]}'.")
        elif not cond.dimensions:
            out.append(f"{where}: 'at least' lists no dimensions.")
        else:
            if not 1 <= cond.count <= len(cond.dimensions):
                out.append(
                    f"{where}: 'at least {cond.count} of {len(cond.dimensions)} dimensions' "
                    "is an empty or always-true condition."
                )
            for c in cond.dimensions:
                if cond.minimum not in dims[c].scale:
                    out.append(f"{where}: rating {cond.minimum} is not on the {c} scale.")
                    break
        if len(set(cond.dimensions)) != len(cond.dimensions):
            out.append(f"{where}: 'at least' lists a dimension twice.")
    elif isinstance(cond, AnswerIs):
        if cond.op in ("age_under", "age_at_least"):
            for needed in ("date_of_birth", "assessment_date"):
                if needed not in questions:
                    out.append(f"{where}: an age comparison needs a '{needed}' question.")
        elif cond.question not in questions:
            out.append(f"{where}: unknown question '{cond.question}'.")
        if cond.op not in ANSWER_OPS:
            out.append(f"{where}: unknown comparison '{cond.op}'.")
        elif cond.op == "between":
            v = cond.value
            if not (isinstance(v, list | tuple) and len(v) == 2) or v[0] > v[1]:
                out.append(f"{where}: 'between' needs a low and a high value, low first.")
        elif cond.op in SET_OPS and not isinstance(cond.value, list | tuple):
            out.append(f"{where}: '{cond.op}' needs a list of values.")
        elif cond.op in ("gt", "gte", "lt", "lte", "age_under", "age_at_least") and not isinstance(
            cond.value, int | float
        ):
            out.append(f"{where}: '{cond.op}' needs a number.")
    else:
        out.append(f"{where}: unknown kind of condition.")
    return out
