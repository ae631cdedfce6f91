"""A rule set as plain data (dicts and lists) and as YAML or JSON text.

The same shape is used for export/import files, for the default rule set shipped with the app,
and between the Django rows and the engine. ``to_data(from_data(d)) == d`` for any valid ``d``,
and ``dumps`` is deterministic, so export -> import -> export is byte-identical.

The package: ``shape`` (the format's name and kinds), ``reading`` (data to the engine's
model, every problem named), ``writing`` (the model back to data) and ``text`` (YAML and JSON)."""

from .reading import (
    MAX_INT,
    MAX_ITEMS,
    MAX_SMALL_INT,
    MAX_TEXT,
    _Reader,
    condition_from_data,
    from_data,
)
from .shape import FORMAT, RULE_KINDS, VERIFY_KEYS
from .text import MAX_FILE_BYTES, dumps, loads
from .writing import (
    LEVEL_FIELDS,
    carry_over_data,
    condition_to_data,
    flag_data,
    level_data,
    modifier_data,
    to_data,
)

__all__ = [
    "FORMAT",
    "LEVEL_FIELDS",
    "MAX_FILE_BYTES",
    "MAX_INT",
    "MAX_ITEMS",
    "MAX_SMALL_INT",
    "MAX_TEXT",
    "RULE_KINDS",
    "VERIFY_KEYS",
    "_Reader",
    "carry_over_data",
    "condition_from_data",
    "condition_to_data",
    "dumps",
    "flag_data",
    "from_data",
    "level_data",
    "loads",
    "modifier_data",
    "to_data",
]
