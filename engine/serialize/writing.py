"""The engine's model back to plain data, in a stable order, so that export -> import -> export
is byte-identical."""

from __future__ import annotations

from typing import Any

from ..model import (
    AnyOf,
    AtLeast,
    Condition,
    FlagIs,
    NeedIs,
    RatingIn,
    ResultIs,
    RuleSet,
)
from .shape import FORMAT, VERIFY_KEYS

# -- model -> data -------------------------------------------------------------------------------


def condition_to_data(c: Condition) -> dict[str, Any]:
    if isinstance(c, AnyOf):
        return {"any_of": [condition_to_data(x) for x in c.conditions]}
    if isinstance(c, RatingIn):
        return {"rating": c.dimension, "from": c.low, "to": c.high}
    if isinstance(c, FlagIs):
        return {"flag": c.flag, "is": c.value}
    if isinstance(c, AtLeast):
        return {"at_least": c.count, "of": list(c.dimensions), "rated": c.minimum}
    if isinstance(c, NeedIs):
        spec = {"levels": list(c.levels), "bases": list(c.bases), "variants": list(c.variants)}
        return {"need": {k: v for k, v in spec.items() if v}}
    if isinstance(c, ResultIs):
        spec = {"levels": list(c.levels), "bases": list(c.bases)}
        return {"result": {k: v for k, v in spec.items() if v}}
    out: dict[str, Any] = {"answer": c.question, "op": c.op}
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


def level_data(level: Any) -> dict[str, Any]:
    """A level as data; ``level`` may be an engine Level or a row with the same fields. The
    intensity and the crosswalk when given (a file without an intensity gets one at import;
    the migrations that shipped the first versions wrote none)."""
    out = {name: getattr(level, name) for name in LEVEL_FIELDS}
    if getattr(level, "intensity", None) is not None:
        out["intensity"] = level.intensity
    if getattr(level, "crosswalk_3rd", ""):
        out["crosswalk_3rd"] = level.crosswalk_3rd
    return out


def flag_data(flag: Any) -> dict[str, Any]:
    return {"code": flag.code, "description": flag.description}


def modifier_data(m: Any) -> dict[str, Any]:
    """A modifier as data; the handout text and the track appear only when given (the
    versions shipped before them have neither)."""
    out = {"code": m.code, "name": m.name, "description": m.description, "emergency": m.emergency}
    for key in ("handout", "track"):
        if getattr(m, key, ""):
            out[key] = getattr(m, key)
    return out


def carry_over_data(c: Any) -> dict[str, Any]:
    return {
        "question": c.question,
        "value": c.value,
        "answers": {k: list(v) if isinstance(v, tuple) else v for k, v in c.answers},
        "ask": c.ask,
        "text": c.text,
    }


def to_data(
    rs: RuleSet, notes: str = "", release_notes: str = "", tests: Any = ()
) -> dict[str, Any]:
    def rule(kind: str, r: Any, **fields: Any) -> dict[str, Any]:
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
        "release_notes": release_notes,
        "primary_track": rs.primary_track,
        "withdrawal_track": rs.withdrawal_track,
        "adolescent_flag": rs.adolescent_flag,
        **{key: getattr(rs, key) for key in VERIFY_KEYS if getattr(rs, key)},
        "dimensions": [
            {
                "code": d.code,
                "name": d.name,
                "short_name": d.short_name,
                "scale": list(d.scale),
                "anchors": list(d.anchors),
                **({"group": d.group} if d.group else {}),
            }
            for d in rs.dimensions
        ],
        **(
            {"groups": [{"code": g.code, "name": g.name, "rated": g.rated} for g in rs.groups]}
            if rs.groups
            else {}
        ),
        **({"carry_over": [carry_over_data(c) for c in rs.carry_over]} if rs.carry_over else {}),
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
            *(rule("need", r, level=r.level, modifier=r.modifier) for r in rs.need_rules),
            *(rule("determination", r, level=r.level) for r in rs.determination_rules),
        ],
        "tests": list(tests),
    }
