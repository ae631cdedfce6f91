"""A rule-set version as a spreadsheet (XLSX) and back, for administrators who edit level-of-care
crosswalks in a spreadsheet program.

One sheet per table, each with a header row of plain names: "About", "Dimensions", "Levels",
"Flags", "Modifiers", "Questions", one "<Track> rules" sheet per track, "Substitutions",
"Modifier rules", "Rating rules", "Flag rules", "Conditions" (one row per condition, by rule
ID) and "Tests". Columns with a fixed set of values carry a validation list (drawn from a
hidden "Lists" sheet). Export -> import -> export gives the same cells.

Import turns the workbook back into the file format's data; every problem names the sheet, the
row and the column in plain words. No Django here: the services import the data as a draft."""

from __future__ import annotations

import io
import re
import threading
import time
import zipfile
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from engine import ANSWER_OP_LABELS, EMPTY, ConditionCatalog, RuleSetError, check_condition

MAX_ROWS = 5_000
MAX_COLUMNS = 60
MAX_CELL = 20_000
# Limits checked on the zip archive before openpyxl reads anything (an exported default set is
# about 35 KB, 170 KB unpacked, 26 parts, at most 11 times compressed): a small upload must not
# unpack into gigabytes or keep a worker busy for minutes.
MAX_UNPACKED = 10_000_000  # bytes, all parts together
MAX_PART = 5_000_000  # bytes, any one part
MAX_RATIO = 100  # unpacked size / packed size of any part over 100 KB
MAX_PARTS = 200
MAX_SHEETS = 40
TIME_LIMIT_S = 20.0  # reading the rows, after the checks above

OPS = ANSWER_OP_LABELS
OP_CODES = {v: k for k, v in OPS.items()}
KIND_WORDS = {
    "rating": "rating",
    "flag": "flag",
    "at_least": "at least",
    "answer": "answer",
    "need": "need",
    "result": "result so far",
}
KIND_CODES = {v: k for k, v in KIND_WORDS.items()}
YES, NO = "yes", "no"

ABOUT_FIELDS = [
    ("name", "Name"),
    ("edition", "Edition"),
    ("notes", "Notes"),
    ("release_notes", "Release notes"),
    ("primary_track", "Main track"),
    ("withdrawal_track", "Withdrawal track"),
    ("adolescent_flag", "Adolescent flag"),
    ("kept_variant", "Variant that added needs keep"),
    ("ceiling_level", "Level where that variant may end"),
]
DIMENSION_COLUMNS = [
    "Code",
    "Name",
    "Ratings, least to most severe",
    "What each rating means",
    "Short name",
    "Dimension group",
]
GROUP_COLUMNS = ["Code", "Name", "Rated"]
MODIFIER_COLUMNS = [
    "Code",
    "Name",
    "Description",
    "Emergency banner",
    "For the person (handout)",
    "Shown with track",
]
CARRY_COLUMNS = ["Question", "Earlier answer", "Becomes", "Ask again", "Why, in words"]
LEVEL_COLUMNS = [
    ("code", "Code"),
    ("track", "Track"),
    ("rank", "Order on the track"),
    ("name", "Name"),
    ("adolescent_name", "Name for adolescents"),
    ("population", "Population"),
    ("setting", "What it is like"),
    ("hours_adult", "Hours, adults"),
    ("hours_adolescent", "Hours, adolescents"),
    ("suits", "Who it suits"),
    ("review_days", "Review after (days)"),
    ("intensity", "Care intensity (0 none - 11 hospital)"),
    ("crosswalk_3rd", "Nearest 3rd-edition level"),
]
QUESTION_COLUMNS = [
    ("code", "Code"),
    ("label", "Question"),
    ("type", "Type"),
    ("step", "Step"),
    ("order", "Order"),
    ("choices", "Choices (value | label, one per line)"),
    ("min_value", "Minimum"),
    ("max_value", "Maximum"),
    ("required", "Must be answered"),
    ("help_text", "Help"),
    ("source", "Source"),
]
RULE_SHEETS = [
    (
        "substitution",
        "Substitutions",
        [
            ("id", "ID"),
            ("track", "Track"),
            ("from_level", "From level"),
            ("to_level", "Becomes"),
            ("text", "Description"),
            ("note", "Note"),
        ],
    ),
    (
        "modifier",
        "Modifier rules",
        [("id", "ID"), ("modifier", "Adds modifier"), ("text", "Description"), ("note", "Note")],
    ),
    (
        "rating",
        "Rating rules",
        [
            ("id", "ID"),
            ("dimension", "Dimension"),
            ("rating", "Suggests at least"),
            ("text", "Description"),
            ("note", "Note"),
        ],
    ),
    (
        "flag",
        "Flag rules",
        [("id", "ID"), ("flag", "Sets flag"), ("text", "Description"), ("note", "Note")],
    ),
    (
        "need",
        "Need rules",
        [
            ("id", "ID"),
            ("level", "Asks for level"),
            ("modifier", "Adds modifier"),
            ("text", "Description"),
            ("note", "Note"),
        ],
    ),
    (
        "determination",
        "Determination rules",
        [("id", "ID"), ("level", "Decides level"), ("text", "Description"), ("note", "Note")],
    ),
]
# Columns of a rule sheet that may be left empty (a need may ask for a modifier only).
OPTIONAL_RULE_COLUMNS = {("need", "level"), ("need", "modifier")}
PLACEMENT_COLUMNS = [
    ("id", "ID"),
    ("level", "At least level"),
    ("text", "Description"),
    ("note", "Note"),
]
CONDITION_COLUMNS = [
    "Rule ID",
    "Alternatives group",
    "Condition",
    "Dimension",
    "From",
    "To",
    "Flag",
    "Is",
    "At least",
    "Of dimensions",
    "Rated at least",
    "Question",
    "Comparison",
    "Value",
    "Levels",
    "Base levels",
    "Variants",
]
NEED_COLUMNS = (("levels", "Levels"), ("bases", "Base levels"), ("variants", "Variants"))


def _cell(value) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return YES if value else NO
    return value


def _value_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, list):
        return ", ".join(_value_text(v) for v in value)
    return str(value)


# -- export ----------------------------------------------------------------------------------


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


def _tracks(data: dict) -> list[str]:
    seen: dict[str, None] = {}
    for lv in data.get("levels", []):
        seen.setdefault(lv["track"], None)
    return list(seen)


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


# -- import ----------------------------------------------------------------------------------


def _rows(ws, title: str, problems: list[str]):
    """(row number, values) of a sheet, read no further than the limits whatever size the
    sheet claims to have; a row whose XML or cell data cannot be read ends the sheet with a
    problem naming it (never a server error)."""
    it = ws.iter_rows(max_row=MAX_ROWS + 2, max_col=MAX_COLUMNS, values_only=True)
    n = 0
    while True:
        try:
            values = next(it)
        except StopIteration:
            return
        except _TimeUp:
            raise
        except Exception as exc:  # broken XML, a cell whose type does not match its value
            if type(exc).__name__ in ("ParseError", "XMLSyntaxError"):
                problems.append(
                    f"The sheet '{title}' is not well-formed XML (after row {n}); nothing was "
                    "imported."
                )
                return
            problems.append(
                f"Sheet '{title}', row {n + 1}: the cells cannot be read "
                f"({type(exc).__name__}); check that each cell holds text or a number."
            )
            return
        n += 1
        yield n, values


class _Sheet:
    """Rows of one sheet as dicts by header, with the row number, and problem collection
    naming the sheet, row and column."""

    def __init__(self, wb, title: str, problems: list[str], required: bool = True):
        self.title, self.problems, self.rows = title, problems, []
        if title not in wb.sheetnames:
            if required:
                problems.append(f"The workbook has no sheet named '{title}'.")
            return
        it = _rows(wb[title], title, problems)
        first = next(it, None)
        if first is None:
            return
        header = first[1]
        self.header = [str(h).strip() if h is not None else "" for h in header[:MAX_COLUMNS]]
        for n, values in it:
            _check_time()
            if n > MAX_ROWS + 1:
                problems.append(f"Sheet '{title}': more than {MAX_ROWS:,} rows.")
                break
            values = values[: len(self.header)]
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            row = {}
            for h, v in zip(self.header, values, strict=False):
                if isinstance(v, str):
                    if len(v) > MAX_CELL:
                        self.bad(n, h, f"is longer than {MAX_CELL:,} characters")
                        v = v[:MAX_CELL]
                    v = v.strip(" ")  # spaces only: a leading tab is kept, as written
                    if v == "":
                        v = None
                row[h] = v
            self.rows.append((n, row))

    def bad(self, row: int, column: str, message: str) -> None:
        self.problems.append(f"Sheet '{self.title}', row {row}, column '{column}': {message}.")

    def text(self, n, row, column, required=False) -> str:
        v = row.get(column)
        if v is None:
            if required:
                self.bad(n, column, "is empty")
            return ""
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        return str(v)

    def whole(self, n, row, column, required=False):
        v = row.get(column)
        if v is None:
            if required:
                self.bad(n, column, "is empty")
            return None
        if isinstance(v, bool):
            self.bad(n, column, f"'{v}' is not a whole number")
            return None
        if isinstance(v, float) and v.is_integer():
            return int(v)
        if isinstance(v, int):
            return v
        try:
            return int(str(v).strip())
        except ValueError:
            self.bad(n, column, f"'{v}' is not a whole number")
            return None

    def yes_no(self, n, row, column) -> bool:
        v = row.get(column)
        if v is None or v is False:
            return False
        if v is True:
            return True
        word = str(v).strip().lower()
        if word in (YES, "true", "1"):
            return True
        if word in (NO, "false", "0", ""):
            return False
        self.bad(n, column, f"'{v}' is not yes or no")
        return False


# A whole number as a rating code: ASCII digits only (never "²" or "--5"), and short.
_WHOLE = re.compile(r"-?[0-9]{1,9}")
# A number in a comparison: ASCII digits, optionally ".0" (a spreadsheet's 5.0), short.
_NUMBER = re.compile(r"-?[0-9]{1,9}(?:\.0*)?")


def _code(text):
    """A rating or level code as the file format keeps it: a short run of digits is a number,
    anything else (2.1, 3A, a 5,000-digit string, inf) stays text."""
    if isinstance(text, bool):
        return str(text)
    if isinstance(text, float):
        return int(text) if text.is_integer() and abs(text) < 1e9 else str(text)
    if isinstance(text, int):
        return text if abs(text) < 10**9 else str(text)
    s = str(text).strip()
    return int(s) if _WHOLE.fullmatch(s) else s


def _scale(text: str) -> list:
    """A dimension's rating codes: all numbers when every code is digits (0-4), else all text
    ("0, ANY, 2, 3A": a 4th-edition scale keeps "0" as text)."""
    items = [x.strip() for x in text.split(",") if x.strip()]
    if items and all(_WHOLE.fullmatch(x) for x in items):
        return [int(x) for x in items]
    return items


def _rating(scale, value):
    """``value`` as the scale writes it (2 or "2"), or as read when it is not on the scale."""
    code = _code(value)
    for c in scale or ():
        if str(c) == str(code):
            return c
    return code


def _typed(text: str, question_type: str | None):
    """A carried-over answer as the question's type keeps it: yes/no, a whole number, or
    text (a choice that the newer version may no longer offer stays as written)."""
    if question_type == "bool" and text.lower() in (YES, NO, "true", "false"):
        return text.lower() in (YES, "true")
    if question_type == "int" and _WHOLE.fullmatch(text):
        return int(text)
    return text


def _shown(value, size: int = 40) -> str:
    text = str(value)
    return text if len(text) <= size else text[:size] + "..."


def check_archive(raw: bytes) -> int:
    """Refuse (RuleSetError naming the limit) an XLSX whose zip parts would unpack too large,
    are compressed suspiciously well, or hold too many parts or sheets - before anything is
    unpacked. The sizes checked are the ones the archive declares; Python's zip reader never
    unpacks a part beyond its declared size (a lie fails its checksum instead). Returns the
    total unpacked size."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise RuleSetError(
            ["The file is not a readable spreadsheet (it is not an XLSX zip archive)."]
        ) from None
    if len(parts) > MAX_PARTS:
        raise RuleSetError([f"The spreadsheet has {len(parts):,} parts; the limit is {MAX_PARTS}."])
    sheets = [
        p for p in parts if p.filename.startswith("xl/worksheets/") and p.filename.endswith(".xml")
    ]
    if len(sheets) > MAX_SHEETS:
        raise RuleSetError(
            [f"The spreadsheet has {len(sheets):,} sheets; the limit is {MAX_SHEETS}."]
        )
    total = 0
    for part in parts:
        if part.file_size > MAX_PART:
            raise RuleSetError(
                [
                    f"A part of the spreadsheet ({_shown(part.filename)}) unpacks to "
                    f"{part.file_size:,} bytes; the limit is {MAX_PART:,} bytes per part."
                ]
            )
        if part.file_size > 100_000 and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            raise RuleSetError(
                [
                    f"A part of the spreadsheet ({_shown(part.filename)}) is compressed "
                    f"{part.file_size // max(part.compress_size, 1):,} times; the limit is "
                    f"{MAX_RATIO} times (a spreadsheet program never writes such a file)."
                ]
            )
        total += part.file_size
    if total > MAX_UNPACKED:
        raise RuleSetError(
            [f"The spreadsheet unpacks to {total:,} bytes; the limit is {MAX_UNPACKED:,} bytes."]
        )
    return total


def _sheet_titles(archive: zipfile.ZipFile) -> dict[str, str]:
    """Zip part -> sheet title, from the workbook's own index (parsed without entities)."""
    from defusedxml.ElementTree import fromstring

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel_ns = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    book = fromstring(archive.read("xl/workbook.xml"))
    rels = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    out = {}
    for sheet in book.iter(f"{main}sheet"):
        target = targets.get(sheet.get(f"{rel_ns}id"), "").lstrip("/")
        out[target if target.startswith("xl/") else f"xl/{target}"] = sheet.get("name", "")
    return out


def _broken_sheet(raw: bytes) -> str:
    """Which sheet's XML is not well-formed, in words ("" when none is, or it cannot tell)."""
    from xml.etree.ElementTree import ParseError

    from defusedxml.ElementTree import iterparse

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            titles = _sheet_titles(archive)
            for part, title in titles.items():
                try:
                    with archive.open(part) as stream:
                        for _ in iterparse(stream):
                            pass
                except ParseError as exc:
                    line, column = exc.position
                    return (
                        f"The sheet '{_shown(title)}' is not well-formed XML (line {line}, "
                        f"column {column}); nothing was imported."
                    )
    except Exception:  # the index itself is broken: the caller's general message stands
        return ""
    return ""


class _TimeUp(Exception):
    pass


_budget = threading.local()


def _check_time() -> None:
    deadline = getattr(_budget, "deadline", None)
    if deadline is not None and time.monotonic() > deadline:
        raise _TimeUp


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
    from engine import FORMAT

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
        case["expect"] = expect
        out.append(case)
    return out
