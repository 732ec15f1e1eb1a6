"""The small, valid result files the mock serves for each output format.

Every format holds the same table (:data:`RESULT_TABLE`), so a test can check what it parsed.
The XLSX workbook is a file shipped with the package (built once with openpyxl by
``tests/testing/build_result_files.py``), so the mock needs neither openpyxl nor the emulator.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from importlib import resources
from typing import Any

from pdfco_client._models import OutputFormat

__all__ = ["RESULT_MEDIA_TYPES", "RESULT_TABLE", "XLSX_FILE_NAME", "result_bytes"]

#: The cells of every result the mock produces: a header row, then one row per region.
RESULT_TABLE: tuple[tuple[str, ...], ...] = (
    ("Region", "Q1", "Q2", "Q3", "Q4", "Total"),
    ("North America", "1,204,500", "1,310,250", "1,288,900", "1,455,010", "5,258,660"),
    ("Europe", "986,300", "1,002,750", "954,120", "1,120,400", "4,063,570"),
    ("Asia Pacific", "742,180", "801,900", "866,455", "930,010", "3,340,545"),
)

XLSX_FILE_NAME = "result.xlsx"

#: Media type and file extension of each format's result. The mock has no legacy-XLS writer: for
#: ``xls`` it serves the same workbook, in the XLSX format.
RESULT_MEDIA_TYPES: Mapping[str, tuple[str, str]] = {
    fmt.value: (
        OutputFormat.XLSX.media_type if fmt is OutputFormat.XLS else fmt.media_type,
        fmt.extension,
    )
    for fmt in OutputFormat
}


def _csv() -> bytes:
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(RESULT_TABLE)
    return out.getvalue().encode("utf-8")


def _json_document() -> dict[str, Any]:
    # The shape of PDF.co's json2: document > page[] > row[] > column[] > text.
    rows = [{"column": [{"text": {"#text": cell}} for cell in row]} for row in RESULT_TABLE]
    return {"document": {"page": [{"@index": "0", "row": rows}]}}


def _text() -> bytes:
    widths = [max(len(row[i]) for row in RESULT_TABLE) for i in range(len(RESULT_TABLE[0]))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in RESULT_TABLE
    ]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _html() -> bytes:
    rows = "\n".join(
        "<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in RESULT_TABLE
    )
    page = (
        '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8"/>\n<title>Converted PDF</title>\n'
        f'</head>\n<body>\n<table class="page" data-page-index="0">\n{rows}\n</table>\n'
        "</body>\n</html>\n"
    )
    return page.encode("utf-8")


def _xml() -> bytes:
    rows = "\n".join(
        "<row>" + "".join(f"<column><text>{cell}</text></column>" for cell in row) + "</row>"
        for row in RESULT_TABLE
    )
    doc = (
        '<?xml version="1.0" encoding="utf-8"?>\n<document>\n<page index="0">\n'
        f"{rows}\n</page>\n</document>\n"
    )
    return doc.encode("utf-8")


def _xlsx() -> bytes:
    return (
        resources.files("pdfco_client.testing")
        .joinpath("_data")
        .joinpath(XLSX_FILE_NAME)
        .read_bytes()
    )


def result_bytes(fmt: str) -> bytes:
    """The result file the mock serves for ``fmt`` (a key of :data:`RESULT_MEDIA_TYPES`)."""
    if fmt in ("xlsx", "xls"):
        return _xlsx()
    if fmt == "csv":
        return _csv()
    if fmt in ("json", "json2"):
        return json.dumps(_json_document(), indent=2).encode("utf-8")
    if fmt in ("text", "text-simple"):
        return _text()
    if fmt == "html":
        return _html()
    if fmt == "xml":
        return _xml()
    raise KeyError(fmt)
