"""The retry policy: what is retried, how often, how long it waits, and what is never re-sent."""

from __future__ import annotations

import email.utils
import time
from typing import Any

import pytest
import requests
import responses
from urllib3.connection import HTTPSConnection
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError

from pdfco_client import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    InputValidationError,
    OutcomeUnknownError,
    PdfCoClient,
    PdfCoError,
    RateLimitError,
    ServerError,
)
from tests.unit.conftest import API_URL, STORAGE_URL, ClientFactory, FakeClock

BALANCE = f"{API_URL}/account/credit/balance"
CONVERT = f"{API_URL}/pdf/convert/to/xlsx"
SOURCE = f"{STORAGE_URL}/UPLOAD/in.pdf"
JOB = {"jobId": "JOB1", "url": f"{STORAGE_URL}/JOB1/out.xlsx", "credits": 10}


def refused() -> requests.ConnectionError:
    """What requests raises when nothing listens: the request never left this machine."""
    reason = NewConnectionError(HTTPSConnection("api.pdf.co"), "[Errno 111] Connection refused")
    return requests.ConnectionError(MaxRetryError(None, "/v1/x", reason=reason))  # type: ignore[arg-type]


def reset_mid_response() -> requests.ConnectionError:
    """What requests raises when the server drops the connection after reading the request."""
    reset = ConnectionResetError(104, "Connection reset by peer")
    return requests.ConnectionError(ProtocolError("Connection aborted.", reset))


Failure = Any  # an exception instance, or an HTTP status code


def add_failure(mock: responses.RequestsMock, method: str, url: str, failure: Failure) -> None:
    if isinstance(failure, int):
        mock.add(
            method, url, json={"error": True, "status": failure, "message": "no"}, status=failure
        )
    else:
        mock.add(method, url, body=failure)


RETRIED: list[Failure] = [
    requests.ConnectionError("connection reset"),
    requests.ConnectTimeout("connect timed out"),
    requests.ReadTimeout("read timed out"),
    408,
    429,
    500,
    502,
    503,
    504,
]


@pytest.mark.parametrize("failure", RETRIED)
def test_transient_failures_are_retried(
    make_client: ClientFactory,
    mock_http: responses.RequestsMock,
    clock: FakeClock,
    failure: Failure,
) -> None:
    client = make_client(max_retries=3)
    for _ in range(3):
        add_failure(mock_http, "GET", BALANCE, failure)
    mock_http.add("GET", BALANCE, json={"remainingCredits": 42})
    assert client.get_credit_balance() == 42
    assert len(mock_http.calls) == 4
    assert len(clock.sleeps) == 3


@pytest.mark.parametrize("code", [400, 401, 402, 403, 404, 405, 441, 442, 445, 449])
def test_request_errors_are_not_retried(
    make_client: ClientFactory, mock_http: responses.RequestsMock, clock: FakeClock, code: int
) -> None:
    add_failure(mock_http, "GET", BALANCE, code)
    with pytest.raises(APIError) as caught:
        make_client().get_credit_balance()
    assert caught.value.status_code == code
    assert caught.value.retryable is False
    assert len(mock_http.calls) == 1
    assert clock.sleeps == []


def test_malformed_answers_are_not_retried(
    client: PdfCoClient, mock_http: responses.RequestsMock, clock: FakeClock
) -> None:
    mock_http.add("GET", BALANCE, body="<html>", status=200)
    with pytest.raises(PdfCoError):
        client.get_credit_balance()
    assert len(mock_http.calls) == 1
    assert clock.sleeps == []


@pytest.mark.parametrize("max_retries", [0, 1, 4, 7])
def test_attempts_are_max_retries_plus_one(
    make_client: ClientFactory,
    mock_http: responses.RequestsMock,
    clock: FakeClock,
    max_retries: int,
) -> None:
    add_failure(mock_http, "GET", BALANCE, 503)
    with pytest.raises(ServerError):
        make_client(max_retries=max_retries).get_credit_balance()
    assert len(mock_http.calls) == max_retries + 1
    assert len(clock.sleeps) == max_retries


@pytest.mark.parametrize("max_wait", [30.0, 2.5])
def test_delays_grow_exponentially_with_jitter_and_a_cap(
    make_client: ClientFactory, mock_http: responses.RequestsMock, clock: FakeClock, max_wait: float
) -> None:
    add_failure(mock_http, "GET", BALANCE, requests.ConnectionError("down"))
    with pytest.raises(APIConnectionError):
        make_client(max_retries=8, retry_max_wait=max_wait).get_credit_balance()
    assert len(clock.sleeps) == 8
    for attempt, delay in enumerate(clock.sleeps, start=1):
        ceiling = min(max_wait, 0.5 * 2 ** (attempt - 1))
        assert 0.75 * ceiling <= delay <= ceiling, (attempt, delay)
    assert len(set(clock.sleeps)) > 1


@pytest.mark.parametrize(
    ("header", "max_wait", "expected"),
    [("7", 30.0, 7.0), ("0", 30.0, 0.0), ("100", 30.0, 30.0), ("2.5", 30.0, 2.5)],
)
@pytest.mark.parametrize("code", [429, 503])
def test_retry_after_seconds_is_honoured_and_capped(
    make_client: ClientFactory,
    mock_http: responses.RequestsMock,
    clock: FakeClock,
    code: int,
    header: str,
    max_wait: float,
    expected: float,
) -> None:
    mock_http.add(
        "GET", BALANCE, json={"message": "wait"}, status=code, headers={"Retry-After": header}
    )
    mock_http.add("GET", BALANCE, json={"remainingCredits": 1})
    assert make_client(retry_max_wait=max_wait).get_credit_balance() == 1
    assert clock.sleeps == [expected]


def test_retry_after_as_http_date(
    make_client: ClientFactory, mock_http: responses.RequestsMock, clock: FakeClock
) -> None:
    when = email.utils.formatdate(time.time() + 120, usegmt=True)
    mock_http.add("GET", BALANCE, status=429, headers={"Retry-After": when})
    mock_http.add("GET", BALANCE, status=429, headers={"Retry-After": when})
    mock_http.add("GET", BALANCE, json={"remainingCredits": 1})
    make_client(retry_max_wait=1000.0).get_credit_balance()
    assert 115.0 <= clock.sleeps[0] <= 121.0
    clock.sleeps.clear()
    mock_http.add("GET", BALANCE, status=429, headers={"Retry-After": when})
    mock_http.add("GET", BALANCE, json={"remainingCredits": 1})
    make_client(retry_max_wait=10.0).get_credit_balance()
    assert clock.sleeps == [10.0]


def test_deadline_stops_retries_without_sleeping_past_it(
    make_client: ClientFactory, mock_http: responses.RequestsMock, clock: FakeClock
) -> None:
    read_timeouts: list[float] = []

    def slow_failure(request: requests.PreparedRequest) -> Any:
        # A server that takes 1 s to fail; a read timeout shorter than that cuts it off.
        _, read = request.req_kwargs["timeout"]  # type: ignore[attr-defined]
        read_timeouts.append(read)
        if read < 1.0:
            clock.advance(read)
            return requests.ReadTimeout("read timed out")
        clock.advance(1.0)
        return 503, {}, '{"error": true, "status": 503, "message": "busy"}'

    mock_http.add_callback("GET", BALANCE, callback=slow_failure)
    with pytest.raises((ServerError, APITimeoutError)):
        make_client(max_retries=50).get_credit_balance(timeout=6.0)
    assert clock.now <= 6.0
    assert 2 <= len(mock_http.calls) < 7
    assert len(clock.sleeps) == len(mock_http.calls) - 1
    assert read_timeouts[0] == 6.0  # the default read timeout (120 s), capped at the deadline
    assert all(read <= 6.0 for read in read_timeouts)


def test_retry_after_beyond_the_deadline_is_not_waited_for(
    make_client: ClientFactory, mock_http: responses.RequestsMock, clock: FakeClock
) -> None:
    mock_http.add("GET", BALANCE, status=429, headers={"Retry-After": "20"})
    with pytest.raises(RateLimitError):
        make_client().get_credit_balance(timeout=5.0)
    assert len(mock_http.calls) == 1
    assert clock.sleeps == []


@pytest.mark.parametrize("timeout", [0, -1, True, "5"])
def test_bad_call_timeouts_are_refused_before_any_request(
    client: PdfCoClient, mock_http: responses.RequestsMock, timeout: Any
) -> None:
    with pytest.raises(InputValidationError):
        client.get_credit_balance(timeout=timeout)
    assert len(mock_http.calls) == 0


# -- start_conversion costs credits and has no idempotency key ------------------------------

UNKNOWN_OUTCOME: list[Failure] = [
    requests.ReadTimeout("read timed out"),
    reset_mid_response(),
    requests.ConnectionError("connection reset"),
    requests.exceptions.ChunkedEncodingError("broken"),
    502,
    504,
    520,  # Cloudflare-style gateway answers: the origin may have carried the request out
    524,
    599,
]
SAFE_TO_RESEND: list[Failure] = [
    refused(),
    requests.ConnectTimeout("connect timed out"),
    503,
    429,
    500,
    408,
]


@pytest.mark.parametrize("failure", UNKNOWN_OUTCOME)
def test_start_conversion_is_not_resent_when_the_outcome_is_unknown(
    client: PdfCoClient, mock_http: responses.RequestsMock, clock: FakeClock, failure: Failure
) -> None:
    add_failure(mock_http, "POST", CONVERT, failure)
    mock_http.add("POST", CONVERT, json=JOB)
    with pytest.raises(OutcomeUnknownError) as caught:
        client.start_conversion(SOURCE, "xlsx")
    assert len(mock_http.calls) == 1
    assert clock.sleeps == []
    assert caught.value.retryable is False
    assert isinstance(caught.value.__cause__, (APIConnectionError, ServerError))
    assert "resend_on_unknown_outcome" in str(caught.value)


@pytest.mark.parametrize("failure", SAFE_TO_RESEND)
def test_start_conversion_is_resent_when_pdfco_certainly_did_not_act(
    client: PdfCoClient, mock_http: responses.RequestsMock, clock: FakeClock, failure: Failure
) -> None:
    add_failure(mock_http, "POST", CONVERT, failure)
    mock_http.add("POST", CONVERT, json=JOB)
    assert client.start_conversion(SOURCE, "xlsx").job_id == "JOB1"
    assert len(mock_http.calls) == 2
    assert len(clock.sleeps) == 1


@pytest.mark.parametrize("failure", UNKNOWN_OUTCOME)
def test_start_conversion_is_resent_when_the_caller_allows_it(
    client: PdfCoClient, mock_http: responses.RequestsMock, failure: Failure
) -> None:
    add_failure(mock_http, "POST", CONVERT, failure)
    mock_http.add("POST", CONVERT, json=JOB)
    job = client.start_conversion(SOURCE, "xlsx", resend_on_unknown_outcome=True)
    assert job.job_id == "JOB1"
    assert len(mock_http.calls) == 2


def test_refused_connection_exhausting_retries_is_not_an_unknown_outcome(
    make_client: ClientFactory, mock_http: responses.RequestsMock
) -> None:
    add_failure(mock_http, "POST", CONVERT, refused())
    with pytest.raises(APIConnectionError) as caught:
        make_client(max_retries=2).start_conversion(SOURCE, "xlsx")
    assert type(caught.value) is APIConnectionError
    assert caught.value.request_sent is False
    assert len(mock_http.calls) == 3


def test_read_timeout_says_the_request_was_sent(
    client: PdfCoClient, mock_http: responses.RequestsMock
) -> None:
    add_failure(mock_http, "GET", BALANCE, requests.ReadTimeout("slow"))
    with pytest.raises(APITimeoutError) as caught:
        client.get_credit_balance()
    assert caught.value.request_sent is True
