"""Reading a workbook back into the file format's data; every problem names the sheet, the row
and the column in plain words."""

from __future__ import annotations

import io
import time

from openpyxl import load_workbook

from engine import EMPTY, FORMAT, ConditionCatalog, RuleSetError, check_condition

from .cells import _budget, _code, _rating, _scale, _Sheet, _TimeUp, _typed
from .layout import (
    ABOUT_FIELDS,
    DIMENSION_COLUMNS,
    KIND_CODES,
    KIND_WORDS,
    LEVEL_COLUMNS,
    MODIFIER_COLUMNS,
    NEED_COLUMNS,
    OP_CODES,
    OPTIONAL_RULE_COLUMNS,
    QUESTION_COLUMNS,
    RULE_SHEETS,
    TIME_LIMIT_S,
    YES,
    _shown,
    _tracks,
)
from .limits import _broken_sheet, check_archive


def data_from_workbook(raw: bytes, *, time_limit_s: float = TIME_LIMIT_S) -> dict:
    """The file format's data from an XLSX file; RuleSetError naming sheet, row and column,
    or the limit a hostile file went over (``check_archive``, the rows and columns read, and
    ``time_limit_s`` seconds of reading)."""
    check_archive(raw)
    try:
        wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # not a workbook, or a broken one: say so, never a server error
        raise RuleSetError(
            [
                _broken_sheet(raw)
                or f"The file is not a readable spreadsheet ({type(exc).__name__})."
            ]
        ) from None
    problems: list[str] = []
    _budget.deadline = time.monotonic() + time_limit_s
    try:
        data = _read(wb, problems)
    except _TimeUp:
        raise RuleSetError(
            [
                f"Reading the spreadsheet took longer than the limit of {time_limit_s:g} "
                "seconds; nothing was imported."
            ]
        ) from None
    except RuleSetError:
        raise
    except Exception as exc:  # broken XML or cell data found while reading the rows
        raise RuleSetError(
            [f"The file is not a readable spreadsheet ({type(exc).__name__} in its sheets)."]
        ) from None
    finally:
        _budget.deadline = None
        wb.close()
    if problems:
        raise RuleSetError(problems[:100])
    return data


def _read(wb, problems: list[str]) -> dict:

    about = _Sheet(wb, "About", problems)
    fields = {label: key for key, label in ABOUT_FIELDS}
    data: dict = {"format": FORMAT}
    for key, _ in ABOUT_FIELDS:
        data[key] = ""
    for n, row in about.rows:
        label = about.text(n, row, "Field")
        if label not in fields:
            about.bad(n, "Field", f"'{label}' is not one of: {', '.join(fields)}")
            continue
        data[fields[label]] = about.text(n, row, "Value")

    dims = _Sheet(wb, "Dimensions", problems)
    data["dimensions"] = []
    for n, row in dims.rows:
        scale = _scale(dims.text(n, row, DIMENSION_COLUMNS[2], True))
        anchors = [a for a in dims.text(n, row, DIMENSION_COLUMNS[3]).splitlines() if a.strip()]
        if anchors and len(anchors) != len(scale):
            dims.bad(n, DIMENSION_COLUMNS[3], f"give one line per rating ({len(scale)} lines)")
        item = {
            "code": dims.text(n, row, "Code", True),
            "name": dims.text(n, row, "Name"),
            "short_name": dims.text(n, row, "Short name"),
            "scale": scale,
            "anchors": anchors,
        }
        group = dims.text(n, row, "Dimension group")
        if group:
            item["group"] = group
        data["dimensions"].append(item)
    groups = _Sheet(wb, "Dimension groups", problems, required=False)
    if groups.rows:
        data["groups"] = [
            {
                "code": groups.text(n, r, "Code", True),
                "name": groups.text(n, r, "Name"),
                "rated": groups.yes_no(n, r, "Rated"),
            }
            for n, r in groups.rows
        ]

    levels = _Sheet(wb, "Levels", problems)
    data["levels"] = []
    for n, row in levels.rows:
        item = {}
        for key, label in LEVEL_COLUMNS:
            if key == "crosswalk_3rd":
                value = levels.text(n, row, label)
                if value:
                    item[key] = value
                continue
            if key in ("rank", "review_days", "intensity"):
                item[key] = levels.whole(n, row, label, required=key == "rank")
            else:
                item[key] = levels.text(n, row, label, required=key in ("code", "track"))
        item["population"] = item["population"] or "all"
        data["levels"].append(item)
    level_codes = {str(lv["code"]) for lv in data["levels"]}
    tracks = _tracks(data)

    flags = _Sheet(wb, "Flags", problems)
    data["flags"] = [
        {"code": flags.text(n, r, "Code", True), "description": flags.text(n, r, "Description")}
        for n, r in flags.rows
    ]
    mods = _Sheet(wb, "Modifiers", problems)
    data["modifiers"] = []
    for n, r in mods.rows:
        item = {
            "code": mods.text(n, r, "Code", True),
            "name": mods.text(n, r, "Name"),
            "description": mods.text(n, r, "Description"),
            "emergency": mods.yes_no(n, r, "Emergency banner"),
        }
        for key, column in (("handout", MODIFIER_COLUMNS[4]), ("track", MODIFIER_COLUMNS[5])):
            value = mods.text(n, r, column)
            if value:
                item[key] = value
        data["modifiers"].append(item)
    qs = _Sheet(wb, "Questions", problems)
    data["questions"] = []
    for n, row in qs.rows:
        item = {}
        for key, label in QUESTION_COLUMNS:
            if key in ("order", "min_value", "max_value"):
                item[key] = qs.whole(n, row, label)
            elif key == "required":
                item[key] = qs.yes_no(n, row, label)
            elif key == "choices":
                pairs = []
                for line in qs.text(n, row, label).splitlines():
                    if not line.strip():
                        continue
                    if "|" not in line:
                        qs.bad(n, label, f"'{line.strip()}' should be written as value | label")
                        continue
                    value, text = (p.strip() for p in line.split("|", 1))
                    pairs.append([value, text])
                item[key] = pairs
            else:
                item[key] = qs.text(n, row, label, required=key in ("code", "type"))
        item["order"] = item["order"] or 0
        item["source"] = item["source"] or "clinician"
        data["questions"].append(item)
    carry = _Sheet(wb, "Carried-over answers", problems, required=False)
    types = {q["code"]: q.get("type") for q in data["questions"]}
    if carry.rows:
        data["carry_over"] = []
    for n, row in carry.rows:
        question = carry.text(n, row, "Question", True)
        becomes: dict = {}
        for line in carry.text(n, row, "Becomes").splitlines():
            if not line.strip():
                continue
            if "=" not in line:
                carry.bad(
                    n, "Becomes", f"'{_shown(line.strip())}' should be written as question = value"
                )
                continue
            key, value = (p.strip() for p in line.split("=", 1))
            becomes[key] = None if value == "blank" else _typed(value, types.get(key))
        data["carry_over"].append(
            {
                "question": question,
                "value": _typed(carry.text(n, row, "Earlier answer", True), types.get(question)),
                "answers": becomes,
                "ask": carry.text(n, row, "Ask again"),
                "text": carry.text(n, row, "Why, in words"),
            }
        )
    catalog = {
        "dimensions": {d["code"]: d["scale"] for d in data["dimensions"]},
        "flags": {f["code"] for f in data["flags"]},
        "modifiers": {m["code"] for m in data["modifiers"]},
        "questions": {q["code"]: q for q in data["questions"]},
        "levels": level_codes,
    }

    rules: list[dict] = []
    where: dict[str, tuple[_Sheet, int]] = {}
    for track in tracks:
        ws = _Sheet(wb, f"{track.capitalize()} rules", problems, required=False)
        for n, row in ws.rows:
            rule = {
                "id": ws.text(n, row, "ID", True),
                "kind": "placement",
                "track": track,
                "level": str(_code(ws.text(n, row, "At least level", True))),
            }
            if rule["level"] not in level_codes:
                ws.bad(n, "At least level", f"'{rule['level']}' is not a level of the Levels sheet")
            rules.append(_finish(rule, ws, n, row))
            where[rule["id"]] = (ws, n)
    for kind, title, columns in RULE_SHEETS:
        ws = _Sheet(wb, title, problems, required=False)
        for n, row in ws.rows:
            rule: dict = {"id": ws.text(n, row, "ID", True), "kind": kind}
            for key, label in columns[1:]:
                if key in ("text", "note"):
                    continue
                optional = (kind, key) in OPTIONAL_RULE_COLUMNS
                value = ws.text(n, row, label, not optional)
                if optional and not value:
                    rule[key] = ""
                    continue
                if key in ("from_level", "to_level", "level"):
                    value = str(_code(value))
                    if value not in level_codes and not (key == "from_level" and value == "*"):
                        ws.bad(n, label, f"'{value}' is not a level of the Levels sheet")
                elif key == "rating":
                    value = _rating(catalog["dimensions"].get(rule.get("dimension")), value)
                elif key == "modifier" and value not in catalog["modifiers"]:
                    ws.bad(n, label, f"'{value}' is not a modifier of the Modifiers sheet")
                elif key == "flag" and value not in catalog["flags"]:
                    ws.bad(n, label, f"'{value}' is not a flag of the Flags sheet")
                elif key == "dimension" and value not in catalog["dimensions"]:
                    ws.bad(n, label, f"'{value}' is not a dimension of the Dimensions sheet")
                elif key == "track" and value not in tracks:
                    ws.bad(n, label, f"'{value}' is not a track of the Levels sheet")
                rule[key] = value
            rules.append(_finish(rule, ws, n, row))
            where[rule["id"]] = (ws, n)
    by_id = {r["id"]: r for r in rules}
    conds = _Sheet(wb, "Conditions", problems)
    condition_catalog = ConditionCatalog.from_data(data)
    groups: dict[tuple[str, int], list] = {}
    for n, row in conds.rows:
        rid = conds.text(n, row, "Rule ID", True)
        rule = by_id.get(rid)
        if rule is None:
            conds.bad(n, "Rule ID", f"no rule has the ID '{rid}'")
            continue
        cond = _condition(conds, n, row, condition_catalog)
        if cond is None:
            continue
        group = conds.whole(n, row, "Alternatives group")
        if group is None:
            rule["when"].append(cond)
        elif (rid, group) in groups:
            groups[(rid, group)].append(cond)
        else:
            groups[(rid, group)] = [cond]
            rule["when"].append({"any_of": groups[(rid, group)]})
    data["rules"] = rules
    data["tests"] = _tests(wb, problems, data)
    data["_where"] = {rid: (ws.title, n) for rid, (ws, n) in where.items()}
    return data


def _finish(rule: dict, ws: _Sheet, n: int, row: dict) -> dict:
    rule["text"] = ws.text(n, row, "Description")
    rule["note"] = ws.text(n, row, "Note")
    rule["when"] = []
    ordered = {k: rule[k] for k in rule if k not in ("text", "note", "when")}
    return {**ordered, "text": rule["text"], "note": rule["note"], "when": rule["when"]}


# The columns of a condition row, by the names engine.check_condition gives its fields.
CHECKED_COLUMNS = {
    "dimension": "Dimension",
    "low": "From",
    "high": "To",
    "flag": "Flag",
    "is": "Is",
    "count": "At least",
    "of": "Of dimensions",
    "minimum": "Rated at least",
    "question": "Question",
    "op": "Comparison",
    "value": "Value",
    **dict(NEED_COLUMNS),
}


def _condition(ws: _Sheet, n: int, row: dict, catalog) -> dict | None:
    """One condition row, checked by the engine's one condition checker."""
    word = ws.text(n, row, "Condition", True).lower()
    kind = KIND_CODES.get(word)
    if kind is None:
        ws.bad(n, "Condition", f"'{word}' is not one of: {', '.join(KIND_WORDS.values())}")
        return None
    fields = {name: ws.text(n, row, column) for name, column in CHECKED_COLUMNS.items()}
    fields["kind"] = kind
    fields["op"] = OP_CODES.get(fields["op"], fields["op"])
    condition, errors = check_condition(fields, catalog)
    for name, message in errors.items():
        message = "is empty" if message == EMPTY else message.rstrip(".")
        ws.bad(n, CHECKED_COLUMNS.get(name, "Condition"), message)
    return condition


def _tests(wb, problems: list[str], data: dict) -> list[dict]:
    ws = _Sheet(wb, "Tests", problems, required=False)
    dims = [d["code"] for d in data["dimensions"]]
    scales = {d["code"]: d["scale"] for d in data["dimensions"]}
    out = []
    for n, row in ws.rows:
        name = ws.text(n, row, "Name", True)
        source = (ws.text(n, row, "Input") or "ratings").lower()
        case: dict = {"name": name}
        if source == "ratings":
            ratings = {}
            for d in dims:
                v = row.get(f"{d} rating")
                if v is None:
                    ws.bad(n, f"{d} rating", "is empty (every dimension needs a rating)")
                else:
                    ratings[d] = _rating(scales.get(d), v)
            case["ratings"] = ratings
        elif source == "answers":
            answers = {}
            for line in ws.text(n, row, "Answers").splitlines():
                if not line.strip():
                    continue
                if "=" not in line:
                    ws.bad(n, "Answers", f"'{line.strip()}' should be written as question = value")
                    continue
                key, value = (p.strip() for p in line.split("=", 1))
                q = next((q for q in data["questions"] if q["code"] == key), None)
                if q is None:
                    ws.bad(n, "Answers", f"'{key}' is not a question of the Questions sheet")
                    continue
                if q["type"] == "int":
                    try:
                        answers[key] = int(value)
                    except ValueError:
                        ws.bad(n, "Answers", f"'{value}' is not a whole number (for {key})")
                elif q["type"] == "bool":
                    answers[key] = value.lower() in (YES, "true")
                elif q["type"] == "multichoice":  # written "a, b": a list again
                    answers[key] = [v.strip() for v in value.split(",") if v.strip()]
                else:
                    answers[key] = value
            case["answers"] = answers
        else:
            ws.bad(n, "Input", f"'{source}' is not ratings or answers")
            continue
        flags = [x.strip() for x in ws.text(n, row, "Flags on").split(",") if x.strip()]
        if flags:
            case["flags"] = dict.fromkeys(flags, True)
        expect = {"level": str(_code(ws.text(n, row, "Expected level", True)))}
        wm = ws.text(n, row, "Expected withdrawal")
        if wm:
            expect["withdrawal_level"] = wm
        mods = row.get("Expected modifiers")
        if mods is not None:
            words = [m.strip() for m in str(mods).split(",") if m.strip()]
            expect["modifiers"] = [] if words == ["none"] else words
        compare = ws.text(n, row, "Expected level is").strip().lower()
        if compare in ("at least", "at most"):
            expect["compare"] = compare
        elif compare not in ("", "exactly", "exact"):
            ws.bad(n, "Expected level is", f"'{compare}' is not exactly, at least or at most")
        case["expect"] = expect
        out.append(case)
    return out
