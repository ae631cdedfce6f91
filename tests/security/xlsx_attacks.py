"""Hostile spreadsheets built from a real export: parts swapped or added inside the zip archive,
as an attacker would with a text editor and a zip tool."""

from __future__ import annotations

import io
import random
import zipfile

from rulesets.models import RuleSet
from rulesets.rows import rule_set_to_data
from rulesets.spreadsheet import workbook_bytes

HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def exported(name: str = "asam3-default") -> bytes:
    return workbook_bytes(rule_set_to_data(RuleSet.objects.get(name=name, status="published")))


def sheet_part(raw: bytes, title: str) -> str:
    """The zip part that holds the sheet called ``title``."""
    import re

    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        workbook = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(rf'<sheet [^>]*name="{re.escape(title)}"[^>]*r:id="([^"]+)"', workbook)
    assert rid, title
    target = re.search(rf'Id="{rid.group(1)}"[^>]*Target="([^"]+)"', rels) or re.search(
        rf'Target="([^"]+)"[^>]*Id="{rid.group(1)}"', rels
    )
    path = target.group(1).lstrip("/")
    return path if path.startswith("xl/") else f"xl/{path}"


def with_parts(raw: bytes, parts: dict[str, bytes], level: int = 9) -> bytes:
    """The archive with ``parts`` replaced (or added)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as dst,
    ):
        for info in src.infolist():
            if info.filename not in parts:
                dst.writestr(info.filename, src.read(info.filename))
        for name, content in parts.items():
            dst.writestr(name, content)
    return out.getvalue()


def padded_sheet(size: int) -> bytes:
    """A sheet of ``size`` bytes that is almost all blanks: it compresses a thousand times."""
    tail = b"<sheetData/></worksheet>"
    return HEAD + b" " * (size - len(HEAD) - len(tail)) + tail


def noisy_part(size: int, seed: int) -> bytes:
    """``size`` bytes of two-letter noise: compressed only about eight times, like real XML."""
    table = bytes(b"ab"[i & 1] for i in range(256))
    return random.Random(seed).randbytes(size).translate(table)


def far_corner_sheet(rows: int) -> bytes:
    """A sheet that claims the whole grid (A1:XFD1048576) and puts a cell in its last column
    on every one of ``rows`` rows, and one in its last row."""
    body = [HEAD, b'<dimension ref="A1:XFD1048576"/><sheetData>']
    for r in range(1, rows + 1):
        body.append(
            f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>x</t></is></c>'
            f'<c r="XFD{r}" t="inlineStr"><is><t>far</t></is></c></row>'.encode()
        )
    body.append(b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    body.append(b"</sheetData></worksheet>")
    return b"".join(body)


def broken_cells_sheet(cell: bytes) -> bytes:
    return (
        HEAD
        + b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Code</t></is></c></row>'
        + b'<row r="2">'
        + cell
        + b"</row></sheetData></worksheet>"
    )
