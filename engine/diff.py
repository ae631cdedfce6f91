"""What changed between two versions of a rule set: rules added, removed and changed (with the
old and new sentence side by side) and catalog changes (levels, dimensions, flags, modifiers,
questions). Pure data in, plain words out; the compare page and the release notes show it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .describe import rule_sentence
from .model import RuleSet
from .serialize import flag_data, level_data, modifier_data

KINDS = {
    "placement": "placement_rules",
    "substitution": "substitutions",
    "modifier": "modifier_rules",
    "rating": "rating_rules",
    "flag": "flag_rules",
}
KIND_TITLES = {
    "placement": "Level rules",
    "substitution": "Substitutions",
    "modifier": "Modifiers",
    "rating": "Rating rules",
    "flag": "Flag rules",
}


@dataclass(frozen=True)
class RuleChange:
    rule_id: str
    kind: str  # rule kind: placement, substitution, modifier, rating, flag
    change: str  # "added", "removed", "changed"
    old: str = ""  # the sentence before (empty when added)
    new: str = ""  # after (empty when removed)
    old_text: str = ""  # the rule's description before
    new_text: str = ""
    track: str = ""


@dataclass
class RuleSetDiff:
    old_label: str
    new_label: str
    rules: list[RuleChange] = field(default_factory=list)
    catalog: list[str] = field(default_factory=list)  # one sentence per catalog change

    @property
    def empty(self) -> bool:
        return not self.rules and not self.catalog

    def by_kind(self) -> list[tuple[str, list[RuleChange]]]:
        return [
            (KIND_TITLES[k], [c for c in self.rules if c.kind == k])
            for k in KINDS
            if any(c.kind == k for c in self.rules)
        ]

    def counts(self) -> dict[str, int]:
        out = {"added": 0, "removed": 0, "changed": 0}
        for c in self.rules:
            out[c.change] += 1
        return out


def _rules(rs: RuleSet) -> dict[str, tuple[str, Any]]:
    out: dict[str, tuple[str, Any]] = {}
    for kind, attr in KINDS.items():
        for r in getattr(rs, attr):
            out[r.id] = (kind, r)
    return out


def _track(rule: Any) -> str:
    return getattr(rule, "track", "") or getattr(rule, "dimension", "")


def diff_rule_sets(old: RuleSet, new: RuleSet) -> RuleSetDiff:
    out = RuleSetDiff(old.label, new.label)
    before, after = _rules(old), _rules(new)
    for rid, (kind, rule) in after.items():
        if rid not in before:
            out.rules.append(
                RuleChange(rid, kind, "added", new=rule_sentence(rule, new), new_text=rule.text,
                           track=_track(rule))
            )  # fmt: skip
            continue
        old_kind, old_rule = before[rid]
        old_s, new_s = rule_sentence(old_rule, old), rule_sentence(rule, new)
        if old_kind != kind or old_rule != rule:
            out.rules.append(
                RuleChange(rid, kind, "changed", old=old_s, new=new_s, old_text=old_rule.text,
                           new_text=rule.text, track=_track(rule))
            )  # fmt: skip
    for rid, (kind, rule) in before.items():
        if rid not in after:
            out.rules.append(
                RuleChange(rid, kind, "removed", old=rule_sentence(rule, old), old_text=rule.text,
                           track=_track(rule))
            )  # fmt: skip
    order = {rid: i for i, rid in enumerate([*after, *before])}
    out.rules.sort(key=lambda c: (list(KINDS).index(c.kind), order[c.rule_id]))
    out.catalog = _catalog_changes(old, new)
    return out


def _catalog_changes(old: RuleSet, new: RuleSet) -> list[str]:
    lines: list[str] = []

    def compare(what: str, a: dict[str, Any], b: dict[str, Any]) -> None:
        for code in b:
            if code not in a:
                lines.append(f"{what} {code} added.")
            elif a[code] != b[code]:
                changed = sorted(k for k in b[code] if a[code].get(k) != b[code].get(k))
                lines.append(f"{what} {code} changed ({', '.join(changed)}).")
        lines.extend(f"{what} {code} removed." for code in a if code not in b)

    def dims(rs: Any) -> Any:
        return {
            d.code: {"name": d.name, "scale": list(d.scale), "anchors": list(d.anchors)}
            for d in rs.dimensions
        }

    def questions(rs: Any) -> Any:
        return {
            q.code: {
                "label": q.label, "type": q.type, "step": q.step, "order": q.order,
                "choices": list(q.choices), "min": q.min_value, "max": q.max_value,
                "required": q.required, "help text": q.help_text,
            }
            for q in rs.questions
        }  # fmt: skip

    compare("Dimension", dims(old), dims(new))
    compare("Level", {lv.code: level_data(lv) for lv in old.levels},
            {lv.code: level_data(lv) for lv in new.levels})  # fmt: skip
    compare("Flag", {f.code: flag_data(f) for f in old.flags},
            {f.code: flag_data(f) for f in new.flags})  # fmt: skip
    compare("Modifier", {m.code: modifier_data(m) for m in old.modifiers},
            {m.code: modifier_data(m) for m in new.modifiers})  # fmt: skip
    compare("Question", questions(old), questions(new))
    return lines
