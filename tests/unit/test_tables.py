"""Reading a result's tables: XLSX (shared and inline strings, merged ranges), CSV, JSON, errors."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from pdfco_client import (
    CellRange,
    ConversionResult,
    InputValidationError,
    OutputFormat,
    PageTable,
    read_tables,
    to_dataframes,
)


def _workbook(write_only: bool) -> bytes:
    # openpyxl's normal mode writes shared strings, its write-only mode inline strings.
    workbook = Workbook(write_only=write_only)
    if not write_only:
        workbook.remove(workbook.active)
    first = workbook.create_sheet("Page 1")
    first.append(["Region", "Sales 2024", None])
    first.append(["North", 1505, 2.5])
    first.append([None, None, True])
    first.merged_cells.add("B1:C1")
    third = workbook.create_sheet("Page 3")
    third.append(["only", -7])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("write_only", [True, False], ids=["inline-strings", "shared-strings"])
def test_xlsx_pages_rows_numbers_and_merged_ranges(write_only: bool) -> None:
    tables = read_tables(_workbook(write_only))
    assert [table.page for table in tables] == [0, 2]
    assert tables[0].rows == (
        ("Region", "Sales 2024", None),
        ("North", 1505, 2.5),
        (None, None, True),
    )
    assert isinstance(tables[0].rows[1][1], int)
    assert tables[0].merged == (CellRange(0, 1, 0, 2),)
    assert tables[1].rows == (("only", -7),)
    assert tables[0].width == 3


def test_csv_numbers_are_parsed_and_rows_padded() -> None:
    data = b'"Item","Qty","Price"\r\n"Bolts","1,200","$4,700.00"\r\n"Nuts","00123"\r\n'
    (table,) = read_tables(data)
    assert table.page is None
    assert table.rows == (
        ("Item", "Qty", "Price"),
        ("Bolts", 1200, 4700),
        ("Nuts", "00123", None),
    )


def test_json_one_or_many_elements_as_json_net_writes_them() -> None:
    document = {
        "document": {
            "page": [
                {"@index": "0", "row": {"column": {"text": {"@x": "1", "#text": "Title"}}}},
                {
                    "@index": "4",
                    "row": [
                        {"column": [{"text": {"#text": "A"}}, {"text": {"#text": "(35,8)"}}]},
                        {},
                    ],
                },
            ]
        }
    }
    tables = read_tables(json.dumps(document).encode())
    assert [(t.page, t.rows) for t in tables] == [
        (0, (("Title",),)),
        (4, (("A", -35.8), (None, None))),
    ]


def test_a_path_and_its_extension_decide_the_format(tmp_path: Path) -> None:
    path = tmp_path / "result.xlsx"
    path.write_bytes(_workbook(True))
    assert read_tables(path)[0].rows[1] == ("North", 1505, 2.5)
    assert read_tables(str(path), format="xlsx")[1].page == 2


@pytest.mark.parametrize(
    ("data", "fmt", "message"),
    [
        (b"PK\x03\x04 not really a zip", None, "not a readable xlsx"),
        (b'{"no": "document"}', None, "not a readable json"),
        (b"a,b", "html", "cannot read tables from 'html'"),
    ],
)
def test_unreadable_content_is_a_typed_error(data: bytes, fmt: str, message: str) -> None:
    with pytest.raises(InputValidationError, match=message):
        read_tables(data, format=fmt)


def test_a_missing_file_is_a_typed_error(tmp_path: Path) -> None:
    with pytest.raises(InputValidationError, match="cannot read") as caught:
        read_tables(tmp_path / "missing.csv")
    assert caught.value.parameter == "source"


def _result(path: object, fmt: OutputFormat = OutputFormat.XLSX) -> ConversionResult:
    return ConversionResult(
        output_path=path,
        url="https://example.invalid/result",
        job_id="job",
        page_count=1,
        credits=2,
        remaining_credits=None,
        duration=0.1,
        output_format=fmt,
    )


def test_conversion_result_reads_its_written_file(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    path.write_text('"a","1.5"\r\n', encoding="utf-8")
    assert _result(path, OutputFormat.CSV).tables() == [PageTable(page=None, rows=(("a", 1.5),))]


def test_conversion_result_without_a_file_says_so() -> None:
    with pytest.raises(InputValidationError, match="not downloaded"):
        _result(None).tables()


def test_dataframes_with_and_without_a_header_row(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    path.write_bytes(_workbook(True))
    frames = _result(path).to_dataframes(header=True)
    assert list(frames[0].columns) == ["Region", "Sales 2024", "column 3"]
    assert frames[0].iloc[0].tolist() == ["North", 1505, 2.5]
    (plain,) = to_dataframes(read_tables(path)[1:])
    assert plain.shape == (1, 2)


def test_without_pandas_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"pdfco-client\[pandas\]"):
        PageTable(page=0, rows=(("a",),)).to_dataframe()


def test_the_core_does_not_import_pandas() -> None:
    code = "import sys, pdfco_client; sys.exit('pandas' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_a_workbook_part_with_a_dtd_is_refused() -> None:
    buffer = io.BytesIO()
    source = zipfile.ZipFile(io.BytesIO(_workbook(True)))
    with source, zipfile.ZipFile(buffer, "w") as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = b'<!DOCTYPE x [<!ENTITY a "b">]>' + data
            out.writestr(item, data)
    with pytest.raises(InputValidationError, match="DTD"):
        read_tables(buffer.getvalue())
