"""The result files the mock serves are valid files holding ``RESULT_TABLE``."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET

import openpyxl
import pytest

from pdfco_client.testing import RESULT_TABLE
from pdfco_client.testing._results import RESULT_MEDIA_TYPES, result_bytes
from tests.testing.build_result_files import TARGET, build

ROWS = [list(row) for row in RESULT_TABLE]


def _cells(data: bytes) -> list[list[object]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_the_shipped_workbook_is_what_the_script_builds() -> None:
    assert _cells(TARGET.read_bytes()) == _cells(build()) == ROWS
    assert result_bytes("xlsx") == result_bytes("xls") == TARGET.read_bytes()


def test_every_format_has_a_result() -> None:
    for fmt in RESULT_MEDIA_TYPES:
        assert result_bytes(fmt)
    with pytest.raises(KeyError):
        result_bytes("docx")


def test_the_text_formats_parse() -> None:
    document = json.loads(result_bytes("json2"))
    assert len(document["document"]["page"][0]["row"]) == len(ROWS)
    root = ET.fromstring(result_bytes("xml"))  # noqa: S314
    assert [t.text for t in root.iter("text")][: len(ROWS[0])] == ROWS[0]
    assert result_bytes("html").count(b"<tr>") == len(ROWS)
    assert result_bytes("text").decode().split()[:6] == ROWS[0]
