"""A rule set as plain data (dicts and lists) and as YAML or JSON text.

The same shape is used for export/import files, for the default rule set shipped with the app,
and between the Django rows and the engine. ``to_data(from_data(d)) == d`` for any valid ``d``,
and ``dumps`` is deterministic, so export -> import -> export is byte-identical.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from .errors import RuleSetError
from .model import (
    AnswerIs,
    AnyOf,
    AtLeast,
    Condition,
    Dimension,
    Flag,
    FlagIs,
    FlagRule,
    Level,
    Modifier,
    ModifierRule,
    PlacementRule,
    Question,
    RatingIn,
    RatingRule,
    RuleSet,
    Substitution,
)

FORMAT = "stepwise-rule-set/1"
RULE_KINDS = ("placement", "substitution", "modifier", "rating", "flag")

# -- data -> model -------------------------------------------------------------------------------


class _Reader:
    """Pulls typed values out of nested dicts, collecting problems instead of failing fast."""

    def __init__(self):
        self.problems: list[str] = []

    def get(self, obj: dict, key: str, where: str, types, default=...):
        if not isinstance(obj, dict):
            self.problems.append(f"{where}: expected a mapping.")
            return None if default is ... else default
        if key not in obj:
            if default is ...:
                self.problems.append(f"{where}: missing '{key}'.")
                return None
            return default
        value = obj[key]
        if types is not None and not isinstance(value, types):
            self.problems.append(f"{where}: '{key}' has the wrong type.")
            return None if default is ... else default
        return value


def condition_from_data(data: Any, where: str, r: _Reader) -> Condition | None:
    if not isinstance(data, dict):
        r.problems.append(f"{where}: a condition must be a mapping.")
        return None
    if "any_of" in data:
        subs = r.get(data, "any_of", where, list)
        if subs is None:
            return None
        conds = [condition_from_data(s, f"{where} any_of[{i}]", r) for i, s in enumerate(subs)]
        return AnyOf(tuple(c for c in conds if c is not None))
    if "rating" in data:
        return RatingIn(
            str(r.get(data, "rating", where, (str, int))),
            r.get(data, "from", where, (int, str)),
            r.get(data, "to", where, (int, str)),
        )
    if "flag" in data:
        return FlagIs(str(r.get(data, "flag", where, str)), r.get(data, "is", where, bool, True))
    if "at_least" in data:
        of = r.get(data, "of", where, list) or []
        return AtLeast(
            r.get(data, "at_least", where, int),
            tuple(str(x) for x in of),
            r.get(data, "rated", where, (int, str)),
        )
    if "answer" in data:
        value = data.get("value")
        if isinstance(value, list):
            value = tuple(value)
        return AnswerIs(
            str(r.get(data, "answer", where, str)), r.get(data, "op", where, str), value
        )
    r.problems.append(f"{where}: unknown kind of condition ({', '.join(map(str, data))}).")
    return None


def from_data(data: Any, version: int = 0) -> RuleSet:
    """Build an engine RuleSet from plain data. Raises RuleSetError listing every problem with
    the data's shape; semantic checks (unknown codes, ranges) are ``validate.problems``."""
    r = _Reader()
    if not isinstance(data, dict):
        raise RuleSetError(
            ["The file does not contain a rule set (expected a mapping at the top)."]
        )
    fmt = data.get("format")
    if fmt != FORMAT:
        raise RuleSetError([f"Unknown format {fmt!r}; expected {FORMAT!r}."])

    def items(key: str) -> list:
        value = r.get(data, key, "rule set", list, [])
        return value if isinstance(value, list) else []

    dimensions = []
    for i, d in enumerate(items("dimensions")):
        where = f"dimensions[{i}]"
        dimensions.append(
            Dimension(
                code=str(r.get(d, "code", where, str)),
                name=r.get(d, "name", where, str, ""),
                scale=tuple(r.get(d, "scale", where, list, [])),
                anchors=tuple(r.get(d, "anchors", where, list, [])),
            )
        )
    levels = []
    for i, lv in enumerate(items("levels")):
        where = f"levels[{i}]"
        levels.append(
            Level(
                code=str(r.get(lv, "code", where, (str, int, float))),
                track=r.get(lv, "track", where, str),
                rank=r.get(lv, "rank", where, int),
                name=r.get(lv, "name", where, str, ""),
                adolescent_name=r.get(lv, "adolescent_name", where, str, ""),
                population=r.get(lv, "population", where, str, "all"),
                setting=r.get(lv, "setting", where, str, ""),
                hours_adult=r.get(lv, "hours_adult", where, str, ""),
                hours_adolescent=r.get(lv, "hours_adolescent", where, str, ""),
                suits=r.get(lv, "suits", where, str, ""),
                review_days=r.get(lv, "review_days", where, (int, type(None)), None),
            )
        )
    flags = [
        Flag(str(r.get(f, "code", f"flags[{i}]", str)), r.get(f, "description", "", str, ""))
        for i, f in enumerate(items("flags"))
    ]
    modifiers = [
        Modifier(
            code=str(r.get(m, "code", f"modifiers[{i}]", str)),
            name=r.get(m, "name", f"modifiers[{i}]", str, ""),
            description=r.get(m, "description", f"modifiers[{i}]", str, ""),
            emergency=r.get(m, "emergency", f"modifiers[{i}]", bool, False),
        )
        for i, m in enumerate(items("modifiers"))
    ]
    questions = []
    for i, q in enumerate(items("questions")):
        where = f"questions[{i}]"
        choices = r.get(q, "choices", where, list, [])
        pairs = []
        for c in choices:
            if isinstance(c, list) and len(c) == 2:
                pairs.append((str(c[0]), str(c[1])))
            else:
                r.problems.append(f"{where}: each choice must be [value, label].")
        questions.append(
            Question(
                code=str(r.get(q, "code", where, str)),
                label=r.get(q, "label", where, str, ""),
                type=r.get(q, "type", where, str),
                step=r.get(q, "step", where, str, ""),
                order=r.get(q, "order", where, int, 0),
                choices=tuple(pairs),
                min_value=r.get(q, "min_value", where, (int, type(None)), None),
                max_value=r.get(q, "max_value", where, (int, type(None)), None),
                required=r.get(q, "required", where, bool, False),
                help_text=r.get(q, "help_text", where, str, ""),
                source=r.get(q, "source", where, str, "clinician"),
            )
        )
    groups: dict[str, list] = {k: [] for k in RULE_KINDS}
    for i, rule in enumerate(items("rules")):
        rid = rule.get("id") if isinstance(rule, dict) else None
        where = f"rules[{i}]" + (f" ({rid})" if rid else "")
        kind = r.get(rule, "kind", where, str)
        if kind not in RULE_KINDS:
            if kind is not None:
                r.problems.append(f"{where}: unknown rule kind {kind!r}.")
            continue
        when_data = r.get(rule, "when", where, list, [])
        when = tuple(
            c
            for c in (
                condition_from_data(c, f"{where} when[{j}]", r) for j, c in enumerate(when_data)
            )
            if c is not None
        )
        common = {
            "id": str(r.get(rule, "id", where, str)),
            "when": when,
            "text": r.get(rule, "text", where, str, ""),
            "note": r.get(rule, "note", where, str, ""),
        }
        if kind == "placement":
            obj = PlacementRule(
                track=r.get(rule, "track", where, str),
                level=str(r.get(rule, "level", where, (str, int, float))),
                **common,
            )
        elif kind == "substitution":
            obj = Substitution(
                track=r.get(rule, "track", where, str),
                from_level=str(r.get(rule, "from_level", where, (str, int, float))),
                to_level=str(r.get(rule, "to_level", where, (str, int, float))),
                **common,
            )
        elif kind == "modifier":
            obj = ModifierRule(modifier=str(r.get(rule, "modifier", where, str)), **common)
        elif kind == "rating":
            obj = RatingRule(
                dimension=str(r.get(rule, "dimension", where, str)),
                rating=r.get(rule, "rating", where, (int, str)),
                **common,
            )
        else:
            obj = FlagRule(flag=str(r.get(rule, "flag", where, str)), **common)
        groups[kind].append(obj)
    if r.problems:
        raise RuleSetError(r.problems)
    return RuleSet(
        name=str(data.get("name") or ""),
        version=version,
        edition=str(data.get("edition") or ""),
        dimensions=tuple(dimensions),
        levels=tuple(levels),
        flags=tuple(flags),
        modifiers=tuple(modifiers),
        questions=tuple(questions),
        placement_rules=tuple(groups["placement"]),
        substitutions=tuple(groups["substitution"]),
        modifier_rules=tuple(groups["modifier"]),
        rating_rules=tuple(groups["rating"]),
        flag_rules=tuple(groups["flag"]),
        adolescent_flag=str(data.get("adolescent_flag") or "adolescent"),
        primary_track=str(data.get("primary_track") or "treatment"),
        withdrawal_track=str(data.get("withdrawal_track") or "withdrawal"),
    )


# -- model -> data -------------------------------------------------------------------------------


def condition_to_data(c: Condition) -> dict:
    if isinstance(c, AnyOf):
        return {"any_of": [condition_to_data(x) for x in c.conditions]}
    if isinstance(c, RatingIn):
        return {"rating": c.dimension, "from": c.low, "to": c.high}
    if isinstance(c, FlagIs):
        return {"flag": c.flag, "is": c.value}
    if isinstance(c, AtLeast):
        return {"at_least": c.count, "of": list(c.dimensions), "rated": c.minimum}
    out: dict = {"answer": c.question, "op": c.op}
    if c.value is not None:
        out["value"] = list(c.value) if isinstance(c.value, tuple) else c.value
    return out


LEVEL_FIELDS = (
    "code",
    "track",
    "rank",
    "name",
    "adolescent_name",
    "population",
    "setting",
    "hours_adult",
    "hours_adolescent",
    "suits",
    "review_days",
)


def level_data(level) -> dict:
    """A level as data; ``level`` may be an engine Level or a row with the same fields."""
    return {name: getattr(level, name) for name in LEVEL_FIELDS}


def flag_data(flag) -> dict:
    return {"code": flag.code, "description": flag.description}


def modifier_data(m) -> dict:
    return {"code": m.code, "name": m.name, "description": m.description, "emergency": m.emergency}


def to_data(rs: RuleSet, notes: str = "") -> dict:
    def rule(kind: str, r, **fields) -> dict:
        return {
            "id": r.id,
            "kind": kind,
            **fields,
            "text": r.text,
            "note": r.note,
            "when": [condition_to_data(c) for c in r.when],
        }

    return {
        "format": FORMAT,
        "name": rs.name,
        "edition": rs.edition,
        "notes": notes,
        "primary_track": rs.primary_track,
        "withdrawal_track": rs.withdrawal_track,
        "adolescent_flag": rs.adolescent_flag,
        "dimensions": [
            {"code": d.code, "name": d.name, "scale": list(d.scale), "anchors": list(d.anchors)}
            for d in rs.dimensions
        ],
        "levels": [level_data(lv) for lv in rs.levels],
        "flags": [flag_data(f) for f in rs.flags],
        "modifiers": [modifier_data(m) for m in rs.modifiers],
        "questions": [
            {
                "code": q.code,
                "label": q.label,
                "type": q.type,
                "step": q.step,
                "order": q.order,
                "choices": [list(c) for c in q.choices],
                "min_value": q.min_value,
                "max_value": q.max_value,
                "required": q.required,
                "help_text": q.help_text,
                "source": q.source,
            }
            for q in rs.questions
        ],
        "rules": [
            *(rule("placement", r, track=r.track, level=r.level) for r in rs.placement_rules),
            *(
                rule("substitution", r, track=r.track, from_level=r.from_level, to_level=r.to_level)
                for r in rs.substitutions
            ),
            *(rule("modifier", r, modifier=r.modifier) for r in rs.modifier_rules),
            *(rule("rating", r, dimension=r.dimension, rating=r.rating) for r in rs.rating_rules),
            *(rule("flag", r, flag=r.flag) for r in rs.flag_rules),
        ],
    }


# -- text ----------------------------------------------------------------------------------------


def dumps(data: dict, fmt: str = "yaml") -> str:
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def loads(text: str, fmt: str | None = None) -> Any:
    """Parse YAML or JSON (``fmt`` None: JSON when the text starts with ``{``)."""
    stripped = text.lstrip()
    if fmt is None:
        fmt = "json" if stripped.startswith("{") else "yaml"
    try:
        if fmt == "json":
            return json.loads(text)
        return yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise RuleSetError([f"The file is not valid {fmt.upper()}: {first}"]) from None
