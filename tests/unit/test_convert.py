"""Conversions, step by step and in one call, on the stateful fake of PDF.co."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

import pytest
import requests
import responses

from pdfco_client import (
    APITimeoutError,
    ConversionResult,
    InputValidationError,
    JobFailedError,
    JobState,
    JobTimeoutError,
    OutputFormat,
    PdfCoClient,
)
from pdfco_client.testing import MOCK_PAGE_CREDITS, PdfCoMock
from tests.unit.conftest import (
    FAKE_PAGES,
    PDF_BYTES,
    PRICES,
    STORAGE_HOST,
    ClientFactory,
    FakeClock,
    LogCapture,
    attach,
    only_call,
    paths,
)

RESULT = b"PK\x03\x04 the workbook a test supplied"


@pytest.fixture
def pdf_path(tmp_path: Path) -> Path:
    path = tmp_path / "invoice.pdf"
    path.write_bytes(PDF_BYTES)
    return path


def convert_body(fake: PdfCoMock) -> dict[str, Any]:
    body: dict[str, Any] = only_call(fake, "pdf/convert").json()
    return body


def test_upload_start_wait_download_step_by_step(
    client: PdfCoClient, fake: PdfCoMock, pdf_path: Path, tmp_path: Path
) -> None:
    fake.results["xlsx"] = RESULT
    uploaded = client.upload(pdf_path)
    job = client.start_conversion(uploaded.url, "xlsx", pages="0-", name="out.xlsx")
    assert job.url is not None
    assert job.page_count == 0  # known once the job ran: its check reports it
    assert job.credits == PRICES["convert"]
    status = client.wait_for_job(job.job_id)
    assert status.status is JobState.SUCCESS
    assert status.page_count == FAKE_PAGES
    assert status.url is not None
    target = client.download(status.url, tmp_path / "out.xlsx")
    assert target.read_bytes() == RESULT
    assert convert_body(fake) == {
        "url": uploaded.url,
        "async": True,
        "pages": "0-",
        "name": "out.xlsx",
    }


def test_convert_pdf_to_xlsx_end_to_end(
    client: PdfCoClient, fake: PdfCoMock, clock: FakeClock, pdf_path: Path, tmp_path: Path
) -> None:
    fake.results["xlsx"] = RESULT
    target = tmp_path / "out" / "invoice.xlsx"
    result = client.convert_pdf_to_xlsx(pdf_path, output=target)
    assert target.read_bytes() == RESULT
    seen = [p.split("/")[-1] if "/v1/" not in p else p for p in paths(fake)]
    assert seen[:6] == [
        "GET /v1/file/upload/get-presigned-url",
        "invoice.pdf",
        "POST /v1/pdf/convert/to/xlsx",
        "POST /v1/job/check",
        "POST /v1/job/check",
        "POST /v1/job/check",
    ]
    # The input is deleted while the result downloads: either may reach the server first.
    assert sorted(seen[6:]) == ["POST /v1/file/delete", "invoice.xlsx"]
    # The input was deleted; the result is kept.
    assert [urlsplit(url).path for url in fake.files] == [f"/{result.job_id}/invoice.xlsx"]
    assert isinstance(result, ConversionResult)
    assert result.output_path == target
    assert result.url.split("?")[0].endswith(f"/{result.job_id}/invoice.xlsx")
    assert result.page_count == FAKE_PAGES
    # The first page at the start, the others with the check that saw success; PDF.co's answer
    # of a working check reports no credits, though the two of them cost some.
    spent = ["presign"] + ["convert"] * FAKE_PAGES + ["check", "delete"]
    assert result.credits == sum(PRICES[call] for call in spent)
    assert result.remaining_credits == fake.credits == 1000 - result.credits - 2 * PRICES["check"]
    assert result.duration == pytest.approx(sum(clock.sleeps))
    assert result.duration > 0
    assert result.output_format is OutputFormat.XLSX
    assert convert_body(fake)["async"] is True


HELPERS: list[tuple[str, str, str]] = [
    ("convert_pdf_to_xls", "xls", OutputFormat.XLS),
    ("convert_pdf_to_csv", "csv", OutputFormat.CSV),
    ("convert_pdf_to_json", "json2", OutputFormat.JSON2),
    ("convert_pdf_to_text", "text", OutputFormat.TEXT),
    ("convert_pdf_to_html", "html", OutputFormat.HTML),
    ("convert_pdf_to_xml", "xml", OutputFormat.XML),
    ("convert_pdf_to_xlsx", "xlsx", OutputFormat.XLSX),
]


@pytest.mark.parametrize(("method", "endpoint", "fmt"), HELPERS)
def test_every_helper_hits_its_endpoint(
    client: PdfCoClient, fake: PdfCoMock, pdf_path: Path, method: str, endpoint: str, fmt: str
) -> None:
    convert: Callable[..., ConversionResult] = getattr(client, method)
    result = convert(pdf_path)
    assert f"POST /v1/pdf/convert/to/{endpoint}" in paths(fake)
    assert result.output_format is fmt
    assert result.output_path is None
    assert not any(s.method == "GET" and s.host == STORAGE_HOST for s in fake.calls)


@pytest.mark.parametrize("to", ["json2", "JSON2", OutputFormat.JSON2, "text-simple"])
def test_convert_takes_a_format_name_or_enum(
    client: PdfCoClient, fake: PdfCoMock, pdf_path: Path, to: Any
) -> None:
    result = client.convert(pdf_path, to)
    assert paths(fake)[2] == f"POST /v1/pdf/convert/to/{result.output_format.value}"


def test_a_url_source_is_neither_uploaded_nor_deleted(
    client: PdfCoClient, fake: PdfCoMock, tmp_path: Path
) -> None:
    source = "https://example.com/reports/q3.pdf"
    result = client.convert_pdf_to_csv(source, output=tmp_path / "q3.csv")
    assert convert_body(fake)["url"] == source
    assert not any("upload" in p or "delete" in p or p.startswith("PUT") for p in paths(fake))
    assert result.credits == MOCK_PAGE_CREDITS["csv"] * FAKE_PAGES + PRICES["check"]


def test_keep_input_keeps_the_upload(client: PdfCoClient, fake: PdfCoMock, pdf_path: Path) -> None:
    client.convert_pdf_to_xlsx(pdf_path, keep_input=True)
    assert "POST /v1/file/delete" not in paths(fake)
    assert any(url.endswith("/invoice.pdf") for url in fake.files)


@pytest.mark.parametrize("outcome", ["failed", "aborted"])
def test_the_input_is_deleted_even_when_the_job_fails(
    client: PdfCoClient, fake: PdfCoMock, pdf_path: Path, outcome: str
) -> None:
    fake.job_outcome(outcome)
    with pytest.raises(JobFailedError) as caught:
        client.convert_pdf_to_xlsx(pdf_path)
    assert caught.value.status == outcome
    assert paths(fake)[-1] == "POST /v1/file/delete"
    assert fake.files == {}


def test_options_are_sent_as_pdfco_names_them(
    client: PdfCoClient, mock_http: responses.RequestsMock, pdf_path: Path
) -> None:
    fake = attach(mock_http, page_count=10)  # pages "0,2-5,7-" exist
    profiles = {"profiles": [{"profile1": {"PageToWorksheet": False}}]}
    client.convert_pdf_to_xlsx(
        pdf_path,
        pages=" 0,2-5,7- ",
        password="pdf-secret",
        name="named.xlsx",
        lang="eng+deu",
        rect="51.8 114.8 235.5 204.0",
        line_grouping="1",
        unwrap=True,
        expiration=120,
        profiles=profiles,
    )
    body = convert_body(fake)
    assert body.pop("url").split("?")[0].endswith("/invoice.pdf")
    assert body == {
        "async": True,
        "pages": "0,2-5,7-",
        "password": "pdf-secret",
        "name": "named.xlsx",
        "lang": "eng+deu",
        "rect": "51.8 114.8 235.5 204.0",
        "lineGrouping": "1",
        "unwrap": True,
        "expiration": 120,
        "profiles": json.dumps(profiles),
    }


def test_start_conversion_passes_extra_params_and_callback(
    client: PdfCoClient, fake: PdfCoMock
) -> None:
    client.start_conversion(
        "https://example.com/a.pdf",
        "csv",
        inline=True,
        callback="https://hooks.example.com/done",
        profiles='{"x": 1}',
        extra_params={"worksheetIndex": 2},
    )
    body = convert_body(fake)
    assert body["inline"] is True
    assert body["callback"] == "https://hooks.example.com/done"
    assert (body["profiles"], body["worksheetIndex"]) == ('{"x": 1}', 2)


@pytest.mark.parametrize(
    "arguments",
    [
        {"source": "missing.pdf"},
        {"source": b"hello, not a pdf"},
        {"pages": "0,,2"},
        {"pages": "a-b"},
        {"pages": "5-2"},
        {"pages": "-1"},
        {"pages": ""},
        {"to": "docx"},
        {"output": "DIRECTORY"},
        {"output": "EXISTING", "overwrite": False},
        {"timeout": 0},
        {"timeout": -3.0},
    ],
    ids=str,
)
def test_bad_arguments_are_refused_before_any_request(
    client: PdfCoClient,
    mock_http: responses.RequestsMock,
    pdf_path: Path,
    tmp_path: Path,
    arguments: dict[str, Any],
) -> None:
    existing = tmp_path / "existing.xlsx"
    existing.write_bytes(b"old")
    options: dict[str, Any] = {"source": pdf_path, "to": "xlsx", **arguments}
    output = {"DIRECTORY": tmp_path, "EXISTING": existing}.get(options.get("output", ""))
    if output is not None:
        options["output"] = output
    source = options.pop("source")
    if source == "missing.pdf":
        source = tmp_path / "missing.pdf"
    with pytest.raises(InputValidationError):
        client.convert(source, options.pop("to"), **options)
    assert len(mock_http.calls) == 0
    assert existing.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existing.xlsx", "invoice.pdf"]


@pytest.mark.parametrize(
    "arguments",
    [
        {"to": "xlsx", "inline": True},
        {"to": "xls", "inline": True},
        {"to": "csv", "expiration": 0},
        {"to": "csv", "expiration": True},
        {"to": "csv", "callback": "ftp://hooks"},
        {"to": "csv", "pages": "1-x"},
        {"to": "pdf"},
    ],
    ids=str,
)
def test_start_conversion_refuses_bad_options_before_any_request(
    client: PdfCoClient, mock_http: responses.RequestsMock, arguments: dict[str, Any]
) -> None:
    with pytest.raises(InputValidationError):
        client.start_conversion("https://example.com/a.pdf", **arguments)
    with pytest.raises(InputValidationError):
        client.start_conversion("not a url", "csv")
    assert len(mock_http.calls) == 0


def test_timeout_bounds_the_whole_call(
    make_client: ClientFactory, mock_http: responses.RequestsMock, clock: FakeClock, pdf_path: Path
) -> None:
    started: list[tuple[str, float]] = []

    def latency(request: requests.PreparedRequest) -> None:
        started.append((urlsplit(str(request.url)).path, clock.now))
        clock.advance(1.0)

    fake = attach(mock_http, working_checks=10_000, on_request=latency)
    client = make_client(poll_interval=1.0, max_poll_interval=3.0)
    with pytest.raises(JobTimeoutError):
        client.convert_pdf_to_xlsx(pdf_path, timeout=20.0)
    work = [(path, at) for path, at in started if not path.endswith("/file/delete")]
    assert len(work) > 5
    assert all(at < 20.0 for _, at in work)
    # The fake answers each request after 1 s whatever its timeout; the real one would be cut at
    # its read timeout, which the client caps at the time left. Count each request for what a
    # server could make it last: min(1 s, its timeout).
    timeouts = [
        call.request.req_kwargs["timeout"][1]  # type: ignore[attr-defined]
        for call in mock_http.calls
        if not (call.request.url or "").endswith("/file/delete")
    ]
    assert len(timeouts) == len(work)
    assert sum(clock.sleeps) + sum(min(1.0, t) for t in timeouts) <= 20.0 + 1e-9
    assert fake.files == {}  # the input was still cleaned up


def test_a_timeout_used_up_by_the_upload_is_a_timeout_error(
    make_client: ClientFactory, mock_http: responses.RequestsMock, clock: FakeClock, pdf_path: Path
) -> None:
    fake = attach(mock_http, on_request=lambda request: clock.advance(1.0))
    with pytest.raises(APITimeoutError):
        make_client().convert_pdf_to_xlsx(pdf_path, timeout=2.0)
    assert "POST /v1/pdf/convert/to/xlsx" not in paths(fake)
    assert fake.files == {}


def test_the_download_shares_the_deadline(
    make_client: ClientFactory,
    mock_http: responses.RequestsMock,
    clock: FakeClock,
    pdf_path: Path,
    tmp_path: Path,
) -> None:
    def slow_storage_get(request: requests.PreparedRequest) -> None:
        to_storage = urlsplit(str(request.url)).hostname == STORAGE_HOST
        clock.advance(50.0 if request.method == "GET" and to_storage else 0.0)

    attach(mock_http, on_request=slow_storage_get)
    with pytest.raises(APITimeoutError):
        make_client().convert_pdf_to_xlsx(pdf_path, output=tmp_path / "o.xlsx", timeout=30.0)
    assert not (tmp_path / "o.xlsx").exists()


def test_a_failed_delete_does_not_mask_the_result(
    client: PdfCoClient, fake: PdfCoMock, pdf_path: Path, tmp_path: Path, logs: LogCapture
) -> None:
    fake.fail_next("file/delete", status=500, body="oops", times=100)
    result = client.convert_pdf_to_xlsx(pdf_path, output=tmp_path / "out.xlsx")
    assert result.output_path is not None
    assert result.output_path.exists()
    assert any("could not delete" in message for message in logs.messages)


def test_the_result_can_be_fetched_without_output(
    client: PdfCoClient, fake: PdfCoMock, pdf_path: Path
) -> None:
    fake.next_result(b'{"converted": true}', to="json2")
    result = client.convert_pdf_to_json(pdf_path)
    assert result.output_path is None
    assert client.download_bytes(result.url) == b'{"converted": true}'


def test_the_input_is_deleted_while_the_result_downloads(
    make_client: ClientFactory, mock_http: responses.RequestsMock, pdf_path: Path, tmp_path: Path
) -> None:
    deleting = threading.Event()
    overlapped: list[bool] = []

    def hook(request: requests.PreparedRequest) -> None:
        parts = urlsplit(request.url or "")
        if parts.path.endswith("/file/delete"):
            deleting.set()
        elif request.method == "GET" and parts.hostname == STORAGE_HOST:
            # Bounded generously: a sequential cleanup would only start after this returns.
            overlapped.append(deleting.wait(timeout=30))

    fake = attach(mock_http, on_request=hook)
    result = make_client().convert_pdf_to_xlsx(pdf_path, output=tmp_path / "out.xlsx")
    assert overlapped == [True]
    assert [urlsplit(url).path for url in fake.files] == [f"/{result.job_id}/invoice.xlsx"]
    spent = ["presign"] + ["convert"] * FAKE_PAGES + ["check", "delete"]
    assert result.credits == sum(PRICES[call] for call in spent)
