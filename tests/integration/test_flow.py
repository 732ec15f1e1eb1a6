"""End-to-end conversions: PdfCoClient against the emulator, checked cell by cell."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pdfco_client import (
    AuthenticationError,
    InsufficientCreditsError,
    JobFailedError,
    JobState,
    NotFoundError,
    OutputFormat,
    PdfCoClient,
)
from pdfco_client.emulator import Emulator
from tests.integration.conftest import make_client
from tests.pdf_factory import (
    LONG_TABLE_ROWS,
    RULED_TABLE,
    USER_PASSWORD,
    make_encrypted_pdf,
    make_multi_page_pdf,
)


def _rows(path: Path) -> list[list[object]]:
    workbook = load_workbook(path, read_only=True)
    try:
        return [
            [cell for cell in row if cell is not None]
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
        ]
    finally:
        workbook.close()


def test_convert_pdf_to_xlsx_writes_numbers_as_numbers(
    client: PdfCoClient, emu: Emulator, ruled_pdf: Path, tmp_path: Path
) -> None:
    output = tmp_path / "out" / "ruled.xlsx"
    result = client.convert_pdf_to_xlsx(ruled_pdf, output=output)

    assert result.output_path == output
    assert result.page_count == 1
    assert result.output_format is OutputFormat.XLSX
    assert result.credits > 0
    assert result.remaining_credits == emu.credits
    rows = _rows(output)
    assert ["Region", "Units", "Revenue"] in rows
    assert ["North", 1505, 12040.5] in rows
    assert ["East", 2210, 17680.25] in rows
    assert [p.name for p in output.parent.iterdir()] == ["ruled.xlsx"]  # no .part left
    assert emu.storage_key_leaks == []


def test_uploaded_input_is_deleted_unless_kept(
    client: PdfCoClient, emu: Emulator, ruled_pdf: Path
) -> None:
    client.convert_pdf_to_csv(ruled_pdf)
    deleted = [r for r in emu.requests if r.endpoint == "file/delete"]
    assert len(deleted) == 1

    emu.clear_requests()
    client.convert_pdf_to_csv(ruled_pdf, keep_input=True)
    assert not [r for r in emu.requests if r.endpoint == "file/delete"]


def test_step_by_step_flow(client: PdfCoClient, ruled_pdf: Path, tmp_path: Path) -> None:
    uploaded = client.upload(ruled_pdf)
    assert uploaded.size == ruled_pdf.stat().st_size
    assert client.download_bytes(uploaded.url) == ruled_pdf.read_bytes()

    job = client.start_conversion(uploaded.url, "csv", name="result.csv")
    first = client.check_job(job.job_id)
    assert first.status in (JobState.WORKING, JobState.SUCCESS)
    final = client.wait_for_job(job.job_id)
    assert final.status is JobState.SUCCESS
    assert final.url is not None
    path = client.download(final.url, tmp_path)
    assert path.parent == tmp_path
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert ["North", "1,505", "12,040.50"] in [[c.strip() for c in r if c.strip()] for r in rows]

    client.delete_file(uploaded.url)
    with pytest.raises(NotFoundError):
        client.download_bytes(uploaded.url)


@pytest.mark.parametrize(
    "method",
    [
        "convert_pdf_to_csv",
        "convert_pdf_to_json",
        "convert_pdf_to_text",
        "convert_pdf_to_html",
        "convert_pdf_to_xml",
    ],
)
def test_every_text_format_parses(
    client: PdfCoClient, ruled_pdf: Path, tmp_path: Path, method: str
) -> None:
    output = tmp_path / "out.bin"
    getattr(client, method)(ruled_pdf, output=output)
    text = output.read_text(encoding="utf-8")
    if method.endswith("json"):
        json.loads(text)
    elif method.endswith("xml"):
        ET.fromstring(text)  # noqa: S314 - our own emulator's output
    assert "North" in text


def test_sources_bytes_file_object_and_url(
    client: PdfCoClient, emu: Emulator, ruled_pdf: Path
) -> None:
    data = ruled_pdf.read_bytes()
    assert client.convert_pdf_to_csv(data).page_count == 1
    with ruled_pdf.open("rb") as handle:
        assert client.convert_pdf_to_csv(handle).page_count == 1
    url = client.upload(ruled_pdf).url
    emu.clear_requests()
    assert client.convert_pdf_to_csv(url).page_count == 1
    endpoints = {r.endpoint for r in emu.requests}
    assert "storage-put" not in endpoints
    assert "file/delete" not in endpoints  # not ours to delete


def _sheets(path: Path) -> list[list[tuple[object, ...]]]:
    workbook = load_workbook(path, read_only=True)
    try:
        return [list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets]
    finally:
        workbook.close()


def test_pages_select_worksheets(client: PdfCoClient, tmp_path: Path) -> None:
    source = tmp_path / "ledger.pdf"
    source.write_bytes(make_multi_page_pdf())
    info = client.get_pdf_info(client.upload(source).url)
    assert info.page_count >= 2

    whole = client.convert_pdf_to_xlsx(source, output=tmp_path / "all.xlsx")
    last = client.convert_pdf_to_xlsx(source, output=tmp_path / "last.xlsx", pages="!0")
    first_two = client.convert_pdf_to_xlsx(source, output=tmp_path / "two.xlsx", pages="0-1")
    assert whole.page_count == info.page_count
    assert last.page_count == 1
    assert first_two.page_count == 2
    every_sheet = _sheets(tmp_path / "all.xlsx")
    assert len(every_sheet) == info.page_count
    assert _sheets(tmp_path / "last.xlsx") == every_sheet[-1:]
    assert _sheets(tmp_path / "two.xlsx") == every_sheet[:2]
    cells = {str(c) for sheet in every_sheet for row in sheet for c in row}
    assert {LONG_TABLE_ROWS[0][0], LONG_TABLE_ROWS[-1][0]} <= cells


def test_password_protected_pdf(client: PdfCoClient, tmp_path: Path) -> None:
    source = tmp_path / "locked.pdf"
    source.write_bytes(make_encrypted_pdf())
    with pytest.raises(JobFailedError) as failed:
        client.convert_pdf_to_xlsx(source, password="wrong")
    assert failed.value.error_code == 441
    result = client.convert_pdf_to_xlsx(
        source, output=tmp_path / "open.xlsx", password=USER_PASSWORD
    )
    assert result.page_count == 1
    assert RULED_TABLE[1][0] in [str(c) for row in _rows(tmp_path / "open.xlsx") for c in row]


def test_bad_key_and_empty_account(emu: Emulator, ruled_pdf: Path) -> None:
    with make_client(emu, api_key="not-the-key") as stranger, pytest.raises(AuthenticationError):
        stranger.get_credit_balance()
    with make_client(emu) as client:
        assert client.get_credit_balance() == emu.credits
        emu.credits = 0
        with pytest.raises(InsufficientCreditsError):
            client.convert_pdf_to_xlsx(ruled_pdf)


def test_unknown_job_id_fails_fast(client: PdfCoClient) -> None:
    with pytest.raises(JobFailedError) as failed:
        client.wait_for_job("0123456789ABCDEFGHIJKLMNOPQRSTUV", timeout=15)
    assert failed.value.status == "unknown"
