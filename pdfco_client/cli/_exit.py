"""The command's exit codes, and the one table that maps errors onto them."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence

from pdfco_client._exceptions import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    ConfigurationError,
    ConversionCancelledError,
    InputValidationError,
    InsufficientCreditsError,
    InvalidInputError,
    InvalidPasswordError,
    JobFailedError,
    JobTimeoutError,
    MalformedResponseError,
    NotFoundError,
    ProcessingTimeoutError,
    RateLimitError,
    ServerError,
    api_error_for,
)

__all__ = ["EXIT_CODES_HELP", "ExitCode", "batch_exit_code", "exit_code_for"]


class ExitCode(enum.IntEnum):
    """What ``pdfco`` exits with. The values are a contract: scripts test them."""

    OK = 0
    #: Some files of a batch failed for reasons of their own; the others converted.
    PARTIAL = 1
    #: The command line was wrong (click's own code).
    USAGE = 2
    AUTHENTICATION = 3
    CREDITS = 4
    BAD_INPUT = 5
    JOB_FAILED = 6
    TIMEOUT = 7
    NETWORK = 8
    CONFIGURATION = 9
    INTERRUPTED = 130


# Most specific first: the first class an error is an instance of decides. APITimeoutError and
# OutcomeUnknownError are APIConnectionErrors, and so on, hence the order.
_TABLE: Sequence[tuple[type[BaseException], ExitCode]] = (
    (ConfigurationError, ExitCode.CONFIGURATION),
    (AuthenticationError, ExitCode.AUTHENTICATION),
    (InsufficientCreditsError, ExitCode.CREDITS),
    (ConversionCancelledError, ExitCode.INTERRUPTED),
    (JobTimeoutError, ExitCode.TIMEOUT),
    (ProcessingTimeoutError, ExitCode.TIMEOUT),
    (APITimeoutError, ExitCode.TIMEOUT),
    (JobFailedError, ExitCode.JOB_FAILED),
    (InputValidationError, ExitCode.BAD_INPUT),
    (InvalidPasswordError, ExitCode.BAD_INPUT),
    (InvalidInputError, ExitCode.BAD_INPUT),
    (NotFoundError, ExitCode.BAD_INPUT),
    # A local file that cannot be read or an output that cannot be written.
    (OSError, ExitCode.BAD_INPUT),
    (APIConnectionError, ExitCode.NETWORK),
    (RateLimitError, ExitCode.NETWORK),
    (ServerError, ExitCode.NETWORK),
    (MalformedResponseError, ExitCode.NETWORK),
    (KeyboardInterrupt, ExitCode.INTERRUPTED),
)

#: Failures that concern the whole run (the account, the setup, the service), not one file.
_RUN_LEVEL = (
    ExitCode.CONFIGURATION,
    ExitCode.AUTHENTICATION,
    ExitCode.CREDITS,
    ExitCode.NETWORK,
)
#: Precedence of per-file failures when nothing in the batch succeeded.
_PER_FILE = (ExitCode.TIMEOUT, ExitCode.JOB_FAILED, ExitCode.BAD_INPUT, ExitCode.PARTIAL)


def exit_code_for(error: BaseException) -> ExitCode:
    """The exit code for ``error``; :attr:`ExitCode.PARTIAL` (1) for anything unforeseen.

    A job that failed because of its input (PDF.co's error code 441 for a wrong password, 44x
    for a damaged document, ...) counts as bad input, not as a job failure.
    """
    if isinstance(error, JobFailedError) and error.error_code is not None:
        cause = _lookup(api_error_for(error.error_code, error.message or ""))
        if cause is ExitCode.BAD_INPUT:
            return cause
    return _lookup(error)


def _lookup(error: BaseException) -> ExitCode:
    for cls, code in _TABLE:
        if isinstance(error, cls):
            return code
    return ExitCode.PARTIAL


def batch_exit_code(failures: Iterable[ExitCode], *, any_succeeded: bool) -> ExitCode:
    """The exit code of a batch from its failures' codes.

    A run-level failure wins, in the order 9, 3, 4, 8; otherwise 1 when some files converted
    (or were skipped), else the most serious per-file code, in the order 7, 6, 5.
    """
    codes = set(failures)
    if not codes:
        return ExitCode.OK
    for code in _RUN_LEVEL:
        if code in codes:
            return code
    if any_succeeded:
        return ExitCode.PARTIAL
    for code in _PER_FILE:
        if code in codes:
            return code
    return ExitCode.PARTIAL


EXIT_CODES_HELP = """\
Exit codes:

\b
  0    success (files skipped because their output exists count as success)
  1    a batch partly failed: some files failed on their own, others converted
  2    usage error: a wrong option or argument
  3    authentication: PDF.co refused the API key (wrong or revoked)
  4    credits: the account has not enough credits
  5    bad input: a file missing, empty, not a PDF, protected by a password, refused by
       PDF.co, or an output that cannot be written
  6    job failed: the job ended failed or aborted at PDF.co (one that failed for its
       input, a wrong password say, is 5)
  7    timeout: a job or a request took longer than allowed (resume with pdfco job wait)
  8    network or service failure: no connection, or PDF.co kept failing after retries
  9    configuration: no API key, a bad base URL, the emulator extra not installed
  130  interrupted (Ctrl-C); started jobs are listed with their ids

\b
In a batch, a failure of the whole run wins (9, 3, 4, 8, in that order); otherwise the
exit code is 1 when some files converted, else the most serious per-file code (7, 6, 5).
"""
