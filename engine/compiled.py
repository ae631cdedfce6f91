"""A rule set compiled for fast evaluation.

Every placement, substitution and modifier rule gets a small counter field in one integer key.
For each dimension and each rating, a precomputed number adds 1 to the field of every rule whose
conditions on that dimension the rating fails; flags do the same. Adding the six numbers and a
bias sets a field's top (carry) bit exactly when at least one condition failed, so after masking,
the key says which rules fired. Conditions that span dimensions ("at least 2 of D1-D6 rated 3 or
more", alternatives across dimensions) become extra bits in the same key: counters whose carry
bit means "the count was reached", and plain bits for single-dimension alternatives.

That key path serves drafts and verification. Its Decision cache is keyed by the whole key,
which carries every rule's and atom's bit: the number of distinct keys grows with the input
space (204,800 for the 3rd-edition default's 1,000,000 rating profiles x 64 flag sets), so the
cache is bounded (MAX_CACHED_DECISIONS, about 100 MB at the bound) and emptied when full.

``tabulate()`` compiles further, for rule sets that no longer change (published, retired):
each track, and the modifiers, become a dense table over what that group reads - the classes
of each dimension's ratings that its rules tell apart, and the flags its rules mention. A
rating then adds one packed number holding its index contribution to every group's table, so
a decision for any input, seen before or not, is six additions, a flag lookup, one lookup per
group and one lookup of the shared Decision for that combination of group results. The tables
are bounded (MAX_TABLE_ENTRIES per group; a rule set past it keeps the key path) and hold small
integers: about 3 MB for the 3rd-edition default version 2.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from operator import getitem
from typing import Any, NoReturn

from . import tabulation
from .errors import InputError, RuleSetError
from .model import (
    ANY_LEVEL,
    AnyOf,
    AtLeast,
    Decision,
    FlagIs,
    ModifierRule,
    PlacementRule,
    RatingIn,
    Reason,
    RuleSet,
    Substitution,
)
from .validate import problems

# The key path's Decision cache: emptied when it reaches this many keys (a Decision is shared
# between keys, so an entry costs a dict slot and an int, about 1 KB with its parts at worst).
MAX_CACHED_DECISIONS = 100_000


@dataclass(frozen=True)
class _CountAtom:
    offset: int  # the counter's lowest bit
    carry: int  # the carry bit: set when the count was reached
    bias: int


class CompiledRuleSet:
    # Set by tabulate() (engine/tabulation.py): the tabulated evaluator, also bound on the
    # instance as ``evaluate``.
    _evaluate_tabulated: Callable[[Any, Any], Decision]

    def __init__(self, rs: RuleSet):
        found = problems(rs)
        if found:
            raise RuleSetError(found)
        self.rs = rs
        self.dim_codes = tuple(d.code for d in rs.dimensions)
        self.dims = {d.code: d for d in rs.dimensions}
        self.dim_index = {d.code: i for i, d in enumerate(rs.dimensions)}
        self.rating_types = {d.code: frozenset(type(r) for r in d.scale) for d in rs.dimensions}
        self.flag_codes = tuple(f.code for f in rs.flags)
        self.n_dims = len(self.dim_codes)
        self.n_flags = len(self.flag_codes)
        self.tracks = rs.tracks
        self.rank = {lv.code: lv.rank for lv in rs.levels}
        self.by_rank = {
            track: {lv.rank: lv.code for lv in rs.levels_of(track)} for track in self.tracks
        }
        self.population = {lv.code: lv.population for lv in rs.levels}
        self.rules: tuple[PlacementRule | Substitution | ModifierRule, ...] = (
            *rs.placement_rules,
            *rs.substitutions,
            *rs.modifier_rules,
        )
        self._layout()
        self.track_rules = {
            track: [
                i
                for i, r in enumerate(self.rules)
                if isinstance(r, PlacementRule | Substitution) and r.track == track
            ]
            for track in self.tracks
        }
        self.modifier_rules = [i for i, r in enumerate(self.rules) if isinstance(r, ModifierRule)]
        self.track_masks = tuple(
            (track, self.field_mask(self.track_rules[track]) & self.mask) for track in self.tracks
        )
        self.modifier_mask = self.field_mask(self.modifier_rules) & self.mask
        # A rule's cross-dimension conditions as bit masks: each must share a bit with the key.
        self.rule_need = tuple(
            tuple(self._atom_bits_true(c) for c in conds) for conds in self.rule_complex
        )
        self._parts_by_fired: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        self._level_order: dict[str, tuple[Any, ...]] = {}
        self._decisions: dict[int, Decision] = {}
        self._track_parts: dict[str, dict[int, Any]] = {track: {} for track in self.tracks}
        self._modifier_parts: dict[int, tuple[Any, ...]] = {}
        self._flag_parts: dict[tuple[Any, ...], tuple[int, int]] = {}
        # Set by tabulate(): per-dimension packed contributions, per-group part tables, the
        # flags each group reads, and the shared Decisions by combination of group parts.
        self.tabulated = False
        self._packed: tuple[dict[str, Any], ...] = ()
        self._packed_flags: dict[tuple[Any, ...], tuple[int, int]] = {}
        self._group_tables: tuple[list[int], ...] = ()
        self._group_flags: tuple[tuple[Any, ...], ...] = ()  # per group: (rule indexes, signatures)
        self.parts_per_group: tuple[int, ...] = ()
        self._primary, self._withdrawal = rs.primary_track, rs.withdrawal_track

    # -- layout ----------------------------------------------------------------------------

    def _layout(self) -> None:
        bit = 0
        # One counter per rule: how many of its separable conditions failed.
        self.rule_field: list[tuple[int, int]] = []  # (carry bit mask, bias)
        self.rule_complex: list[
            tuple[Any, ...]
        ] = []  # complex (cross-dimension) conditions per rule
        per_dim_fail: list[dict[str, set[Any]]] = []  # rule -> dim -> failing scale positions
        per_rule_flags: list[tuple[FlagIs, ...]] = []
        for rule in self.rules:
            dim_fail: dict[str, set[Any]] = {}
            flag_conds: list[FlagIs] = []
            complex_conds: list[Any] = []
            for cond in rule.when:
                if isinstance(cond, RatingIn):
                    d = self.dims[cond.dimension]
                    lo, hi = d.position(cond.low), d.position(cond.high)
                    fails = {i for i in range(len(d.scale)) if not lo <= i <= hi}
                    dim_fail.setdefault(cond.dimension, set()).update(fails)
                elif isinstance(cond, FlagIs):
                    flag_conds.append(cond)
                else:
                    complex_conds.append(cond)
            max_fail = len(dim_fail) + len(flag_conds)
            width = max(max_fail, 1).bit_length()
            bias = (1 << width) - 1
            carry = 1 << (bit + width)
            self.rule_field.append((carry, bias << bit))
            bit += width + 1
            per_dim_fail.append(dim_fail)
            per_rule_flags.append(tuple(flag_conds))
            self.rule_complex.append(tuple(complex_conds))
        self.per_rule_flags = per_rule_flags

        # Atoms inside complex conditions.
        self.count_atoms: dict[AtLeast, _CountAtom] = {}
        self.dim_atoms: dict[RatingIn, int] = {}
        self.flag_atoms: dict[FlagIs, int] = {}

        def register(cond: Any) -> None:
            nonlocal bit
            if isinstance(cond, AnyOf):
                for sub in cond.conditions:
                    register(sub)
            elif isinstance(cond, AtLeast) and cond not in self.count_atoms:
                width = len(cond.dimensions).bit_length()
                bias = (1 << width) - cond.count
                self.count_atoms[cond] = _CountAtom(bit, 1 << (bit + width), bias << bit)
                bit += width + 1
            elif isinstance(cond, RatingIn) and cond not in self.dim_atoms:
                self.dim_atoms[cond] = 1 << bit
                bit += 1
            elif isinstance(cond, FlagIs) and cond not in self.flag_atoms:
                self.flag_atoms[cond] = 1 << bit
                bit += 1

        for conds in self.rule_complex:
            for cond in conds:
                register(cond)

        self.bias = sum(b for _, b in self.rule_field) + sum(
            a.bias for a in self.count_atoms.values()
        )
        self.mask = (
            sum(c for c, _ in self.rule_field)
            + sum(a.carry for a in self.count_atoms.values())
            + sum(self.dim_atoms.values())
            + sum(self.flag_atoms.values())
        )

        # Per-dimension tables: rating code -> the number it adds to the key: a unit in the
        # counter of every rule whose condition on this dimension the rating fails, a unit in
        # every "at least" counter the rating reaches, and the bit of every single-dimension
        # alternative it satisfies.
        tables: list[dict[Any, int]] = [{} for _ in self.dim_codes]
        for t_index, code in enumerate(self.dim_codes):
            d = self.dims[code]
            for pos, rating in enumerate(d.scale):
                value = 0
                for i, dim_fail in enumerate(per_dim_fail):
                    if pos in dim_fail.get(code, ()):
                        value += self._field_unit(i)
                for atom, spec in self.count_atoms.items():
                    if code in atom.dimensions and pos >= d.position(atom.minimum):
                        value += 1 << spec.offset
                for rating_in, atom_bit in self.dim_atoms.items():
                    if rating_in.dimension == code:
                        lo, hi = d.position(rating_in.low), d.position(rating_in.high)
                        if lo <= pos <= hi:
                            value += atom_bit
                tables[t_index][rating] = value
        self.tables = tuple(tables)

    def _field_unit(self, rule_index: int) -> int:
        """The value 1 in the counter field of rule ``rule_index``."""
        bias_shifted = self.rule_field[rule_index][1]
        # bias_shifted = ((1 << width) - 1) << offset, so its lowest set bit is 1 << offset.
        return bias_shifted & -bias_shifted

    def flag_part(self, values: tuple[Any, ...]) -> int:
        """The number the flags add to the key, from the flag values in rule-set order."""
        on = {code for code, v in zip(self.flag_codes, values, strict=True) if v}
        part = 0
        for i, conds in enumerate(self.per_rule_flags):
            for cond in conds:
                if (cond.flag in on) != cond.value:
                    part += self._field_unit(i)
        for atom, atom_bit in self.flag_atoms.items():
            if (atom.flag in on) == atom.value:
                part += atom_bit
        return part

    def _flag_entry(self, flags: Any, values: tuple[Any, ...]) -> tuple[int, int]:
        """(flag part plus the bias, number of flags given) for new flag values, checked."""
        for code in flags:
            if code not in self.flag_codes:
                raise InputError(f"flags.{code}", "unknown flag")
        for code, v in zip(self.flag_codes, values, strict=True):
            if v is not None and not isinstance(v, bool):
                raise InputError(f"flags.{code}", f"{v!r} is not true or false")
        entry = (self.flag_part(values) + self.bias, self.n_flags - values.count(None))
        self._flag_parts[values] = entry
        return entry

    def tabulate(self) -> bool:
        """Build the dense per-group tables (``engine.tabulation``). Returns False, and
        leaves evaluation on the key path, when a group would need more than
        MAX_TABLE_ENTRIES entries. Idempotent."""
        return tabulation.tabulate(self)

    # -- evaluation --------------------------------------------------------------------------

    def key(self, ratings: Any, flags: Any) -> int:
        """The fired-rule key of one input. Raises InputError for bad input."""
        try:
            if len(ratings) != self.n_dims:
                raise KeyError
            total = sum(map(getitem, self.tables, map(ratings.__getitem__, self.dim_codes)))
        except (KeyError, TypeError):
            self._raise_rating_error(ratings)
        values = tuple(map(flags.get, self.flag_codes))
        entry = self._flag_parts.get(values)
        if entry is None or len(flags) != entry[1]:
            entry = self._flag_entry(flags, values)
        return (total + entry[0]) & self.mask

    def evaluate(self, ratings: Any, flags: Any) -> Decision:
        if self.tabulated:
            return self._evaluate_tabulated(ratings, flags)
        # The body of key() is repeated here: this is the hot path, and a call costs 10%.
        try:
            if len(ratings) != self.n_dims:
                raise KeyError
            total = sum(map(getitem, self.tables, map(ratings.__getitem__, self.dim_codes)))
        except (KeyError, TypeError):
            self._raise_rating_error(ratings)
        values = tuple(map(flags.get, self.flag_codes))
        entry = self._flag_parts.get(values)
        if entry is None or len(flags) != entry[1]:
            entry = self._flag_entry(flags, values)
        key = (total + entry[0]) & self.mask
        decision = self._decisions.get(key)
        if decision is None:
            decision = self._decide(key)
            if len(self._decisions) >= MAX_CACHED_DECISIONS:
                self._decisions.clear()
            self._decisions[key] = decision
        return decision

    def _atom_bits_true(self, cond: Any) -> int:
        """The key bits any one of which makes ``cond`` true."""
        if isinstance(cond, AnyOf):
            return reduce(int.__or__, (self._atom_bits_true(c) for c in cond.conditions), 0)
        if isinstance(cond, AtLeast):
            return self.count_atoms[cond].carry
        if isinstance(cond, RatingIn):
            return self.dim_atoms[cond]
        if isinstance(cond, FlagIs):
            return self.flag_atoms[cond]
        raise AssertionError(f"unexpected condition {cond!r}")  # validated at compile time

    def _decide(self, key: int) -> Decision:
        """The Decision for a key, assembled from per-track parts. Each part depends only on
        the bits of its own rules, so the parts are few and cached separately."""
        levels = []
        reasons: tuple[Reason, ...] = ()
        for track, mask in self.track_masks:
            sub = key & mask
            part = self._track_parts[track].get(sub)
            if part is None:
                part = self._track_part(track, sub)
                self._track_parts[track][sub] = part
            level, track_reasons = part
            if level is not None:
                levels.append((track, level))
            reasons += track_reasons
        sub = key & self.modifier_mask
        part = self._modifier_parts.get(sub)
        if part is None:
            part = self._modifier_part(sub)
            self._modifier_parts[sub] = part
        modifiers, modifier_reasons = part
        return Decision(
            levels=tuple(levels),
            modifiers=modifiers,
            reasons=reasons + modifier_reasons,
            primary_track=self.rs.primary_track,
            withdrawal_track=self.rs.withdrawal_track,
        )

    def _fired_indexes(self, key: int, indexes: Any) -> tuple[int, ...]:
        fields, need = self.rule_field, self.rule_need
        out: list[Any] = []
        for i in indexes:
            if key & fields[i][0]:
                continue
            for m in need[i]:
                if not key & m:
                    break
            else:
                out.append(i)
        return tuple(out)

    def _track_part(self, track: str, key: int) -> tuple[str | None, tuple[Reason, ...]]:
        """The level and reasons of a track for a key. Keys that fire the same rules share
        one part (the key also carries bits of conditions that decide nothing here)."""
        fired_ids = self._fired_indexes(key, self.track_rules[track])
        part = self._parts_by_fired.get(fired_ids)
        if part is None:
            part = self._track_part_of(track, fired_ids)
            self._parts_by_fired[fired_ids] = part
        return part

    def track_level(self, track: str, key: int) -> str | None:
        """Only the level of a track for a key (no reasons): what verification needs. The
        placement rules are tried from the most intensive level down, so the first that fires
        gives the level and the rest are never looked at; then the substitutions, in order."""
        order = self._level_order.get(track)
        if order is None:
            order = self._level_order_of(track)
        fields, need = self.rule_field, self.rule_need
        level: str | None = None
        for i, code in order[0]:
            if key & fields[i][0]:
                continue
            for m in need[i]:
                if not key & m:
                    break
            else:
                level = code
                break
        if level is None:
            return None
        for i, from_level, to_level in order[1]:
            if from_level not in (level, ANY_LEVEL) or key & fields[i][0]:
                continue
            for m in need[i]:
                if not key & m:
                    break
            else:
                level = to_level
        return level

    def _level_order_of(self, track: str) -> tuple[Any, ...]:
        rules: tuple[Any, ...] = self.rules
        rank = self.rank
        placements = sorted(
            (i for i in self.track_rules[track] if isinstance(rules[i], PlacementRule)),
            key=lambda i: -rank[rules[i].level],
        )
        order = (
            tuple((i, self.by_rank[track][rank[rules[i].level]]) for i in placements),
            tuple(
                (i, rules[i].from_level, rules[i].to_level)
                for i in self.track_rules[track]
                if isinstance(rules[i], Substitution)
            ),
        )
        self._level_order[track] = order
        return order

    def _track_part_of(self, track: str, fired_ids: Any) -> tuple[str | None, tuple[Reason, ...]]:
        fired = [self.rules[i] for i in fired_ids]
        asked = [r for r in fired if isinstance(r, PlacementRule)]
        if not asked:
            return None, ()  # no rule fired on this track: verification reports the gap
        top = max(self.rank[r.level] for r in asked)
        level = self.by_rank[track][top]
        reasons = [
            Reason(r.id, "placement", track, r.level, self.rank[r.level] == top, r.text)
            for r in asked
        ]
        for r in fired:
            if isinstance(r, Substitution) and r.from_level in (level, ANY_LEVEL):
                level = r.to_level
                # The substitution now decides the track; the rules it replaced stay listed.
                reasons = [
                    Reason(x.rule_id, x.kind, x.track, x.asks, False, x.text) for x in reasons
                ]
                reasons.append(Reason(r.id, "substitution", track, r.to_level, True, r.text))
        return level, tuple(reasons)

    def _modifier_part(self, key: int) -> tuple[tuple[str, ...], tuple[Reason, ...]]:
        fired: list[Any] = [self.rules[i] for i in self._fired_indexes(key, self.modifier_rules)]
        reasons = tuple(Reason(r.id, "modifier", "", r.modifier, True, r.text) for r in fired)
        on = {r.modifier for r in fired}
        return tuple(m.code for m in self.rs.modifiers if m.code in on), reasons

    # -- errors ------------------------------------------------------------------------------

    def _raise_rating_error(self, ratings: Any) -> NoReturn:
        if not hasattr(ratings, "keys"):
            raise InputError("ratings", "must be an object mapping dimension codes to ratings")
        for code in ratings:
            if code not in self.dims:
                raise InputError(f"ratings.{code}", "unknown dimension")
        for code in self.dim_codes:
            if code not in ratings:
                raise InputError(f"ratings.{code}", "missing rating")
            rating = ratings[code]
            if rating not in self.dims[code].scale or isinstance(rating, bool):
                scale = ", ".join(map(str, self.dims[code].scale))
                raise InputError(f"ratings.{code}", f"{rating!r} is not a rating ({scale})")
        raise InputError("ratings", "invalid ratings")

    # -- enumeration helpers for verification ---------------------------------------------------

    def classes(self, dim_index: int, relevant_mask: int) -> list[list[Any]]:
        """The dimension's ratings grouped by their effect on the bits in ``relevant_mask``:
        ratings in one group are interchangeable for those rules. Scale order is kept."""
        groups: dict[int, list[Any]] = {}
        table = self.tables[dim_index]
        for rating in self.dims[self.dim_codes[dim_index]].scale:
            groups.setdefault(table[rating] & relevant_mask, []).append(rating)
        return list(groups.values())

    def field_mask(self, rule_indexes: Any) -> int:
        """Every key bit (counter fields and atoms) the given rules depend on."""
        mask = 0
        for i in rule_indexes:
            carry, bias_shifted = self.rule_field[i]
            mask |= carry | bias_shifted
            for cond in self.rule_complex[i]:
                mask |= self._atom_bits(cond)
        return mask

    def _atom_bits(self, cond: Any) -> int:
        if isinstance(cond, AnyOf):
            return reduce(int.__or__, (self._atom_bits(c) for c in cond.conditions), 0)
        if isinstance(cond, AtLeast):
            spec = self.count_atoms[cond]
            return spec.carry | (spec.carry - (1 << spec.offset))
        if isinstance(cond, RatingIn):
            return self.dim_atoms[cond]
        if isinstance(cond, FlagIs):
            return self.flag_atoms[cond]
        return 0

    def reduced(self, indexes: Any, flags: Any) -> tuple[Any, ...]:
        """The rules ``indexes`` with ``flags`` (code -> bool) put in: a rule whose flag
        condition fails is gone (None); flags inside "any of" groups either satisfy the group
        or drop out of it. What remains are conditions on the ratings only, so two flag
        combinations with the same result decide every rating profile alike."""

        def simplify(cond: Any) -> Any:
            if isinstance(cond, FlagIs):
                return bool(flags.get(cond.flag, False)) == cond.value
            if isinstance(cond, AnyOf):
                rest = []
                for sub in cond.conditions:
                    value = simplify(sub)
                    if value is True:
                        return True
                    if value is not False:
                        rest.append(value)
                return tuple(rest) if rest else False
            return cond

        out: list[Any] = []
        for i in indexes:
            if any(bool(flags.get(f.flag, False)) != f.value for f in self.per_rule_flags[i]):
                out.append(None)
                continue
            parts = [simplify(cond) for cond in self.rule_complex[i]]
            out.append(None if False in parts else tuple(p for p in parts if p is not True))
        return tuple(out)

    def flags_used(self, rule_indexes: Any) -> list[str]:
        used: dict[str, None] = {}

        def walk(cond: Any) -> None:
            if isinstance(cond, AnyOf):
                for c in cond.conditions:
                    walk(c)
            elif isinstance(cond, FlagIs):
                used.setdefault(cond.flag, None)

        for i in rule_indexes:
            for cond in self.rules[i].when:
                walk(cond)
        return [code for code in self.flag_codes if code in used]


def compiled(rs: RuleSet) -> CompiledRuleSet:
    """The compiled form of ``rs``, built once per RuleSet object."""
    c: CompiledRuleSet | None = rs._compiled
    if c is None:
        c = CompiledRuleSet(rs)
        object.__setattr__(rs, "_compiled", c)
    return c
