"""The rule-set vocabulary: frozen dataclasses, nothing executable.

A rule set names its own dimensions (with their rating scales), levels (per track, ordered),
flags, modifiers and intake questions, so the 3rd and 4th editions - or a state's variant - are
different data on the same engine. Conditions are data too: a rating range, a flag, "at least N
of these dimensions rated at or above K", an answer comparison, or a group of alternatives.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Union

RatingCode = int | str

# ---------------------------------------------------------------------------------------------
# Vocabulary


@dataclass(frozen=True)
class Dimension:
    code: str  # "D1"
    name: str
    scale: tuple[RatingCode, ...]  # rating codes, least to most severe: (0, 1, 2, 3, 4)
    anchors: tuple[str, ...] = ()  # one short description per rating code, same order
    short_name: str = ""  # for tabs and lists: "Withdrawal"
    # The dimension a subdimension belongs to ("1" for 1A, 1B, 1C): the wizard asks a group's
    # subdimensions on one step. Empty for a dimension rated on its own (3rd edition).
    group: str = ""

    @property
    def label(self) -> str:
        """ "D1 Withdrawal" (the code and the short name, or the name)."""
        return f"{self.code} {self.short_name or self.name}"

    def position(self, rating: RatingCode) -> int:
        return self.scale.index(rating)


@dataclass(frozen=True)
class Level:
    code: str  # "2.1", "3.2-WM"
    track: str  # "treatment", "withdrawal"
    rank: int  # order within the track, 0 = least intensive
    name: str
    adolescent_name: str = ""
    population: str = "all"  # "all", "adult" or "adolescent"
    setting: str = ""
    hours_adult: str = ""
    hours_adolescent: str = ""
    suits: str = ""
    review_days: int | None = None  # days until the next review at this level
    # How intensive the care is on one scale shared by every rule set and edition (0 = none,
    # 11 = hospital): the review queue orders by it, and a review across editions compares it.
    intensity: int | None = None
    # 4th edition: the nearest 3rd-edition level (read across when a person placed under one
    # edition is reviewed under the other). Empty when none is near enough.
    crosswalk_3rd: str = ""

    @property
    def care_intensity(self) -> int:
        """The level's intensity, or (a set loaded from a file without one) its rank."""
        return self.intensity if self.intensity is not None else self.rank

    def display_name(self, adolescent: bool = False) -> str:
        return (self.adolescent_name or self.name) if adolescent else self.name

    def label(self, adolescent: bool = False) -> str:
        """The level as people read it everywhere: "2.1 Intensive Outpatient"; a level whose
        code is not a number ("none") by its name alone ("No withdrawal management needed")."""
        name = self.display_name(adolescent)
        return f"{self.code} {name}" if self.code[:1].isdigit() else name

    @property
    def base(self) -> str:
        """The level without its variant: "3.7" of "3.7 BIO"."""
        return base_of(self.code)

    @property
    def variant(self) -> str:
        """ "COE", "BIO", "Psychiatric" ... or empty."""
        return variant_of(self.code)


def base_of(code: str) -> str:
    return code.split(" ", 1)[0]


def variant_of(code: str) -> str:
    parts = code.split(" ", 1)
    return parts[1] if len(parts) > 1 else ""


@dataclass(frozen=True)
class Group:
    """A dimension whose subdimensions are rated (4th edition), or one that is recorded and
    not rated (``rated`` false: its questions are asked, no code is given)."""

    code: str  # "1"
    name: str
    rated: bool = True


@dataclass(frozen=True)
class Flag:
    code: str
    description: str = ""


@dataclass(frozen=True)
class Modifier:
    code: str  # "COE"
    name: str
    description: str = ""  # a sentence for the clinician, the reviewer and the PDF
    emergency: bool = False  # shown as a prominent banner
    handout: str = ""  # the same in words the person understands, for the handout
    track: str = ""  # a track it is about ("withdrawal"): shown with that track's level


@dataclass(frozen=True)
class CarryOver:
    """An answer that changes meaning when a draft moves to this version from an earlier one:
    ``question`` answered ``value`` becomes ``answers`` (a None removes an answer), and
    ``ask`` names a question that must be answered again, with ``text`` saying why."""

    question: str
    value: Any
    answers: tuple[tuple[str, Any], ...] = ()
    ask: str = ""
    text: str = ""


@dataclass(frozen=True)
class Question:
    code: str
    label: str
    type: str  # "int", "bool", "choice", "date", "text", "multichoice"
    step: str  # which intake step asks it ("substances", "D1"...)
    order: int = 0
    choices: tuple[tuple[str, str], ...] = ()  # (value, label)
    min_value: int | None = None
    max_value: int | None = None
    required: bool = False
    help_text: str = ""
    source: str = "clinician"  # "clinician" (asked) or "record" (from the patient/assessment)


QUESTION_TYPES = ("int", "bool", "choice", "date", "text", "multichoice")

# ---------------------------------------------------------------------------------------------
# Conditions


@dataclass(frozen=True)
class RatingIn:
    """The dimension's rating lies between ``low`` and ``high`` (inclusive, scale order)."""

    dimension: str
    low: RatingCode
    high: RatingCode


@dataclass(frozen=True)
class FlagIs:
    flag: str
    value: bool = True


@dataclass(frozen=True)
class AtLeast:
    """At least ``count`` of ``dimensions`` are rated ``minimum`` or higher."""

    count: int
    dimensions: tuple[str, ...]
    minimum: RatingCode


ANSWER_OPS = (
    "eq",
    "ne",
    "in",
    "not_in",
    "includes_any",
    "includes_none",
    "gt",
    "gte",
    "lt",
    "lte",
    "between",
    "is_true",
    "is_false",
    "answered",
    "unanswered",
    "age_under",
    "age_at_least",
)
AGE_OPS = ("age_under", "age_at_least")
SET_OPS = ("in", "not_in", "includes_any", "includes_none")  # compare with a list of values


@dataclass(frozen=True)
class AnswerIs:
    """An intake answer compared with a value. ``age_under`` and ``age_at_least`` compare the
    age on the ``assessment_date`` answer of a person born on the ``date_of_birth`` answer;
    ``unanswered`` holds when the question was left blank. ``includes_any`` and
    ``includes_none`` compare a several-of-a-list answer with a set of choices: it includes at
    least one of them, or (answered) none of them."""

    question: str
    op: str
    value: Any = None


@dataclass(frozen=True)
class AnyOf:
    """At least one of the alternatives holds."""

    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class NeedIs:
    """Some need of the profile matches: its level is one of ``levels``, or its base level
    (the code before a variant: "3.7" of "3.7 BIO") is one of ``bases``, or its variant is one
    of ``variants``. Used by determination rules, and by substitutions and modifier rules of a
    rule set that determines its level from needs."""

    levels: tuple[str, ...] = ()
    bases: tuple[str, ...] = ()
    variants: tuple[str, ...] = ()


@dataclass(frozen=True)
class ResultIs:
    """The level determined so far is one of ``levels`` or has its base in ``bases``."""

    levels: tuple[str, ...] = ()
    bases: tuple[str, ...] = ()


Condition = Union[RatingIn, FlagIs, AtLeast, AnswerIs, AnyOf, NeedIs, ResultIs]  # noqa: UP007

# ---------------------------------------------------------------------------------------------
# Rules. ``when`` is a tuple of conditions that must all hold (an empty tuple always holds).


@dataclass(frozen=True)
class PlacementRule:
    """Asks for at least ``level`` on ``track`` when its conditions hold."""

    id: str
    track: str
    level: str
    when: tuple[Condition, ...] = ()
    text: str = ""
    note: str = ""


ANY_LEVEL = "*"


@dataclass(frozen=True)
class Substitution:
    """After the tracks are decided: when ``track`` came out at ``from_level`` (or at any
    level, when ``from_level`` is ``ANY_LEVEL``) and the conditions hold, the result becomes
    ``to_level``. Substitutions run in order."""

    id: str
    track: str
    from_level: str
    to_level: str
    when: tuple[Condition, ...] = ()
    text: str = ""
    note: str = ""


@dataclass(frozen=True)
class ModifierRule:
    id: str
    modifier: str
    when: tuple[Condition, ...] = ()
    text: str = ""
    note: str = ""


@dataclass(frozen=True)
class NeedRule:
    """A rating code (or a flag) asks for a minimum level - a need - and may add a modifier.
    A rule set with need rules determines its level from the set of needs, top down."""

    id: str
    level: str = ""  # a level code ("3.7 BIO"), or empty for a modifier alone
    modifier: str = ""
    when: tuple[Condition, ...] = ()
    text: str = ""
    note: str = ""


@dataclass(frozen=True)
class DeterminationRule:
    """One step of a top-down determination: the first rule, in order, whose conditions hold
    over the needs gives the level, and the determination stops there. Substitutions (an
    overlay such as COE) and modifier rules then run on the result."""

    id: str
    level: str
    when: tuple[Condition, ...] = ()
    text: str = ""
    note: str = ""


@dataclass(frozen=True)
class RatingRule:
    """Intake answers -> a suggested minimum rating for one dimension."""

    id: str
    dimension: str
    rating: RatingCode
    when: tuple[Condition, ...] = ()
    text: str = ""
    note: str = ""


@dataclass(frozen=True)
class FlagRule:
    """Intake answers -> a flag set to true."""

    id: str
    flag: str
    when: tuple[Condition, ...] = ()
    text: str = ""
    note: str = ""


@dataclass(frozen=True)
class RuleSet:
    name: str
    version: int
    edition: str
    dimensions: tuple[Dimension, ...]
    levels: tuple[Level, ...]
    flags: tuple[Flag, ...] = ()
    modifiers: tuple[Modifier, ...] = ()
    questions: tuple[Question, ...] = ()
    placement_rules: tuple[PlacementRule, ...] = ()
    substitutions: tuple[Substitution, ...] = ()
    modifier_rules: tuple[ModifierRule, ...] = ()
    rating_rules: tuple[RatingRule, ...] = ()
    flag_rules: tuple[FlagRule, ...] = ()
    need_rules: tuple[NeedRule, ...] = ()
    determination_rules: tuple[DeterminationRule, ...] = ()
    groups: tuple[Group, ...] = ()
    carry_over: tuple[CarryOver, ...] = ()
    # The flag that marks an adolescent: adult-only levels are never given when it is set.
    adolescent_flag: str = "adolescent"
    # The track reported as ``Decision.level`` and the one reported as ``withdrawal_level``.
    primary_track: str = "treatment"
    withdrawal_track: str = "withdrawal"
    # Verification of a set that determines from needs: adding a need never takes away this
    # level variant (e.g. co-occurring care), unless it raises the level to ``ceiling_level``'s
    # broad level or above. Empty: no variant is checked.
    kept_variant: str = ""
    ceiling_level: str = ""
    _compiled: Any = field(default=None, compare=False, repr=False, hash=False)
    _suggester: Any = field(default=None, compare=False, repr=False, hash=False)

    @property
    def label(self) -> str:
        return f"{self.name}@{self.version}"

    @property
    def determines(self) -> bool:
        """True when the level comes from needs, top down (4th edition), rather than from
        placement rules collected per track (3rd edition)."""
        return bool(self.need_rules)

    @property
    def tracks(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for level in self.levels:
            seen.setdefault(level.track, None)
        return tuple(seen)

    def levels_of(self, track: str) -> tuple[Level, ...]:
        return tuple(sorted((lv for lv in self.levels if lv.track == track), key=lambda x: x.rank))

    def level(self, code: str) -> Level:
        for lv in self.levels:
            if lv.code == code:
                return lv
        raise KeyError(code)

    def dimension(self, code: str) -> Dimension:
        for d in self.dimensions:
            if d.code == code:
                return d
        raise KeyError(code)

    def modifier(self, code: str) -> Modifier:
        for m in self.modifiers:
            if m.code == code:
                return m
        raise KeyError(code)

    def question(self, code: str) -> Question:
        for q in self.questions:
            if q.code == code:
                return q
        raise KeyError(code)


# ---------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class Reason:
    rule_id: str
    kind: str  # "placement", "substitution", "modifier", "rating", "flag", "need", "determination"
    track: str  # the track, or "" for modifiers; for rating rules, the dimension code
    asks: str  # the level (or modifier, or rating) the rule asks for
    deciding: bool
    text: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule_id,
            "kind": self.kind,
            "track": self.track,
            "asks": self.asks,
            "deciding": self.deciding,
            "text": self.text,
        }


class Decision:
    """What the engine decided: the level per track, the modifiers, and every rule that fired.

    Immutable. The compiled engine hands out Decisions built from its per-track results
    without assembling them (``_of_parts``): levels, modifiers and reasons are put together
    the first time they are read, so a decision nobody reads in full costs almost nothing."""

    __slots__ = ("_levels", "_modifiers", "_parts", "_reasons", "_tracks")
    _levels: tuple[tuple[str, str], ...]
    _modifiers: tuple[str, ...]
    _reasons: tuple[Reason, ...]
    # (tracks, primary track, withdrawal track) and the per-track parts, until assembled
    _parts: tuple[tuple[Any, str, str], tuple[Any, ...]] | None
    _tracks: tuple[Any, str, str]

    def __init__(
        self,
        levels: tuple[tuple[str, str], ...],  # (track, level code) per track, rule-set order
        modifiers: tuple[str, ...],
        reasons: tuple[Reason, ...],
        primary_track: str = "treatment",
        withdrawal_track: str = "withdrawal",
    ):
        setter = object.__setattr__
        setter(self, "_levels", tuple(levels))
        setter(self, "_modifiers", tuple(modifiers))
        setter(self, "_reasons", tuple(reasons))
        setter(self, "_parts", None)
        setter(self, "_tracks", (None, primary_track, withdrawal_track))

    @classmethod
    def _of_parts(cls, context: tuple[Any, str, str], parts: tuple[Any, ...]) -> Decision:
        """A Decision from the compiled engine's per-track parts ``(level, reasons)`` and the
        modifiers part ``(codes, reasons)`` last; ``context`` is (tracks, primary track,
        withdrawal track). Assembled lazily. (The compiled engine inlines this.)"""
        d = object.__new__(cls)
        object.__setattr__(d, "_parts", (context, parts))
        return d

    @property
    def primary_track(self) -> str:
        return (self._parts[0] if self._parts is not None else self._tracks)[1]

    @property
    def withdrawal_track(self) -> str:
        return (self._parts[0] if self._parts is not None else self._tracks)[2]

    def _assemble(self) -> None:
        if self._parts is None:  # already assembled
            return
        context, parts = self._parts
        levels, reasons = [], []
        for track, (level, track_reasons) in zip(context[0], parts, strict=False):
            if level is not None:
                levels.append((track, level))
            reasons.extend(track_reasons)
        modifiers, modifier_reasons = parts[-1]
        setter = object.__setattr__
        setter(self, "_levels", tuple(levels))
        setter(self, "_modifiers", tuple(modifiers))
        setter(self, "_reasons", (*reasons, *modifier_reasons))
        setter(self, "_tracks", context)
        setter(self, "_parts", None)

    def __setattr__(self, name: Any, value: Any) -> None:
        raise AttributeError("a Decision cannot be changed")

    @property
    def levels(self) -> tuple[tuple[str, str], ...]:
        if self._parts is not None:
            self._assemble()
        return self._levels

    @property
    def modifiers(self) -> tuple[str, ...]:
        if self._parts is not None:
            self._assemble()
        return self._modifiers

    @property
    def reasons(self) -> tuple[Reason, ...]:
        if self._parts is not None:
            self._assemble()
        return self._reasons

    def _key(self) -> tuple[Any, ...]:
        return (
            self.levels,
            self.modifiers,
            self.reasons,
            self.primary_track,
            self.withdrawal_track,
        )

    def __eq__(self, other: Any) -> bool:
        if not isinstance(other, Decision):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Decision(levels={self.levels!r}, modifiers={self.modifiers!r}, ...)"

    def level_of(self, track: str) -> str | None:
        if self._parts is not None:
            context, parts = self._parts
            for t, part in zip(context[0], parts, strict=False):
                if t == track:
                    level: str | None = part[0]
                    return level
            return None
        for t, code in self._levels:
            if t == track:
                return code
        return None

    @property
    def level(self) -> str | None:
        return self.level_of(self.primary_track)

    @property
    def withdrawal_level(self) -> str | None:
        return self.level_of(self.withdrawal_track)

    def deciding(self, track: str) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.deciding and r.track == track)

    def as_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "withdrawal_level": self.withdrawal_level,
            "levels": dict(self.levels),
            "modifiers": list(self.modifiers),
            "reasons": [r.as_dict() for r in self.reasons],
        }


Ratings = Mapping[str, RatingCode]
Flags = Mapping[str, bool]
