"""The exit-code table and the batch rule, without running anything."""

from __future__ import annotations

import pytest

from pdfco_client import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    ConfigurationError,
    ConversionCancelledError,
    IncompleteDownloadError,
    InputValidationError,
    InsufficientCreditsError,
    InvalidInputError,
    InvalidPasswordError,
    JobFailedError,
    JobTimeoutError,
    MalformedResponseError,
    NotFoundError,
    OutcomeUnknownError,
    ProcessingTimeoutError,
    RateLimitError,
    ServerError,
)
from pdfco_client.cli._exit import EXIT_CODES_HELP, ExitCode, batch_exit_code, exit_code_for


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (ConfigurationError("no key"), ExitCode.CONFIGURATION),
        (AuthenticationError("bad key", status_code=401), ExitCode.AUTHENTICATION),
        (InsufficientCreditsError("credits", status_code=402), ExitCode.CREDITS),
        (InputValidationError("not a PDF"), ExitCode.BAD_INPUT),
        (InvalidPasswordError("password", status_code=441), ExitCode.BAD_INPUT),
        (InvalidInputError("bad", status_code=400), ExitCode.BAD_INPUT),
        (NotFoundError("gone", status_code=404), ExitCode.BAD_INPUT),
        (FileNotFoundError("x"), ExitCode.BAD_INPUT),
        (JobFailedError("J1", "failed", "boom", error_code=500), ExitCode.JOB_FAILED),
        (JobFailedError("J1", "aborted"), ExitCode.JOB_FAILED),
        (JobFailedError("J1", "failed", "password", error_code=441), ExitCode.BAD_INPUT),
        (JobTimeoutError("J1", 3.0), ExitCode.TIMEOUT),
        (ProcessingTimeoutError("slow", status_code=445), ExitCode.TIMEOUT),
        (APITimeoutError("read timeout"), ExitCode.TIMEOUT),
        (APIConnectionError("refused"), ExitCode.NETWORK),
        (OutcomeUnknownError("unknown"), ExitCode.NETWORK),
        (IncompleteDownloadError("short", expected=10, received=3), ExitCode.NETWORK),
        (RateLimitError("slow down", status_code=429), ExitCode.NETWORK),
        (ServerError("down", status_code=503), ExitCode.NETWORK),
        (MalformedResponseError("junk", status_code=200), ExitCode.NETWORK),
        (ConversionCancelledError(job_id="J1"), ExitCode.INTERRUPTED),
        (KeyboardInterrupt(), ExitCode.INTERRUPTED),
        (RuntimeError("a bug"), ExitCode.PARTIAL),
    ],
)
def test_every_error_has_its_code(error: BaseException, code: ExitCode) -> None:
    assert exit_code_for(error) is code


@pytest.mark.parametrize(
    ("failures", "any_succeeded", "code"),
    [
        ([], True, ExitCode.OK),
        ([], False, ExitCode.OK),
        ([ExitCode.BAD_INPUT], True, ExitCode.PARTIAL),
        ([ExitCode.BAD_INPUT, ExitCode.JOB_FAILED], True, ExitCode.PARTIAL),
        ([ExitCode.BAD_INPUT], False, ExitCode.BAD_INPUT),
        ([ExitCode.BAD_INPUT, ExitCode.JOB_FAILED], False, ExitCode.JOB_FAILED),
        ([ExitCode.BAD_INPUT, ExitCode.TIMEOUT], False, ExitCode.TIMEOUT),
        ([ExitCode.BAD_INPUT, ExitCode.CREDITS], True, ExitCode.CREDITS),
        ([ExitCode.NETWORK, ExitCode.AUTHENTICATION], True, ExitCode.AUTHENTICATION),
        ([ExitCode.CREDITS, ExitCode.CONFIGURATION], False, ExitCode.CONFIGURATION),
        ([ExitCode.NETWORK], True, ExitCode.NETWORK),
        ([ExitCode.PARTIAL], False, ExitCode.PARTIAL),
    ],
)
def test_batch_code(failures: list[ExitCode], any_succeeded: bool, code: ExitCode) -> None:
    assert batch_exit_code(failures, any_succeeded=any_succeeded) is code


def test_the_help_lists_every_code() -> None:
    listed = {
        int(line.split()[0]) for line in EXIT_CODES_HELP.splitlines() if line[:5].strip().isdigit()
    }
    assert listed == {int(code) for code in ExitCode}
