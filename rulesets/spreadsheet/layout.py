"""The workbook's layout, shared by the writer and the reader: the sheets, their columns in plain
names, the words for condition kinds and operators, and the limits a file must stay within."""

from __future__ import annotations

from typing import Any

from engine import ANSWER_OP_LABELS

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


def _shown(value, size: int = 40) -> str:
    text = str(value)
    return text if len(text) <= size else text[:size] + "..."


def _tracks(data: dict) -> list[str]:
    seen: dict[str, None] = {}
    for lv in data.get("levels", []):
        seen.setdefault(lv["track"], None)
    return list(seen)
