"""Parsing untrusted text (rule-set files, recommend input) without letting it blow up.

- YAML: aliases and anchors are refused (a 35 KB file of nested aliases expands to gigabytes),
  nesting is capped, and only plain data types are built (the safe loader).
- JSON: nesting is capped before parsing (the standard parser recurses and would exhaust the
  stack), and integers too long to convert are refused.
Every refusal is a ``TextRefused`` with a plain sentence; nothing here raises anything else."""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

MAX_DEPTH = 32
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")


class TextRefused(ValueError):
    """The text cannot be accepted; ``str()`` says why in plain words."""


def _line(mark: Any) -> str:
    return f"line {mark.line + 1}" if mark is not None else "the file"


class _StrictLoader(yaml.SafeLoader):
    max_depth = MAX_DEPTH

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent):
            raise TextRefused(
                f"{_line(event.start_mark)}: YAML aliases (*{event.anchor}) are not accepted; "
                "write the value out in full."
            )
        if getattr(event, "anchor", None):
            raise TextRefused(
                f"{_line(event.start_mark)}: YAML anchors (&{event.anchor}) are not accepted; "
                "write each value out in full."
            )
        self._depth += 1
        if self._depth > self.max_depth:
            raise TextRefused(
                f"{_line(event.start_mark)}: the data is nested more than {self.max_depth} "
                "levels deep."
            )
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def json_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in JSON text (strings ignored)."""
    depth = deepest = 0
    for match in _BRACKETS.finditer(_STRINGS.sub("", text)):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def load_json(text: str, max_depth: int = MAX_DEPTH) -> Any:
    if json_depth(text) > max_depth:
        raise TextRefused(f"the data is nested more than {max_depth} levels deep.")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise TextRefused(f"not valid JSON ({exc.msg} at line {exc.lineno}).") from None
    except (ValueError, RecursionError) as exc:  # e.g. an integer of more than 4,300 digits
        raise TextRefused(f"not acceptable JSON ({_first_line(exc)}).") from None


def load_yaml(text: str, max_depth: int = MAX_DEPTH) -> Any:
    loader = _StrictLoader(text)
    loader.max_depth = max_depth
    try:
        return loader.get_single_data()
    except TextRefused:
        raise
    except yaml.YAMLError as exc:
        raise TextRefused(f"not valid YAML ({_first_line(exc)}).") from None
    except (ValueError, RecursionError, OverflowError) as exc:
        raise TextRefused(f"not acceptable YAML ({_first_line(exc)}).") from None
    finally:
        loader.dispose()


def decode(data: bytes) -> str:
    """Bytes as UTF-8 text, or TextRefused naming the first bad byte's position."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TextRefused(f"not UTF-8 text (a bad byte at position {exc.start}).") from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
