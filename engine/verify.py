"""Verification of a rule set over every rating profile and every flag combination.

- **total**: every profile gets exactly one level on each track, and never a level that is
  closed to the person's population (an adult-only level for an adolescent);
- **monotone**: raising any one rating never gives a less intensive level on either track.

Enumerating 5^6 profiles x 64 flag combinations one by one would be slow, so verification uses
the compiled form: a track's result depends only on the bits of that track's rules, ratings that
set the same bits are interchangeable, and flags no rule of the track mentions cannot change it.
Each track is therefore checked on its equivalence classes (for the 3rd-edition default about
33,000 classes stand for the 1,000,000 profiles), which is exact, not a sample. When even the
classes are too many (a 4th-edition set can have billions of profiles), verification falls back
to reasoning on the rules' structure, which can prove the properties or report what it could not
prove.
"""

from __future__ import annotations

import itertools
import math
import operator
import time
from typing import Any

from .compiled import CompiledRuleSet, compiled
from .model import (
    ANY_LEVEL,
    AnyOf,
    AtLeast,
    FlagIs,
    PlacementRule,
    RatingIn,
    RuleSet,
    Substitution,
)
from .report import MAX_EXAMPLES, Report, TrackReport, Violation, ViolationGroup
from .verify_needs import verify_needs

# Above this many equivalence classes per track, reason about the rules instead.
ENUMERATION_LIMIT = 3_000_000


def describe(ratings: dict[str, Any], flags: dict[str, Any]) -> str:
    parts = [f"{k}={v}" for k, v in ratings.items()]
    on = [k for k, v in flags.items() if v]
    return ", ".join(parts) + (f"; flags: {', '.join(on)}" if on else "; no flags")


def verify(rs: RuleSet, limit: int = ENUMERATION_LIMIT) -> Report:
    if rs.determines:  # levels from needs, top down: verified over distinct need sets
        return verify_needs(rs)
    started = time.perf_counter()
    c = compiled(rs)
    examples: list[Violation] = []
    tracks = []
    for track, mask in c.track_masks:
        # Ratings are interchangeable when they add the same to every field of the track's
        # rules (the whole counter, not only its carry bit).
        classes = [c.classes(i, c.field_mask(c.track_rules[track])) for i in range(c.n_dims)]
        flag_codes = c.flags_used(c.track_rules[track])
        closed = any(lv.population != "all" for lv in rs.levels_of(track))
        if closed and rs.adolescent_flag in c.flag_codes and rs.adolescent_flag not in flag_codes:
            flag_codes.append(rs.adolescent_flag)
        size = math.prod(len(g) for g in classes) * 2 ** len(flag_codes)
        if size <= limit:
            tracks.append(_enumerate(c, track, mask, classes, flag_codes, examples))
        else:
            tracks.append(_by_structure(c, track, examples))
    return Report(
        rs.label, tracks, examples, time.perf_counter() - started, group_examples(rs, examples)
    )


def _reads(rs: RuleSet, rule_ids: Any) -> tuple[set[str], set[str]]:
    """The dimensions and flags the given rules test."""
    rules: tuple[Any, ...] = (*rs.placement_rules, *rs.substitutions, *rs.modifier_rules)
    by_id = {r.id: r for r in rules}
    dims: set[str] = set()
    flags: set[str] = set()

    def walk(cond: Any) -> None:
        if isinstance(cond, AnyOf):
            for c in cond.conditions:
                walk(c)
        elif isinstance(cond, RatingIn):
            dims.add(cond.dimension)
        elif isinstance(cond, AtLeast):
            dims.update(cond.dimensions)
        elif isinstance(cond, FlagIs):
            flags.add(cond.flag)

    for rid in rule_ids:
        for cond in getattr(by_id.get(rid), "when", ()):
            walk(cond)
    return dims, flags


def group_examples(rs: RuleSet, examples: list[Violation]) -> list[ViolationGroup]:
    """Counterexamples grouped by what the rules at fault can see."""
    groups: dict[tuple[Any, ...], list[Violation]] = {}
    for v in examples:
        dims, flags = _reads(rs, v.rules)
        if v.raised:
            dims.add(v.raised)
        key = (
            v.property,
            v.track,
            tuple(v.rules),
            v.raised,
            tuple(sorted((d, r) for d, r in v.ratings.items() if d in dims)),
            tuple(sorted(f for f, on in v.flags.items() if on and f in flags)),
        )
        groups.setdefault(key, []).append(v)
    out = []
    for members in groups.values():
        varies = tuple(
            d for d in members[0].ratings if len({m.ratings.get(d) for m in members}) > 1
        )
        out.append(ViolationGroup(members[0], len(members), varies))
    return out


def _enumerate(
    c: CompiledRuleSet, track: Any, mask: Any, classes: Any, flag_codes: Any, examples: Any
) -> TrackReport:
    """Every class profile under every combination of the flags the track reads.

    The class profiles are laid out flat in mixed-radix order (the first dimension varies
    slowest), so a profile's key is a sum built one dimension at a time, and "raise dimension
    d by one step" is a fixed offset in the flat list: monotonicity compares two slices."""
    rs = c.rs
    dims = c.dim_codes
    report = TrackReport(track, "enumeration")
    counts = {"total": 0, "population": 0, "monotone": 0}
    parts = c._track_parts[track]
    reps = [[group[0] for group in groups] for groups in classes]
    values = [[c.tables[d][r] for r in reps[d]] for d in range(len(dims))]
    radix = [len(r) for r in reps]
    strides = [math.prod(radix[d + 1 :]) for d in range(len(dims))]
    n = math.prod(radix)
    # Class sizes (profiles each class stands for), the same under every flag combination.
    weights = [1]
    for groups in classes:
        weights = [w * len(g) for w in weights for g in groups]
    # Raising a rating by one scale step moves between two classes (or stays in one).
    steps: list[list[tuple[int, int, object]]] = []  # per dim: (from class, to class, rating)
    for d, groups in enumerate(classes):
        index = {rating: gi for gi, g in enumerate(groups) for rating in g}
        scale = c.dims[dims[d]].scale
        steps.append(
            [
                (index[lo], index[hi], lo)
                for lo, hi in itertools.pairwise(scale)
                if index[lo] != index[hi]
            ]
        )
    rank = c.rank
    adult_only = {lv.rank for lv in rs.levels_of(track) if lv.population == "adult"}
    adolescent = rs.adolescent_flag
    rank_of_key: dict[int, int] = {}  # masked key -> rank, or -1 when no level
    NONE_HIGH = 1 << 30

    def ratings_at(i: int) -> dict[str, Any]:
        return {dims[d]: reps[d][(i // strides[d]) % radix[d]] for d in range(len(dims))}

    def level_at(key: int) -> Any:
        part = parts.get(key)
        if part is None:
            part = c._track_part(track, key)
            parts[key] = part
        return part

    # The class profiles' rating sums, the same under every flag combination.
    sums = [0]
    for vals in values:
        sums = [k + v for k in sums for v in vals]
    # Flag combinations under which the track's rules reduce to the same conditions on the
    # ratings decide every profile alike: each such group is checked once, and its counts
    # stand for every combination in it (its first combination is the one reported).
    combos: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    population_matters = bool(adult_only)
    for flag_values in itertools.product((False, True), repeat=len(flag_codes)):
        flags = dict(zip(flag_codes, flag_values, strict=True))
        key = c.reduced(c.track_rules[track], flags)
        if population_matters:
            key = (*key, bool(flags.get(adolescent)))
        combos.setdefault(key, []).append(flags)
    checked = 0
    for members in combos.values():
        flags, weight = members[0], len(members)
        checked += 1
        base = c._flag_entry(flags, tuple(flags.get(code) for code in c.flag_codes))[0]
        keys = [(base + k) & mask for k in sums]
        lows = []
        for k in keys:
            r = rank_of_key.get(k)
            if r is None:
                level = c.track_level(track, k)
                r = -1 if level is None else rank[level]
                rank_of_key[k] = r
            lows.append(r)
        # Totality and population, weighted by the profiles each class stands for.
        if -1 in lows:
            for i, r in enumerate(lows):
                if r == -1:
                    counts["total"] += weights[i] * weight
                    if len(examples) < MAX_EXAMPLES:
                        ratings = ratings_at(i)
                        examples.append(
                            Violation(
                                "total",
                                track,
                                f"No {track} rule gives a level for {describe(ratings, flags)}.",
                                ratings,
                                flags,
                            )
                        )
        if flags.get(adolescent) and adult_only:
            for i, r in enumerate(lows):
                if r in adult_only:
                    counts["population"] += weights[i] * weight
                    if len(examples) < MAX_EXAMPLES:
                        ratings = ratings_at(i)
                        part = level_at(keys[i])
                        examples.append(
                            Violation(
                                "population",
                                track,
                                f"Level {part[0]} is for adults only but an adolescent with "
                                f"{describe(ratings, flags)} is placed there.",
                                ratings,
                                flags,
                                rules=_deciding(part),
                            )
                        )
        # Monotonicity: for each step of each dimension, the profiles at the lower class
        # against the same profiles one step up; a level that drops is a violation.
        highs = [NONE_HIGH if r == -1 else r for r in lows]
        for d, dim_steps in enumerate(steps):
            stride, block = strides[d], strides[d] * radix[d]
            for from_class, to_class, rating in dim_steps:
                shift = (to_class - from_class) * stride
                for start in range(from_class * stride, n, block):
                    lo = lows[start : start + stride]
                    hi = highs[start + shift : start + shift + stride]
                    bad = sum(map(operator.gt, lo, hi))
                    if not bad:
                        continue
                    counts["monotone"] += bad * weight
                    if len(examples) >= MAX_EXAMPLES:
                        continue
                    j = next(x for x, (a, b) in enumerate(zip(lo, hi, strict=True)) if a > b)
                    i = start + j
                    before, after = level_at(keys[i]), level_at(keys[i + shift])
                    ratings = ratings_at(i)
                    ratings[dims[d]] = rating
                    scale = c.dims[dims[d]].scale
                    next_rating = scale[scale.index(rating) + 1]
                    lost = [r for r in _deciding(before) if r not in {x.rule_id for x in after[1]}]
                    examples.append(
                        Violation(
                            "monotone",
                            track,
                            f"Raising {dims[d]} from {rating} to {next_rating} lowers the "
                            f"{track} level from {before[0]} to {after[0]} "
                            f"(at {describe(ratings, flags)}).",
                            ratings,
                            flags,
                            # The rule that stops applying and the one that then decides.
                            rules=list(dict.fromkeys([*lost, *_deciding(after)])),
                            raised=dims[d],
                        )
                    )
    other_flags = c.n_flags - len(flag_codes)
    report.classes = n * checked
    report.profiles = sum(weights) * 2 ** len(flag_codes) * 2**other_flags
    report.violations = counts
    return report


def _deciding(part: Any) -> list[str]:
    """The rule ids that decided a track part (level, reasons)."""
    return [r.rule_id for r in part[1] if r.deciding]


def _ranges(rule: Any) -> dict[str, tuple[Any, Any]] | None:
    """The rule's rating ranges by dimension (scale positions), or None when the rule has
    conditions other than ranges and flags."""
    out: dict[str, tuple[Any, Any]] = {}
    for cond in rule.when:
        if isinstance(cond, FlagIs):
            continue
        if not isinstance(cond, RatingIn):
            return None
        out[cond.dimension] = (cond.low, cond.high)
    return out


def _by_structure(c: CompiledRuleSet, track: str, examples: list[Any]) -> TrackReport:
    """Sufficient conditions, checked rule by rule:
    total - some placement rule of the track has no conditions;
    monotone - for every rule whose range on a dimension stops below the top of the scale,
    another rule asking for at least as much holds whenever it held with that rating one step
    higher; and every substitution keeps the order of the levels it can meet."""
    rs = c.rs
    report = TrackReport(track, "structure")
    counts = {"total": 0, "monotone": 0, "unproven": 0}
    rules = [c.rules[i] for i in c.track_rules[track]]
    placement = [r for r in rules if isinstance(r, PlacementRule)]

    def note(kind: str, text: str) -> None:
        counts[kind] += 1
        if len(examples) < MAX_EXAMPLES:
            examples.append(Violation(kind, track, text))

    if not any(not r.when for r in placement):
        note("unproven", f"No {track} rule applies unconditionally, so totality is not proven.")

    def positions(rule: Any) -> dict[str, tuple[int, int]] | None:
        ranges = _ranges(rule)
        if ranges is None:
            return None
        return {
            d: (c.dims[d].position(lo), c.dims[d].position(hi)) for d, (lo, hi) in ranges.items()
        }

    def implied(rule: Any, raised: dict[str, tuple[int, int]], other: Any) -> bool:
        other_pos = positions(other)
        if other_pos is None:
            return False
        flags_needed = {(x.flag, x.value) for x in other.when if isinstance(x, FlagIs)}
        flags_have = {(x.flag, x.value) for x in rule.when if isinstance(x, FlagIs)}
        if not flags_needed <= flags_have:
            return False
        for d, (lo, hi) in other_pos.items():
            have = raised.get(d, (0, len(c.dims[d].scale) - 1))
            if not (lo <= have[0] and have[1] <= hi):
                return False
        return True

    for r in placement:
        pos = positions(r)
        if pos is None:
            note("unproven", f"Rule {r.id} tests more than ranges and flags; not proven monotone.")
            continue
        for d, (_, hi) in pos.items():
            top = len(c.dims[d].scale) - 1
            if hi == top:
                continue
            raised = {**pos, d: (hi + 1, hi + 1)}
            if not any(
                c.rank[o.level] >= c.rank[r.level] and implied(r, raised, o) for o in placement
            ):
                note(
                    "unproven",
                    f"Rule {r.id} stops applying when {d} rises above "
                    f"{c.dims[d].scale[hi]} and no rule asking for at least {r.level} "
                    "is sure to take over.",
                )
    order = sorted(rs.levels_of(track), key=lambda lv: lv.rank)
    for s in (r for r in rules if isinstance(r, Substitution)):
        start = 0 if s.from_level == ANY_LEVEL else c.rank[s.from_level]
        lo, hi = sorted((start, c.rank[s.to_level]))
        between = [lv.code for lv in order if lo < lv.rank < hi]
        if between:
            note(
                "unproven",
                f"Substitution {s.id} jumps over {', '.join(between)}; monotonicity not proven.",
            )
    report.violations = counts
    return report
