"""Verification of a rule set that determines its level from needs (4th edition).

The result depends only on the set of needs, not on which subdimension asked for them, and
every condition of the determination, the overlays and the add-ons is "some need matches" (or
a test of the result so far). Whether such a condition holds for a set of needs is therefore
the OR of whether it holds for each need alone: a set of needs is fully described by its
**signature**, the bit set of the conditions it satisfies, and adding a need ORs in that need's
signature. So instead of the hundreds of millions of code profiles, verification walks the
distinct signatures the subdimensions can produce, and for each, every need that could be
added:

- **total**: every reachable set of needs gets a level of the main track;
- **monotone in needs**: adding any need never lowers the broad level (the first digit, 1-4)
  and never takes away the rule set's kept variant (``kept_variant``, e.g. co-occurring care),
  unless it raises the broad level to that of ``ceiling_level`` or above.

It does not check monotonicity in code order: that does not hold for this edition (in 3A, `1A`
asks for 1.5 COE and `1B` for 1.7 without COE, so next to a 3.7 BIO need raising 3A from 1A to
1B lowers 4 to 3.7 BIO)."""

from __future__ import annotations

import time
from typing import Any

from .determine import _rating_holds, need_matches
from .model import (
    ANY_LEVEL,
    AnyOf,
    FlagIs,
    NeedIs,
    RatingIn,
    ResultIs,
    RuleSet,
    base_of,
    variant_of,
)
from .report import MAX_EXAMPLES, Report, TrackReport, Violation


def _atoms(cond: Any) -> list[Any]:
    if isinstance(cond, AnyOf):
        return [a for c in cond.conditions for a in _atoms(c)]
    return [cond]


def _broad(level: str) -> int:
    head = base_of(level).split(".")[0]
    return int(head) if head.isdigit() else 0


def _single_source(rule: Any) -> tuple[str, str] | None:
    """("rating", dimension) or ("flag", flag) when the need rule reads one input only."""
    atoms = [a for c in rule.when for a in _atoms(c)]
    dims = {a.dimension for a in atoms if isinstance(a, RatingIn)}
    flags = {a.flag for a in atoms if isinstance(a, FlagIs)}
    if len(dims) == 1 and not flags and all(isinstance(a, RatingIn) for a in atoms):
        return ("rating", dims.pop())
    if len(flags) == 1 and not dims and all(isinstance(a, FlagIs) for a in atoms):
        return ("flag", flags.pop())
    return None


def verify_needs(rs: RuleSet) -> Report:
    started = time.perf_counter()
    track = rs.primary_track
    on_track = {lv.code for lv in rs.levels_of(track)}
    report = TrackReport(track=track, method="needs", violations={"total": 0, "monotone": 0})
    examples: list[Violation] = []
    kept = rs.kept_variant
    ceiling = _broad(rs.ceiling_level) if rs.ceiling_level else 99

    def unproven(text: str) -> Report:
        report.violations["unproven"] = 1
        examples.append(Violation("unproven", track, text))
        return Report(rs.label, [report], examples, time.perf_counter() - started)

    # Every condition on needs, numbered: bit i of a signature = condition i holds.
    need_conds: list[NeedIs] = []
    rules: list[Any] = [*rs.determination_rules, *rs.substitutions]
    for rule in rules:
        for atom in (a for c in rule.when for a in _atoms(c)):
            if isinstance(atom, NeedIs) and atom not in need_conds:
                need_conds.append(atom)
            elif not isinstance(atom, NeedIs | ResultIs):
                return unproven(f"Rule {rule.id} tests something other than needs.")

    def signature(needs: Any) -> int:
        sig = 0
        for i, cond in enumerate(need_conds):
            if any(need_matches(cond, n) for n in needs):
                sig |= 1 << i
        return sig

    def holds(cond: Any, sig: int, result: Any) -> bool:
        if isinstance(cond, AnyOf):
            return any(holds(c, sig, result) for c in cond.conditions)
        if isinstance(cond, NeedIs):
            return bool(sig >> need_conds.index(cond) & 1)
        return result is not None and (result in cond.levels or base_of(result) in cond.bases)

    results: dict[int, tuple[Any, ...]] = {}

    def result(sig: int) -> Any:
        if sig in results:
            return results[sig]
        level, deciding = None, None
        for rule in rs.determination_rules:
            if all(holds(c, sig, None) for c in rule.when):
                level, deciding = rule.level, rule
                break
        fired = [deciding.id] if deciding else []
        if level is not None:
            for sub in rs.substitutions:
                if sub.from_level in (level, ANY_LEVEL) and all(
                    holds(c, sig, level) for c in sub.when
                ):
                    level = sub.to_level
                    fired.append(sub.id)
        results[sig] = (level, fired)
        return results[sig]

    # What each input can contribute: per subdimension, the needs of each code; per flag.
    per_dim: dict[str, set[Any]] = {d.code: set() for d in rs.dimensions}
    flag_needs: dict[str, frozenset[Any]] = {}
    for d in rs.dimensions:
        for code in d.scale:
            ratings = {x.code: x.scale[0] for x in rs.dimensions}
            ratings[d.code] = code
            needs = set()
            for r in rs.need_rules:
                source = _single_source(r)
                if source is None:
                    return unproven(f"Need rule {r.id} reads more than one input.")
                if (
                    source == ("rating", d.code)
                    and r.level in on_track
                    and all(_rating_holds(rs, c, ratings, {}) for c in r.when)
                ):
                    needs.add(r.level)
            per_dim[d.code].add(frozenset(needs))
    for r in rs.need_rules:
        source = _single_source(r)
        if source and source[0] == "flag" and r.level in on_track:
            flag_needs[source[1]] = flag_needs.get(source[1], frozenset()) | {r.level}
    options = [{signature(s) for s in per_dim[d]} for d in per_dim]
    options += [{0, signature(needs)} for needs in flag_needs.values()]
    reachable = {0}
    for choices in options:
        reachable = {a | b for a in reachable for b in choices}
    universe = sorted({n for sets in per_dim.values() for s in sets for n in s}
                      | {n for s in flag_needs.values() for n in s})  # fmt: skip
    added = {n: signature({n}) for n in universe}
    for sig in reachable:
        level, fired = result(sig)
        if level is None or level not in on_track:
            report.violations["total"] += 1
            if len(examples) < MAX_EXAMPLES:
                examples.append(
                    Violation("total", track, "A set of needs gets no level.", rules=fired)
                )
            continue
        for need, extra in added.items():
            more, fired_more = result(sig | extra)
            if more is None:
                continue
            lowered = _broad(more) < _broad(level)
            lost = bool(
                kept
                and kept in variant_of(level)
                and kept not in variant_of(more)
                and _broad(more) < ceiling
            )
            if lowered or lost:
                report.violations["monotone"] += 1
                if len(examples) < MAX_EXAMPLES:
                    why = "lowers the broad level" if lowered else f"takes away the {kept} variant"
                    text = f"Adding a {need} need to a profile at {level} gives {more}: it {why}."
                    examples.append(Violation(
                        "monotone", track, text, rules=sorted(set(fired + fired_more)), raised=need
                    ))  # fmt: skip
    report.classes = len(reachable)
    report.profiles = 1
    for d in rs.dimensions:
        report.profiles *= len(d.scale)
    return Report(rs.label, [report], examples, time.perf_counter() - started)
