"""Fault injection: each kind over real sockets, targeting, and seeded reproducibility."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import requests

from pdfco_client.emulator import Emulator, Fault, FaultPlan, FaultSpecError, parse_fault_spec
from pdfco_client.emulator.model import load_fault_plan
from tests.emulator.conftest import TIMEOUT, api, download, upload, wait_job


def _balance_status(emu: Emulator) -> int:
    return api(emu, "GET", "account/credit/balance").status_code


def test_http_error_burst_on_one_endpoint(emu: Emulator) -> None:
    emu.faults = FaultPlan([Fault.http_error(503, endpoint="job/check", times=3)])
    statuses = [api(emu, "GET", "job/check", params={"jobid": "J"}).status_code for _ in range(4)]
    assert statuses == [503, 503, 503, 200]
    assert _balance_status(emu) == 200  # other endpoints untouched
    body = api(emu, "GET", "job/check", params={"jobid": "J"}).json()
    assert body["status"] == "working"


def test_nth_request_only(emu: Emulator) -> None:
    emu.faults = FaultPlan([Fault.rate_limited(retry_after=2, nth=3)])
    responses = [api(emu, "GET", "account/credit/balance") for _ in range(5)]
    assert [r.status_code for r in responses] == [200, 200, 429, 200, 200]
    assert responses[2].headers["Retry-After"] == "2"
    assert responses[2].json() == {"error": True, "status": 429, "message": "Too many requests"}


def test_rate_limited_without_retry_after(emu: Emulator) -> None:
    emu.faults = FaultPlan([Fault.rate_limited(times=1)])
    response = api(emu, "GET", "account/credit/balance")
    assert response.status_code == 429
    assert "Retry-After" not in response.headers


def test_error_body_with_http_200(emu: Emulator, pdf_bytes: bytes) -> None:
    url = upload(emu, pdf_bytes)
    emu.faults = FaultPlan([Fault.error_body_200(441, endpoint="pdf/convert/to/xlsx")])
    response = api(emu, "POST", "pdf/convert/to/xlsx", json={"url": url})
    assert response.status_code == 200
    assert response.json()["error"] is True
    assert response.json()["status"] == 441


def test_connection_reset_mid_download(emu: Emulator, pdf_bytes: bytes) -> None:
    url = upload(emu, pdf_bytes)
    emu.faults = FaultPlan([Fault.reset(endpoint="storage-get", times=1)])
    with pytest.raises(requests.exceptions.ChunkedEncodingError) as caught:
        requests.get(url, timeout=TIMEOUT)
    assert "reset by peer" in str(caught.value)  # a TCP RST, not a clean close
    assert download(url).content == pdf_bytes  # fired once only


def test_connection_reset_on_api_call(emu: Emulator) -> None:
    emu.faults = FaultPlan([Fault.reset(endpoint="account/credit/balance")])
    with pytest.raises(requests.exceptions.ChunkedEncodingError, match="reset by peer"):
        requests.get(
            f"{emu.base_url}/account/credit/balance",
            headers={"x-api-key": emu.api_key},
            timeout=TIMEOUT,
        )


def test_truncated_download(emu: Emulator, pdf_bytes: bytes) -> None:
    url = upload(emu, pdf_bytes)
    emu.faults = FaultPlan([Fault.truncate(endpoint="storage-get")])
    with requests.get(url, stream=True, timeout=TIMEOUT) as response:
        assert int(response.headers["Content-Length"]) == len(pdf_bytes)
    with pytest.raises(requests.exceptions.ChunkedEncodingError, match="IncompleteRead"):
        requests.get(url, timeout=TIMEOUT)


def test_slow_response(emu: Emulator) -> None:
    emu.faults = FaultPlan([Fault.slow(seconds=0.3, endpoint="account/credit/balance")])
    begun = time.monotonic()
    assert _balance_status(emu) == 200
    assert time.monotonic() - begun >= 0.3


@pytest.mark.parametrize(("outcome", "status"), [("failed", "failed"), ("aborted", "aborted")])
def test_job_outcomes(emu: Emulator, pdf_bytes: bytes, outcome: str, status: str) -> None:
    url = upload(emu, pdf_bytes)
    emu.faults = FaultPlan([Fault.job_outcome(outcome, error_code=500)])
    started = api(emu, "POST", "pdf/convert/to/xlsx", json={"url": url, "async": True}).json()
    final = wait_job(emu, started["jobId"])
    assert final["status"] == status
    assert final["error"] is True
    assert download(started["url"]).status_code == 404


def test_stuck_job_stays_working(emu: Emulator, pdf_bytes: bytes) -> None:
    url = upload(emu, pdf_bytes)
    emu.faults = FaultPlan([Fault.job_outcome("stuck")])
    started = api(emu, "POST", "pdf/convert/to/csv", json={"url": url, "async": True}).json()
    with pytest.raises(AssertionError, match="still working"):
        wait_job(emu, started["jobId"], limit=0.5)


def test_expired_result(emu: Emulator, pdf_bytes: bytes) -> None:
    url = upload(emu, pdf_bytes)
    emu.faults = FaultPlan([Fault.expired_result(times=1)])
    body = api(emu, "POST", "pdf/convert/to/csv", json={"url": url}).json()
    expired = download(body["url"])
    assert expired.status_code == 403
    assert b"Request has expired" in expired.content
    fresh = api(emu, "POST", "pdf/convert/to/csv", json={"url": url}).json()
    assert download(fresh["url"]).status_code == 200


def test_storage_http_error_is_s3_xml(emu: Emulator, pdf_bytes: bytes) -> None:
    url = upload(emu, pdf_bytes)
    emu.faults = FaultPlan([Fault.http_error(503, endpoint="storage", times=1)])
    failed = download(url)
    assert failed.status_code == 503
    assert b"<Code>ServiceUnavailable</Code>" in failed.content


def _sequence(seed: int) -> list[int]:
    with Emulator(faults=FaultPlan([Fault.http_error(500, probability=0.5)], seed=seed)) as emu:
        return [_balance_status(emu) for _ in range(16)]


def test_probability_with_a_seed_is_reproducible() -> None:
    first = _sequence(7)
    assert first == _sequence(7)
    assert {200, 500} == set(first)


def test_fired_log_and_runtime_replacement(emu: Emulator) -> None:
    plan = FaultPlan([Fault.http_error(502, endpoint="account/credit/balance", times=1)])
    emu.faults = plan
    assert _balance_status(emu) == 502
    assert plan.fired == [(0, "account/credit/balance")]
    emu.faults = FaultPlan()
    assert _balance_status(emu) == 200


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (
            "status=503,endpoint=job/check,times=3",
            Fault.http_error(503, endpoint="job/check", times=3),
        ),
        ("rate-limited,retry_after=2,nth=5", Fault.rate_limited(retry_after=2, nth=5, status=429)),
        ("error-200,status=441", Fault.error_body_200(441)),
        (
            "reset,endpoint=storage-get,probability=0.1",
            Fault.reset(endpoint="storage-get", probability=0.1),
        ),
        ("truncate", Fault.truncate()),
        ("seconds=2,endpoint=x", Fault.slow(seconds=2, endpoint="x")),
        ("job,outcome=stuck", Fault.job_outcome("stuck")),
        ("outcome=failed,error_code=442", Fault.job_outcome("failed", error_code=442)),
        ("expired-result", Fault.expired_result()),
    ],
)
def test_parse_fault_spec(spec: str, expected: Fault) -> None:
    assert parse_fault_spec(spec) == expected


@pytest.mark.parametrize(
    "spec",
    [
        "",
        "bogus",
        "status=abc",
        "color=red,status=500",
        "status=200",
        "job,outcome=maybe",
        "reset,nth=0",
        "reset,x",
    ],
)
def test_bad_fault_specs(spec: str) -> None:
    with pytest.raises(FaultSpecError):
        parse_fault_spec(spec)


def test_load_fault_plan_file(tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(
        '{"seed": 3, "faults": [{"kind": "http_error", "status": 503, "times": 2}]}',
        encoding="utf-8",
    )
    plan = load_fault_plan(plan_file, extra=[Fault.truncate()])
    assert plan.seed == 3
    assert list(plan.rules) == [Fault.http_error(503, times=2), Fault.truncate()]
    plan_file.write_text("[1]", encoding="utf-8")
    with pytest.raises(FaultSpecError):
        load_fault_plan(plan_file)
