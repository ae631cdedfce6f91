"""Plain data as YAML or JSON text and back, with the size and shape limits of a file."""

from __future__ import annotations

import json
from typing import Any

import yaml

from ..errors import RuleSetError
from ..textload import TextRefused, load_json, load_yaml

# -- text ----------------------------------------------------------------------------------------


class _NoAliasDumper(yaml.SafeDumper):
    """Writes a value shared by two places out twice: our own reader refuses aliases."""

    def ignore_aliases(self, data: Any) -> Any:
        return True


def dumps(data: dict[str, Any], fmt: str = "yaml") -> str:
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return yaml.dump(data, Dumper=_NoAliasDumper, sort_keys=False, allow_unicode=True, width=100)


MAX_FILE_BYTES = 2_000_000


def loads(text: str, fmt: str | None = None) -> Any:
    """Parse YAML or JSON (``fmt`` None: JSON when the text starts with ``{``). YAML aliases
    and anchors, deep nesting and oversized files are refused with a RuleSetError."""
    if len(text) > MAX_FILE_BYTES:
        raise RuleSetError([f"The file is larger than {MAX_FILE_BYTES // 1_000_000} MB."])
    if "\x00" in text:
        raise RuleSetError(["The file contains NUL characters; it is not a text file."])
    stripped = text.lstrip()
    if fmt is None:
        fmt = "json" if stripped.startswith("{") else "yaml"
    try:
        return load_json(text) if fmt == "json" else load_yaml(text)
    except TextRefused as exc:
        message = str(exc)
        if message.startswith("not "):
            raise RuleSetError([f"The file is {message}"]) from None
        raise RuleSetError([f"The file was refused at {message}"]) from None
