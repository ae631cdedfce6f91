"""Writing a rule-set version as a workbook: one sheet per table, validation lists for columns
with a fixed set of values, and every text cell text (never a formula)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .layout import (
    ABOUT_FIELDS,
    CARRY_COLUMNS,
    CONDITION_COLUMNS,
    DIMENSION_COLUMNS,
    GROUP_COLUMNS,
    KIND_WORDS,
    LEVEL_COLUMNS,
    MAX_ROWS,
    MODIFIER_COLUMNS,
    NEED_COLUMNS,
    NO,
    OPS,
    PLACEMENT_COLUMNS,
    QUESTION_COLUMNS,
    RULE_SHEETS,
    YES,
    _cell,
    _tracks,
    _value_text,
)


def workbook_bytes(data: dict) -> bytes:
    """The version's data (file format) as an XLSX file."""
    wb = Workbook()
    wb.remove(wb.active)
    lists = _lists(data)
    lists_ws = wb.create_sheet("Lists")
    lists_ws.sheet_state = "hidden"
    ranges = {}
    for col, (name, values) in enumerate(lists.items(), 1):
        lists_ws.cell(1, col, name)
        for row, v in enumerate(values, 2):
            lists_ws.cell(row, col, v)
        letter = get_column_letter(col)
        ranges[name] = f"Lists!${letter}$2:${letter}${max(len(values), 1) + 1}"

    def sheet(title: str, header: list[str], rows: list[list], validations=()):
        ws = wb.create_sheet(title)
        ws.append(header)
        for r in rows:
            ws.append([_cell(v) for v in r])
        for column_name, list_name in validations:
            col = header.index(column_name) + 1
            dv = DataValidation(type="list", formula1=ranges[list_name], allow_blank=True)
            dv.error = f"Choose one of the {list_name.lower()} from the list."
            dv.errorTitle = column_name
            letter = get_column_letter(col)
            dv.add(f"{letter}2:{letter}{MAX_ROWS}")
            ws.add_data_validation(dv)
        ws.freeze_panes = "A2"
        return ws

    sheet(
        "About", ["Field", "Value"], [[label, data.get(key) or ""] for key, label in ABOUT_FIELDS]
    )
    sheet(
        "Dimensions",
        DIMENSION_COLUMNS,
        [
            [
                d["code"],
                d.get("name", ""),
                ", ".join(map(str, d["scale"])),
                "\n".join(d.get("anchors", [])),
                d.get("short_name", ""),
                d.get("group", ""),
            ]
            for d in data.get("dimensions", [])
        ],
    )
    if data.get("groups"):
        sheet(
            "Dimension groups",
            GROUP_COLUMNS,
            [[g["code"], g.get("name", ""), bool(g.get("rated", True))] for g in data["groups"]],
            [("Rated", "Yes or no")],
        )
    sheet(
        "Levels",
        [label for _, label in LEVEL_COLUMNS],
        [[lv.get(k) for k, _ in LEVEL_COLUMNS] for lv in data.get("levels", [])],
        [("Track", "Tracks"), ("Population", "Populations")],
    )
    sheet(
        "Flags",
        ["Code", "Description"],
        [[x["code"], x.get("description", "")] for x in data.get("flags", [])],
    )
    sheet(
        "Modifiers",
        MODIFIER_COLUMNS,
        [
            [
                m["code"],
                m.get("name", ""),
                m.get("description", ""),
                bool(m.get("emergency")),
                m.get("handout", ""),
                m.get("track", ""),
            ]
            for m in data.get("modifiers", [])
        ],
        [("Emergency banner", "Yes or no"), ("Shown with track", "Tracks")],
    )
    if data.get("carry_over"):
        sheet(
            "Carried-over answers",
            CARRY_COLUMNS,
            [
                [
                    c["question"],
                    _value_text(c.get("value")),
                    "\n".join(
                        f"{k} = {'blank' if v is None else _value_text(v)}"
                        for k, v in (c.get("answers") or {}).items()
                    ),
                    c.get("ask", ""),
                    c.get("text", ""),
                ]
                for c in data["carry_over"]
            ],
        )
    sheet(
        "Questions",
        [label for _, label in QUESTION_COLUMNS],
        [
            [
                (
                    "\n".join(f"{v} | {lbl}" for v, lbl in q.get("choices", []))
                    if k == "choices"
                    else q.get(k)
                )
                for k, _ in QUESTION_COLUMNS
            ]
            for q in data.get("questions", [])
        ],
        [("Type", "Question types"), ("Must be answered", "Yes or no")],
    )
    rules = data.get("rules", [])
    for track in _tracks(data):
        sheet(
            f"{track.capitalize()} rules",
            [label for _, label in PLACEMENT_COLUMNS],
            [
                [r.get(k) for k, _ in PLACEMENT_COLUMNS]
                for r in rules
                if r["kind"] == "placement" and r.get("track") == track
            ],
            [("At least level", "Levels")],
        )
    for kind, title, columns in RULE_SHEETS:
        validations = {
            "substitution": [
                ("Track", "Tracks"),
                ("From level", "Levels or any"),
                ("Becomes", "Levels"),
            ],
            "modifier": [("Adds modifier", "Modifiers")],
            "rating": [("Dimension", "Dimensions")],
            "flag": [("Sets flag", "Flags")],
            "need": [("Asks for level", "Levels"), ("Adds modifier", "Modifiers")],
            "determination": [("Decides level", "Levels")],
        }[kind]
        if kind in ("need", "determination") and not any(r["kind"] == kind for r in rules):
            continue  # a 3rd-edition set has no such rules: no empty sheet for them
        sheet(
            title,
            [label for _, label in columns],
            [[r.get(k) for k, _ in columns] for r in rules if r["kind"] == kind],
            validations,
        )
    cond_rows = []
    for r in rules:
        group = 0
        for cond in r.get("when", []):
            if "any_of" in cond:
                group += 1
                cond_rows.extend(_condition_row(r["id"], c, group) for c in cond["any_of"])
            else:
                cond_rows.append(_condition_row(r["id"], cond, None))
    sheet(
        "Conditions",
        CONDITION_COLUMNS,
        cond_rows,
        [
            ("Condition", "Condition kinds"),
            ("Dimension", "Dimensions"),
            ("Flag", "Flags"),
            ("Is", "On or off"),
            ("Question", "Questions"),
            ("Comparison", "Comparisons"),
        ],
    )
    dims = [d["code"] for d in data.get("dimensions", [])]
    test_header = [
        "Name",
        "Input",
        *[f"{d} rating" for d in dims],
        "Flags on",
        "Answers",
        "Expected level",
        "Expected withdrawal",
        "Expected modifiers",
        "Expected level is",
    ]
    test_rows = []
    for t in data.get("tests", []):
        ratings = t.get("ratings") or {}
        expect = t.get("expect", {})
        mods = expect.get("modifiers")
        test_rows.append(
            [
                t["name"],
                "answers"
                if t.get("answers") is not None and t.get("ratings") is None
                else "ratings",
                *[ratings.get(d) for d in dims],
                ", ".join(k for k, v in (t.get("flags") or {}).items() if v),
                "\n".join(f"{k} = {_value_text(v)}" for k, v in (t.get("answers") or {}).items()),
                expect.get("level", ""),
                expect.get("withdrawal_level", ""),
                None if mods is None else (", ".join(mods) or "none"),
                {"at least": "at least", "at most": "at most"}.get(expect.get("compare", ""), ""),
            ]
        )
    sheet("Tests", test_header, test_rows, [("Input", "Test inputs")])
    wb.move_sheet("Lists", offset=len(wb.sheetnames))
    _text_not_formulas(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# Text that a spreadsheet program would take for a formula (OWASP, "CSV injection"): "=..."
# would otherwise be written as a live formula, and the others run as one once edited.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text_not_formulas(wb) -> None:
    """Every text cell stays text: written as a string, marked to be shown as typed (the
    quote prefix), and read back exactly as it was."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                    cell.data_type = "s"
                    cell.quotePrefix = True


def _lists(data: dict) -> dict[str, list]:
    levels = [str(lv["code"]) for lv in data.get("levels", [])]
    return {
        "Tracks": _tracks(data),
        "Populations": ["all", "adult", "adolescent"],
        "Yes or no": [YES, NO],
        "Question types": ["int", "bool", "choice", "multichoice", "date", "text"],
        "Levels": levels,
        "Levels or any": ["*", *levels],
        "Modifiers": [m["code"] for m in data.get("modifiers", [])],
        "Dimensions": [d["code"] for d in data.get("dimensions", [])],
        "Flags": [f["code"] for f in data.get("flags", [])],
        "Questions": [q["code"] for q in data.get("questions", [])],
        "Condition kinds": list(KIND_WORDS.values()),
        "On or off": ["on", "off"],
        "Comparisons": list(OPS.values()),
        "Test inputs": ["ratings", "answers"],
    }


def _condition_row(rule_id: str, cond: dict, group) -> list:
    row: list = [rule_id, group] + [None] * (len(CONDITION_COLUMNS) - 2)

    def put(column: str, value) -> None:
        row[CONDITION_COLUMNS.index(column)] = value

    if "rating" in cond:
        put("Condition", "rating")
        put("Dimension", cond["rating"])
        put("From", cond["from"])
        put("To", cond["to"])
    elif "flag" in cond:
        put("Condition", "flag")
        put("Flag", cond["flag"])
        put("Is", "on" if cond.get("is", True) else "off")
    elif "at_least" in cond:
        put("Condition", "at least")
        put("At least", cond["at_least"])
        put("Of dimensions", ", ".join(cond["of"]))
        put("Rated at least", cond["rated"])
    elif "need" in cond or "result" in cond:
        key = "need" if "need" in cond else "result"
        put("Condition", KIND_WORDS[key])
        for field, column in NEED_COLUMNS:
            values = cond[key].get(field) or []
            if values:
                put(column, ", ".join(str(v) for v in values))
    else:
        put("Condition", "answer")
        put("Question", cond["answer"])
        put("Comparison", OPS.get(cond["op"], cond["op"]))
        value = cond.get("value")
        if value is not None:
            put(
                "Value", _value_text(value) if cond["op"] != "between" else f"{value[0]}-{value[1]}"
            )
    return row
