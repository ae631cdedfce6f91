"""Rule-set rows <-> plain data (the export file format of ``engine.serialize``).

``rule_set_to_data`` reads a rule set's rows in a fixed order; ``write_rule_set_rows`` creates
rows from data. Both are exact inverses, so export -> import -> export is byte-identical. (The
data migrations do not use this module: they have a frozen loader of their own,
``placement/migrations/_frozen.py``.)"""

from __future__ import annotations

import re
from types import SimpleNamespace

from engine import FORMAT, TestCase, cases_from_data, flag_data, level_data, modifier_data

from . import models

_INT = re.compile(r"-?\d+")


def parse_code(text: str, numeric: bool = True):
    """A rating code as stored in a text column: digits become an int on a numeric scale (the
    3rd edition's 0-4); on a scale of codes ("0", "ANY", "3A" - the 4th edition) every code
    stays a string."""
    text = text.strip()
    return int(text) if numeric and _INT.fullmatch(text) else text


def numeric_scale(scale_text: str) -> bool:
    codes = [x.strip() for x in scale_text.split(",") if x.strip()]
    return bool(codes) and all(_INT.fullmatch(c) for c in codes)


def format_code(code) -> str:
    return str(code)


def _default_models() -> SimpleNamespace:
    return SimpleNamespace(
        Dimension=models.Dimension,
        Level=models.Level,
        Flag=models.Flag,
        Modifier=models.Modifier,
        Question=models.Question,
        Rule=models.Rule,
        Condition=models.Condition,
        RuleTestCase=models.RuleTestCase,
    )


def _has_field(model, name: str) -> bool:
    return any(f.name == name for f in model._meta.get_fields())


def _condition_data(row, numeric=lambda dim: True) -> dict:
    if row.kind == "rating":
        n = numeric(row.dimension)
        return {
            "rating": row.dimension,
            "from": parse_code(row.low, n),
            "to": parse_code(row.high, n),
        }
    if row.kind in ("need", "result"):
        return {row.kind: dict(row.value or {})}
    if row.kind == "flag":
        return {"flag": row.flag, "is": row.flag_value}
    if row.kind == "at_least":
        return {
            "at_least": row.count,
            "of": [c.strip() for c in row.dimensions.split(",") if c.strip()],
            "rated": parse_code(row.minimum, numeric(row.dimensions.split(",")[0].strip())),
        }
    out: dict = {"answer": row.question, "op": row.op}
    if row.value is not None:
        out["value"] = row.value
    return out


def conditions_data(rows, numeric=lambda dim: True) -> list:
    """Condition rows (in order) -> the ``when`` list: rows sharing an any-of group become one
    ``any_of`` entry at the position of the group's first row."""
    when: list = []
    groups: dict[int, list] = {}
    for row in rows:
        if row.any_group is None:
            when.append(_condition_data(row, numeric))
        elif row.any_group in groups:
            groups[row.any_group].append(_condition_data(row, numeric))
        else:
            groups[row.any_group] = [_condition_data(row, numeric)]
            when.append({"any_of": groups[row.any_group]})
    return when


def rule_data(rule, conditions, numeric=lambda dim: True) -> dict:
    fields: dict = {}
    if rule.kind == "placement":
        fields = {"track": rule.track, "level": rule.level}
    elif rule.kind == "substitution":
        fields = {"track": rule.track, "from_level": rule.from_level, "to_level": rule.level}
    elif rule.kind == "modifier":
        fields = {"modifier": rule.modifier}
    elif rule.kind == "rating":
        fields = {
            "dimension": rule.dimension,
            "rating": parse_code(rule.rating, numeric(rule.dimension)),
        }
    elif rule.kind == "flag":
        fields = {"flag": rule.flag}
    elif rule.kind == "need":
        fields = {"level": rule.level, "modifier": rule.modifier}
    elif rule.kind == "determination":
        fields = {"level": rule.level}
    return {
        "id": rule.rule_id,
        "kind": rule.kind,
        **fields,
        "text": rule.text,
        "note": rule.note,
        "when": conditions_data(conditions, numeric),
    }


def rule_set_to_data(rule_set, models: SimpleNamespace | None = None) -> dict:
    """Every row of ``rule_set`` as plain data, in a fixed order (a handful of queries).
    Migrations pass their historical ``models``."""
    m = models or _default_models()
    condition_model = m.Condition
    conditions: dict[int, list] = {}
    for c in condition_model.objects.filter(rule__rule_set=rule_set).order_by(
        "rule_id", "order", "id"
    ):
        conditions.setdefault(c.rule_id, []).append(c)
    dimensions = list(rule_set.dimensions.order_by("order", "id"))
    scales = {d.code: numeric_scale(d.scale) for d in dimensions}

    def numeric(code: str) -> bool:
        return scales.get(code, True)

    groups = list(getattr(rule_set, "groups", None) or [])
    carry = list(getattr(rule_set, "carry_over", None) or [])
    return {
        "format": FORMAT,
        "name": rule_set.name,
        "edition": rule_set.edition,
        "notes": rule_set.notes,
        "release_notes": rule_set.release_notes,
        "primary_track": rule_set.primary_track,
        "withdrawal_track": rule_set.withdrawal_track,
        "adolescent_flag": rule_set.adolescent_flag,
        **{
            key: getattr(rule_set, key)
            for key in ("kept_variant", "ceiling_level")
            if getattr(rule_set, key, "")
        },
        "dimensions": [
            {
                "code": d.code,
                "name": d.name,
                "short_name": getattr(d, "short_name", ""),
                "scale": [parse_code(x, scales[d.code]) for x in d.scale.split(",") if x.strip()],
                "anchors": d.anchors.splitlines() if d.anchors else [],
                **({"group": d.group} if getattr(d, "group", "") else {}),
            }
            for d in dimensions
        ],
        **({"groups": groups} if groups else {}),
        **({"carry_over": carry} if carry else {}),
        "levels": [level_data(lv) for lv in rule_set.levels.order_by("id")],
        "flags": [flag_data(f) for f in rule_set.flags.order_by("id")],
        "modifiers": [modifier_data(m) for m in rule_set.modifiers.order_by("id")],
        "questions": [
            {
                "code": q.code,
                "label": q.label,
                "type": q.type,
                "step": q.step,
                "order": q.order,
                "choices": [
                    [part.strip() for part in line.split("|", 1)]
                    for line in q.choices.splitlines()
                    if line.strip()
                ],
                "min_value": q.min_value,
                "max_value": q.max_value,
                "required": q.required,
                "help_text": q.help_text,
                "source": q.source,
            }
            for q in rule_set.questions.order_by("order", "id")
        ],
        "rules": [
            rule_data(rule, conditions.get(rule.pk, []), numeric)
            for rule in rule_set.rules.order_by("order", "id")
        ],
        "tests": [
            test_case_data(t)
            for t in (
                m.RuleTestCase.objects.filter(rule_set=rule_set).order_by("order", "id")
                if hasattr(m, "RuleTestCase")
                else ()
            )
        ],
    }


def test_case_data(row) -> dict:
    """A test-case row as data (the ``tests`` list of the file format)."""
    return TestCase(
        name=row.name,
        ratings=row.ratings,
        answers=row.answers,
        flags=row.flags or {},
        expect_level=row.expect_level,
        expect_withdrawal_level=row.expect_withdrawal_level,
        expect_modifiers=tuple(row.expect_modifiers) if row.expect_modifiers is not None else None,
        expect_compare=row.expect_compare,
    ).as_data()


test_case_data.__test__ = False


def _condition_fields(cond: dict) -> dict:
    if "need" in cond or "result" in cond:
        kind = "need" if "need" in cond else "result"
        return {"kind": kind, "value": dict(cond[kind])}
    if "rating" in cond:
        return {
            "kind": "rating",
            "dimension": cond["rating"],
            "low": format_code(cond["from"]),
            "high": format_code(cond["to"]),
        }
    if "flag" in cond:
        return {"kind": "flag", "flag": cond["flag"], "flag_value": cond.get("is", True)}
    if "at_least" in cond:
        return {
            "kind": "at_least",
            "count": cond["at_least"],
            "dimensions": ",".join(cond["of"]),
            "minimum": format_code(cond["rated"]),
        }
    return {
        "kind": "answer",
        "question": cond["answer"],
        "op": cond["op"],
        "value": cond.get("value"),
    }


def write_rule_set_rows(data: dict, rule_set, models: SimpleNamespace | None = None) -> None:
    """Create the rows of ``data`` under ``rule_set`` (which must be a new, empty draft).
    ``data`` must already have passed ``serialize.from_data`` and ``validate.problems``."""
    m = models or _default_models()
    for i, d in enumerate(data.get("dimensions", [])):
        fields = {
            "rule_set": rule_set,
            "code": d["code"],
            "name": d.get("name", ""),
            "order": i,
            "scale": ",".join(format_code(x) for x in d["scale"]),
            "anchors": "\n".join(d.get("anchors", [])),
        }
        if _has_field(m.Dimension, "short_name"):  # not in migrations before it existed
            fields["short_name"] = d.get("short_name", "")
        if d.get("group"):
            fields["group"] = d["group"]
        m.Dimension.objects.create(**fields)
    if data.get("groups"):
        rule_set.groups = data["groups"]
        rule_set.save(update_fields=["groups"])
    if data.get("carry_over") and _has_field(type(rule_set), "carry_over"):
        rule_set.carry_over = data["carry_over"]
        rule_set.save(update_fields=["carry_over"])
    for lv in data.get("levels", []):
        extra = {
            key: lv[key]
            for key in ("intensity", "crosswalk_3rd")
            if lv.get(key) not in (None, "") and _has_field(m.Level, key)
        }
        m.Level.objects.create(
            **extra,
            rule_set=rule_set,
            code=str(lv["code"]),
            track=lv["track"],
            rank=lv["rank"],
            name=lv.get("name", ""),
            adolescent_name=lv.get("adolescent_name", ""),
            population=lv.get("population", "all"),
            setting=lv.get("setting", ""),
            hours_adult=lv.get("hours_adult", ""),
            hours_adolescent=lv.get("hours_adolescent", ""),
            suits=lv.get("suits", ""),
            review_days=lv.get("review_days"),
        )
    for f in data.get("flags", []):
        m.Flag.objects.create(
            rule_set=rule_set, code=f["code"], description=f.get("description", "")
        )
    for mod in data.get("modifiers", []):
        extra = {
            key: mod[key]
            for key in ("handout", "track")
            if mod.get(key) and _has_field(m.Modifier, key)  # not in migrations before them
        }
        m.Modifier.objects.create(
            rule_set=rule_set,
            code=mod["code"],
            name=mod.get("name", ""),
            description=mod.get("description", ""),
            emergency=mod.get("emergency", False),
            **extra,
        )
    for q in data.get("questions", []):
        m.Question.objects.create(
            rule_set=rule_set,
            code=q["code"],
            label=q.get("label", ""),
            type=q["type"],
            step=q.get("step", ""),
            order=q.get("order", 0),
            choices="\n".join(f"{v} | {label}" for v, label in q.get("choices", [])),
            min_value=q.get("min_value"),
            max_value=q.get("max_value"),
            required=q.get("required", False),
            help_text=q.get("help_text", ""),
            source=q.get("source", "clinician"),
        )
    for order, r in enumerate(data.get("rules", [])):
        kind = r["kind"]
        rule = m.Rule.objects.create(
            rule_set=rule_set,
            rule_id=r["id"],
            kind=kind,
            order=order,
            track=r.get("track", ""),
            level=str(r.get("to_level") if kind == "substitution" else r.get("level", "")),
            from_level=str(r.get("from_level", "")),
            modifier=r.get("modifier", ""),
            dimension=r.get("dimension", ""),
            rating=format_code(r["rating"]) if "rating" in r else "",
            flag=r.get("flag", ""),
            text=r.get("text", ""),
            note=r.get("note", ""),
        )
        write_conditions(rule, r.get("when", []), m)
    if hasattr(m, "RuleTestCase"):  # migrations before the table existed pass models without it
        write_test_cases(data.get("tests"), rule_set, m)


def write_conditions(rule, when: list, m: SimpleNamespace | None = None) -> None:
    """Condition rows for a rule's ``when`` (file format): an ``any_of`` becomes rows sharing
    an any-of group number."""
    m = m or _default_models()
    position = 0
    group = 0
    for cond in when:
        if "any_of" in cond:
            group += 1
            for sub in cond["any_of"]:
                m.Condition.objects.create(
                    rule=rule, order=position, any_group=group, **_condition_fields(sub)
                )
                position += 1
        else:
            m.Condition.objects.create(rule=rule, order=position, **_condition_fields(cond))
            position += 1


def write_test_cases(items, rule_set, m) -> None:
    for order, case in enumerate(cases_from_data(items)):
        m.RuleTestCase.objects.create(
            rule_set=rule_set,
            order=order,
            name=case.name,
            ratings=case.ratings,
            answers=case.answers,
            flags=case.flags,
            expect_level=case.expect_level,
            expect_withdrawal_level=case.expect_withdrawal_level,
            expect_modifiers=list(case.expect_modifiers)
            if case.expect_modifiers is not None
            else None,
            expect_compare=case.expect_compare,
        )
