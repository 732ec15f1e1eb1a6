"""The client's retry, safety and atomicity promises, against faults the emulator injects."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import pytest

from pdfco_client import (
    APITimeoutError,
    IncompleteDownloadError,
    InvalidPasswordError,
    JobFailedError,
    JobState,
    JobTimeoutError,
    NotFoundError,
    OutcomeUnknownError,
    PdfCoClient,
    RateLimitError,
    ServerError,
)
from pdfco_client.emulator import Emulator, Fault, FaultPlan
from tests.integration.conftest import make_client


def _count(emu: Emulator, endpoint: str) -> int:
    return sum(1 for r in emu.requests if r.endpoint == endpoint)


def test_5xx_burst_on_job_check_is_retried(
    client: PdfCoClient, emu: Emulator, ruled_pdf: Path
) -> None:
    emu.faults = FaultPlan([Fault.http_error(503, endpoint="job/check", times=2)])
    result = client.convert_pdf_to_csv(ruled_pdf)
    assert result.page_count == 1
    assert len(emu.faults.fired) == 2


def test_5xx_beyond_max_retries_raises_server_error(emu: Emulator) -> None:
    emu.faults = FaultPlan([Fault.http_error(500, endpoint="account/credit/balance")])
    with make_client(emu, max_retries=2) as client, pytest.raises(ServerError) as raised:
        client.get_credit_balance()
    assert raised.value.status_code == 500
    assert _count(emu, "account/credit/balance") == 3


@pytest.mark.parametrize("retry_after", [None, 1.0])  # capped by retry_max_wait=0.2
def test_429_is_retried_with_or_without_retry_after(
    emu: Emulator, retry_after: Optional[float]
) -> None:
    emu.faults = FaultPlan([Fault.rate_limited(retry_after=retry_after, times=2)])
    with make_client(emu) as client:
        assert client.get_credit_balance() > 0
    with make_client(emu, max_retries=0) as client:
        emu.faults = FaultPlan([Fault.rate_limited(retry_after=retry_after, times=1)])
        with pytest.raises(RateLimitError) as raised:
            client.get_credit_balance()
    assert raised.value.retry_after == retry_after


def test_error_body_with_http_200_is_an_error(
    client: PdfCoClient, emu: Emulator, ruled_pdf: Path
) -> None:
    emu.faults = FaultPlan([Fault.error_body_200(441, endpoint="pdf/convert/to/xlsx")])
    with pytest.raises(InvalidPasswordError) as raised:
        client.convert_pdf_to_xlsx(ruled_pdf)
    assert raised.value.http_status == 200
    assert raised.value.status_code == 441


def test_reset_mid_response_on_a_paid_start_is_not_resent(
    client: PdfCoClient, emu: Emulator, ruled_pdf: Path
) -> None:
    url = client.upload(ruled_pdf).url
    emu.faults = FaultPlan([Fault.reset(endpoint="pdf/convert/to/xlsx", times=1)])
    with pytest.raises(OutcomeUnknownError):
        client.start_conversion(url, "xlsx")
    assert _count(emu, "pdf/convert/to/xlsx") == 1

    emu.faults = FaultPlan([Fault.reset(endpoint="pdf/convert/to/xlsx", times=1)])
    job = client.start_conversion(url, "xlsx", resend_on_unknown_outcome=True)
    assert client.wait_for_job(job.job_id).status is JobState.SUCCESS
    assert _count(emu, "pdf/convert/to/xlsx") == 3


def test_reset_on_an_idempotent_call_is_retried(client: PdfCoClient, emu: Emulator) -> None:
    emu.faults = FaultPlan([Fault.reset(endpoint="account/credit/balance", times=2)])
    assert client.get_credit_balance() > 0


def test_truncated_download_is_retried_and_never_left_half_written(
    emu: Emulator, ruled_pdf: Path, tmp_path: Path
) -> None:
    output = tmp_path / "out.xlsx"
    output.write_bytes(b"previous result")
    emu.faults = FaultPlan([Fault.truncate(endpoint="storage-get")])  # every download
    with make_client(emu, max_retries=1) as client, pytest.raises(IncompleteDownloadError):
        client.convert_pdf_to_xlsx(ruled_pdf, output=output)
    assert output.read_bytes() == b"previous result"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.xlsx"]

    emu.faults = FaultPlan([Fault.truncate(endpoint="storage-get", times=1)])
    with make_client(emu) as client:
        client.convert_pdf_to_xlsx(ruled_pdf, output=output)
    assert output.read_bytes().startswith(b"PK")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.xlsx"]


def test_slow_response_times_out(emu: Emulator) -> None:
    emu.faults = FaultPlan([Fault.slow(seconds=1.0, endpoint="account/credit/balance")])
    client = make_client(emu, request_timeout=0.2, max_retries=0)
    with client, pytest.raises(APITimeoutError):
        client.get_credit_balance()


@pytest.mark.parametrize("outcome", ["failed", "aborted"])
def test_failed_and_aborted_jobs_raise(
    client: PdfCoClient, emu: Emulator, ruled_pdf: Path, outcome: str
) -> None:
    emu.faults = FaultPlan([Fault.job_outcome(outcome)])
    with pytest.raises(JobFailedError) as raised:
        client.convert_pdf_to_xlsx(ruled_pdf)
    assert raised.value.status == outcome
    assert raised.value.job_id


def test_stuck_job_times_out_and_can_be_resumed(
    client: PdfCoClient, emu: Emulator, ruled_pdf: Path
) -> None:
    url = client.upload(ruled_pdf).url
    emu.faults = FaultPlan([Fault.job_outcome("stuck", times=1)])
    job = client.start_conversion(url, "csv")
    with pytest.raises(JobTimeoutError) as raised:
        client.wait_for_job(job.job_id, timeout=0.5)
    assert raised.value.job_id == job.job_id
    # Another client (as another process would) resumes the wait on a normal job.
    fresh = client.start_conversion(url, "csv")
    with make_client(emu) as other:
        assert other.wait_for_job(fresh.job_id).status is JobState.SUCCESS


def test_whole_call_timeout_bounds_a_stuck_conversion(
    client: PdfCoClient, emu: Emulator, ruled_pdf: Path, tmp_path: Path
) -> None:
    emu.faults = FaultPlan([Fault.job_outcome("stuck")])
    with pytest.raises(JobTimeoutError):
        client.convert_pdf_to_xlsx(ruled_pdf, output=tmp_path / "x.xlsx", timeout=0.6)
    assert not list(tmp_path.iterdir())
    assert _count(emu, "file/delete") == 1  # the input is cleaned up all the same


def test_expired_result_url_is_not_found(
    client: PdfCoClient, emu: Emulator, ruled_pdf: Path, tmp_path: Path
) -> None:
    emu.faults = FaultPlan([Fault.expired_result()])
    with pytest.raises(NotFoundError) as raised:
        client.convert_pdf_to_xlsx(ruled_pdf, output=tmp_path / "x.xlsx")
    assert not list(tmp_path.iterdir())
    # The job ran and was billed: the error says which one, and what the attempt cost.
    assert raised.value.job_id
    assert raised.value.credits_spent


def test_api_key_never_reaches_storage(emu: Emulator, ruled_pdf: Path, tmp_path: Path) -> None:
    with make_client(emu) as client:
        client.convert_pdf_to_xlsx(ruled_pdf, output=tmp_path / "x.xlsx")
    storage = [r for r in emu.requests if r.server == "storage"]
    assert storage  # the upload and the download did go there
    assert not any(r.api_key_present for r in storage)
    assert emu.storage_key_leaks == []
