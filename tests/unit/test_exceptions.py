"""The exception tree and the table that maps PDF.co's answers (HTTP status and body) onto it."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
import responses
from urllib3.exceptions import ProtocolError

from pdfco_client import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    InsufficientCreditsError,
    InvalidInputError,
    InvalidPasswordError,
    MalformedResponseError,
    NotFoundError,
    PdfCoClient,
    PdfCoError,
    ProcessingTimeoutError,
    RateLimitError,
    ServerError,
)
from pdfco_client._exceptions import api_error_for
from tests.unit.conftest import API_URL, PDF_BYTES, STORAGE_URL, ClientFactory

BALANCE = f"{API_URL}/account/credit/balance"

TABLE: list[tuple[int, str, type[APIError], bool]] = [
    (400, "bad request", InvalidInputError, False),
    (401, "invalid api key", AuthenticationError, False),
    (402, "not enough credits", InsufficientCreditsError, False),
    (403, "Not enough Credits on the account", InsufficientCreditsError, False),
    (403, "access forbidden for input url", InvalidInputError, False),
    (404, "not found", NotFoundError, False),
    (405, "timeout", ProcessingTimeoutError, False),
    (408, "request timeout", ServerError, True),
    (414, "uri too long", InvalidInputError, False),
    (415, "unsupported media type", InvalidInputError, False),
    (418, "teapot", InvalidInputError, False),
    (429, "too many requests", RateLimitError, True),
    (441, "invalid password", InvalidPasswordError, False),
    (442, "damaged input", InvalidInputError, False),
    (443, "prohibited by permissions", InvalidInputError, False),
    (445, "timeout, use async", ProcessingTimeoutError, False),
    (449, "invalid index range", InvalidInputError, False),
    (450, "invalid page range", InvalidInputError, False),
    (452, "invalid url", InvalidInputError, False),
    (454, "invalid parameters", InvalidInputError, False),
    (455, "a new 45x code", InvalidInputError, False),
    (500, "internal error", ServerError, True),
    (502, "bad gateway", ServerError, True),
    (503, "unavailable", ServerError, True),
    (504, "gateway timeout", ServerError, True),
]


@pytest.fixture
def client(make_client: ClientFactory) -> PdfCoClient:
    return make_client(max_retries=0)


def error_of(client: PdfCoClient) -> PdfCoError:
    with pytest.raises(PdfCoError) as caught:
        client.get_credit_balance()
    return caught.value


@pytest.mark.parametrize(("code", "message", "cls", "retryable"), TABLE)
def test_table_maps_every_code(
    code: int, message: str, cls: type[APIError], retryable: bool
) -> None:
    error = api_error_for(code, message, body={"status": code}, http_status=200, url="u")
    assert type(error) is cls
    assert error.retryable is retryable
    assert (error.status_code, error.message, error.http_status, error.url) == (
        code,
        message,
        200,
        "u",
    )
    assert error.body == {"status": code}
    assert str(code) in str(error)
    assert message in str(error)


@pytest.mark.parametrize(("code", "message", "cls", "retryable"), TABLE)
def test_http_status_with_json_error_body(
    client: PdfCoClient,
    mock_http: responses.RequestsMock,
    code: int,
    message: str,
    cls: type[APIError],
    retryable: bool,
) -> None:
    body = {"error": True, "status": code, "message": message}
    mock_http.add("GET", BALANCE, json=body, status=code)
    error = error_of(client)
    assert type(error) is cls
    assert isinstance(error, APIError)
    assert (error.status_code, error.http_status, error.message) == (code, code, message)
    assert error.body == body
    assert error.url == BALANCE
    assert error.retryable is retryable


@pytest.mark.parametrize(("code", "message", "cls", "retryable"), TABLE)
def test_error_body_with_http_200(
    client: PdfCoClient,
    mock_http: responses.RequestsMock,
    code: int,
    message: str,
    cls: type[APIError],
    retryable: bool,
) -> None:
    mock_http.add("GET", BALANCE, json={"error": True, "status": code, "message": message})
    error = error_of(client)
    assert type(error) is cls
    assert isinstance(error, APIError)
    assert (error.status_code, error.http_status, error.message) == (code, 200, message)


@pytest.mark.parametrize(
    ("body", "cls", "code"),
    [
        ({"error": True, "status": 441, "message": "bad password"}, InvalidPasswordError, 441),
        ({"error": "true", "status": 441, "message": "bad password"}, InvalidPasswordError, 441),
        (
            {"error": "True", "status": "402", "message": "no credits"},
            InsufficientCreditsError,
            402,
        ),
        ({"error": False, "status": "449", "message": "range"}, InvalidInputError, 449),
        ({"error": True, "message": "refused"}, InvalidInputError, 400),
        ({"error": True, "status": 200, "Message": "refused"}, InvalidInputError, 400),
    ],
)
def test_error_signals_in_a_200_body(
    client: PdfCoClient,
    mock_http: responses.RequestsMock,
    body: dict[str, Any],
    cls: type[APIError],
    code: int,
) -> None:
    mock_http.add("GET", BALANCE, json=body)
    error = error_of(client)
    assert type(error) is cls
    assert isinstance(error, APIError)
    assert error.status_code == code
    assert error.message == (body.get("message") or body.get("Message"))


@pytest.mark.parametrize("body", [{"error": False, "status": 200}, {"error": "false"}])
def test_error_false_is_not_an_error(
    client: PdfCoClient, mock_http: responses.RequestsMock, body: dict[str, Any]
) -> None:
    mock_http.add("GET", BALANCE, json={**body, "remainingCredits": 12})
    assert client.get_credit_balance() == 12


def test_retry_after_is_kept_on_429_and_5xx(
    client: PdfCoClient, mock_http: responses.RequestsMock
) -> None:
    mock_http.add(
        "GET", BALANCE, json={"message": "slow down"}, status=429, headers={"Retry-After": "7"}
    )
    error = error_of(client)
    assert isinstance(error, RateLimitError)
    assert error.retry_after == 7.0
    assert error.message == "slow down"


def test_http_500_with_html_body_is_a_server_error(
    client: PdfCoClient, mock_http: responses.RequestsMock
) -> None:
    mock_http.add("GET", BALANCE, body="<html>Internal Server Error</html>", status=500)
    error = error_of(client)
    assert type(error) is ServerError
    assert error.status_code == 500
    assert error.body is None


@pytest.mark.parametrize(
    ("body", "what"),
    [
        ("<html>ok</html>", "not JSON"),
        ("[1, 2]", "not an object"),
        ("", "empty"),
        ("null", "empty"),
    ],
)
def test_unreadable_200_bodies_are_malformed(
    client: PdfCoClient, mock_http: responses.RequestsMock, body: str, what: str
) -> None:
    mock_http.add("GET", BALANCE, body=body, status=200)
    error = error_of(client)
    assert type(error) is MalformedResponseError
    assert what in str(error)
    assert error.retryable is False


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"remainingCredits": 10, "pageCount": 1}, "jobId"),
        ({"jobId": ["not", "a", "string"]}, "jobId"),
    ],
)
def test_convert_answer_missing_a_field_names_it(
    client: PdfCoClient, mock_http: responses.RequestsMock, body: dict[str, Any], field: str
) -> None:
    mock_http.add("POST", f"{API_URL}/pdf/convert/to/xlsx", json=body)
    with pytest.raises(MalformedResponseError, match=field) as caught:
        client.start_conversion(f"{STORAGE_URL}/in.pdf", "xlsx")
    assert caught.value.body == body


def test_job_check_without_status_names_the_field(
    client: PdfCoClient, mock_http: responses.RequestsMock
) -> None:
    mock_http.add("POST", f"{API_URL}/job/check", json={"jobId": "ABC"})
    with pytest.raises(MalformedResponseError, match="status"):
        client.check_job("ABC")


@pytest.mark.parametrize("credits", [None, "lots", [1]])
def test_credit_balance_without_a_number_is_malformed(
    client: PdfCoClient, mock_http: responses.RequestsMock, credits: Any
) -> None:
    mock_http.add("GET", BALANCE, json={"remainingCredits": credits})
    with pytest.raises(MalformedResponseError, match="remainingCredits"):
        client.get_credit_balance()


def test_presigned_answer_with_odd_credits_is_malformed_not_a_pydantic_error(
    client: PdfCoClient, mock_http: responses.RequestsMock
) -> None:
    answer = {
        "presignedUrl": f"{STORAGE_URL}/a.pdf?sig=1",
        "url": f"{STORAGE_URL}/a.pdf",
        "credits": "n/a",
    }
    mock_http.add("GET", f"{API_URL}/file/upload/get-presigned-url", json=answer)
    mock_http.add("PUT", f"{STORAGE_URL}/a.pdf")
    with pytest.raises(MalformedResponseError):
        client.upload(PDF_BYTES)


NETWORK_FAILURES: list[tuple[BaseException, type[APIConnectionError]]] = [
    (requests.ConnectionError("connection reset"), APIConnectionError),
    (
        requests.ConnectionError(ProtocolError("aborted", ConnectionResetError(104, "reset"))),
        APIConnectionError,
    ),
    (requests.ConnectTimeout("connect timed out"), APITimeoutError),
    (requests.ReadTimeout("read timed out"), APITimeoutError),
    (requests.exceptions.ChunkedEncodingError("broken chunk"), APIConnectionError),
    (requests.exceptions.SSLError("certificate verify failed"), APIConnectionError),
    (requests.exceptions.ContentDecodingError("bad gzip"), APIConnectionError),
    (requests.exceptions.TooManyRedirects("loop"), APIConnectionError),
    (requests.exceptions.InvalidHeader("bad header"), APIConnectionError),
]


@pytest.mark.parametrize(("failure", "expected"), NETWORK_FAILURES)
def test_no_requests_exception_escapes(
    client: PdfCoClient,
    mock_http: responses.RequestsMock,
    failure: BaseException,
    expected: type[APIConnectionError],
) -> None:
    mock_http.add("GET", BALANCE, body=failure)
    error = error_of(client)
    assert type(error) is expected
    assert error.__cause__ is failure
    assert not isinstance(error, requests.RequestException)
    assert "/account/credit/balance" in str(error)


@pytest.mark.parametrize(("failure", "expected"), NETWORK_FAILURES)
def test_no_requests_exception_escapes_a_download(
    client: PdfCoClient,
    mock_http: responses.RequestsMock,
    tmp_path: Any,
    failure: BaseException,
    expected: type[APIConnectionError],
) -> None:
    mock_http.add("GET", f"{STORAGE_URL}/out.xlsx", body=failure)
    with pytest.raises(expected) as caught:
        client.download(f"{STORAGE_URL}/out.xlsx", tmp_path / "out.xlsx")
    # requests' own message holds the whole presigned URL, a credential: not chained for storage.
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__
    assert list(tmp_path.iterdir()) == []


def test_error_body_is_kept_for_callers(
    client: PdfCoClient, mock_http: responses.RequestsMock
) -> None:
    body = {"error": True, "status": 441, "message": "password", "errorCode": 7, "extra": [1]}
    mock_http.add("GET", BALANCE, body=json.dumps(body), status=200)
    error = error_of(client)
    assert isinstance(error, InvalidPasswordError)
    assert error.body == body
