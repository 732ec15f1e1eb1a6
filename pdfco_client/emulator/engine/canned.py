"""The canned engine: small valid result files holding one fixed table, from the stdlib alone.

Every conversion returns :data:`RESULT_TABLE` in the requested format, in the shapes the real
engine writes (``_render``): CSV with every field quoted, PDF.co's XML and its Json.NET JSON
(positioned ``text`` elements, one page as an object), HTML tables, CRLF text, and an XLSX
workbook with one sheet ``Page 1`` where amounts are numbers (``1204500`` shown as
``1,204,500``), as the real engine stores them. The workbook is written with ``zipfile``, so the
in-process mock needs neither openpyxl nor pdfplumber.

Inputs are checked the cheap way: something that is not a PDF (or PNG/JPG, which PDF.co also
converts) answers 442; pages are counted as ``/Type /Page`` objects (or fixed by ``page_count``)
and a ``pages`` range outside them answers 449.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import zipfile
from typing import Any, Optional, Union
from xml.sax.saxutils import escape, quoteattr

from pdfco_client._models import OutputFormat
from pdfco_client._pages import PageRangeSyntaxError, resolve_page_range

from . import Engine, EngineError, Product, Task, pdfco_info

__all__ = ["RESULT_TABLE", "canned_engine", "canned_result"]

#: The printed cells of every canned result: a header row, then one row per region.
RESULT_TABLE: tuple[tuple[str, ...], ...] = (
    ("Region", "Q1", "Q2", "Q3", "Q4", "Total"),
    ("North America", "1,204,500", "1,310,250", "1,288,900", "1,455,010", "5,258,660"),
    ("Europe", "986,300", "1,002,750", "954,120", "1,120,400", "4,063,570"),
    ("Asia Pacific", "742,180", "801,900", "866,455", "930,010", "3,340,545"),
)

_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
_AMOUNT = re.compile(r"^\d{1,3}(?:,\d{3})*$")
_ZIP_TIME = (2024, 1, 1, 0, 0, 0)  # fixed, so the same table gives the same bytes


def _value(cell: str) -> Union[int, str]:
    return int(cell.replace(",", "")) if _AMOUNT.match(cell) else cell


def _box(row: int, column: int) -> list[tuple[str, str]]:
    # Where the cell would sit on a letter page: the real engine's positional attributes.
    x, y = 36 + 90 * column, 72 + 18 * row
    return [("x", f"{x:.2f}"), ("y", f"{y:.2f}"), ("width", "80.00"), ("height", "12.00")]


def _csv() -> bytes:
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(RESULT_TABLE)
    return out.getvalue().encode("utf-8")


def _json() -> bytes:
    rows = [
        {
            "column": [
                {"text": {**{f"@{k}": v for k, v in _box(r, c)}, "#text": cell}}
                for c, cell in enumerate(row)
            ]
        }
        for r, row in enumerate(RESULT_TABLE)
    ]
    document = {"document": {"page": {"@index": "0", "row": rows}}}
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def _xml() -> bytes:
    parts = ['<?xml version="1.0" encoding="utf-8"?>\n<document>\n<page index="0">\n']
    for r, row in enumerate(RESULT_TABLE):
        parts.append("<row>\n")
        for c, cell in enumerate(row):
            attrs = "".join(f" {name}={quoteattr(value)}" for name, value in _box(r, c))
            parts.append(f"<column>\n<text{attrs}>{escape(cell)}</text>\n</column>\n")
        parts.append("</row>\n")
    parts.append("</page>\n</document>\n")
    return "".join(parts).encode("utf-8")


def _html() -> bytes:
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>\n"
        for row in RESULT_TABLE
    )
    return (
        '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8"/>\n<title>Converted PDF</title>\n'
        f'</head>\n<body>\n<table class="page" data-page-index="0">\n{rows}</table>\n'
        "</body>\n</html>\n"
    ).encode()


def _text() -> bytes:
    widths = [max(len(row[i]) for row in RESULT_TABLE) for i in range(len(RESULT_TABLE[0]))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in RESULT_TABLE
    ]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def _sheet_xml() -> str:
    rows = []
    for r, row in enumerate(RESULT_TABLE, start=1):
        cells = []
        for c, cell in enumerate(row):
            ref = f"{chr(ord('A') + c)}{r}"
            value = _value(cell)
            if isinstance(value, int):  # style 1: number format 3, "#,##0", as printed
                cells.append(f'<c r="{ref}" s="1"><v>{value}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>')
        rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    return f'<worksheet xmlns="{_MAIN}"><sheetData>{"".join(rows)}</sheetData></worksheet>'


def _xlsx() -> bytes:
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPE}.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            f'ContentType="{_TYPE}.worksheet+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{_TYPE}.styles+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" '
            f'Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC}"><sheets>'
            '<sheet name="Page 1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{_RELS}">'
            f'<Relationship Id="rId1" Type="{_DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{_DOC}/styles" Target="styles.xml"/></Relationships>'
        ),
        "xl/styles.xml": (
            f'<styleSheet xmlns="{_MAIN}"><fonts count="1"><font><sz val="11"/>'
            '<name val="Calibri"/></font></fonts><fills count="2"><fill>'
            '<patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
            '</fill></fills><borders count="1"><border><left/><right/><top/><bottom/>'
            '<diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" '
            'fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2">'
            '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            '<xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" '
            'applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" '
            'xfId="0" builtinId="0"/></cellStyles></styleSheet>'
        ),
        "xl/worksheets/sheet1.xml": _sheet_xml(),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, xml in parts.items():
            entry = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, '<?xml version="1.0" encoding="UTF-8"?>\n' + xml)
    return buffer.getvalue()


_WRITERS = {
    "xlsx": _xlsx,
    "xls": _xlsx,  # no legacy-Excel writer, as in the real engine: the XLSX workbook
    "csv": _csv,
    "json": _json,
    "json2": _json,
    "text": _text,
    "text-simple": _text,
    "html": _html,
    "xml": _xml,
}


def canned_result(fmt: str) -> bytes:
    """The canned result file for the output format ``fmt`` (``xlsx``, ``csv``, ...)."""
    try:
        return _WRITERS[fmt]()
    except KeyError:
        raise KeyError(fmt) from None


def _page_total(task: Task, page_count: Optional[int]) -> int:
    data = task.source
    if b"%PDF-" not in data[:1024] and not data.startswith((b"\x89PNG", b"\xff\xd8\xff")):
        raise EngineError(442, "the file is damaged or not a valid PDF")
    return page_count or len(_PAGE_OBJECT.findall(data)) or 1


def _selected_pages(task: Task, page_count: Optional[int]) -> int:
    total = _page_total(task, page_count)
    pages = task.params.get_str("pages")
    if pages is None or not pages.strip():
        return total
    try:
        return len(resolve_page_range(pages, total))
    except PageRangeSyntaxError as exc:
        raise EngineError(449, f"invalid page index: {exc} (the first page is 0)") from exc


def canned_engine(page_count: Optional[int] = None) -> Engine:
    """The canned engine; ``page_count`` fixes the pages of every input (else they are counted)."""

    def convert(task: Task) -> Product:
        pages = _selected_pages(task, page_count)
        output = OutputFormat(task.fmt)
        return Product(canned_result(output.value), output.media_type, output.extension, pages)

    def info(task: Task) -> Product:
        pages = _page_total(task, page_count)
        found: dict[str, Any] = pdfco_info(
            page_count=pages,
            width=612,
            height=792,
            encrypted=b"/Encrypt" in task.source,
            producer="pdfco_client canned engine",
        )
        return Product(
            json.dumps({"info": found}).encode(), "application/json", "json", pages, found
        )

    return {"convert": convert, "info": info}
