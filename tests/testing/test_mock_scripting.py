"""Every outcome ``PdfCoMock`` can script, seen through a real ``PdfCoClient``."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from pdfco_client import (
    APIConnectionError,
    AuthenticationError,
    InsufficientCreditsError,
    InvalidInputError,
    InvalidPasswordError,
    JobFailedError,
    JobTimeoutError,
    NotFoundError,
    OutcomeUnknownError,
    RateLimitError,
    ServerError,
)
from pdfco_client.testing import DEFAULT_SLOW_CHECKS, mock_pdfco
from tests.testing.conftest import ClientFactory


def test_401_is_not_retried(make_client: ClientFactory, report_pdf: Path) -> None:
    with mock_pdfco() as pdfco:
        pdfco.fail_next("file/upload/get-presigned-url", status=401)
        with pytest.raises(AuthenticationError) as caught:
            make_client().convert_pdf_to_xlsx(report_pdf)
    assert caught.value.status_code == 401
    assert len(pdfco.calls) == 1


def test_402_when_scripted_or_when_the_balance_runs_out(
    make_client: ClientFactory, report_pdf: Path
) -> None:
    with mock_pdfco() as pdfco:
        pdfco.fail_next("pdf/convert", status=402)
        with pytest.raises(InsufficientCreditsError):
            make_client().convert_pdf_to_xlsx(report_pdf)
    with mock_pdfco(credits=7) as pdfco:
        client = make_client()
        uploaded = client.upload(report_pdf)  # 7 credits: the balance is now 0
        with pytest.raises(InsufficientCreditsError, match="Not enough credits"):
            client.start_conversion(uploaded.url, "xlsx")
    assert pdfco.credits == 0


def test_429_with_retry_after_is_waited_out(
    make_client: ClientFactory, report_pdf: Path, sleeps: list[float]
) -> None:
    with mock_pdfco() as pdfco:
        pdfco.fail_next("file/upload/get-presigned-url", status=429, retry_after=3)
        result = make_client().convert_pdf_to_xlsx(report_pdf)
    assert result.job_id
    assert 3.0 in sleeps
    statuses = [c.status for c in pdfco.calls_to("file/upload/get-presigned-url")]
    assert statuses == [429, 200]
    assert pdfco.calls[0].status == 429


def test_429_retries_run_out(make_client: ClientFactory) -> None:
    with mock_pdfco() as pdfco:
        pdfco.fail_next("account/credit/balance", status=429, retry_after=1, times=10)
        with pytest.raises(RateLimitError) as caught:
            make_client(max_retries=2).get_credit_balance()
    assert caught.value.retry_after == 1.0
    assert len(pdfco.calls) == 3


@pytest.mark.parametrize("status", [500, 503])
def test_5xx_on_a_check_is_retried(
    make_client: ClientFactory, report_pdf: Path, status: int
) -> None:
    with mock_pdfco() as pdfco:
        pdfco.fail_next("job/check", status=status, times=2)
        result = make_client().convert_pdf_to_xlsx(report_pdf)
    assert result.page_count == 2
    assert [c.status for c in pdfco.calls_to("job/check")][:2] == [status, status]


def test_a_gateway_error_on_a_paid_start_is_not_resent(
    make_client: ClientFactory, report_pdf: Path
) -> None:
    with mock_pdfco() as pdfco:
        pdfco.fail_next("pdf/convert/to/xlsx", status=502)
        with pytest.raises(OutcomeUnknownError):
            make_client().convert_pdf_to_xlsx(report_pdf)
    assert len(pdfco.calls_to("pdf/convert")) == 1
    assert pdfco.calls[-1].endpoint == "file/delete"  # the input was still cleaned up


def test_5xx_retries_run_out(make_client: ClientFactory) -> None:
    with mock_pdfco() as pdfco:
        pdfco.fail_next("account/credit/balance", status=500, times=5)
        with pytest.raises(ServerError):
            make_client(max_retries=4).get_credit_balance()
    assert len(pdfco.calls) == 5


@pytest.mark.parametrize(
    ("status", "error"),
    [(441, InvalidPasswordError), (401, AuthenticationError), (449, InvalidInputError)],
)
def test_the_error_body_with_http_200(
    make_client: ClientFactory, report_pdf: Path, status: int, error: type[Exception]
) -> None:
    with mock_pdfco() as pdfco:
        pdfco.fail_next("pdf/convert", status=status, error_body_200=True)
        with pytest.raises(error) as caught:
            make_client().convert_pdf_to_xlsx(report_pdf)
    assert caught.value.http_status == 200  # type: ignore[attr-defined]
    assert caught.value.status_code == status  # type: ignore[attr-defined]
    assert pdfco.calls_to("pdf/convert")[0].status == 200


def test_a_failed_job_refunds_its_first_page(make_client: ClientFactory, report_pdf: Path) -> None:
    with mock_pdfco() as pdfco:
        pdfco.job_outcome("failed", message="Invalid password", error_code=441)
        client = make_client()
        with pytest.raises(JobFailedError) as caught:
            client.convert_pdf_to_xlsx(report_pdf, keep_input=True)
        before = pdfco.credits
    assert caught.value.status == "failed"
    assert caught.value.error_code == 441
    assert caught.value.message == "Invalid password"
    job = pdfco.jobs[caught.value.job_id]
    assert job.settled
    assert job.state == "failed"
    # presign 7 + first page 10 + 2 checks, and the 10 given back
    assert before == 100_000 - 7 - 2 * 2


def test_an_aborted_job(make_client: ClientFactory, report_pdf: Path) -> None:
    with mock_pdfco() as pdfco:
        pdfco.job_outcome("aborted", checks=0)
        with pytest.raises(JobFailedError, match="aborted"):
            make_client().convert_pdf_to_xlsx(report_pdf)
    assert len(pdfco.calls_to("job/check")) == 1


def test_scripted_jobs_apply_in_order(make_client: ClientFactory, report_pdf: Path) -> None:
    with mock_pdfco() as pdfco:
        pdfco.job_outcome("failed")
        pdfco.job_outcome("success", checks=3)
        client = make_client()
        with pytest.raises(JobFailedError):
            client.convert_pdf_to_xlsx(report_pdf)
        client.convert_pdf_to_xlsx(report_pdf)
        client.convert_pdf_to_xlsx(report_pdf)
    checks = [job.checks for job in pdfco.jobs.values()]
    assert checks == [2, 4, 2]


def test_a_slow_job_times_out_and_the_wait_resumes(
    make_client: ClientFactory, report_pdf: Path
) -> None:
    with mock_pdfco() as pdfco:
        pdfco.job_outcome("slow", checks=50)
        now = [0.0]

        def sleep(seconds: float) -> None:
            now[0] += seconds

        client = make_client(sleep=sleep, clock=lambda: now[0], max_poll_interval=1)
        with pytest.raises(JobTimeoutError) as caught:
            client.convert_pdf_to_xlsx(report_pdf, timeout=10)
        job = pdfco.jobs[caught.value.job_id]
        assert 0 < job.checks < 50
        job.working_checks = job.checks  # "later": it is done now
        status = client.wait_for_job(caught.value.job_id)
    assert status.url is not None
    assert DEFAULT_SLOW_CHECKS == 20


def test_a_wrong_job_id_is_unknown(make_client: ClientFactory) -> None:
    with mock_pdfco():
        client = make_client()
        assert client.check_job("NOSUCHJOB").status.value == "working"
        with pytest.raises(JobFailedError, match="unknown"):
            client.wait_for_job("NOSUCHJOB")


def test_storage_failures(make_client: ClientFactory, report_pdf: Path) -> None:
    with mock_pdfco() as pdfco:
        pdfco.fail_next("upload", status=503)
        pdfco.fail_next("download", status=404, times=10)
        with pytest.raises(NotFoundError, match="ScriptedError"):
            make_client().convert_pdf_to_xlsx(report_pdf, output=report_pdf.with_suffix(".xlsx"))
    assert [c.status for c in pdfco.calls_to("upload")] == [503, 200]
    assert not report_pdf.with_suffix(".xlsx").exists()


def test_a_network_failure(make_client: ClientFactory) -> None:
    with mock_pdfco() as pdfco:
        pdfco.fail_next("account/credit/balance", exception=requests.ConnectionError("reset"))
        assert make_client().get_credit_balance() > 0
        pdfco.fail_next("account/credit/balance", exception=requests.ConnectionError(), times=9)
        with pytest.raises(APIConnectionError):
            make_client(max_retries=1).get_credit_balance()
    assert [c.status for c in pdfco.calls] == [None, 200, None, None]


def test_a_custom_body_and_a_method_filter(make_client: ClientFactory) -> None:
    with mock_pdfco() as pdfco:
        pdfco.fail_next("account/credit/balance", method="POST", status=500)
        pdfco.fail_next("account/credit/balance", status=200, body={"remainingCredits": 7})
        assert make_client().get_credit_balance() == 7


def test_bad_scripts_are_refused() -> None:
    pdfco = mock_pdfco()
    with pytest.raises(ValueError, match="outcome must be one of"):
        pdfco.job_outcome("exploded")
    with pytest.raises(ValueError, match="times"):
        pdfco.fail_next("job/check", times=0)
    with pytest.raises(ValueError, match="checks"):
        pdfco.job_outcome("success", checks=-1)
