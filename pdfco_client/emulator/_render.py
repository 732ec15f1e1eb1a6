"""Write page grids (see ``_extract``) as PDF.co's output formats.

Shapes follow PDF.co's published samples: CSV quotes every field and pads rows to one width; XML is
``<document><page index="N"><row><column><text x=".." ...>value</text></column></row></page>``
with only non-empty columns; JSON (``json`` and ``json2``) is that XML as Json.NET converts it, so
attributes are ``"@name"`` keys, the text is ``"#text"``, and an element that occurs once is an
object while a repeated one is a list. XLSX has one worksheet per page named ``Page N`` (N is the
1-based page number in the source) with numbers stored as numbers and merged cells (a header
spanning columns, a label spanning rows) as merged ranges whose top-left cell holds the text.

Numbers are recognised by :func:`pdfco_client._numbers.parse_number` (shared with the client's
table reader, which reads CSV and JSON results the same way); see there what stays text.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any, Optional
from xml.sax.saxutils import escape, quoteattr

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from pdfco_client._numbers import parse_number
from pdfco_client.emulator._extract import PageGrid, TextBox

__all__ = [
    "parse_number",
    "render_csv",
    "render_html",
    "render_json",
    "render_text",
    "render_xlsx",
    "render_xml",
]


def _cell_values(grid: PageGrid) -> list[list[str]]:
    return [[cell.text if cell else "" for cell in row.cells] for row in grid.rows]


def render_xlsx(grids: Iterable[PageGrid]) -> tuple[bytes, int]:
    """An XLSX workbook with one worksheet per page; returns ``(bytes, pages_written)``."""
    # Write-only mode streams rows to disk-backed XML instead of holding a cell tree per sheet.
    workbook = Workbook(write_only=True)
    pages = 0
    for grid in grids:
        pages += 1
        sheet = workbook.create_sheet(title=f"Page {grid.index + 1}")
        for row in grid.rows:
            sheet.append([_xlsx_cell(sheet, cell) for cell in row.cells])
        for merged in merged_ranges(grid):
            sheet.merged_cells.add(merged)
    if pages == 0:
        workbook.create_sheet(title="Sheet1")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), pages


def merged_ranges(grid: PageGrid) -> list[str]:
    """A1 ranges of the page's merged cells, each covering only empty positions."""
    rows = grid.rows
    ranges: list[str] = []
    for r, row in enumerate(rows):
        for c, box in enumerate(row.cells):
            if box is None or (box.col_span == 1 and box.row_span == 1):
                continue
            last_row = min(r + box.row_span, len(rows)) - 1
            last_col = c + box.col_span - 1

            area = [(rr, cc) for rr in range(r, last_row + 1) for cc in range(c, last_col + 1)]
            free = all(
                (rr, cc) == (r, c) or cc >= len(rows[rr].cells) or rows[rr].cells[cc] is None
                for rr, cc in area
            )
            if free and rows[last_row].in_table:
                ranges.append(
                    f"{get_column_letter(c + 1)}{r + 1}:{get_column_letter(last_col + 1)}"
                    f"{last_row + 1}"
                )
    return ranges


def _xlsx_cell(sheet: Any, box: Optional[TextBox]) -> Any:
    if box is None:
        return None
    parsed = parse_number(box.text)
    if parsed is None:
        return WriteOnlyCell(sheet, value=_xlsx_safe(box.text))
    cell = WriteOnlyCell(sheet, value=parsed[0])
    cell.number_format = parsed[1]
    return cell


_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xlsx_safe(text: str) -> str:
    # Control characters are illegal in XLSX XML (openpyxl raises); PDFs do contain them.
    return _ILLEGAL_XML.sub("", text)


def render_csv(grids: Iterable[PageGrid]) -> tuple[bytes, int]:
    """All pages' rows in one CSV, every field quoted, rows padded to the widest row."""
    rows: list[list[str]] = []
    pages = 0
    for grid in grids:
        pages += 1
        rows.extend(_cell_values(grid))
    width = max((len(row) for row in rows), default=0)
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    for row in rows:
        writer.writerow(row + [""] * (width - len(row)))
    return buffer.getvalue().encode("utf-8"), pages


def _attributes(box: TextBox) -> list[tuple[str, str]]:
    attributes: list[tuple[str, str]] = []
    if box.font_name:
        attributes.append(("fontName", box.font_name))
    if box.font_size:
        attributes.append(("fontSize", f"{box.font_size:.1f}"))
    if box.bold:
        attributes.append(("fontStyle", "Bold"))
    attributes += [
        ("x", f"{box.x:.2f}"),
        ("y", f"{box.y:.2f}"),
        ("width", f"{box.width:.2f}"),
        ("height", f"{box.height:.2f}"),
    ]
    return attributes


def render_xml(grids: Iterable[PageGrid]) -> tuple[bytes, int]:
    """PDF.co's XML: pages of rows of non-empty columns, each holding a positioned ``text``."""
    parts = ['<?xml version="1.0" encoding="utf-8"?>\n<document>\n']
    pages = 0
    for grid in grids:
        pages += 1
        parts.append(f'<page index="{grid.index}">\n')
        for row in grid.rows:
            parts.append("<row>\n")
            for box in row.cells:
                if box is None:
                    continue
                attrs = "".join(f" {name}={quoteattr(value)}" for name, value in _attributes(box))
                text = escape(_xlsx_safe(box.text))
                parts.append(f"<column>\n<text{attrs}>{text}</text>\n</column>\n")
            parts.append("</row>\n")
        parts.append("</page>\n")
    parts.append("</document>\n")
    return "".join(parts).encode("utf-8"), pages


def _one_or_many(items: Sequence[Any]) -> Any:
    # Json.NET's XML conversion: one child element → object, several → array.
    return items[0] if len(items) == 1 else list(items)


def render_json(grids: Iterable[PageGrid]) -> tuple[bytes, int]:
    """The XML shape as Json.NET serialises it (PDF.co's ``json``/``json2`` output)."""
    pages: list[dict[str, Any]] = []
    for grid in grids:
        rows: list[dict[str, Any]] = []
        for row in grid.rows:
            columns = [
                {"text": {**{f"@{k}": v for k, v in _attributes(box)}, "#text": box.text}}
                for box in row.cells
                if box is not None
            ]
            rows.append({"column": _one_or_many(columns)} if columns else {})
        page: dict[str, Any] = {"@index": str(grid.index)}
        if rows:
            page["row"] = _one_or_many(rows)
        pages.append(page)
    document: dict[str, Any] = {"document": {"page": _one_or_many(pages)} if pages else None}
    body = json.dumps(document, ensure_ascii=False, indent=2)
    return body.encode("utf-8"), len(pages)


def render_html(grids: Iterable[PageGrid]) -> tuple[bytes, int]:
    """A plain HTML document with one ``<table>`` per page; every value is escaped."""
    parts = [
        '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8"/>\n'
        "<title>Converted PDF</title>\n</head>\n<body>\n"
    ]
    pages = 0
    for grid in grids:
        pages += 1
        width = max((len(row.cells) for row in grid.rows), default=1)
        parts.append(f'<table class="page" data-page-index="{grid.index}">\n')
        for row in grid.rows:
            cells = "".join(f"<td>{html.escape(value)}</td>" for value in _row_values(row.cells))
            span = width - len(row.cells)
            filler = f'<td colspan="{span}"></td>' if span > 0 else ""
            parts.append(f"<tr>{cells}{filler}</tr>\n")
        parts.append("</table>\n")
    parts.append("</body>\n</html>\n")
    return "".join(parts).encode("utf-8"), pages


def _row_values(cells: Sequence[Optional[TextBox]]) -> list[str]:
    return [_xlsx_safe(cell.text) if cell else "" for cell in cells]


def render_text(pages_text: Iterable[str]) -> tuple[bytes, int]:
    """Pages' text joined with form feeds; lines end with CRLF, as PDF.co's text output does."""
    texts = list(pages_text)
    body = "\f".join(text.replace("\n", "\r\n") for text in texts)
    return body.encode("utf-8"), len(texts)
