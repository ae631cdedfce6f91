"""The data migrations' own loader, frozen: the rows it writes from a shipped rule-set file and
the fingerprint it compares are fixed here, as they were when those migrations shipped, so that
changing the live code (``rulesets.rows``) never changes what an old migration does, and a later
squash can keep this one module. (Django's migration loader skips modules named with a leading
underscore: this is not a migration.)

Only the engine's public face is called: ``engine.load`` / ``problems`` / ``verify`` to refuse a
shipped file that is not valid and verified, and ``engine.cases_from_data`` to read its test
cases. The files live in ``rulesets/data/``; a shipped file never changes."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from types import SimpleNamespace

import yaml
from django.db.models import Max
from django.utils import timezone

DATA = Path(__file__).resolve().parents[2] / "rulesets" / "data"
ROW_MODELS = ("Dimension", "Level", "Flag", "Modifier", "Question", "Rule", "Condition")
LEVEL_FIELDS = (
    "code", "track", "rank", "name", "adolescent_name", "population", "setting",
    "hours_adult", "hours_adolescent", "suits", "review_days",
)  # fmt: skip
_INT = re.compile(r"-?\d+")


def read(file_name: str) -> dict:
    return yaml.safe_load((DATA / file_name).read_text(encoding="utf-8"))


def models(apps, *, test_cases: bool = True, app: str = "placement") -> SimpleNamespace:
    """The historical row models at the calling migration: of the placement app, where they
    lived until the rule sets got their own app, or of ``app``."""
    names = ROW_MODELS + (("RuleTestCase",) if test_cases else ())
    return SimpleNamespace(**{name: apps.get_model(app, name) for name in names})


def checked(data: dict, version: int, what: str) -> dict:
    """The verification record of a shipped file; RuntimeError when it is not valid or fails
    verification (a shipped file is checked again on every fresh install)."""
    import engine  # the engine's public face only (see the module docstring)

    rule_set = engine.load(data, version=version)
    found = engine.problems(rule_set)
    if found:
        raise RuntimeError(f"{what} is invalid: " + "; ".join(found))
    report = engine.verify(rule_set)
    if not report.ok:
        raise RuntimeError(f"{what} fails verification: " + report.examples[0].text)
    return {"ok": True, **report.as_dict()}


def fingerprint(data: dict) -> str:
    """What decides placements (not the notes, the test cases, display names, the properties
    only verification reads, added to the 4th-edition files after they shipped, or a level's
    care intensity and crosswalk, which order the queue and compare editions but place no one
    and were added to every stored level after the files shipped)."""
    skip = ("notes", "release_notes", "tests", "kept_variant", "ceiling_level")
    data = {k: v for k, v in data.items() if k not in skip}
    data["dimensions"] = [
        {k: v for k, v in d.items() if k != "short_name"} for d in data.get("dimensions", [])
    ]
    data["levels"] = [
        {k: v for k, v in lv.items() if k not in ("intensity", "crosswalk_3rd")}
        for lv in data.get("levels", [])
    ]
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


# -- rows -> data (for the fingerprint of what a database holds) ---------------------------------


def _has_field(model, name: str) -> bool:
    return any(f.name == name for f in model._meta.get_fields())


def _code(text: str, numeric: bool):
    text = text.strip()
    return int(text) if numeric and _INT.fullmatch(text) else text


def _condition(row, numeric) -> dict:
    if row.kind == "rating":
        n = numeric(row.dimension)
        return {"rating": row.dimension, "from": _code(row.low, n), "to": _code(row.high, n)}
    if row.kind in ("need", "result"):
        return {row.kind: dict(row.value or {})}
    if row.kind == "flag":
        return {"flag": row.flag, "is": row.flag_value}
    if row.kind == "at_least":
        return {
            "at_least": row.count,
            "of": [c.strip() for c in row.dimensions.split(",") if c.strip()],
            "rated": _code(row.minimum, numeric(row.dimensions.split(",")[0].strip())),
        }
    out: dict = {"answer": row.question, "op": row.op}
    if row.value is not None:
        out["value"] = row.value
    return out


def _when(rows, numeric) -> list:
    when: list = []
    groups: dict[int, list] = {}
    for row in rows:
        if row.any_group is None:
            when.append(_condition(row, numeric))
        elif row.any_group in groups:
            groups[row.any_group].append(_condition(row, numeric))
        else:
            groups[row.any_group] = [_condition(row, numeric)]
            when.append({"any_of": groups[row.any_group]})
    return when


def _rule(rule, conditions, numeric) -> dict:
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
            "rating": _code(rule.rating, numeric(rule.dimension)),
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
        "when": _when(conditions, numeric),
    }


def _level(lv) -> dict:
    out = {name: getattr(lv, name) for name in LEVEL_FIELDS}
    if getattr(lv, "intensity", None) is not None:
        out["intensity"] = lv.intensity
    if getattr(lv, "crosswalk_3rd", ""):
        out["crosswalk_3rd"] = lv.crosswalk_3rd
    return out


def _modifier(m) -> dict:
    out = {"code": m.code, "name": m.name, "description": m.description, "emergency": m.emergency}
    for key in ("handout", "track"):
        if getattr(m, key, ""):
            out[key] = getattr(m, key)
    return out


def stored(rule_set, m: SimpleNamespace) -> dict:
    """What ``rule_set`` holds, in the file's shape (without its test cases): enough for
    ``fingerprint``."""
    conditions: dict[int, list] = {}
    for c in m.Condition.objects.filter(rule__rule_set=rule_set).order_by("rule_id", "order", "id"):
        conditions.setdefault(c.rule_id, []).append(c)
    dimensions = list(rule_set.dimensions.order_by("order", "id"))
    scales = {
        d.code: all(_INT.fullmatch(x.strip()) for x in d.scale.split(",") if x.strip())
        for d in dimensions
    }

    def numeric(code: str) -> bool:
        return scales.get(code, True)

    groups = list(getattr(rule_set, "groups", None) or [])
    carry = list(getattr(rule_set, "carry_over", None) or [])
    return {
        "format": "stepwise-rule-set/1",
        "name": rule_set.name,
        "edition": rule_set.edition,
        "primary_track": rule_set.primary_track,
        "withdrawal_track": rule_set.withdrawal_track,
        "adolescent_flag": rule_set.adolescent_flag,
        "dimensions": [
            {
                "code": d.code,
                "name": d.name,
                "scale": [_code(x, scales[d.code]) for x in d.scale.split(",") if x.strip()],
                "anchors": d.anchors.splitlines() if d.anchors else [],
                **({"group": d.group} if getattr(d, "group", "") else {}),
            }
            for d in dimensions
        ],
        **({"groups": groups} if groups else {}),
        **({"carry_over": carry} if carry else {}),
        "levels": [_level(lv) for lv in rule_set.levels.order_by("id")],
        "flags": [
            {"code": f.code, "description": f.description} for f in rule_set.flags.order_by("id")
        ],
        "modifiers": [_modifier(x) for x in rule_set.modifiers.order_by("id")],
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
            _rule(rule, conditions.get(rule.pk, []), numeric)
            for rule in rule_set.rules.order_by("order", "id")
        ],
    }


def same_as_file(rule_set, m: SimpleNamespace, data: dict) -> bool:
    """Whether ``rule_set`` still decides exactly as the shipped ``data`` does."""
    return fingerprint(stored(rule_set, m)) == fingerprint(data)


# -- data -> rows --------------------------------------------------------------------------------


def _condition_fields(cond: dict) -> dict:
    if "need" in cond or "result" in cond:
        kind = "need" if "need" in cond else "result"
        return {"kind": kind, "value": dict(cond[kind])}
    if "rating" in cond:
        return {"kind": "rating", "dimension": cond["rating"], "low": str(cond["from"]),
                "high": str(cond["to"])}  # fmt: skip
    if "flag" in cond:
        return {"kind": "flag", "flag": cond["flag"], "flag_value": cond.get("is", True)}
    if "at_least" in cond:
        return {"kind": "at_least", "count": cond["at_least"], "dimensions": ",".join(cond["of"]),
                "minimum": str(cond["rated"])}  # fmt: skip
    return {"kind": "answer", "question": cond["answer"], "op": cond["op"],
            "value": cond.get("value")}  # fmt: skip


def _write_conditions(rule, when: list, m: SimpleNamespace) -> None:
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


def write_test_cases(items, rule_set, m: SimpleNamespace) -> None:
    """The file's test cases as rows (in bulk: rows of a published version are written past
    the live model's draft-only check)."""
    import engine  # parses and checks the cases (see the module docstring)

    m.RuleTestCase.objects.bulk_create(
        [
            m.RuleTestCase(
                rule_set=rule_set,
                order=order,
                name=case.name,
                ratings=case.ratings,
                answers=case.answers,
                flags=case.flags,
                expect_level=case.expect_level,
                expect_withdrawal_level=case.expect_withdrawal_level,
                expect_modifiers=None
                if case.expect_modifiers is None
                else list(case.expect_modifiers),
            )
            for order, case in enumerate(engine.cases_from_data(items))
        ]
    )


def write_rows(data: dict, rule_set, m: SimpleNamespace) -> None:
    """The rows of ``data`` under ``rule_set`` (a new, empty draft), with the fields the
    historical models of the calling migration have."""
    for i, d in enumerate(data.get("dimensions", [])):
        fields = {
            "rule_set": rule_set,
            "code": d["code"],
            "name": d.get("name", ""),
            "order": i,
            "scale": ",".join(str(x) for x in d["scale"]),
            "anchors": "\n".join(d.get("anchors", [])),
        }
        if _has_field(m.Dimension, "short_name"):
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
            if mod.get(key) and _has_field(m.Modifier, key)
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
            rating=str(r["rating"]) if "rating" in r else "",
            flag=r.get("flag", ""),
            text=r.get("text", ""),
            note=r.get("note", ""),
        )
        _write_conditions(rule, r.get("when", []), m)
    if hasattr(m, "RuleTestCase"):
        write_test_cases(data.get("tests"), rule_set, m)


def seed_shipped_version(apps, *, name: str, file_name: str, previous_file: str, app: str) -> None:
    """A shipped version of ``name`` from ``file_name``, verified: published in place of the
    shipped previous version (``previous_file``) when that one is still in force unchanged,
    which is retired and never changed; otherwise (a site that published its own edit) a
    verified draft at the next free number, for the rule administrator to compare and decide.
    Run twice, it does nothing the second time."""
    RuleSet = apps.get_model(app, "RuleSet")
    data = read(file_name)
    if RuleSet.objects.filter(name=name, release_notes=data["release_notes"]).exists():
        return  # already here
    previous = read(previous_file)
    shipped_version = int(re.search(r"-v(\d+)\.yaml$", file_name).group(1))
    taken = RuleSet.objects.filter(name=name).aggregate(v=Max("version"))["v"] or 0
    version = max(shipped_version, taken + 1)
    verification = checked(data, version, f"The shipped {file_name}")
    m = models(apps, app=app)
    current = RuleSet.objects.filter(name=name, status="published").first()
    in_force = (
        current is not None
        and current.version == shipped_version - 1
        and same_as_file(current, m, previous)
    )
    now = timezone.now()
    rule_set = RuleSet.objects.create(
        name=name,
        edition=data["edition"],
        version=version,
        status="draft",
        notes=data["notes"],
        release_notes=data["release_notes"],
        primary_track=data["primary_track"],
        withdrawal_track=data["withdrawal_track"],
        adolescent_flag=data["adolescent_flag"],
        kept_variant=data.get("kept_variant", ""),
        ceiling_level=data.get("ceiling_level", ""),
        cloned_from=current,
    )
    write_rows(data, rule_set, m)
    rule_set.verified_at = now
    rule_set.verification = verification
    if in_force or current is None:
        if current is not None:
            RuleSet.objects.filter(pk=current.pk).update(status="retired", retired_at=now)
        rule_set.status = "published"
        rule_set.published_at = now
    rule_set.save()


def unseed_shipped_version(apps, *, name: str, file_name: str, app: str) -> None:
    """Undo ``seed_shipped_version``: the shipped version goes, the one before is back."""
    RuleSet = apps.get_model(app, "RuleSet")
    data = read(file_name)
    shipped = RuleSet.objects.filter(name=name, release_notes=data["release_notes"]).first()
    if shipped is None:
        return
    was_published = shipped.status == "published"
    before = shipped.version - 1
    shipped.delete()
    if was_published:
        RuleSet.objects.filter(name=name, version=before).update(
            status="published", retired_at=None
        )
