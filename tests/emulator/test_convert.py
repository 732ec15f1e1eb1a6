"""XLSX conversion, page selection and error codes of the emulator's conversion engine."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Optional

import pytest
from openpyxl import load_workbook

from pdfco_client.emulator._convert import (
    SUPPORTED_FORMATS,
    ConversionError,
    ConvertedDocument,
    convert_pdf,
)
from tests import pdf_factory as factory

Rows = list[tuple[object, ...]]


@pytest.fixture(scope="module")
def multi_page() -> bytes:
    return factory.make_multi_page_pdf()


def sheets(document: ConvertedDocument) -> dict[str, Rows]:
    workbook = load_workbook(io.BytesIO(document.content))
    return {
        sheet.title: [_trim(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in workbook.worksheets
    }


def _trim(row: tuple[object, ...]) -> tuple[object, ...]:
    values = list(row)
    while values and values[-1] is None:
        values.pop()
    return tuple(values)


def typed(row: list[str]) -> tuple[object, ...]:
    """A factory row as the worksheet must hold it: grouped numbers become numbers."""
    out: list[object] = []
    for text in row:
        digits = text.replace(",", "")
        try:
            out.append(float(digits) if "." in digits else int(digits))
        except ValueError:
            out.append(text)
    return tuple(out)


def only_sheet(document: ConvertedDocument) -> Rows:
    (rows,) = sheets(document).values()
    return rows


def test_ruled_table_becomes_cells_with_numbers() -> None:
    result = convert_pdf(factory.make_ruled_table_pdf(), "xlsx")
    assert result.page_count == 1
    assert result.extension == "xlsx"
    assert result.media_type.endswith("spreadsheetml.sheet")
    rows = only_sheet(result)
    assert rows[0] == (factory.RULED_TITLE,)
    assert rows[1:] == [typed(row) for row in factory.RULED_TABLE]


def test_unruled_table_is_split_into_columns() -> None:
    rows = only_sheet(convert_pdf(factory.make_unruled_table_pdf(), "xlsx"))
    assert rows[0] == (factory.UNRULED_TITLE,)
    assert rows[1 : 1 + len(factory.UNRULED_TABLE)] == [typed(row) for row in factory.UNRULED_TABLE]
    assert rows[-1] == ("Counted on the first Monday.",)


def test_number_formats_are_recognised_conservatively() -> None:
    rows = only_sheet(convert_pdf(factory.make_numbers_pdf(), "xlsx"))
    table = rows[rows.index(("Label", "Printed")) + 1 :]
    assert [row[1] for row in table] == [value for _, value in factory.NUMBERS_VALUES]
    for (_, value), row in zip(factory.NUMBERS_VALUES, table):
        assert type(row[1]) is type(value)


def test_currency_keeps_a_currency_number_format() -> None:
    workbook = load_workbook(io.BytesIO(convert_pdf(factory.make_numbers_pdf(), "xlsx").content))
    cells = [row[1] for row in workbook.worksheets[0].iter_rows() if row[1].value == 4700]
    assert cells
    assert cells[0].number_format == '"$"#,##0.00'


def test_multi_page_document_has_one_sheet_per_page_in_reading_order(multi_page: bytes) -> None:
    result = convert_pdf(multi_page, "xlsx")
    pages = sheets(result)
    assert result.page_count == len(pages) >= 2
    assert list(pages) == [f"Page {number}" for number in range(1, len(pages) + 1)]
    first, last = pages["Page 1"], pages[f"Page {len(pages)}"]
    assert first[:3] == [
        (factory.MULTI_PAGE_TITLE,),
        (factory.MULTI_PAGE_INTRO,),
        tuple(factory.LONG_TABLE_HEADER),
    ]
    assert last[-1] == (factory.MULTI_PAGE_CLOSING,)
    body = [
        row
        for rows in pages.values()
        for row in rows
        if row and isinstance(row[0], str) and row[0].startswith("ACC-")
    ]
    assert body == [typed(row) for row in factory.LONG_TABLE_ROWS]


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        ("0", ["Page 1"]),
        ("!0", ["Page 3"]),
        ("1-", ["Page 2", "Page 3"]),
        ("2,0", ["Page 3", "Page 1"]),
    ],
)
def test_pages_selects_sheets_by_original_page_number(
    multi_page: bytes, pages: str, expected: list[str]
) -> None:
    result = convert_pdf(multi_page, "xlsx", pages=pages)
    assert list(sheets(result)) == expected
    assert result.page_count == len(expected)


def test_rect_crops_the_extraction_area() -> None:
    # The heading sits in the top ~100 pt of the page; the table starts below it.
    rows = only_sheet(convert_pdf(factory.make_ruled_table_pdf(), "xlsx", rect="0 0 595 100"))
    assert rows == [(factory.RULED_TITLE,)]
    same = only_sheet(convert_pdf(factory.make_ruled_table_pdf(), "xlsx", rect="0,0,595,100"))
    assert same == rows


def test_rect_outside_the_page_gives_an_empty_sheet() -> None:
    rows = only_sheet(convert_pdf(factory.make_ruled_table_pdf(), "xlsx", rect="5000 5000 10 10"))
    assert rows == [] or rows == [()]


@pytest.mark.parametrize("algorithm", ["RC4-40", "RC4-128", "AES-128", "AES-256"])
def test_encrypted_pdf_opens_with_the_right_password(algorithm: str) -> None:
    data = factory.make_encrypted_pdf(algorithm)
    rows = only_sheet(convert_pdf(data, "xlsx", password=factory.USER_PASSWORD))
    assert rows[1:] == [typed(row) for row in factory.RULED_TABLE]


@pytest.mark.parametrize("password", [None, "", "wrong"])
@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-256"])
def test_encrypted_pdf_without_the_right_password_is_441(
    algorithm: str, password: Optional[str]
) -> None:
    with pytest.raises(ConversionError) as caught:
        convert_pdf(factory.make_encrypted_pdf(algorithm), "xlsx", password=password)
    assert caught.value.code == 441
    assert "password" in caught.value.message


@pytest.mark.parametrize(
    "data",
    [
        factory.NOT_A_PDF,
        b"",
        b"%PDF-1.7\n" + b"garbage " * 64,
        factory.make_ruled_table_pdf()[:400],
    ],
    ids=["zip", "empty", "header-only", "truncated"],
)
def test_not_a_pdf_or_damaged_is_442(data: bytes) -> None:
    with pytest.raises(ConversionError) as caught:
        convert_pdf(data, "xlsx")
    assert caught.value.code == 442
    assert "PDF" in caught.value.message


@pytest.mark.parametrize("pages", ["a", "1-x", "3-1", "0,,1", "--"])
def test_bad_page_range_syntax_is_450(pages: str) -> None:
    with pytest.raises(ConversionError) as caught:
        convert_pdf(factory.make_ruled_table_pdf(), "xlsx", pages=pages)
    assert caught.value.code == 450


@pytest.mark.parametrize("pages", ["1", "0-4", "!1", "5-"])
def test_page_index_outside_the_document_is_449(pages: str) -> None:
    with pytest.raises(ConversionError) as caught:
        convert_pdf(factory.make_ruled_table_pdf(), "xlsx", pages=pages)
    assert caught.value.code == 449


def test_unknown_format_is_400() -> None:
    with pytest.raises(ConversionError) as caught:
        convert_pdf(factory.make_ruled_table_pdf(), "docx")
    assert caught.value.code == 400
    assert "docx" in caught.value.message


@pytest.mark.parametrize("rect", ["1 2 3", "a b c d", "0 0 -5 10"])
def test_malformed_rect_is_400(rect: str) -> None:
    with pytest.raises(ConversionError) as caught:
        convert_pdf(factory.make_ruled_table_pdf(), "xlsx", rect=rect)
    assert caught.value.code == 400


def test_line_grouping_and_lang_are_accepted() -> None:
    plain = convert_pdf(factory.make_ruled_table_pdf(), "csv")
    grouped = convert_pdf(
        factory.make_ruled_table_pdf(), "csv", line_grouping="1", unwrap=True, lang="deu"
    )
    assert grouped.content == plain.content


def test_every_supported_format_converts() -> None:
    data = factory.make_ruled_table_pdf()
    outputs: Iterator[ConvertedDocument] = (convert_pdf(data, to) for to in SUPPORTED_FORMATS)
    assert all(output.content and output.page_count == 1 for output in outputs)
