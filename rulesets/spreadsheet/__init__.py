"""A rule-set version as a spreadsheet (XLSX) and back, for administrators who edit level-of-care
crosswalks in a spreadsheet program.

One sheet per table, each with a header row of plain names: "About", "Dimensions", "Levels",
"Flags", "Modifiers", "Questions", one "<Track> rules" sheet per track, "Substitutions",
"Modifier rules", "Rating rules", "Flag rules", "Conditions" (one row per condition, by rule
ID) and "Tests". Columns with a fixed set of values carry a validation list (drawn from a
hidden "Lists" sheet). Export -> import -> export gives the same cells.

Import turns the workbook back into the file format's data; every problem names the sheet, the
row and the column in plain words. No Django here: the services import the data as a draft.

The package: ``layout`` (sheets, columns, limits), ``writer`` (``workbook_bytes``),
``limits`` (``check_archive``, before anything parses) and ``reader`` (``data_from_workbook``)."""

from .layout import (
    MAX_COLUMNS,
    MAX_PART,
    MAX_PARTS,
    MAX_RATIO,
    MAX_ROWS,
    MAX_SHEETS,
    MAX_UNPACKED,
    TIME_LIMIT_S,
)
from .limits import check_archive
from .reader import CHECKED_COLUMNS, data_from_workbook
from .writer import FORMULA_STARTS, workbook_bytes

__all__ = [
    "CHECKED_COLUMNS",
    "FORMULA_STARTS",
    "MAX_COLUMNS",
    "MAX_PART",
    "MAX_PARTS",
    "MAX_RATIO",
    "MAX_ROWS",
    "MAX_SHEETS",
    "MAX_UNPACKED",
    "TIME_LIMIT_S",
    "check_archive",
    "data_from_workbook",
    "workbook_bytes",
]
