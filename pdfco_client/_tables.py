"""The tables of a conversion result as data: rows of cells per page, numbers as numbers.

:func:`read_tables` reads a CSV, JSON or XLSX result (a path or its bytes) into
:class:`PageTable` s; ``ConversionResult.tables()`` does the same for a result written to disk.
With the ``pandas`` extra, :meth:`PageTable.to_dataframe` and :func:`to_dataframes` give
DataFrames; pandas is imported only then, never by the core.

XLSX is read with the standard library (``zipfile`` and ``xml.etree``), not openpyxl, so the core
keeps its three dependencies: a result workbook is simple (PDF.co's and the emulator's hold
values, no formulas or charts that would need a full reader), and what it uses is covered here:
shared strings, inline strings, numbers, booleans, formula results cached as values, and merged
ranges. A part that declares a DTD is refused (no workbook needs one, and that rules out entity
expansion), and a part may not unpack past :data:`MAX_TABLE_BYTES` (no zip bomb).

CSV has one table for the whole document (PDF.co's CSV has no page breaks): its ``page`` is
``None``. In JSON, PDF.co lists only the non-empty cells of a row, so a row's cells come without
their empty neighbours.
"""

from __future__ import annotations

import csv
import io
import json
import os
import posixpath
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Optional, Union
from xml.etree import ElementTree

from ._exceptions import InputValidationError
from ._numbers import parse_number

if TYPE_CHECKING:  # pragma: no cover - typing only
    import pandas

__all__ = [
    "CellRange",
    "CellValue",
    "PageTable",
    "read_tables",
    "to_dataframes",
]

CellValue = Union[str, int, float, bool, None]
"""One cell: text, a number (parsed from its printed form), a boolean, or ``None`` (empty)."""

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_PAGE_SHEET = re.compile(r"^Page (\d+)$")
_CELL_REF = re.compile(r"^([A-Z]+)(\d+)$")
# A result bigger than this is not read into memory as a table (a safety bound, not a format
# limit: PDF.co's documents convert to far smaller workbooks).
MAX_TABLE_BYTES = 512 * 1024 * 1024


class CellRange(NamedTuple):
    """A merged range, 0-based and inclusive: its text is in ``(first_row, first_column)``."""

    first_row: int
    first_column: int
    last_row: int
    last_column: int


@dataclass(frozen=True)
class PageTable:
    """The rows of one page of a result (or of the whole document, for CSV).

    ``rows`` are padded to one width with ``None``; ``merged`` lists merged ranges (XLSX only).
    """

    page: Optional[int]
    """0-based page of the source PDF (``None`` when the format does not say, as for CSV)."""
    rows: tuple[tuple[CellValue, ...], ...]
    """Rows of cells, top to bottom; numbers are ``int`` or ``float``."""
    merged: tuple[CellRange, ...] = ()
    """Merged cells: a header spanning columns, a label spanning rows."""

    @property
    def width(self) -> int:
        """The number of columns."""
        return max((len(row) for row in self.rows), default=0)

    def to_dataframe(self, *, header: bool = False) -> pandas.DataFrame:
        """The rows as a ``pandas.DataFrame`` (needs ``pip install 'pdfco-client[pandas]'``).

        ``header=True`` takes the first row as the column names.
        """
        pd = _pandas()
        rows = [list(row) for row in self.rows]
        if header and rows:
            names = [
                str(value) if value is not None else f"column {index + 1}"
                for index, value in enumerate(rows[0])
            ]
            return pd.DataFrame(rows[1:], columns=names)
        return pd.DataFrame(rows)


def to_dataframes(tables: Sequence[PageTable], *, header: bool = False) -> list[pandas.DataFrame]:
    """One DataFrame per table (see :meth:`PageTable.to_dataframe`)."""
    return [table.to_dataframe(header=header) for table in tables]


def _pandas() -> Any:
    try:
        import pandas as pd
    except ImportError as exc:
        raise ImportError(
            "to_dataframe() needs pandas: pip install 'pdfco-client[pandas]'"
        ) from exc
    return pd


def read_tables(
    source: Union[str, os.PathLike[str], bytes], *, format: Optional[str] = None
) -> list[PageTable]:
    """The tables of a CSV, JSON or XLSX result, one :class:`PageTable` per page.

    ``source`` is a path or the file's bytes. ``format`` (``"csv"``, ``"json"``, ``"xlsx"``) is
    taken from the file name's extension or from the content when not given. Raises
    :class:`InputValidationError` for a missing file or content that is not such a result.
    """
    name = ""
    if isinstance(source, (bytes, bytearray)):
        data = bytes(source)
    else:
        path = Path(source)
        name = path.name
        try:
            if path.stat().st_size > MAX_TABLE_BYTES:
                raise InputValidationError(
                    f"{path} is larger than {MAX_TABLE_BYTES} bytes", parameter="source"
                )
            data = path.read_bytes()
        except OSError as exc:
            raise InputValidationError(f"cannot read {path}: {exc}", parameter="source") from exc
    kind = (format or _guess_format(name, data)).lower()
    reader = {"xlsx": _read_xlsx, "csv": _read_csv, "json": _read_json, "json2": _read_json}
    if kind not in reader:
        raise InputValidationError(
            f"cannot read tables from {kind!r}: expected csv, json or xlsx", parameter="format"
        )
    try:
        return reader[kind](data)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, ValueError) as exc:
        if isinstance(exc, InputValidationError):
            raise
        raise InputValidationError(
            f"not a readable {kind} result ({type(exc).__name__}: {exc})", parameter="source"
        ) from exc


def _guess_format(name: str, data: bytes) -> str:
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension in ("csv", "json", "xlsx"):
        return extension
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        return "json"
    return "csv"


def _value(text: str) -> CellValue:
    stripped = text.strip()
    if not stripped:
        return None
    parsed = parse_number(stripped)
    return parsed[0] if parsed is not None else text


def _padded(rows: Sequence[Sequence[CellValue]]) -> tuple[tuple[CellValue, ...], ...]:
    width = max((len(row) for row in rows), default=0)
    return tuple(tuple(row) + (None,) * (width - len(row)) for row in rows)


def _read_csv(data: bytes) -> list[PageTable]:
    text = data.decode("utf-8-sig")
    rows = [[_value(field) for field in row] for row in csv.reader(io.StringIO(text))]
    return [PageTable(page=None, rows=_padded(rows))]


def _listed(value: Any) -> list[Any]:
    # Json.NET's XML conversion: one child element is an object, several are a list.
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _read_json(data: bytes) -> list[PageTable]:
    document = json.loads(data.decode("utf-8-sig"))
    if not isinstance(document, dict) or "document" not in document:
        raise ValueError("no 'document' object: not PDF.co's JSON")
    body = document["document"] or {}
    tables = []
    for position, page in enumerate(_listed(body.get("page") if isinstance(body, dict) else None)):
        if not isinstance(page, dict):
            continue
        index = page.get("@index")
        rows = []
        for row in _listed(page.get("row")):
            cells = []
            for column in _listed(row.get("column") if isinstance(row, dict) else None):
                text = column.get("text") if isinstance(column, dict) else column
                if isinstance(text, dict):
                    text = text.get("#text", "")
                cells.append(_value(str(text or "")))
            rows.append(cells)
        page_number = int(index) if isinstance(index, (int, str)) and str(index).isdigit() else None
        tables.append(
            PageTable(page=page_number if page_number is not None else position, rows=_padded(rows))
        )
    return tables


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + (ord(letter) - ord("A") + 1)
    return index - 1


def _cell_position(reference: str) -> tuple[int, int]:
    match = _CELL_REF.match(reference.replace("$", "").upper())
    if match is None:
        raise ValueError(f"bad cell reference {reference!r}")
    return int(match.group(2)) - 1, _column_index(match.group(1))


def _text_of(element: Optional[ElementTree.Element]) -> str:
    # A rich-text string is several <r><t> runs; a plain one a single <t>.
    if element is None:
        return ""
    return "".join(node.text or "" for node in element.iter(f"{_MAIN}t"))


def _read_xlsx(data: bytes) -> list[PageTable]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        shared: list[str] = []
        if "xl/sharedStrings.xml" in names:
            root = _parse(archive, "xl/sharedStrings.xml")
            shared = [_text_of(item) for item in root.iter(f"{_MAIN}si")]
        return [
            _read_sheet(_parse(archive, path), shared, sheet_name, position)
            for position, (sheet_name, path) in enumerate(_sheets(archive, names))
        ]


def _parse(archive: zipfile.ZipFile, name: str) -> ElementTree.Element:
    """One XML part, refused when it declares a DTD or unpacks to more than the size bound.

    A workbook never needs a DTD, so refusing one rules out entity tricks (expat resolves no
    external entity anyway); the size bound rules out a zip bomb.
    """
    if archive.getinfo(name).file_size > MAX_TABLE_BYTES:
        raise ValueError(f"{name} unpacks to more than {MAX_TABLE_BYTES} bytes")
    data = archive.read(name)
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise ValueError(f"{name} declares a DTD, which no workbook needs")
    # The DTD check above is what defusedxml would add; the core keeps its three dependencies.
    return ElementTree.fromstring(data)  # noqa: S314


def _sheets(archive: zipfile.ZipFile, names: set[str]) -> Iterator[tuple[str, str]]:
    """``(sheet name, part path)`` in workbook order."""
    workbook = _parse(archive, "xl/workbook.xml")
    targets: dict[str, str] = {}
    if "xl/_rels/workbook.xml.rels" in names:
        rels = _parse(archive, "xl/_rels/workbook.xml.rels")
        for rel in rels.iter(f"{_PKG_REL}Relationship"):
            target = rel.get("Target", "")
            # Targets are relative to xl/ or absolute within the package.
            path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            targets[rel.get("Id", "")] = posixpath.normpath(path)
    for position, sheet in enumerate(workbook.iter(f"{_MAIN}sheet")):
        path = targets.get(sheet.get(f"{_REL}id", ""), f"xl/worksheets/sheet{position + 1}.xml")
        yield sheet.get("name", f"Sheet{position + 1}"), path


def _read_sheet(
    root: ElementTree.Element, shared: Sequence[str], name: str, position: int
) -> PageTable:
    cells: dict[tuple[int, int], CellValue] = {}
    for cell in root.iter(f"{_MAIN}c"):
        reference = cell.get("r")
        if reference is None:
            continue
        row, column = _cell_position(reference)
        kind = cell.get("t", "n")
        raw = cell.find(f"{_MAIN}v")
        value: CellValue
        if kind == "inlineStr":
            value = _text_of(cell.find(f"{_MAIN}is"))
        elif raw is None or raw.text is None:
            continue
        elif kind == "s":
            value = shared[int(raw.text)]
        elif kind == "b":
            value = raw.text.strip() == "1"
        elif kind in ("str", "e"):
            value = raw.text
        else:
            number = raw.text.strip()
            value = float(number) if any(ch in number for ch in ".eE") else int(number)
        if value is not None and value != "":
            cells[(row, column)] = value
    merged = tuple(
        CellRange(*_cell_position(first), *_cell_position(last or first))
        for element in root.iter(f"{_MAIN}mergeCell")
        for first, _, last in [element.get("ref", "").partition(":")]
        if first
    )
    height = max((row for row, _ in cells), default=-1) + 1
    width = max((column for _, column in cells), default=-1) + 1
    rows = [[cells.get((r, c)) for c in range(width)] for r in range(height)]
    match = _PAGE_SHEET.match(name)
    page = int(match.group(1)) - 1 if match else position
    return PageTable(page=page, rows=_padded(rows), merged=merged)
