"""Tabulation: a compiled rule set that no longer changes (published, retired) becomes, per
track and for the modifiers, a dense table over what that group reads (see the docstring of
``engine.compiled``). Functions of a ``CompiledRuleSet``, which calls ``tabulate``."""

from __future__ import annotations

from functools import partial
from math import prod
from operator import getitem
from typing import TYPE_CHECKING, Any

from .model import Decision

if TYPE_CHECKING:  # the class this mixin belongs to (imported for types only)
    from .compiled import CompiledRuleSet

# The largest dense table one group (a track, or the modifiers) may have.
MAX_TABLE_ENTRIES = 1 << 20
_GROUP_BITS = 21  # each group's table index inside the packed number (> log2 of the limit)
_GROUP_MASK = (1 << _GROUP_BITS) - 1


def _groups(c: CompiledRuleSet) -> list[tuple[str, list[int]]]:
    return [(t, c.track_rules[t]) for t in c.tracks] + [("", c.modifier_rules)]


def tabulate(c: CompiledRuleSet) -> bool:
    """Build the dense per-group tables (see the module docstring). Returns False, and
    leaves evaluation on the key path, when a group would need more than
    MAX_TABLE_ENTRIES entries. Idempotent."""
    if c.tabulated:
        return True
    groups = _groups(c)
    plans = []
    for name, indexes in groups:
        fm = c.field_mask(indexes)
        keep = fm & c.mask
        classes = [c.classes(d, fm) for d in range(c.n_dims)]
        flag_idx = tuple(c.flag_codes.index(f) for f in c.flags_used(indexes))
        # Flag combinations that leave the group's rules the same conditions on the
        # ratings share one slice of the table (the first combination stands for them).
        signatures: dict[tuple[Any, ...], int] = {}
        representatives: list[tuple[Any, ...]] = []
        for bits in range(1 << len(flag_idx)):
            on = [False] * c.n_flags
            for i, fi in enumerate(flag_idx):
                on[fi] = bool(bits >> i & 1)
            sig = c.reduced(indexes, dict(zip(c.flag_codes, on, strict=True)))
            if sig not in signatures:
                signatures[sig] = len(representatives)
                representatives.append(tuple(on))
        size = prod(len(c) for c in classes) * len(representatives)
        if size > MAX_TABLE_ENTRIES:
            return False
        plans.append((name, indexes, fm, keep, classes, flag_idx, signatures, representatives))
    packed: list[dict[str, Any]] = [{} for _ in range(c.n_dims)]
    tables, parts_per_group = [], []
    for g, plan in enumerate(plans):
        name, _indexes, fm, keep, classes, flag_idx, _signatures, representatives = plan
        shift = g * _GROUP_BITS
        # Mixed radix: dimension 0 most significant, the flag signature least.
        stride = len(representatives)
        sums = [0]
        for d in range(c.n_dims - 1, -1, -1):
            for ci, ratings in enumerate(classes[d]):
                for r in ratings:
                    packed[d][r] = packed[d].get(r, 0) + ((ci * stride) << shift)
            stride *= len(classes[d])
        for d in range(c.n_dims):
            table = c.tables[d]
            values = [table[c[0]] & fm for c in classes[d]]
            sums = [s + v for s in sums for v in values]
        flag_values = [c.flag_part(on) & fm for on in representatives]
        bias = c.bias & fm
        sums = [s + f + bias for s in sums for f in flag_values]
        part_of: dict[int, tuple[Any, ...]] = {}
        shared: dict[str, Any] = {}  # equal parts become one object
        entries: list[Any] = []
        for total in sums:
            sub = total & keep
            part = part_of.get(sub)
            if part is None:
                part = _group_part(c, name, sub)
                part = part_of[sub] = shared.setdefault(part, part)
            entries.append(part)
        tables.append(entries)
        parts_per_group.append(len(shared))
    c._packed = tuple(packed)
    c._group_tables = tuple(tables)
    c._group_flags = tuple((p[1], p[6]) for p in plans)
    c.parts_per_group = tuple(parts_per_group)
    c.tabulated = True
    # The hot path, bound once on the instance: no extra call per decision.
    c._evaluate_tabulated = _tabulated_evaluator(c)
    c.__dict__["evaluate"] = c._evaluate_tabulated
    return True


def _group_part(c: CompiledRuleSet, name: str, sub: int) -> Any:
    if name:
        return c._track_part(name, sub)
    part = c._modifier_parts.get(sub)
    if part is None:
        part = c._modifier_part(sub)
        c._modifier_parts[sub] = part
    return part


def _packed_flag_entry(c: CompiledRuleSet, flags: Any, values: tuple[Any, ...]) -> tuple[int, int]:
    c._flag_entry(flags, values)  # validates, raising InputError for bad flags
    packed = 0
    given = {code: v is True for code, v in zip(c.flag_codes, values, strict=True)}
    for g, (indexes, signatures) in enumerate(c._group_flags):
        packed += signatures[c.reduced(indexes, given)] << (g * _GROUP_BITS)
    entry = (packed, c.n_flags - values.count(None))
    c._packed_flags[values] = entry
    return entry


def _tabulated_evaluator(c: CompiledRuleSet) -> Any:
    """The evaluate function over the tables, with everything it reads bound as locals
    (this is the hot path; attribute lookups would cost a third of it)."""
    packed, codes, n_dims, flag_codes = (
        c._packed,
        c.dim_codes,
        c.n_dims,
        c.flag_codes,
    )
    packed_flags, flag_entry = c._packed_flags, partial(_packed_flag_entry, c)
    raise_rating_error = c._raise_rating_error
    tables = c._group_tables
    context = (c.tracks, c._primary, c._withdrawal)
    new, setter = object.__new__, object.__setattr__
    mask, bits = _GROUP_MASK, _GROUP_BITS

    def ratings_total(ratings: Any) -> int:
        try:
            if len(ratings) != n_dims:
                raise KeyError
            return sum(map(getitem, packed, map(ratings.__getitem__, codes)))
        except (KeyError, TypeError):
            raise_rating_error(ratings)

    if n_dims == 6 and len(tables) == 3:  # the 3rd edition: two tracks and modifiers
        p0, p1, p2, p3, p4, p5 = packed
        c0, c1, c2, c3, c4, c5 = codes
        t0, t1, t2 = tables

        def evaluate6(ratings: Any, flags: Any) -> Decision:
            try:
                if len(ratings) != 6:
                    raise KeyError
                total = (
                    p0[ratings[c0]] + p1[ratings[c1]] + p2[ratings[c2]]
                    + p3[ratings[c3]] + p4[ratings[c4]] + p5[ratings[c5]]
                )  # fmt: skip
            except (KeyError, TypeError):
                raise_rating_error(ratings)
            values = tuple(map(flags.get, flag_codes))
            entry = packed_flags.get(values)
            if entry is None or len(flags) != entry[1]:
                entry = flag_entry(flags, values)
            total += entry[0]
            d = new(Decision)
            setter(
                d,
                "_parts",
                (context, (t0[total & mask], t1[total >> bits & mask], t2[total >> 2 * bits])),
            )
            return d

        return evaluate6

    def evaluate(ratings: Any, flags: Any) -> Decision:
        total = ratings_total(ratings)
        values = tuple(map(flags.get, flag_codes))
        entry = packed_flags.get(values)
        if entry is None or len(flags) != entry[1]:
            entry = flag_entry(flags, values)
        total += entry[0]
        parts = []
        for table in tables:
            parts.append(table[total & mask])
            total >>= bits
        d = new(Decision)
        setter(d, "_parts", (context, tuple(parts)))
        return d

    return evaluate
