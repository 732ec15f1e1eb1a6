"""``mock_pdfco`` with a real ``PdfCoClient``: the happy path, the state, and its guards."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openpyxl
import pytest
import requests

from pdfco_client import AuthenticationError
from pdfco_client.testing import (
    MOCK_CALL_CREDITS,
    MOCK_PAGE_CREDITS,
    RESULT_TABLE,
    UnexpectedRequestError,
    mock_pdfco,
)
from tests.testing.conftest import ClientFactory

ROWS = [list(row) for row in RESULT_TABLE]
#: The cells as a spreadsheet holds them: amounts are numbers, as the real engine writes them.
VALUES = [[int(c.replace(",", "")) if c.replace(",", "").isdigit() else c for c in r] for r in ROWS]


def test_a_conversion_goes_through_every_step(make_client: ClientFactory, report_pdf: Path) -> None:
    with mock_pdfco() as pdfco:
        client = make_client()
        result = client.convert_pdf_to_xlsx(report_pdf, output=report_pdf.with_suffix(".xlsx"))

    calls = [f"{c.method} {c.endpoint}" for c in pdfco.calls]
    assert calls[:5] == [
        "GET file/upload/get-presigned-url",
        "PUT upload",
        "POST pdf/convert/to/xlsx",
        "POST job/check",  # working
        "POST job/check",  # success
    ]
    # The input is deleted while the result downloads: either may come first.
    assert sorted(calls[5:]) == ["GET download", "POST file/delete"]
    sheet = openpyxl.load_workbook(result.output_path).active
    assert sheet is not None
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == VALUES
    assert sheet["B2"].number_format == "#,##0"  # shown as printed: 1,204,500
    assert result.page_count == 2  # the sample's two page objects
    assert pdfco.calls_to("upload")[0].body == report_pdf.read_bytes()


def test_credits_follow_pdfco_billing(make_client: ClientFactory, report_pdf: Path) -> None:
    with mock_pdfco(credits=1000) as pdfco:
        result = make_client().convert_pdf_to_csv(report_pdf)
    expected = (
        MOCK_CALL_CREDITS["file/upload/get-presigned-url"]
        + MOCK_PAGE_CREDITS["csv"] * 2  # first page at the start, second at success
        + MOCK_CALL_CREDITS["job/check"] * 2
        + MOCK_CALL_CREDITS["file/delete"]
    )
    # PDF.co's documented answer of a `working` check holds no credits field, though it costs 2.
    assert result.credits == expected - MOCK_CALL_CREDITS["job/check"]
    assert pdfco.credits == result.remaining_credits == 1000 - expected


@pytest.mark.parametrize(
    ("to", "parse"),
    [
        ("csv", lambda data: list(csv.reader(io.StringIO(data.decode())))),
        (
            "json",
            lambda data: [
                column["text"]["#text"]
                for column in json.loads(data)["document"]["page"]["row"][0]["column"]
            ],
        ),
        ("text", lambda data: data.decode().splitlines()[0].split()),
        ("xml", lambda data: data.decode().count("<row>")),
        ("html", lambda data: data.decode().count("<tr>")),
    ],
)
def test_each_format_gives_a_real_small_file(
    make_client: ClientFactory, report_pdf: Path, to: str, parse: object
) -> None:
    with mock_pdfco():
        client = make_client()
        result = client.convert(report_pdf, to)
        data = client.download_bytes(result.url)
    parsed = parse(data)  # type: ignore[operator]
    assert (
        parsed
        == {
            "csv": ROWS,
            "json": ROWS[0],
            "text": ROWS[0],
            "xml": len(ROWS),
            "html": len(ROWS),
        }[to]
    )


def test_pages_select_what_is_billed(make_client: ClientFactory, report_pdf: Path) -> None:
    with mock_pdfco() as pdfco:
        result = make_client().convert_pdf_to_xlsx(report_pdf, pages="!0")
    assert result.page_count == 1
    assert pdfco.calls_to("pdf/convert")[0].params["pages"] == "!0"


def test_the_key_goes_only_to_the_api(make_client: ClientFactory, report_pdf: Path) -> None:
    with mock_pdfco() as pdfco:
        make_client().convert_pdf_to_xlsx(report_pdf)
    assert pdfco.key_leaks == []
    assert all(c.headers["x-api-key"] == "test-key" for c in pdfco.calls_to("job/check"))


def test_files_are_uploads_and_results(make_client: ClientFactory, report_pdf: Path) -> None:
    with mock_pdfco() as pdfco:
        client = make_client()
        kept = client.convert_pdf_to_xlsx(report_pdf, keep_input=True)
        kinds = sorted(f.kind for f in pdfco.files.values())
        assert kinds == ["result", "upload"]
        assert pdfco.files[kept.url.split("?")[0]].data.startswith(b"PK")
        upload = next(f for f in pdfco.files.values() if f.kind == "upload")
        client.delete_file(upload.url)
        assert [f.kind for f in pdfco.files.values()] == ["result"]


def test_any_base_url_works(make_client: ClientFactory, report_pdf: Path) -> None:
    with mock_pdfco(base_url="https://pdfco.internal.example/api/v1") as pdfco:
        client = make_client(base_url="https://pdfco.internal.example/api/v1")
        client.convert_pdf_to_xlsx(report_pdf)
    assert pdfco.calls[0].url.startswith("https://pdfco.internal.example/api/v1/file/upload/")


def test_the_default_base_url_is_the_clients(
    monkeypatch: pytest.MonkeyPatch, make_client: ClientFactory
) -> None:
    monkeypatch.setenv("PDFCO_BASE_URL", "http://127.0.0.1:9/v1")
    with mock_pdfco() as pdfco:
        assert make_client().get_credit_balance() == pdfco.credits
    assert pdfco.base_url == "http://127.0.0.1:9/v1"


def test_a_required_key_refuses_others(make_client: ClientFactory) -> None:
    with mock_pdfco(api_key="right"):
        with pytest.raises(AuthenticationError):
            make_client(api_key="wrong").get_credit_balance()
        assert make_client(api_key="right").get_credit_balance() > 0


def test_another_host_fails_the_test_even_when_swallowed() -> None:
    with (  # noqa: PT012
        pytest.raises(UnexpectedRequestError, match=r"GET https://example\.com/x"),
        mock_pdfco() as pdfco,
    ):
        # What careless code under test might do: swallow the error.
        with contextlib.suppress(UnexpectedRequestError):
            requests.get("https://example.com/x", timeout=5)
        assert len(pdfco.unexpected) == 1


def test_an_endpoint_it_does_not_emulate_is_unexpected() -> None:
    expected = pytest.raises(UnexpectedRequestError, match="does not emulate POST /pdf/merge")
    with expected, mock_pdfco():
        requests.post("https://api.pdf.co/v1/pdf/merge", headers={"x-api-key": "k"}, timeout=5)


def test_an_error_in_the_block_wins_over_unexpected_requests() -> None:
    with pytest.raises(KeyError), mock_pdfco():  # noqa: PT012
        with contextlib.suppress(UnexpectedRequestError):
            requests.get("https://example.com/", timeout=5)
        raise KeyError("the test's own failure")


def test_the_decorator_form_starts_fresh_each_call(make_client: ClientFactory) -> None:
    pdfco = mock_pdfco(credits=100)
    balances: list[int] = []

    @pdfco
    def app_code() -> None:
        balances.append(make_client().get_credit_balance())

    app_code()
    app_code()
    assert balances == [98, 98]
    assert len(pdfco.calls) == 1
    with pytest.raises(requests.ConnectionError):
        requests.get("https://api.pdf.co/v1/account/credit/balance", timeout=0.001)


def test_it_cannot_be_entered_twice_at_once() -> None:
    with mock_pdfco() as pdfco, pytest.raises(RuntimeError, match="already active"):
        pdfco.start()


def test_add_file_info_and_upload_from_url(make_client: ClientFactory, report_pdf: Path) -> None:
    with mock_pdfco() as pdfco:
        client = make_client()
        url = pdfco.add_file("report.pdf", report_pdf.read_bytes())
        assert client.get_pdf_info(url).page_count == 2
        fetched = client.upload_from_url("https://example.com/files/invoice.pdf")
        assert fetched.name == "invoice.pdf"
        job = client.start_conversion(fetched.url, "csv")
        assert client.wait_for_job(job.job_id).url


def test_a_missing_input_is_404(make_client: ClientFactory) -> None:
    with mock_pdfco() as pdfco:
        url = pdfco.add_file("gone.pdf", b"%PDF-1.7\n")
        client = make_client()
        client.delete_file(url)
        with pytest.raises(Exception, match="File not found"):
            client.start_conversion(url, "xlsx")


def test_concurrent_conversions_share_one_account(
    make_client: ClientFactory, report_pdf: Path
) -> None:
    with mock_pdfco() as pdfco:
        client = make_client()
        with ThreadPoolExecutor(4) as pool:
            results = list(pool.map(lambda _: client.convert_pdf_to_xlsx(report_pdf), range(8)))
    assert len({r.job_id for r in results}) == 8
    assert pdfco.credits == results[-1].remaining_credits or pdfco.credits == min(
        r.remaining_credits or 0 for r in results
    )
    assert len(pdfco.jobs) == 8


def test_the_mock_loads_no_server_and_no_pdf_library(report_pdf: Path) -> None:
    # What the `testing` extra installs is responses alone: a whole conversion must not import
    # the emulator's server or its engine's libraries.
    code = (
        "import sys\n"
        "from pdfco_client import PdfCoClient\n"
        "from pdfco_client.testing import mock_pdfco\n"
        "with mock_pdfco() as pdfco, PdfCoClient(api_key='k') as client:\n"
        f"    client.convert_pdf_to_xlsx({str(report_pdf)!r})\n"
        "    client.convert_pdf_to_csv(pdfco.add_file('a.pdf', b'%PDF-1.7'))\n"
        "heavy = ('werkzeug', 'pdfplumber', 'pdfminer', 'openpyxl', 'pypdf')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]"


def test_results_can_be_supplied_per_format_and_per_call(
    make_client: ClientFactory, report_pdf: Path
) -> None:
    with mock_pdfco(results={"csv": b"a,b\r\n1,2\r\n"}) as pdfco:
        client = make_client()
        pdfco.next_result(b"first", to="csv")
        pdfco.next_result(b"any format")
        assert client.download_bytes(client.convert(report_pdf, "csv").url) == b"first"
        assert client.download_bytes(client.convert(report_pdf, "xml").url) == b"any format"
        assert client.download_bytes(client.convert(report_pdf, "csv").url) == b"a,b\r\n1,2\r\n"
        assert client.download_bytes(client.convert(report_pdf, "xml").url).startswith(b"<?xml")
    with pytest.raises(ValueError, match="docx"):
        pdfco.next_result(b"x", to="docx")


def test_multipart_and_base64_uploads_and_a_seeded_job(make_client: ClientFactory) -> None:
    key = {"x-api-key": "k"}
    with mock_pdfco() as pdfco:
        multipart = requests.post(
            f"{pdfco.base_url}/file/upload",
            files={"file": ("m.pdf", b"%PDF-1")},
            headers=key,
            timeout=5,
        ).json()
        encoded = requests.post(
            f"{pdfco.base_url}/file/upload/base64",
            json={"file": "data:application/pdf;base64,JVBERi0y", "name": "b.pdf"},
            headers=key,
            timeout=5,
        ).json()
        assert [f.data for f in pdfco.files.values()] == [b"%PDF-1", b"%PDF-2"]
        assert (multipart["name"], encoded["name"]) == ("m.pdf", "b.pdf")
        job = pdfco.add_job(result=b'{"done": true}', checks=2)
        client = make_client()
        status = client.wait_for_job(job.job_id)
        assert client.download_bytes(status.url or "") == b'{"done": true}'
    assert job.checks == 3
