"""Bounds checked before a spreadsheet is parsed: unpacked size, compression ratio, parts and
sheets (a hostile file is refused naming the limit, before openpyxl reads anything)."""

from __future__ import annotations

import io
import zipfile
from xml.etree.ElementTree import ParseError

from defusedxml.ElementTree import fromstring, iterparse

from engine import RuleSetError

from .layout import MAX_PART, MAX_PARTS, MAX_RATIO, MAX_SHEETS, MAX_UNPACKED, _shown


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
