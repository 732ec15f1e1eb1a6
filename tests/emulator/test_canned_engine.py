"""The canned engine: valid files of every format, in the real engine's shapes and cell types."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from typing import Any

import openpyxl
import pytest

from pdfco_client.emulator.engine import EngineError, Task, load_engine
from pdfco_client.emulator.engine.canned import RESULT_TABLE, canned_result
from pdfco_client.emulator.model import CONVERSIONS
from pdfco_client.emulator.model._params import Params
from tests.pdf_factory import NOT_A_PDF, make_large_pdf, make_table_pdf

ROWS = [list(row) for row in RESULT_TABLE]
CANNED = load_engine("canned")


def _cells(data: bytes) -> tuple[str, list[list[tuple[Any, str]]]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    return sheet.title, [[(c.value, c.number_format) for c in row] for row in sheet.iter_rows()]


def _task(source: bytes, fmt: str = "csv", **params: str) -> Task:
    return Task(source, "in.pdf", Params(params), fmt)


def test_the_workbook_has_the_real_engines_cells_and_number_formats() -> None:
    # The same table, printed in a PDF and converted for real: numbers are numbers in both.
    real = load_engine("real")["convert"](_task(make_table_pdf(ROWS), "xlsx"))
    assert _cells(canned_result("xlsx")) == _cells(real.content)
    title, cells = _cells(canned_result("xlsx"))
    assert title == "Page 1"
    assert cells[1][1] == (1204500, "#,##0")
    assert canned_result("xlsx") == canned_result("xlsx")  # deterministic bytes


def test_the_text_formats_parse_and_hold_the_table() -> None:
    assert list(csv.reader(io.StringIO(canned_result("csv").decode()))) == ROWS
    page = json.loads(canned_result("json2"))["document"]["page"]
    assert page["@index"] == "0"  # one page is an object, as Json.NET writes it
    assert [[c["text"]["#text"] for c in row["column"]] for row in page["row"]] == ROWS
    assert {"@x", "@y", "@width", "@height"} <= set(page["row"][0]["column"][0]["text"])
    root = ET.fromstring(canned_result("xml"))  # noqa: S314
    assert [t.text for t in root.iter("text")][: len(ROWS[0])] == ROWS[0]
    assert canned_result("html").count(b"<tr>") == len(ROWS)
    assert canned_result("text").decode().split()[:6] == ROWS[0]


def test_every_conversion_has_a_result() -> None:
    for fmt in CONVERSIONS:
        product = CANNED["convert"](_task(b"%PDF-1.7\n", fmt))
        assert product.content == canned_result(fmt)
    with pytest.raises(KeyError):
        canned_result("docx")


@pytest.mark.parametrize(
    ("pages", "expected"), [(None, 4), ("0", 1), ("1-", 3), ("!0", 1), ("0,2-3", 3)]
)
def test_pages_are_counted_and_selected(pages: str, expected: int) -> None:
    options = {} if pages is None else {"pages": pages}
    assert CANNED["convert"](_task(make_large_pdf(4), **options)).page_count == expected


def test_bad_inputs_get_pdfcos_codes() -> None:
    with pytest.raises(EngineError) as caught:
        CANNED["convert"](_task(NOT_A_PDF))
    assert caught.value.code == 442
    with pytest.raises(EngineError) as caught:
        CANNED["convert"](_task(make_large_pdf(2), pages="5"))
    assert caught.value.code == 449
    assert load_engine("canned", page_count=7)["convert"](_task(b"%PDF-")).page_count == 7


def test_info_is_in_pdfcos_documented_format() -> None:
    info = CANNED["info"](_task(make_large_pdf(3))).info
    assert info is not None
    assert info["PageCount"] == 3
    assert info["PageRectangle"]["Size"] == "612, 792"
    assert info["EncryptionAlgorithm"] == 0
    assert (info["Encrypted"], info["PermissionPrinting"]) == (False, True)


def test_an_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="canned, real"):
        load_engine("magic")
