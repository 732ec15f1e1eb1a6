"""CSV, JSON, XML, HTML and text outputs, and document info, of the conversion engine."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET  # the engine's own output, not untrusted input
from typing import Any

import pytest

from pdfco_client.emulator._convert import ConversionError, convert_pdf, read_pdf_info
from pdfco_client.emulator._render import parse_number
from pdfco_client.emulator.samples import SAMPLE_PDF, sample_pdf_path
from tests import pdf_factory as factory


@pytest.fixture(scope="module")
def ruled() -> bytes:
    return factory.make_ruled_table_pdf()


@pytest.fixture(scope="module")
def multi_page() -> bytes:
    return factory.make_multi_page_pdf()


def test_csv_has_every_page_quoted_and_padded(multi_page: bytes) -> None:
    result = convert_pdf(multi_page, "csv")
    assert (result.media_type, result.extension) == ("text/csv", "csv")
    text = result.content.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [factory.MULTI_PAGE_TITLE, "", ""]
    assert {len(row) for row in rows} == {3}
    assert rows[-1][0] == factory.MULTI_PAGE_CLOSING
    accounts = [row for row in rows if row[0].startswith("ACC-")]
    assert accounts == factory.LONG_TABLE_ROWS
    assert text.startswith('"Annual ledger",""')


@pytest.mark.parametrize("to", ["json", "json2"])
def test_json_has_pdfco_document_page_row_column_shape(ruled: bytes, to: str) -> None:
    result = convert_pdf(ruled, to)
    assert result.media_type == "application/json"
    document = json.loads(result.content)
    page = document["document"]["page"]
    assert page["@index"] == "0"
    first, *table = page["row"]
    assert first["column"]["text"]["#text"] == factory.RULED_TITLE
    texts = [[column["text"]["#text"] for column in row["column"]] for row in table]
    assert texts == factory.RULED_TABLE
    header_cell = table[0]["column"][0]["text"]
    assert header_cell["@fontStyle"] == "Bold"
    assert float(header_cell["@x"]) > 0
    assert float(header_cell["@width"]) > 0


def test_json_lists_pages_when_there_are_several(multi_page: bytes) -> None:
    pages = json.loads(convert_pdf(multi_page, "json2", pages="0,2").content)["document"]["page"]
    assert [page["@index"] for page in pages] == ["0", "2"]


def test_xml_is_well_formed_and_pdfco_shaped(multi_page: bytes) -> None:
    result = convert_pdf(multi_page, "xml", pages="0-1")
    assert result.media_type == "application/xml"
    root = ET.fromstring(result.content)  # noqa: S314
    assert root.tag == "document"
    assert [page.get("index") for page in root.findall("page")] == ["0", "1"]
    first_rows = root.findall("page")[0].findall("row")
    assert first_rows[0].findtext("column/text") == factory.MULTI_PAGE_TITLE
    header = [text.text for text in first_rows[2].iterfind("column/text")]
    assert header == factory.LONG_TABLE_HEADER
    attributes = first_rows[2].find("column/text")
    assert attributes is not None
    assert set(attributes.attrib) >= {"x", "y", "width", "height", "fontName", "fontSize"}


def test_html_holds_one_table_per_page_with_every_cell(multi_page: bytes) -> None:
    result = convert_pdf(multi_page, "html")
    assert result.media_type == "text/html"
    body = result.content.decode("utf-8")
    assert body.count("<table") == result.page_count == 3
    for account, owner, balance in factory.LONG_TABLE_ROWS:
        assert f"<td>{account}</td><td>{owner}</td><td>{balance}</td>" in body


def test_html_and_xml_escape_markup() -> None:
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Preformatted

    from tests.pdf_factory import _build

    data = _build([Preformatted('<b>Tom & "Jerry"</b>', getSampleStyleSheet()["Normal"])])
    html_body = convert_pdf(data, "html").content.decode("utf-8")
    assert "&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;" in html_body
    root = ET.fromstring(convert_pdf(data, "xml").content)  # noqa: S314
    assert root.findtext("page/row/column/text") == '<b>Tom & "Jerry"</b>'


def test_text_keeps_layout_and_separates_pages_with_form_feeds(multi_page: bytes) -> None:
    result = convert_pdf(multi_page, "text")
    assert (result.media_type, result.extension) == ("text/plain", "txt")
    text = result.content.decode("utf-8")
    pages = text.split("\f")
    assert len(pages) == result.page_count == 3
    lines = pages[0].split("\r\n")
    assert " ".join(lines[0].split()) == factory.MULTI_PAGE_TITLE
    account = next(line for line in lines if "ACC-001" in line)
    # Layout mode keeps each line at its horizontal position on the page.
    assert account.startswith(" " * 10)
    assert account.split() == ["ACC-001", "Owner", "1", "1,250"]


def test_text_simple_is_plain_text(ruled: bytes) -> None:
    text = convert_pdf(ruled, "text-simple").content.decode("utf-8")
    assert text.split("\r\n")[0] == factory.RULED_TITLE
    assert "North 1,505 12,040.50" in text


def test_text_formats_report_errors_like_the_others() -> None:
    with pytest.raises(ConversionError) as caught:
        convert_pdf(factory.make_encrypted_pdf(), "text")
    assert caught.value.code == 441


def test_read_pdf_info_reports_metadata_and_page_size(multi_page: bytes) -> None:
    info = read_pdf_info(multi_page)
    assert info.page_count == 3
    assert info.encrypted is False
    assert info.title == "Multi-page ledger"
    assert info.author == "pdfco-client tests"
    assert info.creation_date == "2000-01-01T00:00:00+00:00"
    assert (round(info.page_width), round(info.page_height)) == (595, 842)
    pdfco: dict[str, Any] = info.to_pdfco_info()
    assert pdfco["PageCount"] == 3
    assert pdfco["Encrypted"] is False
    assert pdfco["PageRectangle"]["Width"] == pytest.approx(595.28)
    assert pdfco["PermissionPrinting"] is True


@pytest.mark.parametrize(
    ("algorithm", "name"),
    [("RC4-128", "RC4 128-bit"), ("AES-128", "AES 128-bit"), ("AES-256", "AES 256-bit")],
)
def test_read_pdf_info_of_encrypted_pdf(algorithm: str, name: str) -> None:
    data = factory.make_encrypted_pdf(algorithm)
    info = read_pdf_info(data, password=factory.USER_PASSWORD)
    assert info.encrypted is True
    assert info.to_pdfco_info()["EncryptionAlgorithm"] == name
    with pytest.raises(ConversionError) as caught:
        read_pdf_info(data)
    assert caught.value.code == 441


def test_read_pdf_info_of_not_a_pdf_is_442() -> None:
    with pytest.raises(ConversionError) as caught:
        read_pdf_info(factory.NOT_A_PDF)
    assert caught.value.code == 442


def test_bundled_sample_converts_with_numbers() -> None:
    assert sample_pdf_path() == SAMPLE_PDF
    data = SAMPLE_PDF.read_bytes()
    assert read_pdf_info(data).page_count == 2
    rows = list(csv.reader(io.StringIO(convert_pdf(data, "csv").content.decode("utf-8"))))
    total = next(row for row in rows if row[0] == "Total")
    assert total[1:6] == ["3,143,380", "3,313,660", "3,334,775", "3,747,400", "13,539,215"]
    sales = next(row for row in rows if row[0] == "Sales")
    assert sales[:4] == ["Sales", "265", "(7)", "$21,750,000.00"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,505", (1505, "#,##0")),
        ("0,2885", (0.2885, "0.0000")),
        ("(35,8)", (-35.8, "0.0")),
        ("\u25b3525", (-525, "0")),
        ("$ 10.000,00", (10000.0, '"$"#,##0.00')),
        ("1\u00a0234,5", (1234.5, "#,##0.0")),
        ("-$4.50", (-4.5, '"$"0.00')),
        ("1.234.567", (1234567, "#,##0")),
    ],
)
def test_parse_number_reads_printed_amounts(text: str, expected: tuple[object, str]) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    "text", ["", "00123", "1.2.3", "12%", "2013-05-01", "11/12", "1,50,000", "--5", "(-5)", "$"]
)
def test_parse_number_leaves_ambiguous_text_alone(text: str) -> None:
    assert parse_number(text) is None
