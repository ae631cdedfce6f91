"""Imports inside functions hide dependencies from the import contracts' readers and can hide
an import circle; the house rule is that each one says why. This check lists every import
inside a function (application code, not migrations or tests) that has no comment on its own
line or in the lines just above it, and fails when there is one."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "accounts",
    "audit",
    "config",
    "demo",
    "engine",
    "intake",
    "placement",
    "portal",
    "rulesets",
)


def _has_reason(lines: list[str], node: ast.stmt) -> bool:
    if "#" in lines[node.lineno - 1]:
        return True
    # A comment just above (possibly above a run of imports that share it).
    i = node.lineno - 2
    while i >= 0:
        text = lines[i].strip()
        if text.startswith("#"):
            return True
        if text and not (text.startswith(("from ", "import ")) or text.endswith(("(", ",", ")"))):
            return False
        i -= 1
    return False


def unexplained(path: Path) -> list[int]:
    source = path.read_text()
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom) and not _has_reason(lines, inner):
                    found.append(inner.lineno)
    return sorted(set(found))


def main() -> int:
    bad = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            bad.extend(f"{path.relative_to(ROOT)}:{line}" for line in unexplained(path))
    for where in bad:
        print(f"{where}: import inside a function without a comment saying why")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
