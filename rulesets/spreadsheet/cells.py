"""Reading a sheet row by row within the limits: the header, plain-text cells, yes/no and whole
numbers, rating codes, and the time budget of one import."""

from __future__ import annotations

import re
import threading
import time

from .layout import (
    MAX_CELL,
    MAX_COLUMNS,
    MAX_ROWS,
    NO,
    YES,
)


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


class _TimeUp(Exception):
    pass


_budget = threading.local()


def _check_time() -> None:
    deadline = getattr(_budget, "deadline", None)
    if deadline is not None and time.monotonic() > deadline:
        raise _TimeUp
