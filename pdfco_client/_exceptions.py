"""The one exception tree of the package, and the table that maps PDF.co's answers onto it.

::

    PdfCoError
    ├── ConfigurationError          bad or missing settings (no key, http:// base URL, ...)
    ├── InputValidationError        input refused before any request (missing file, bad pages, ...)
    │   └── UnsafeURLError          a URL parsers could read differently; nothing was sent to it
    ├── OutputWriteError            the result could not be written (disk full, permissions, ...)
    ├── APIConnectionError          the network failed; no answer was read
    │   ├── APITimeoutError         connect or read timeout
    │   ├── OutcomeUnknownError     a paid request may have reached PDF.co; it was not re-sent
    │   └── IncompleteDownloadError a body ended before its Content-Length
    ├── APIError                    PDF.co (or its storage) answered with an error
    │   ├── AuthenticationError     401
    │   ├── InsufficientCreditsError 402, and the legacy 403 "credits" answer
    │   ├── InvalidPasswordError    441
    │   ├── InvalidInputError       400, 403, 414, 415, 442-444, 446-454: the request or document
    │   ├── NotFoundError           404: an unknown, expired or not-yet-ready file
    │   ├── ProcessingTimeoutError  445 (and legacy 405): too long for a synchronous call
    │   ├── RateLimitError          429
    │   ├── ServerError             5xx and 408
    │   └── MalformedResponseError  a body that is not the JSON PDF.co documents
    │       └── ResponseTooLargeError  a body over the limit set for it
    ├── JobFailedError              a background job ended failed, aborted or unknown
    ├── JobTimeoutError             a job did not finish before the deadline; resume with its id
    └── ConversionCancelledError    a batch was stopped (Ctrl-C) before this conversion ended

Errors are mapped from the HTTP status *and* from PDF.co's ``{"error": true, "status": N}`` body,
which may arrive with HTTP 200 (see :func:`api_error_for`). Every error says whether a retry can
help (``retryable``). No message ever contains the API key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AuthenticationError",
    "ConfigurationError",
    "ConversionCancelledError",
    "IncompleteDownloadError",
    "InputValidationError",
    "InsufficientCreditsError",
    "InvalidInputError",
    "InvalidPasswordError",
    "JobFailedError",
    "JobTimeoutError",
    "MalformedResponseError",
    "NotFoundError",
    "OutcomeUnknownError",
    "OutputWriteError",
    "PdfCoError",
    "ProcessingTimeoutError",
    "RateLimitError",
    "ResponseTooLargeError",
    "ServerError",
    "UnsafeURLError",
    "api_error_for",
]


def _rebuild(cls: type[PdfCoError], args: tuple[Any, ...], state: dict[str, Any]) -> PdfCoError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class PdfCoError(Exception):
    """Root of every error this package raises."""

    #: Whether sending the same request again may succeed.
    retryable: bool = False
    #: Credits the failed one-call conversion had spent, as PDF.co reported them (set by
    #: ``convert`` and its helpers; ``None`` elsewhere).
    credits_spent: Optional[int] = None
    #: The job a failed one-call conversion had started, if it got that far: it may have run
    #: (and been billed) all the same; ``wait_for_job(job_id)`` picks it up.
    job_id: Optional[str] = None

    def __reduce__(self) -> tuple[Any, ...]:
        # Errors cross process boundaries (multiprocessing, Celery, Dask): rebuild them from
        # their message and attributes, since most constructors take keyword-only arguments.
        return (_rebuild, (type(self), self.args, dict(self.__dict__)))


class ConfigurationError(PdfCoError, ValueError):
    """The client's settings are missing or invalid (no API key, a bad base URL, ...)."""


class InputValidationError(PdfCoError, ValueError):
    """An argument was refused before any request was sent, so no credits were spent."""

    def __init__(self, message: str, *, parameter: Optional[str] = None) -> None:
        super().__init__(message)
        #: The argument at fault (``"source"``, ``"pages"``, ``"to"``, ...), when there is one.
        self.parameter = parameter


class UnsafeURLError(InputValidationError):
    """A URL was refused before any byte was sent to it.

    Either it cannot be sent, or parsers could read it as pointing to different hosts (a
    backslash or userinfo in its authority, control characters, an IPv4 address in an old
    form): the kind of URL that takes an API key, or an emulator's fetch, somewhere else than
    a check saw. It may come from a caller (``download(url)``) or from a server (a presigned URL,
    a result URL, a redirect): the message says which URL, without its query.
    """

    def __init__(self, message: str, *, parameter: Optional[str] = "url") -> None:
        super().__init__(message, parameter=parameter)


class OutputWriteError(PdfCoError, OSError):
    """The result was downloaded but could not be written (no space, no permission, ...).

    Nothing partial is left: the temporary file is removed and an existing file is untouched.
    """


class APIConnectionError(PdfCoError):
    """The request failed on the network: no HTTP answer was read."""

    retryable = True

    def __init__(self, message: str, *, request_sent: bool = True) -> None:
        super().__init__(message)
        #: False only when the request certainly never reached the server (connection refused,
        #: connect timeout): then even a paid request is safe to send again.
        self.request_sent = request_sent


class APITimeoutError(APIConnectionError):
    """Connecting or reading timed out."""


class OutcomeUnknownError(APIConnectionError):
    """A request that costs credits may have reached PDF.co, but no answer came back.

    PDF.co has no idempotency key, so sending it again could start (and bill) a second job. The
    client does not re-send it unless asked to (``resend_on_unknown_outcome=True``).
    """

    retryable = False


class IncompleteDownloadError(APIConnectionError):
    """A download ended before the size its ``Content-Length`` announced."""

    def __init__(self, message: str, *, expected: Optional[int], received: int) -> None:
        super().__init__(message)
        self.expected = expected
        self.received = received


class APIError(PdfCoError):
    """PDF.co, or the storage host behind it, answered with an error."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        body: Optional[Mapping[str, Any]] = None,
        http_status: Optional[int] = None,
        url: Optional[str] = None,
    ) -> None:
        super().__init__(f"{message} (status {status_code})")
        #: PDF.co's error code: the body's ``status`` when it has one, else the HTTP status.
        self.status_code = status_code
        #: The error text PDF.co sent (or ours, for a body we could not read).
        self.message = message
        #: The parsed JSON body, or ``None`` when there was none.
        self.body: Optional[Mapping[str, Any]] = body
        #: The HTTP status line's code, which may be 200 for an error body.
        self.http_status = http_status if http_status is not None else status_code
        #: The URL called, without its query (presigned signatures stay out of errors).
        self.url = url


class AuthenticationError(APIError):
    """The API key is missing, wrong or revoked (401)."""


class InsufficientCreditsError(APIError):
    """The account has not enough credits for this call (402, or the legacy 403)."""


class InvalidPasswordError(APIError):
    """The PDF is password-protected and the password is missing or wrong (441)."""


class InvalidInputError(APIError):
    """PDF.co refused the request or the document: a bad parameter, page range or file."""


class NotFoundError(APIError):
    """The file or result does not exist, has expired or is not ready yet (404)."""


class ProcessingTimeoutError(APIError):
    """The document took too long for a synchronous call (445); use a background job."""


class RateLimitError(APIError):
    """Too many requests (429)."""

    retryable = True

    def __init__(self, message: str, *, retry_after: Optional[float] = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        #: Seconds the server asked us to wait, from ``Retry-After``, when it said.
        self.retry_after = retry_after


class ServerError(APIError):
    """PDF.co failed on its side (5xx) or timed out waiting for the request (408)."""

    retryable = True

    def __init__(self, message: str, *, retry_after: Optional[float] = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class MalformedResponseError(APIError):
    """The answer was not the JSON PDF.co documents (not JSON, or a field missing or mistyped)."""


class ResponseTooLargeError(MalformedResponseError):
    """An answer was larger than the limit set for it, and was not read further.

    The limits: ``download_bytes(max_bytes=...)``, and ``DEFAULT_MAX_API_RESPONSE_BYTES`` of
    decoded JSON for an API answer (far beyond anything PDF.co sends). ``download()`` to a file
    has no limit of its own; it checks the size against ``Content-Length`` instead.
    """

    def __init__(self, message: str, *, limit: Optional[int] = None, **kwargs: Any) -> None:
        kwargs.setdefault("status_code", 200)
        super().__init__(message, **kwargs)
        #: The limit, in bytes, that the answer went over.
        self.limit = limit


class JobFailedError(PdfCoError):
    """A background job ended ``failed``, ``aborted`` or ``unknown``."""

    job_id: str

    def __init__(
        self,
        job_id: str,
        status: str,
        message: Optional[str] = None,
        *,
        error_code: Optional[int] = None,
    ) -> None:
        detail = f": {message}" if message else ""
        code = f" (error code {error_code})" if error_code is not None else ""
        super().__init__(f"job {job_id} ended {status}{detail}{code}")
        self.job_id = job_id
        #: The job's final state as PDF.co reported it.
        self.status = status
        self.message = message
        #: PDF.co's error code for the failure when it gave one (441: wrong password, ...).
        self.error_code = error_code


class JobTimeoutError(PdfCoError):
    """A job was still running at the deadline. It may still finish: resume with its id."""

    job_id: str

    def __init__(self, job_id: str, waited: float) -> None:
        super().__init__(
            f"job {job_id} still running after {waited:.1f} s; resume with "
            f"client.wait_for_job({job_id!r})"
        )
        self.job_id = job_id
        self.waited = waited


def _is_credits_message(message: str) -> bool:
    return "credit" in message.lower()


# PDF.co's error codes (docs and the older docs' legacy codes) to the class that names them.
_ERRORS_BY_CODE: Mapping[int, type[APIError]] = {
    400: InvalidInputError,
    401: AuthenticationError,
    402: InsufficientCreditsError,
    403: InvalidInputError,  # "access forbidden for input URL"; credits handled below
    404: NotFoundError,
    405: ProcessingTimeoutError,  # legacy timeout code
    408: ServerError,
    414: InvalidInputError,
    415: InvalidInputError,
    429: RateLimitError,
    441: InvalidPasswordError,
    445: ProcessingTimeoutError,
}


def api_error_for(
    status_code: int,
    message: str,
    *,
    body: Optional[Mapping[str, Any]] = None,
    http_status: Optional[int] = None,
    url: Optional[str] = None,
    retry_after: Optional[float] = None,
) -> APIError:
    """Build the :class:`APIError` subclass for a PDF.co error code (table-driven)."""
    cls: type[APIError]
    if status_code == 403 and _is_credits_message(message):
        cls = InsufficientCreditsError
    elif status_code in _ERRORS_BY_CODE:
        cls = _ERRORS_BY_CODE[status_code]
    elif 440 <= status_code <= 459:
        cls = InvalidInputError  # PDF.co's own 44x/45x family: all about the input
    elif status_code >= 500:
        cls = ServerError
    else:
        # An undocumented 4xx: the request was refused as sent, so a retry will not help.
        cls = InvalidInputError
    kwargs: dict[str, Any] = {"status_code": status_code, "body": body, "http_status": http_status}
    kwargs["url"] = url
    if cls in (RateLimitError, ServerError):
        kwargs["retry_after"] = retry_after
    return cls(message, **kwargs)


class ConversionCancelledError(PdfCoError):
    """A conversion was stopped on request (a batch interrupted by Ctrl-C, say).

    Nothing partial was written. ``job_id`` is set when the job had already been started at
    PDF.co: it may still run there, and ``wait_for_job(job_id)`` can pick it up.
    """

    def __init__(self, message: str = "conversion cancelled", *, job_id: Optional[str] = None):
        super().__init__(message if job_id is None else f"{message} (job {job_id})")
        self.job_id = job_id
