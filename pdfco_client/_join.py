"""Joining the results of a document converted in parts (page ranges) into one file, per format.

Each part is a complete result of PDF.co for some of the pages, in page order. How they join:

- **XLSX**: one worksheet per page, as an unsplit conversion gives: the worksheets of every part,
  in order, with their values, number formats, fonts, fills, borders, alignment, merged cells,
  column widths and row heights. This needs ``openpyxl`` (``pip install "pdfco-client[xlsx]"``):
  a workbook's styles and shared strings are tables indexed across the whole file, so splicing
  the XML of two workbooks by hand would have to renumber both; openpyxl does that and is
  well kept.
- **CSV**: the parts' rows one after the other (a part's byte-order mark dropped).
- **text** and **text-simple**: the parts' text with a form feed between parts, which is how
  PDF.co separates pages within one result.
- **JSON** (``json``, ``json2``): PDF.co's ``{"document": {"page": ...}}`` with the pages of every
  part; a part of another shape makes the result a JSON array of the parts' documents.
- **XML**: one ``<document>`` holding every part's ``<page>`` elements.
- **HTML**: one document whose body holds every part's body.

XLS (legacy Excel) cannot be joined without a reader and writer of the binary format, so it is
refused before anything is sent.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Sequence
from copy import copy
from pathlib import Path
from typing import IO, Any, Callable
from xml.etree import ElementTree

from ._exceptions import ConfigurationError, InputValidationError
from ._models import OutputFormat

__all__ = ["JOINABLE", "check_joinable", "join_parts"]

_XLSX_EXTRA = 'joining XLSX parts needs openpyxl: pip install "pdfco-client[xlsx]"'
_BODY = re.compile(rb"<body[^>]*>(.*)</body>", re.IGNORECASE | re.DOTALL)
_BODY_END = re.compile(rb"</body>", re.IGNORECASE)

Joiner = Callable[[Sequence[Path], IO[bytes]], None]


def check_joinable(fmt: OutputFormat) -> None:
    """Raise before any request if results of ``fmt`` cannot be joined here."""
    if fmt not in JOINABLE:
        raise InputValidationError(
            f"{fmt.value} results cannot be joined; convert to xlsx, csv, json, text, xml or html "
            "to split a document",
            parameter="to",
        )
    if fmt is OutputFormat.XLSX:
        _openpyxl()


def join_parts(fmt: OutputFormat, parts: Sequence[Path], out: IO[bytes]) -> None:
    """Write the join of ``parts`` (files of format ``fmt``, in page order) to ``out``."""
    JOINABLE[fmt](parts, out)


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError:
        raise ConfigurationError(_XLSX_EXTRA) from None
    return openpyxl


def _without_bom(data: bytes) -> bytes:
    return data[len(codecs.BOM_UTF8) :] if data.startswith(codecs.BOM_UTF8) else data


def _concatenate(separator: bytes, line_end: bytes) -> Joiner:
    def join(parts: Sequence[Path], out: IO[bytes]) -> None:
        previous = b""
        for index, part in enumerate(parts):
            data = part.read_bytes()  # one part: a bounded number of pages
            if index:
                data = _without_bom(data)
                if line_end and previous and not previous.endswith(b"\n"):
                    out.write(line_end)
                out.write(separator)
            out.write(data)
            previous = data or previous

    return join


def _join_json(parts: Sequence[Path], out: IO[bytes]) -> None:
    documents = [json.loads(_without_bom(part.read_bytes()) or b"null") for part in parts]
    if all(_json_pages(document) is not None for document in documents):
        pages: list[Any] = []
        for document in documents:
            pages.extend(_json_pages(document) or [])
        joined = dict(documents[0]["document"])
        # One page is an object and several a list: the shape PDF.co (Json.NET) gives.
        joined["page"] = pages[0] if len(pages) == 1 else pages
        result: Any = {**documents[0], "document": joined}
    else:
        result = documents
    out.write(json.dumps(result, ensure_ascii=False, indent=2).encode("utf-8"))


def _json_pages(document: Any) -> Any:
    if not isinstance(document, dict) or not isinstance(document.get("document"), dict):
        return None
    pages = document["document"].get("page")
    if isinstance(pages, dict):
        return [pages]
    return pages if isinstance(pages, list) else None


def _join_xml(parts: Sequence[Path], out: IO[bytes]) -> None:
    # PDF.co's XML comes from its own conversion of the user's document: parsed with the
    # standard library, which expands no external entities.
    root = ElementTree.parse(parts[0]).getroot()  # noqa: S314
    for part in parts[1:]:
        root.extend(list(ElementTree.parse(part).getroot()))  # noqa: S314
    # The declaration as PDF.co writes it (ElementTree would quote it with apostrophes).
    out.write(b'<?xml version="1.0" encoding="utf-8"?>\n')
    ElementTree.ElementTree(root).write(out, encoding="utf-8", xml_declaration=False)
    out.write(b"\n")


def _join_html(parts: Sequence[Path], out: IO[bytes]) -> None:
    first = parts[0].read_bytes()
    bodies = []
    for part in parts[1:]:
        data = _without_bom(part.read_bytes())
        match = _BODY.search(data)
        # The line break after <body> already ends the previous part's last line.
        bodies.append((match.group(1) if match else data).lstrip(b"\r\n"))
    end = _BODY_END.search(first)
    cut = end.start() if end else len(first)
    out.write(first[:cut])
    for body in bodies:
        out.write(body)
    out.write(first[cut:])


def _join_xlsx(parts: Sequence[Path], out: IO[bytes]) -> None:
    openpyxl = _openpyxl()
    joined = openpyxl.load_workbook(parts[0])
    titles = {sheet.title.lower() for sheet in joined.worksheets}
    for part in parts[1:]:
        workbook = openpyxl.load_workbook(part)
        for sheet in workbook.worksheets:
            title = _unique_title(sheet.title, titles)
            titles.add(title.lower())
            _copy_sheet(sheet, joined.create_sheet(title=title))
        workbook.close()
    joined.save(out)


def _unique_title(title: str, taken: set[str]) -> str:
    candidate, number = title, 2
    while candidate.lower() in taken:
        suffix = f" ({number})"
        candidate = title[: 31 - len(suffix)] + suffix  # Excel's limit: 31 characters
        number += 1
    return candidate


def _copy_sheet(source: Any, target: Any) -> None:
    for row in source.iter_rows():
        for cell in row:
            if cell.value is None and not cell.has_style:
                continue
            copied = target.cell(row=cell.row, column=cell.column, value=cell.value)
            if cell.has_style:
                copied.number_format = cell.number_format
                copied.font = copy(cell.font)
                copied.fill = copy(cell.fill)
                copied.border = copy(cell.border)
                copied.alignment = copy(cell.alignment)
                copied.protection = copy(cell.protection)
    for merged in source.merged_cells.ranges:
        target.merge_cells(str(merged))
    for key, dimension in source.column_dimensions.items():
        if dimension.width:
            target.column_dimensions[key].width = dimension.width
    for index, dimension in source.row_dimensions.items():
        if dimension.height:
            target.row_dimensions[index].height = dimension.height
    target.freeze_panes = source.freeze_panes


JOINABLE: dict[OutputFormat, Joiner] = {
    OutputFormat.XLSX: _join_xlsx,
    OutputFormat.CSV: _concatenate(b"", b"\r\n"),
    OutputFormat.TEXT: _concatenate(b"\f", b""),
    OutputFormat.TEXT_SIMPLE: _concatenate(b"\f", b""),
    OutputFormat.JSON: _join_json,
    OutputFormat.JSON2: _join_json,
    OutputFormat.XML: _join_xml,
    OutputFormat.HTML: _join_html,
}
