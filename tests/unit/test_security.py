"""The API key goes to PDF.co's API host only: never to storage, a redirect, a log or an error."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Callable

import pytest
import requests
import responses

from pdfco_client import ConfigurationError, PdfCoClient, PdfCoError
from pdfco_client.testing import PdfCoMock
from tests.unit.conftest import (
    API_HOST,
    API_URL,
    PDF_BYTES,
    STORAGE_HOST,
    STORAGE_URL,
    ClientFactory,
    LogCapture,
)

SECRET = "pdfco-SECRET-0f9e8d7c6b5a-distinctive"


@pytest.fixture
def secret_client(make_client: ClientFactory) -> PdfCoClient:
    return make_client(api_key=SECRET)


@pytest.fixture
def pdf_path(tmp_path: Path) -> Path:
    path = tmp_path / "in.pdf"
    path.write_bytes(PDF_BYTES)
    return path


def all_log_text(logs: LogCapture) -> str:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s %(args)s")
    return "\n".join(formatter.format(record) for record in logs.records)


def error_chain(error: BaseException) -> Iterator[BaseException]:
    seen: BaseException | None = error
    while seen is not None:
        yield seen
        seen = seen.__cause__ or seen.__context__


def test_a_full_conversion_sends_the_key_to_the_api_host_only(
    secret_client: PdfCoClient, fake: PdfCoMock, pdf_path: Path, tmp_path: Path, logs: LogCapture
) -> None:
    secret_client.convert_pdf_to_xlsx(pdf_path, output=tmp_path / "out.xlsx")
    api = [call for call in fake.calls if call.host == API_HOST]
    storage = [call for call in fake.calls if call.host == STORAGE_HOST]
    assert len(api) >= 4
    assert len(storage) == 2
    assert len(api) + len(storage) == len(fake.calls)
    assert all(seen.headers["x-api-key"] == SECRET for seen in api)
    assert all("x-api-key" not in seen.headers for seen in storage)
    assert all(SECRET not in seen.url for seen in fake.calls)
    text = all_log_text(logs)
    assert "PUT https://pdf-temp-files.s3.us-west-2.amazonaws.com/" in text
    assert SECRET not in text
    assert "X-Amz-Signature" not in text
    assert "X-Amz-Expires" not in text


def scenario_errors(
    client: PdfCoClient, mock: responses.RequestsMock, tmp: Path
) -> list[BaseException]:
    """Run failing calls of every kind and collect what they raise."""
    balance = f"{API_URL}/account/credit/balance"
    convert = f"{API_URL}/pdf/convert/to/xlsx"
    check = f"{API_URL}/job/check"
    result = f"{STORAGE_URL}/J/out.xlsx?X-Amz-Signature=abc"
    mock.add("GET", balance, json={"error": True, "status": 401, "message": "bad key"}, status=401)
    mock.add("GET", balance, body=requests.ConnectionError("reset"))
    mock.add("GET", balance, body="<html>", status=200)
    mock.add("POST", convert, body=requests.ReadTimeout("slow"))
    mock.add("POST", check, json={"status": "failed", "message": "broken"})
    mock.add("GET", result, body=b"abc", headers={"Content-Length": "99"})
    calls: list[Callable[[], Any]] = [
        client.get_credit_balance,
        client.get_credit_balance,
        client.get_credit_balance,
        lambda: client.start_conversion("https://example.com/a.pdf", "xlsx"),
        lambda: client.wait_for_job("JOB1"),
        lambda: client.download(result, tmp / "out.xlsx"),
        lambda: client.upload(tmp / "missing.pdf"),
    ]
    errors: list[BaseException] = []
    for call in calls:
        with pytest.raises(PdfCoError) as caught:
            call()
        errors.append(caught.value)
    return errors


def test_the_key_is_in_no_error_and_no_log(
    make_client: ClientFactory, mock_http: responses.RequestsMock, tmp_path: Path, logs: LogCapture
) -> None:
    client = make_client(api_key=SECRET, max_retries=0)
    errors = scenario_errors(client, mock_http, tmp_path)
    assert len({type(error) for error in errors}) == 7
    for error in errors:
        for link in error_chain(error):
            if isinstance(link, PdfCoError):
                assert SECRET not in str(link), type(link)
                assert SECRET not in repr(link), type(link)
                assert "X-Amz-Signature" not in str(link)
    assert SECRET not in all_log_text(logs)
    assert mock_http.calls
    assert all(call.request.headers.get("x-api-key") in (SECRET, None) for call in mock_http.calls)


@pytest.mark.parametrize("key", [f"{SECRET} with space", f"{SECRET}\u00e9"])
def test_a_refused_key_is_not_echoed(key: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        PdfCoClient(key)
    assert SECRET not in str(caught.value)
    assert SECRET not in repr(caught.value)


def test_an_api_redirect_is_not_followed_with_the_key(
    secret_client: PdfCoClient, mock_http: responses.RequestsMock
) -> None:
    evil = "https://collector.example.net/steal"
    mock_http.add(
        "GET", f"{API_URL}/account/credit/balance", status=302, headers={"Location": evil}
    )
    mock_http.add("GET", evil, json={"remainingCredits": 1})
    with pytest.raises(PdfCoError):
        secret_client.get_credit_balance()
    assert [call.request.url for call in mock_http.calls] == [f"{API_URL}/account/credit/balance"]


def test_a_download_from_the_api_host_does_not_carry_the_key_through_a_redirect(
    secret_client: PdfCoClient, mock_http: responses.RequestsMock, tmp_path: Path
) -> None:
    # The emulator serves results from the API's own origin, so the key is attached there; a
    # redirect to another host must not take it along (requests only strips Authorization).
    start = f"{API_URL}/files/result.xlsx"
    elsewhere = "https://collector.example.net/result.xlsx"
    mock_http.add("GET", start, status=302, headers={"Location": elsewhere})
    mock_http.add("GET", elsewhere, body=b"data")
    # Refusing the redirect is as good as following it without the key.
    with contextlib.suppress(PdfCoError):
        secret_client.download(start, tmp_path / "out.xlsx")
    leaked = [c.request.url for c in mock_http.calls if c.request.headers.get("x-api-key")]
    assert leaked in ([], [start])
    written = tmp_path / "out.xlsx"
    assert not written.exists() or written.read_bytes() == b"data"  # never the 302's empty body


def test_a_callers_session_key_is_stripped_from_downloads(
    make_client: ClientFactory, mock_http: responses.RequestsMock
) -> None:
    url = f"{STORAGE_URL}/J/out.csv"
    mock_http.add("GET", url, body=b"a,b")
    with requests.Session() as session:
        session.headers["x-api-key"] = SECRET
        assert make_client(api_key=SECRET, session=session).download_bytes(url) == b"a,b"
    assert "x-api-key" not in mock_http.calls[0].request.headers


def test_a_lookalike_host_is_not_the_api(
    secret_client: PdfCoClient, mock_http: responses.RequestsMock
) -> None:
    urls = [
        "https://api.pdf.co.evil.net/v1/a.csv",
        "http://api.pdf.co/v1/a.csv",
        "https://api.pdf.co:8443/v1/a.csv",
    ]
    for url in urls:
        mock_http.add("GET", url, body=b"x")
        secret_client.download_bytes(url)
    assert [c.request.headers.get("x-api-key") for c in mock_http.calls] == [None, None, None]
