"""What verification finds, in a shape that both verifiers (by rating profiles, ``verify``; by
sets of needs, ``verify_needs``) fill and the pages, commands and files read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAX_EXAMPLES = 200  # counterexamples collected (then grouped; the first ten are printed)
MAX_PRINTED = 10


@dataclass(frozen=True)
class Violation:
    property: str  # "total", "population", "monotone", "unproven"
    track: str
    text: str  # in plain words
    ratings: dict[str, Any] = field(default_factory=dict)
    flags: dict[str, Any] = field(default_factory=dict)
    rules: list[Any] = field(default_factory=list)  # the rules at fault, by id
    raised: str = ""  # monotonicity: the dimension whose rise lowered the level

    def as_dict(self) -> dict[str, Any]:
        return {
            "property": self.property,
            "track": self.track,
            "text": self.text,
            "ratings": self.ratings,
            "flags": self.flags,
            "rules": self.rules,
            "raised": self.raised,
        }


@dataclass
class TrackReport:
    track: str
    method: str  # "enumeration" or "structure"
    classes: int = 0  # equivalence classes checked
    profiles: int = 0  # rating profiles x flag combinations they stand for
    violations: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ViolationGroup:
    """Counterexamples that differ only in dimensions and flags the rules at fault do not
    read: one representative and how many it stands for."""

    example: Violation
    count: int
    varies: tuple[str, ...]  # dimensions that vary inside the group


@dataclass
class Report:
    rule_set: str
    tracks: list[TrackReport]
    examples: list[Violation]
    seconds: float
    groups: list[ViolationGroup] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(sum(t.violations.values()) for t in self.tracks)

    @property
    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for t in self.tracks:
            for k, n in t.violations.items():
                out[k] = out.get(k, 0) + n
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule_set": self.rule_set,
            "ok": self.ok,
            "seconds": round(self.seconds, 4),
            "counts": self.counts,
            "tracks": [
                {
                    "track": t.track,
                    "method": t.method,
                    "classes": t.classes,
                    "profiles": t.profiles,
                    "violations": t.violations,
                }
                for t in self.tracks
            ],
            "examples": [v.as_dict() for v in self.examples[:MAX_PRINTED]],
            "groups": [
                {**g.example.as_dict(), "count": g.count, "varies": list(g.varies)}
                for g in self.groups
            ],
        }

    def summary_lines(self) -> list[str]:
        lines = []
        for t in self.tracks:
            bad = sum(t.violations.values())
            how = (
                f"all {t.profiles:,} combinations of ratings and flags checked, in "
                f"{t.classes:,} groups that the rules treat alike"
                if t.method == "enumeration"
                else f"all {t.profiles:,} combinations of codes (and the flags) checked, as "
                f"{t.classes:,} different sets of needs: each gets a level, and more needs "
                "never give less (monotone in needs)"
                if t.method == "needs"
                else "checked by reasoning on the rules (too many combinations to try one by one)"
            )
            lines.append(
                f"{t.track}: {'OK' if not bad else f'{bad:,} problem(s)'} - {how}"
                + (
                    " ("
                    + ", ".join(f"{k}: {n:,}" for k, n in sorted(t.violations.items()) if n)
                    + ")"
                    if bad
                    else ""
                )
            )
        return lines
