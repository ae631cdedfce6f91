"""What makes a profile an emergency, in plain words, from the rule set's own emergency
modifiers: the wizard shows it before a level can be worked out and the recommendation beside
the level. Pure: ratings, flags and the reasons behind them in, sentences out."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from .engine import evaluate
from .model import AnyOf, Condition, FlagIs, RatingIn, Reason, RuleSet


def condition_atoms(cond: Condition) -> Iterator[Condition]:
    """The plain conditions inside a condition (an any-of opens into its parts)."""
    if isinstance(cond, AnyOf):
        for c in cond.conditions:
            yield from condition_atoms(c)
    else:
        yield cond


def flag_codes(rs: RuleSet) -> set[str]:
    """The flags this rule set knows (answers may carry flags of another version)."""
    return {f.code for f in rs.flags}


def emergency_triggers(
    rs: RuleSet,
    ratings: dict[str, Any],
    flags: dict[str, Any],
    reasons: Iterable[Reason],
    chosen: Iterable[str] = (),
) -> list[str]:
    """What makes this profile an emergency, in plain words: the answers behind each flag or
    rating that fires an emergency modifier rule (``reasons``: the rating and flag rules that
    fired for the answers), or the rating the clinician chose. Empty when it is no emergency.
    ``chosen``: dimensions whose rating the clinician set rather than took from a rule."""
    emergency = {m.code for m in rs.modifiers if m.emergency}
    if not emergency:
        return []
    reasons = list(reasons)
    chosen = set(chosen)
    known = flag_codes(rs)
    decision = evaluate(rs, ratings, {k: v for k, v in flags.items() if k in known})
    fired = {r.rule_id for r in decision.reasons}
    fired_ids = {
        r.rule_id for r in decision.reasons if r.kind == "modifier" and r.asks in emergency
    } | {  # need rules (4th edition) that add an emergency modifier beside their level
        rule.id for rule in rs.need_rules if rule.modifier in emergency and rule.id in fired
    }
    out: list[str] = []

    def add(text: str) -> None:
        if text and text not in out:
            out.append(text)

    rules: tuple[Any, ...] = (*rs.modifier_rules, *rs.need_rules)
    for rule in rules:
        if rule.id not in fired_ids:
            continue
        for atom in (a for c in rule.when for a in condition_atoms(c)):
            if isinstance(atom, FlagIs) and atom.value and flags.get(atom.flag):
                for r in reasons:
                    if r.kind == "flag" and r.asks == atom.flag:
                        add(r.text)
            elif isinstance(atom, RatingIn):
                d = rs.dimension(atom.dimension)
                rating = ratings.get(atom.dimension)
                if rating is None or not (
                    d.position(atom.low) <= d.position(rating) <= d.position(atom.high)
                ):
                    continue
                if atom.dimension in chosen:
                    add(f"You rated {d.code} ({d.name}) {rating}.")
                    continue
                for r in reasons:
                    if r.kind == "rating" and r.track == atom.dimension and r.deciding:
                        add(r.text)
    return out
