"""PDF.co's error codes, jobs that end badly, expiry, and malformed requests."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import requests

from pdfco_client.emulator import Emulator
from tests.emulator.conftest import TIMEOUT, api, download, upload, wait_job
from tests.pdf_factory import NOT_A_PDF, USER_PASSWORD, make_encrypted_pdf, make_large_pdf


def _error(response: requests.Response, status: int) -> str:
    body = response.json()
    assert response.status_code == status, body
    assert body["error"] is True
    assert body["status"] == status
    message: str = body["message"]
    return message


@pytest.mark.parametrize("headers", [{}, {"x-api-key": "wrong"}])
def test_missing_or_wrong_key_is_401(emu: Emulator, headers: dict[str, str]) -> None:
    with requests.get(
        f"{emu.base_url}/account/credit/balance", headers=headers, timeout=TIMEOUT
    ) as response:
        _error(response, 401)
    assert emu.requests[-1].api_key_valid is False
    assert emu.requests[-1].api_key_present is bool(headers)


def test_key_value_is_never_recorded(emu: Emulator) -> None:
    api(emu, "GET", "account/credit/balance")
    record = emu.requests[-1]
    assert record.api_key_present
    assert record.api_key_valid
    assert emu.api_key not in str(record)


def test_out_of_credits_is_402(emu: Emulator, pdf_bytes: bytes) -> None:
    url = upload(emu, pdf_bytes)
    emu.credits = 5
    _error(api(emu, "POST", "pdf/convert/to/xlsx", json={"url": url}), 402)
    assert emu.credits == 5
    emu.credits = 1
    _error(api(emu, "GET", "job/check", params={"jobid": "X"}), 402)
    assert api(emu, "GET", "account/credit/balance").json() == {"remainingCredits": 1}


def test_sync_conversion_that_cannot_pay_every_page_is_402(emu: Emulator) -> None:
    url = upload(emu, make_large_pdf(3))
    emu.credits = 15
    _error(api(emu, "POST", "pdf/convert/to/xlsx", json={"url": url}), 402)
    assert emu.credits == 15


def test_password_protected_pdf(emu: Emulator) -> None:
    url = upload(emu, make_encrypted_pdf())
    _error(api(emu, "POST", "pdf/convert/to/csv", json={"url": url, "password": "nope"}), 441)
    _error(api(emu, "POST", "pdf/convert/to/csv", json={"url": url}), 441)
    good = api(emu, "POST", "pdf/convert/to/csv", json={"url": url, "password": USER_PASSWORD})
    assert good.json()["error"] is False
    info = api(emu, "POST", "pdf/info", json={"url": url, "password": USER_PASSWORD}).json()
    assert info["info"]["Encrypted"] is True


def test_not_a_pdf_is_442(emu: Emulator) -> None:
    url = upload(emu, NOT_A_PDF, "x.pdf")
    _error(api(emu, "POST", "pdf/convert/to/xlsx", json={"url": url}), 442)


@pytest.mark.parametrize(
    ("pages", "status"), [("7", 449), ("0-9", 449), ("a-b", 450), ("5-2", 450)]
)
def test_bad_page_ranges(emu: Emulator, pdf_bytes: bytes, pages: str, status: int) -> None:
    url = upload(emu, pdf_bytes)
    _error(api(emu, "POST", "pdf/convert/to/csv", json={"url": url, "pages": pages}), status)


def test_async_engine_errors_fail_the_job_and_refund(emu: Emulator) -> None:
    url = upload(emu, make_encrypted_pdf())
    before = emu.credits
    started = api(emu, "POST", "pdf/convert/to/xlsx", data={"url": url, "async": "True"}).json()
    failed = wait_job(emu, started["jobId"])
    assert failed["status"] == "failed"
    assert failed["error"] is True
    assert failed["errorCode"] == 441
    assert failed["message"]
    checks = sum(1 for r in emu.requests if r.endpoint == "job/check")
    assert emu.credits == before - 2 * checks  # first page given back; only the checks paid
    assert download(started["url"]).status_code == 404


def test_rate_limit_with_retry_after(pdf_bytes: bytes) -> None:
    with Emulator(rate_limit=2) as emu:
        statuses = [
            requests.get(
                f"{emu.base_url}/account/credit/balance",
                headers={"x-api-key": emu.api_key},
                timeout=TIMEOUT,
            )
            for _ in range(5)
        ]
        limited = [r for r in statuses if r.status_code == 429]
        assert limited
        assert int(limited[0].headers["Retry-After"]) >= 1
        assert limited[0].json()["status"] == 429
        for response in statuses:
            response.close()


def test_rate_limit_without_retry_after() -> None:
    with Emulator(rate_limit=1, rate_limit_retry_after=False) as emu:
        api(emu, "GET", "account/credit/balance")
        response = api(emu, "GET", "account/credit/balance")
        assert response.status_code == 429
        assert "Retry-After" not in response.headers


def test_sync_time_limit_is_445(pdf_bytes: bytes) -> None:
    with Emulator(sync_time_limit=0.0) as emu:
        url = upload(emu, pdf_bytes)
        before = emu.credits
        _error(api(emu, "POST", "pdf/convert/to/xlsx", json={"url": url}), 445)
        assert emu.credits == before


def test_errors_as_http_200_when_configured(pdf_bytes: bytes) -> None:
    with Emulator(error_status_in_http=False) as emu:
        url = upload(emu, pdf_bytes)
        response = api(emu, "POST", "pdf/convert/to/csv", json={"url": url, "pages": "9"})
        assert response.status_code == 200
        assert response.json() == {
            "error": True,
            "status": 449,
            "message": response.json()["message"],
        }


def test_unknown_job_is_working_unless_forced(emu: Emulator) -> None:
    assert api(emu, "GET", "job/check", params={"jobid": "NOPE"}).json()["status"] == "working"
    forced = api(emu, "POST", "job/check", data={"jobid": "NOPE", "force": "True"}).json()
    assert forced["status"] == "unknown"


def test_job_never_succeeds_before_min_duration(pdf_bytes: bytes) -> None:
    with Emulator(job_min_duration=0.5) as emu:
        url = upload(emu, pdf_bytes)
        begun = time.monotonic()
        started = api(emu, "POST", "pdf/convert/to/csv", json={"url": url, "async": True}).json()
        assert wait_job(emu, started["jobId"])["status"] == "success"
        assert time.monotonic() - begun >= 0.5


def test_results_expire_after_expiration_minutes(emu: Emulator, pdf_bytes: bytes) -> None:
    url = upload(emu, pdf_bytes)
    body = api(emu, "POST", "pdf/convert/to/csv", json={"url": url, "expiration": 5}).json()
    assert download(body["url"]).status_code == 200
    emu.advance_clock(5 * 60 + 1)
    gone = download(body["url"])
    assert gone.status_code == 403
    assert b"expired" in gone.content


def test_uploads_expire_after_an_hour(emu: Emulator, pdf_bytes: bytes) -> None:
    url = upload(emu, pdf_bytes)
    emu.advance_clock(3601)
    _error(api(emu, "POST", "pdf/convert/to/csv", json={"url": url}), 400)
    assert list(Path(emu.temp_dir).iterdir()) == []


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    [
        (
            "POST",
            "pdf/convert/to/xlsx",
            {"data": b"{not json", "headers": {"Content-Type": "application/json"}},
            400,
        ),
        ("POST", "pdf/convert/to/xlsx", {"json": ["a", "list"]}, 400),
        ("POST", "pdf/convert/to/xlsx", {"json": {}}, 400),
        ("POST", "pdf/convert/to/docx", {"json": {"url": "x"}}, 404),
        ("GET", "no/such/endpoint", {}, 404),
        ("PUT", "job/check", {}, 405),
        ("POST", "pdf/convert/to/csv", {"json": {"url": "x", "async": "maybe"}}, 400),
        ("POST", "pdf/convert/to/csv", {"json": {"url": "x", "expiration": "soon"}}, 400),
        ("POST", "file/upload", {"data": {"name": "x"}}, 400),
        ("POST", "job/check", {"json": {}}, 400),
    ],
)
def test_malformed_requests_get_json_4xx(
    emu: Emulator, method: str, path: str, kwargs: dict[str, object], status: int
) -> None:
    response = api(emu, method, path, **kwargs)
    assert response.headers["Content-Type"] == "application/json"
    _error(response, status)


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/a.pdf",
        "http://169.254.169.254/latest",
        "file:///etc/passwd",
        "ftp://127.0.0.1/x",
    ],
)
def test_non_loopback_urls_are_refused(emu: Emulator, url: str) -> None:
    message = _error(api(emu, "POST", "pdf/convert/to/csv", json={"url": url}), 400)
    assert "loopback" in message
    _error(api(emu, "POST", "file/upload/url", json={"url": url}), 400)


def test_an_unreachable_input_url_gets_a_clean_message(emu: Emulator) -> None:
    # Port 9 (discard) on loopback: nothing listens, the connection is refused.
    url = "http://127.0.0.1:9/in.pdf?X-Amz-Signature=secret"
    message = _error(api(emu, "POST", "pdf/convert/to/csv", json={"url": url}), 400)
    assert message == (
        "Could not download the file from the url: the host is unreachable or refused the "
        "connection"
    )
