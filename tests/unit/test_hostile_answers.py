"""Answers crafted to break the client: each one still ends in a typed ``PdfCoError``.

The three escapes issue 10 found (an overflowing ``Retry-After`` date, a redirect to an
unparseable URL, and that redirect after a paid POST) plus the answers around them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import responses

from pdfco_client import (
    MalformedResponseError,
    OutcomeUnknownError,
    PdfCoClient,
    RateLimitError,
    ServerError,
    UnsafeURLError,
)
from pdfco_client._http import parse_retry_after
from tests.unit.conftest import API_URL, STORAGE_URL, ClientFactory

BALANCE = f"{API_URL}/account/credit/balance"
CONVERT = f"{API_URL}/pdf/convert/to/csv"
RESULT = f"{STORAGE_URL}/J/out.csv"
SOURCE = f"{STORAGE_URL}/U/in.pdf"

OVERFLOWING_DATES = [
    "Mon, 01 Jan 99999999999999999999 00:00:00 GMT",
    "Mon, 01 Jan 10000 00:00:00 GMT",
    "Mon, 01 Jan 2020 00:00:00 +9999",
    "Mon, 99 Jan 2020 00:00:00 GMT",
    "9" * 400,
    "1e400",
    "-1e400",
    "nan",
    "inf",
    "0x10",
]


@pytest.mark.parametrize("value", OVERFLOWING_DATES)
def test_a_retry_after_out_of_any_range_is_ignored_or_capped(value: str) -> None:
    delay = parse_retry_after(value, now=lambda: 0.0)
    assert delay is None or 0.0 <= delay < float("inf")


@pytest.mark.parametrize("value", OVERFLOWING_DATES[:2])
@pytest.mark.parametrize("status", [429, 503])
def test_an_overflowing_retry_after_ends_in_a_typed_error(
    make_client: ClientFactory, mock_http: responses.RequestsMock, value: str, status: int
) -> None:
    client = make_client(max_retries=2, retry_max_wait=1.0)
    mock_http.add("GET", BALANCE, status=status, json={}, headers={"Retry-After": value})
    mock_http.add("GET", RESULT, status=status, body=b"", headers={"Retry-After": value})
    expected = RateLimitError if status == 429 else ServerError
    with pytest.raises(expected):
        client.get_credit_balance()
    with pytest.raises(expected):
        client.download_bytes(RESULT)
    mock_http.add("POST", CONVERT, status=status, json={}, headers={"Retry-After": value})
    with pytest.raises((expected, OutcomeUnknownError)):
        client.start_conversion(SOURCE, "csv")


@pytest.mark.parametrize(
    "location", ["http://[::1/x", "http://" + "a" * 300 + ".example/x", "http://a\\@b/"]
)
def test_an_api_redirect_to_a_broken_url_is_a_malformed_answer(
    client: PdfCoClient, mock_http: responses.RequestsMock, location: str
) -> None:
    mock_http.add("GET", BALANCE, status=302, headers={"Location": location})
    with pytest.raises(MalformedResponseError, match="redirect"):
        client.get_credit_balance()
    assert len(mock_http.calls) == 1


@pytest.mark.parametrize("location", ["http://[::1/x", f"{API_URL}/elsewhere", "/v1/x"])
def test_a_redirect_after_the_paid_post_is_an_unknown_outcome_with_nothing_resent(
    make_client: ClientFactory, mock_http: responses.RequestsMock, location: str
) -> None:
    # The POST reached a server, which answered with something that is not PDF.co's answer:
    # a job may have started (and been billed), so the client neither re-sends nor guesses.
    client = make_client(max_retries=3)
    mock_http.add("POST", CONVERT, status=302, headers={"Location": location})
    with pytest.raises(OutcomeUnknownError) as caught:
        client.start_conversion(SOURCE, "csv")
    assert isinstance(caught.value.__cause__, MalformedResponseError)
    assert len(mock_http.calls) == 1
    assert "resend_on_unknown_outcome" in str(caught.value)


def test_a_redirect_after_the_paid_post_is_resent_only_when_asked(
    make_client: ClientFactory, mock_http: responses.RequestsMock
) -> None:
    client = make_client(max_retries=3)
    mock_http.add("POST", CONVERT, status=307, headers={"Location": "http://[::1/x"})
    with pytest.raises(MalformedResponseError):
        client.start_conversion(SOURCE, "csv", resend_on_unknown_outcome=True)
    assert len(mock_http.calls) == 1  # a redirect is not a transient failure either way


@pytest.mark.parametrize(
    "location",
    [
        "http://[::1/x",
        "http://" + "a" * 300 + ".example/x",
        "http://storage.example\\@api.pdf.co/x",
        "http://user@storage.example/x",
        "javascript:alert(1)",
        "ftp://storage.example/x",
        "http://storage.example/\x00x",
    ],
)
def test_a_storage_redirect_to_a_broken_or_ambiguous_url_is_refused(
    client: PdfCoClient, mock_http: responses.RequestsMock, tmp_path: Path, location: str
) -> None:
    mock_http.add("GET", RESULT, status=302, headers={"Location": location})
    with pytest.raises(UnsafeURLError, match="redirected"):
        client.download(RESULT, tmp_path / "out.csv")
    assert list(tmp_path.iterdir()) == []
    assert len(mock_http.calls) == 1


def test_a_storage_redirect_is_followed_without_the_key_and_checked_again(
    client: PdfCoClient, mock_http: responses.RequestsMock
) -> None:
    moved = f"{STORAGE_URL}/moved/out.csv"
    mock_http.add("GET", RESULT, status=301, headers={"Location": "/moved/out.csv"})
    mock_http.add("GET", moved, body=b"a,b")
    assert client.download_bytes(RESULT) == b"a,b"
    assert [call.request.url for call in mock_http.calls] == [RESULT, moved]
    assert all("x-api-key" not in call.request.headers for call in mock_http.calls)


def test_a_redirect_to_the_api_never_takes_the_key_there(
    client: PdfCoClient, mock_http: responses.RequestsMock
) -> None:
    # A storage host (or whoever impersonates one) must not make the client call the API with
    # the key on a path of its choosing.
    target = f"{API_URL}/pdf/convert/to/csv?url=https://evil.example/x.pdf"
    mock_http.add("GET", RESULT, status=302, headers={"Location": target})
    mock_http.add("GET", target, body=b"{}")
    client.download_bytes(RESULT)
    assert all("x-api-key" not in call.request.headers for call in mock_http.calls)


def test_a_redirect_loop_ends(client: PdfCoClient, mock_http: responses.RequestsMock) -> None:
    mock_http.add("GET", RESULT, status=302, headers={"Location": RESULT})
    with pytest.raises(MalformedResponseError, match="redirected more than"):
        client.download_bytes(RESULT)
    assert len(mock_http.calls) == 6


@pytest.mark.parametrize("status", [201, 202, 203, 204, 206, 226, 304])
def test_only_200_is_a_complete_download(
    client: PdfCoClient, mock_http: responses.RequestsMock, tmp_path: Path, status: int
) -> None:
    mock_http.add("GET", RESULT, status=status, body=b"part")
    with pytest.raises(MalformedResponseError, match="only 200"):
        client.download(RESULT, tmp_path / "out.csv")
    with pytest.raises(MalformedResponseError, match="only 200"):
        client.download_bytes(RESULT)
    assert list(tmp_path.iterdir()) == []
