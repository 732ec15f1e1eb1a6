"""``RECORDED_RESPONSES`` fit our models, map to the right errors, and match the mock's shapes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from pdfco_client import (
    AuthenticationError,
    ConversionJob,
    InsufficientCreditsError,
    InvalidInputError,
    InvalidPasswordError,
    JobState,
    JobStatus,
    NotFoundError,
    PdfCoError,
    PdfInfo,
    ProcessingTimeoutError,
    RateLimitError,
    ServerError,
    UploadedFile,
)
from pdfco_client._models import PresignedUpload
from pdfco_client.testing import RECORDED_RESPONSES, mock_pdfco
from tests.testing.conftest import ClientFactory

MODELS: dict[str, type[BaseModel]] = {
    "presigned_url": PresignedUpload,
    "convert_sync": UploadedFile,  # a url and a name: what a sync answer is read as
    "convert_xlsx_sync": UploadedFile,
    "convert_async_start": ConversionJob,
    "job_check_working": JobStatus,
    "job_check_success": JobStatus,
    "job_check_failed": JobStatus,
    "job_check_unknown": JobStatus,
    "upload_url": UploadedFile,
    "upload_base64": UploadedFile,
}

ERRORS: dict[str, type[PdfCoError]] = {
    "error_400": InvalidInputError,
    "error_401": AuthenticationError,
    "error_402": InsufficientCreditsError,
    "error_403_legacy_credits": InsufficientCreditsError,
    "error_404": NotFoundError,
    "error_429": RateLimitError,
    "error_441": InvalidPasswordError,
    "error_442": InvalidInputError,
    "error_445": ProcessingTimeoutError,
    "error_449": InvalidInputError,
    "error_500": ServerError,
}


def test_every_body_is_classified_here() -> None:
    others = {"credit_balance", "file_delete", "pdf_info"}
    assert set(RECORDED_RESPONSES) == set(MODELS) | set(ERRORS) | others


@pytest.mark.parametrize("name", sorted(MODELS))
def test_bodies_validate_against_our_models(name: str) -> None:
    MODELS[name].model_validate(dict(RECORDED_RESPONSES[name]))


def test_job_states_and_info() -> None:
    states = [
        JobStatus.model_validate(dict(RECORDED_RESPONSES[f"job_check_{s}"])).status
        for s in ("working", "success", "failed", "unknown")
    ]
    assert states == [JobState.WORKING, JobState.SUCCESS, JobState.FAILED, JobState.UNKNOWN]
    info = PdfInfo.model_validate(RECORDED_RESPONSES["pdf_info"]["info"])
    assert (info.page_count, info.title, info.encryption_algorithm) == (1, "Kid's News 1", 0)
    assert info.creation_date == "8/15/2001 2:50:36 PM"
    assert info.page_rectangle is not None
    assert info.page_rectangle["Size"] == "612, 792"


def test_the_responses_are_read_only() -> None:
    with pytest.raises(TypeError):
        RECORDED_RESPONSES["credit_balance"]["remainingCredits"] = 1  # type: ignore[index]


@pytest.mark.parametrize("name", sorted(ERRORS))
@pytest.mark.parametrize("http_200", [False, True], ids=["http-status", "http-200"])
def test_error_bodies_raise_their_class(
    make_client: ClientFactory, name: str, http_200: bool
) -> None:
    body = dict(RECORDED_RESPONSES[name])
    with mock_pdfco() as pdfco:
        pdfco.fail_next(
            "account/credit/balance",
            status=200 if http_200 else body["status"],
            body=body,
            times=10,
        )
        with pytest.raises(ERRORS[name]) as caught:
            make_client(max_retries=0).get_credit_balance()
    assert caught.value.message == body["message"]  # type: ignore[attr-defined]


def _keys(body: Any) -> set[str]:
    return set(body)


def test_the_mock_answers_in_the_recorded_shapes(
    make_client: ClientFactory, report_pdf: Path
) -> None:
    with mock_pdfco() as pdfco:
        client = make_client()
        client.convert_pdf_to_xlsx(report_pdf)
        client.get_credit_balance()
        pdfco.fail_next("account/credit/balance", status=402)
        with pytest.raises(InsufficientCreditsError):
            client.get_credit_balance()
        info = client.get_pdf_info(pdfco.add_file("report.pdf", report_pdf.read_bytes()))
    assert info.encryption_algorithm == 0
    answers = {
        "presigned_url": pdfco.calls_to("file/upload/get-presigned-url")[0],
        "convert_async_start": pdfco.calls_to("pdf/convert")[0],
        "job_check_working": pdfco.calls_to("job/check")[0],
        "job_check_success": pdfco.calls_to("job/check")[1],
        "credit_balance": pdfco.calls_to("account/credit/balance")[0],
        "file_delete": pdfco.calls_to("file/delete")[0],
    }
    for name, call in answers.items():
        mocked = call.response_json()
        # Every field PDF.co documents is there; the mock may add documented optional ones.
        assert _keys(RECORDED_RESPONSES[name]) <= _keys(mocked), name
