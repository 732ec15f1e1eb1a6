"""``mock_pdfco``: PDF.co and its storage, faked in memory and statefully, on ``responses``.

Every request any ``requests`` session sends while the mock is active goes to one router here:
the API's base URL, the S3-like storage host, or nowhere (a request to any other host fails the
test with :class:`UnexpectedRequestError`; nothing ever reaches the network). The state is a small
account: credits, stored files, and jobs that report ``working`` for a number of checks before
they end. Prices are PDF.co's, as in the emulator; they are repeated here so that this module
never imports the emulator (and its PDF engine).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import string
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from types import TracebackType
from typing import TYPE_CHECKING, Any, Callable, Optional, Union
from urllib.parse import parse_qs, quote, urlsplit

from pdfco_client._config import DEFAULT_BASE_URL, ENV_BASE_URL, validate_base_url
from pdfco_client._pages import PageRangeSyntaxError, parse_page_range, resolve_page_range
from pdfco_client._prices import CALL_CREDITS, PAGE_CREDITS

from ._results import RESULT_MEDIA_TYPES, result_bytes

if TYPE_CHECKING:
    import requests
    import responses

__all__ = [
    "DEFAULT_MOCK_CREDITS",
    "DEFAULT_SLOW_CHECKS",
    "DEFAULT_STORAGE_URL",
    "DEFAULT_WORKING_CHECKS",
    "MOCK_CALL_CREDITS",
    "MOCK_PAGE_CREDITS",
    "MockCall",
    "MockJob",
    "PdfCoMock",
    "StoredFile",
    "UnexpectedRequestError",
    "mock_pdfco",
]

#: Where presigned uploads and results live, as in PDF.co's answers (pdfco-api.md §2.1).
DEFAULT_STORAGE_URL = "https://pdf-temp-files.s3.us-west-2.amazonaws.com"
DEFAULT_MOCK_CREDITS = 100_000
#: Checks a job answers ``working`` before it ends.
DEFAULT_WORKING_CHECKS = 1
#: Checks a ``"slow"`` job answers ``working``.
DEFAULT_SLOW_CHECKS = 20

#: Credits per call and per converted page: the package's one price table, the emulator's too.
MOCK_CALL_CREDITS: Mapping[str, int] = CALL_CREDITS
MOCK_PAGE_CREDITS: Mapping[str, int] = PAGE_CREDITS

#: What a conversion of an input the mock cannot read (a URL it does not store) works on.
_PLACEHOLDER_PDF = b"%PDF-1.7\n1 0 obj<</Type /Page>>endobj\ntrailer<<>>\n%%EOF\n"
_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
_ID_CHARS = string.ascii_uppercase + string.digits
_METHODS = ("GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS")
_STORAGE_ENDPOINTS = ("upload", "download")
_JOB_OUTCOMES = ("success", "failed", "aborted", "slow")

_DEFAULT_MESSAGES: Mapping[int, str] = {
    400: "Bad request: invalid parameters",
    401: "Unauthorized: invalid API key",
    402: "Not enough credits",
    403: "Access forbidden for input URL",
    404: "Resource not found",
    408: "Request timeout",
    429: "Too many requests",
    441: "Invalid password",
    442: "Input damaged or of incorrect type",
    445: "Timeout error: use async=true and pages to process large documents",
    449: "Invalid index range: page index out of range, the first page is 0",
    450: "Invalid page range",
    500: "Internal error, try again or contact support",
    502: "Bad gateway",
    503: "Service unavailable",
    504: "Gateway timeout",
}

Reply = Union[tuple[int, Mapping[str, str], bytes], Exception]


class UnexpectedRequestError(AssertionError):
    """A request reached :func:`mock_pdfco` that it does not fake: another host, or an endpoint
    it does not emulate. It fails the test, even if the code under test swallowed it."""


@dataclass(frozen=True)
class MockCall:
    """One request the mock received, and the status it answered."""

    method: str
    url: str
    """The full URL, query included."""
    endpoint: str
    """The API path after the base URL (``"job/check"``, ``"pdf/convert/to/xlsx"``), or
    ``"upload"``/``"download"`` for the storage host, or ``""`` for an unexpected request."""
    headers: Mapping[str, str]
    """Request headers, names in lower case."""
    body: bytes
    status: Optional[int]
    """The HTTP status answered, or ``None`` when the mock raised instead."""
    response_body: bytes = b""
    """The body answered (PDF.co's JSON, S3's XML, or a stored file's bytes)."""

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    @property
    def path(self) -> str:
        return urlsplit(self.url).path

    @property
    def params(self) -> dict[str, Any]:
        """Query string and JSON or form body, merged (the body wins)."""
        return _request_params(self.url, self.headers.get("content-type", ""), self.body)

    def json(self) -> Any:
        """The request body parsed as JSON."""
        return json.loads(self.body)

    def response_json(self) -> Any:
        """The answer's body parsed as JSON."""
        return json.loads(self.response_body)


@dataclass(frozen=True)
class StoredFile:
    """A file in the mock's storage: an upload, or a conversion's result."""

    url: str
    """Its URL without the signature query."""
    name: str
    data: bytes
    content_type: str
    kind: str
    """``"upload"`` or ``"result"``."""


@dataclass
class MockJob:
    """A background conversion the mock runs."""

    job_id: str
    fmt: str
    outcome: str
    """``"success"``, ``"failed"`` or ``"aborted"``: how it ends."""
    working_checks: int
    """Checks it answers ``working`` before it ends."""
    result_url: str
    page_count: int
    first_page_credits: int
    message: Optional[str] = None
    error_code: Optional[int] = None
    checks: int = 0
    settled: bool = False
    """Billed (success) or refunded (failure) already."""

    @property
    def state(self) -> str:
        """What the next check would answer, without asking: ``working`` or the outcome."""
        return "working" if self.checks < self.working_checks else self.outcome


@dataclass
class _Fault:
    endpoint: str
    method: Optional[str]
    reply: Callable[[bool], Reply]
    times: int


@dataclass
class _ScriptedJob:
    outcome: str
    checks: int
    message: Optional[str]
    error_code: Optional[int]


@dataclass
class _State:
    credits: int
    files: dict[str, StoredFile] = field(default_factory=dict)
    signed_types: dict[str, str] = field(default_factory=dict)
    jobs: dict[str, MockJob] = field(default_factory=dict)
    calls: list[MockCall] = field(default_factory=list)
    unexpected: list[MockCall] = field(default_factory=list)
    faults: list[_Fault] = field(default_factory=list)
    scripted_jobs: list[_ScriptedJob] = field(default_factory=list)


def _new_id() -> str:
    return "".join(secrets.choice(_ID_CHARS) for _ in range(32))


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return value is True or value == 1


def _request_params(url: str, content_type: str, body: bytes) -> dict[str, Any]:
    params: dict[str, Any] = {k: v[-1] for k, v in parse_qs(urlsplit(url).query).items()}
    if not body:
        return params
    if "json" in content_type or body.lstrip().startswith(b"{"):
        try:
            data = json.loads(body)
        except ValueError:
            return params
        if isinstance(data, dict):
            params.update(data)
    elif "x-www-form-urlencoded" in content_type:
        params.update({k: v[-1] for k, v in parse_qs(body.decode("utf-8", "replace")).items()})
    return params


def _json(status: int, body: Mapping[str, Any], headers: Optional[dict[str, str]] = None) -> Reply:
    return (
        status,
        {"Content-Type": "application/json", **(headers or {})},
        json.dumps(body).encode(),
    )


def _api_error(
    status: int,
    message: Optional[str] = None,
    *,
    error_body_200: bool = False,
    retry_after: Optional[float] = None,
) -> Reply:
    body = {
        "error": True,
        "status": status,
        "message": message or _DEFAULT_MESSAGES.get(status, f"Error {status}"),
    }
    headers = {} if retry_after is None else {"Retry-After": _seconds(retry_after)}
    return _json(200 if error_body_200 else status, body, headers)


def _s3_error(status: int, code: str, message: str, retry_after: Optional[float] = None) -> Reply:
    xml = (
        "<?xml version='1.0' encoding='UTF-8'?>"
        f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
    )
    headers = {"Content-Type": "application/xml"}
    if retry_after is not None:
        headers["Retry-After"] = _seconds(retry_after)
    return status, headers, xml.encode()


def _seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _valid_till(minutes: int = 60) -> str:
    return (datetime.now(timezone.utc) + timedelta(minutes=minutes)).isoformat()


class PdfCoMock(contextlib.ContextDecorator):
    """PDF.co faked in memory: what :func:`mock_pdfco` returns, and yields in a ``with`` block.

    Use it as a context manager or as a decorator. Entering it again (a decorated function called
    twice) starts from a fresh account: no files, no jobs, no calls, the initial credits.

    Inspect it with :attr:`calls`, :meth:`calls_to`, :attr:`files`, :attr:`jobs` and
    :attr:`credits`; script it with :meth:`fail_next` and :meth:`job_outcome`.
    """

    def __init__(
        self,
        *,
        base_url: Optional[str] = None,
        api_key: Optional[str] = None,
        credits: int = DEFAULT_MOCK_CREDITS,
        working_checks: int = DEFAULT_WORKING_CHECKS,
        storage_url: str = DEFAULT_STORAGE_URL,
        page_count: Optional[int] = None,
    ) -> None:
        url = base_url if base_url is not None else os.environ.get(ENV_BASE_URL) or DEFAULT_BASE_URL
        self.base_url = validate_base_url(url)
        """The API base URL the mock answers on."""
        self.storage_url = storage_url.rstrip("/")
        """The storage host of presigned uploads and results."""
        self.api_key = api_key
        """The only key accepted, or ``None`` to accept any non-empty key."""
        self.working_checks = working_checks
        """Checks a job answers ``working`` before it ends, unless scripted."""
        self.page_count = page_count
        """Pages of every input, or ``None`` to count the page objects of the uploaded PDF."""
        self._initial_credits = credits
        self._api = urlsplit(self.base_url)
        self._storage = urlsplit(self.storage_url)
        self._lock = threading.RLock()
        self._state = _State(credits=credits)
        self._requests_mock: Optional[responses.RequestsMock] = None
        self._entered = 0

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> PdfCoMock:
        """Start intercepting every ``requests`` call; returns ``self``."""
        try:
            import responses
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError(
                "pdfco_client.testing needs the responses package: "
                "pip install 'pdfco-client[testing]'"
            ) from exc
        if self._requests_mock is not None:
            raise RuntimeError("this PdfCoMock is already active")
        if self._entered:
            self.reset()
        self._entered += 1
        mock = responses.RequestsMock(assert_all_requests_are_fired=False)
        for method in _METHODS:
            mock.add_callback(method, re.compile(r".*"), callback=self._route, content_type=None)
        mock.start()
        self._requests_mock = mock
        return self

    def stop(self, *, check: bool = True) -> None:
        """Stop intercepting. With ``check``, raise :class:`UnexpectedRequestError` if a request
        the mock does not fake was made (even if the code under test caught the error)."""
        mock, self._requests_mock = self._requests_mock, None
        if mock is not None:
            mock.stop(allow_assert=False)
            mock.reset()
        if check and self._state.unexpected:
            lines = "\n".join(f"  {c.method} {c.url}" for c in self._state.unexpected)
            raise UnexpectedRequestError(
                f"requests that mock_pdfco does not fake (base URL {self.base_url}):\n{lines}"
            )

    def reset(self) -> None:
        """Forget every file, job, call and script, and restore the initial credits."""
        with self._lock:
            self._state = _State(credits=self._initial_credits)

    def __enter__(self) -> PdfCoMock:
        return self.start()

    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        # An error already on its way out is the more useful one to show.
        self.stop(check=exc_type is None)

    def __repr__(self) -> str:
        return f"PdfCoMock(base_url={self.base_url!r}, credits={self._state.credits})"

    # -- inspection -----------------------------------------------------------------------------

    @property
    def credits(self) -> int:
        """The account's balance; assign to change it (0 makes paid calls answer 402)."""
        return self._state.credits

    @credits.setter
    def credits(self, value: int) -> None:
        with self._lock:
            self._state.credits = int(value)

    @property
    def calls(self) -> list[MockCall]:
        """Every request received, oldest first."""
        with self._lock:
            return list(self._state.calls)

    def calls_to(self, endpoint: str, method: Optional[str] = None) -> list[MockCall]:
        """The calls to ``endpoint`` (see :meth:`fail_next` for how endpoints are named)."""
        wanted = _endpoint_name(endpoint)
        return [
            c
            for c in self.calls
            if _endpoint_matches(wanted, c.endpoint)
            and (method is None or c.method == method.upper())
        ]

    @property
    def unexpected(self) -> list[MockCall]:
        """Requests to hosts or endpoints the mock does not fake."""
        with self._lock:
            return list(self._state.unexpected)

    @property
    def files(self) -> dict[str, StoredFile]:
        """Files in storage by URL (without the signature query): uploads not deleted yet, and
        results of finished conversions."""
        with self._lock:
            return dict(self._state.files)

    @property
    def jobs(self) -> dict[str, MockJob]:
        """Background jobs by id."""
        with self._lock:
            return dict(self._state.jobs)

    @property
    def key_leaks(self) -> list[MockCall]:
        """Storage requests that carried the ``x-api-key`` header (PDF.co's samples do this)."""
        return [
            c for c in self.calls if c.endpoint in _STORAGE_ENDPOINTS and "x-api-key" in c.headers
        ]

    # -- scripting ------------------------------------------------------------------------------

    def fail_next(
        self,
        endpoint: str,
        *,
        status: int = 500,
        message: Optional[str] = None,
        retry_after: Optional[float] = None,
        error_body_200: bool = False,
        body: Optional[Mapping[str, Any]] = None,
        exception: Optional[Exception] = None,
        method: Optional[str] = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` calls to ``endpoint`` with an error.

        ``endpoint`` is the API path after the base URL (``"job/check"``,
        ``"pdf/convert/to/xlsx"``, ``"file/upload/get-presigned-url"``), or a prefix of it
        (``"pdf/convert"`` matches every conversion), or ``"upload"`` / ``"download"`` for the
        storage host's ``PUT`` and ``GET``. The answer is PDF.co's error body with ``status``
        (and ``message``), sent as the HTTP status, or with HTTP 200 when ``error_body_200``;
        ``retry_after`` adds a ``Retry-After`` header. ``body`` replaces the JSON body (served
        with ``status`` as the HTTP status); ``exception`` (a ``requests`` exception, say
        ``requests.ConnectionError()``) is raised instead of answering. The storage host answers
        with S3's XML errors.
        """
        if times < 1:
            raise ValueError("times must be at least 1")
        name = _endpoint_name(endpoint)
        storage = name in _STORAGE_ENDPOINTS

        def reply(_: bool) -> Reply:
            if exception is not None:
                return exception
            if body is not None:
                return _json(
                    status,
                    body,
                    None if retry_after is None else {"Retry-After": _seconds(retry_after)},
                )
            if storage:
                return _s3_error(status, "ScriptedError", message or f"error {status}", retry_after)
            return _api_error(
                status, message, error_body_200=error_body_200, retry_after=retry_after
            )

        with self._lock:
            self._state.faults.append(
                _Fault(name, method.upper() if method else None, reply, times)
            )

    def job_outcome(
        self,
        outcome: str,
        *,
        checks: Optional[int] = None,
        message: Optional[str] = None,
        error_code: Optional[int] = None,
    ) -> None:
        """Script how the next background job started ends.

        ``"failed"`` and ``"aborted"`` end it so (with ``message`` and ``error_code`` in the
        check's answer, and the first page's credits refunded), ``"slow"`` keeps it ``working``
        for ``checks`` checks (default :data:`DEFAULT_SLOW_CHECKS`) before it succeeds,
        ``"success"`` after ``checks``. Jobs move on each check, not with time, so tests are
        deterministic. Several calls script several jobs, in order.
        """
        if outcome not in _JOB_OUTCOMES:
            raise ValueError(f"outcome must be one of {', '.join(_JOB_OUTCOMES)}, not {outcome!r}")
        if checks is None:
            checks = DEFAULT_SLOW_CHECKS if outcome == "slow" else self.working_checks
        if checks < 0:
            raise ValueError("checks must not be negative")
        ends = "success" if outcome == "slow" else outcome
        with self._lock:
            self._state.scripted_jobs.append(_ScriptedJob(ends, checks, message, error_code))

    def add_file(self, name: str, data: bytes, *, content_type: str = "application/pdf") -> str:
        """Put a file in storage as if uploaded, and return its URL (to pass to a conversion)."""
        with self._lock:
            url = f"{self.storage_url}/{_new_id()}/{quote(name)}"
            self._state.files[url] = StoredFile(url, name, bytes(data), content_type, "upload")
        return self._signed(url)

    # -- routing --------------------------------------------------------------------------------

    def _route(self, request: requests.PreparedRequest) -> Reply:
        raw = request.body
        body = raw if isinstance(raw, bytes) else (raw or "").encode("utf-8")
        headers = {k.lower(): str(v) for k, v in request.headers.items()}
        url = request.url or ""
        method = (request.method or "GET").upper()
        parts = urlsplit(url)
        endpoint: Optional[str] = None
        if _same_origin(parts, self._api) and parts.path.startswith(
            self._api.path.rstrip("/") + "/"
        ):
            endpoint = parts.path[len(self._api.path.rstrip("/")) + 1 :]
        elif _same_origin(parts, self._storage):
            endpoint = "upload" if method == "PUT" else "download"
        with self._lock:
            reply: Reply
            if endpoint is None:
                return self._unexpected(method, url, headers, body, "its host is not PDF.co's")
            reply = self._scripted(endpoint, method) or self._answer(
                endpoint, method, url, headers, body
            )
            if isinstance(reply, UnexpectedRequestError):
                return reply  # recorded by _unexpected
            if isinstance(reply, Exception):
                call = MockCall(method, url, endpoint, headers, body, None)
            else:
                call = MockCall(method, url, endpoint, headers, body, reply[0], reply[2])
            self._state.calls.append(call)
            return reply

    def _unexpected(
        self, method: str, url: str, headers: dict[str, str], body: bytes, why: str
    ) -> Reply:
        call = MockCall(method, url, "", headers, body, None)
        self._state.calls.append(call)
        self._state.unexpected.append(call)
        return UnexpectedRequestError(
            f"mock_pdfco got {method} {url}, which it does not fake ({why}; "
            f"API {self.base_url}, storage {self.storage_url})"
        )

    def _scripted(self, endpoint: str, method: str) -> Optional[Reply]:
        for fault in self._state.faults:
            if (
                fault.times > 0
                and _endpoint_matches(fault.endpoint, endpoint)
                and fault.method in (None, method)
            ):
                fault.times -= 1
                if fault.times == 0:
                    self._state.faults.remove(fault)
                return fault.reply(True)
        return None

    def _answer(
        self, endpoint: str, method: str, url: str, headers: dict[str, str], body: bytes
    ) -> Reply:
        if endpoint == "upload":
            return self._put(url, headers, body)
        if endpoint == "download":
            return self._get(url, method)
        params = {
            k.lower(): v
            for k, v in _request_params(url, headers.get("content-type", ""), body).items()
        }
        key = headers.get("x-api-key") or params.get("x-api-key")
        if not key or (self.api_key is not None and key != self.api_key):
            return _api_error(401)
        if endpoint == "file/upload/get-presigned-url" and method == "GET":
            return self._presign(params)
        if endpoint == "file/upload/url" and method in ("GET", "POST"):
            return self._upload_from_url(params)
        if endpoint == "file/delete" and method in ("GET", "POST"):
            return self._delete(params)
        if endpoint == "job/check" and method in ("GET", "POST"):
            return self._check(params)
        if endpoint == "account/credit/balance" and method in ("GET", "POST"):
            paid = self._charge(MOCK_CALL_CREDITS[endpoint])
            return paid if paid is not None else _json(200, {"remainingCredits": self.credits})
        if endpoint == "pdf/info" and method in ("GET", "POST"):
            return self._info(params)
        if endpoint.startswith("pdf/convert/to/") and method in ("GET", "POST"):
            return self._convert(endpoint.rsplit("/", 1)[-1], params)
        return self._unexpected(
            method, url, headers, body, f"mock_pdfco does not emulate {method} /{endpoint}"
        )

    # -- the account ----------------------------------------------------------------------------

    def _charge(self, amount: int) -> Optional[Reply]:
        """Take ``amount`` credits, or return the 402 answer when the balance is too low."""
        if self._state.credits < amount:
            return _api_error(402)
        self._state.credits -= amount
        return None

    def _paid(self, endpoint: str, body: dict[str, Any]) -> Reply:
        price = MOCK_CALL_CREDITS[endpoint]
        refused = self._charge(price)
        if refused is not None:
            return refused
        return _json(200, {**body, "credits": price, "remainingCredits": self._state.credits})

    def _signed(self, url: str, *, put: bool = False) -> str:
        expires = 900 if put else 3600
        return (
            f"{url}?X-Amz-Expires={expires}&X-Amz-Algorithm=AWS4-HMAC-SHA256"
            f"&X-Amz-SignedHeaders=content-type%3Bhost&X-Amz-Signature={secrets.token_hex(32)}"
        )

    def _stored(self, url: Any) -> Optional[StoredFile]:
        if not isinstance(url, str):
            return None
        return self._state.files.get(url.split("?", 1)[0])

    # -- the API --------------------------------------------------------------------------------

    def _presign(self, params: dict[str, Any]) -> Reply:
        name = str(params.get("name") or "file.pdf")
        url = f"{self.storage_url}/{_new_id()}/{quote(name)}"
        self._state.signed_types[url] = str(params.get("contenttype") or "application/octet-stream")
        return self._paid(
            "file/upload/get-presigned-url",
            {
                "presignedUrl": self._signed(url, put=True),
                "url": self._signed(url),
                "error": False,
                "status": 200,
                "name": name,
            },
        )

    def _upload_from_url(self, params: dict[str, Any]) -> Reply:
        source = params.get("url")
        if not isinstance(source, str) or not source.lower().startswith(("http://", "https://")):
            return _api_error(400, "url is required")
        name = str(params.get("name") or urlsplit(source).path.rsplit("/", 1)[-1] or "file.pdf")
        stored = self._stored(source)
        data = stored.data if stored is not None else _PLACEHOLDER_PDF
        url = f"{self.storage_url}/{_new_id()}/{quote(name)}"
        reply = self._paid(
            "file/upload/url",
            {"url": self._signed(url), "error": False, "status": 200, "name": name},
        )
        if not isinstance(reply, Exception) and reply[0] == 200:
            self._state.files[url] = StoredFile(url, name, data, "application/pdf", "upload")
        return reply

    def _delete(self, params: dict[str, Any]) -> Reply:
        stored = self._stored(params.get("url"))
        if stored is None:
            return _api_error(404, "File not found")
        reply = self._paid("file/delete", {"error": False, "status": 200})
        if not isinstance(reply, Exception) and reply[0] == 200:
            del self._state.files[stored.url]
        return reply

    def _pages(self, data: bytes, spec: Any) -> Union[int, Reply]:
        total = self.page_count or len(_PAGE_OBJECT.findall(data)) or 1
        if not spec:
            return total
        try:
            parse_page_range(str(spec))
        except PageRangeSyntaxError as exc:
            return _api_error(450, f"Invalid page range: {exc}")
        try:
            return len(resolve_page_range(str(spec), total))
        except PageRangeSyntaxError as exc:
            return _api_error(449, f"Invalid index range: {exc} (the first page is 0)")

    def _source(self, params: dict[str, Any]) -> Union[bytes, Reply]:
        url = params.get("url")
        if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")):
            return _api_error(400, "url is required")
        parts = urlsplit(url)
        if _same_origin(parts, self._storage):
            stored = self._stored(url)
            if stored is None:
                return _api_error(404, "File not found: the input URL has expired or was deleted")
            return stored.data
        return _PLACEHOLDER_PDF

    def _info(self, params: dict[str, Any]) -> Reply:
        data = self._source(params)
        if not isinstance(data, bytes):
            return data
        pages = self._pages(data, None)
        if not isinstance(pages, int):
            return pages
        info = {
            "PageCount": pages,
            "Author": "",
            "Title": "",
            "Producer": "pdfco_client.testing",
            "Subject": "",
            "Keywords": "",
            "Creator": "",
            "Encrypted": b"/Encrypt" in data,
            "EncryptionAlgorithm": "",
            "PageRectangle": {"X": 0, "Y": 0, "Width": 612, "Height": 792},
        }
        return self._paid("pdf/info", {"info": info, "error": False, "status": 200, "duration": 40})

    def _convert(self, fmt: str, params: dict[str, Any]) -> Reply:
        if fmt not in MOCK_PAGE_CREDITS:
            return _api_error(404, f"Unknown endpoint: no conversion to {fmt!r}")
        data = self._source(params)
        if not isinstance(data, bytes):
            return data
        if b"%PDF-" not in data[:1024] and not data.startswith((b"\x89PNG", b"\xff\xd8\xff")):
            return _api_error(442)
        pages = self._pages(data, params.get("pages"))
        if not isinstance(pages, int):
            return pages
        rate = MOCK_PAGE_CREDITS[fmt]
        media_type, extension = RESULT_MEDIA_TYPES[fmt]
        name = str(params.get("name") or f"result.{extension}")
        asynchronous = _flag(params.get("async"))
        charge = rate if asynchronous else rate * pages
        refused = self._charge(charge)
        if refused is not None:
            return refused
        job_id = _new_id()
        result = f"{self.storage_url}/{job_id}/{quote(name)}"
        answer: dict[str, Any] = {
            "url": self._signed(result),
            "pageCount": pages,
            "error": False,
            "status": 200,
            "name": name,
            "credits": charge,
            "remainingCredits": self._state.credits,
            "duration": 120,
            "outputLinkValidTill": _valid_till(),
        }
        if not asynchronous:
            content = result_bytes(fmt)
            self._state.files[result] = StoredFile(result, name, content, media_type, "result")
            if _flag(params.get("inline")) and fmt not in ("xlsx", "xls"):
                text = content.decode("utf-8")
                answer["body"] = json.loads(text) if fmt in ("json", "json2") else text
            return _json(200, answer)
        script = self._state.scripted_jobs.pop(0) if self._state.scripted_jobs else None
        self._state.jobs[job_id] = MockJob(
            job_id=job_id,
            fmt=fmt,
            outcome=script.outcome if script else "success",
            working_checks=script.checks if script else self.working_checks,
            result_url=result,
            page_count=pages,
            first_page_credits=rate,
            message=script.message if script else None,
            error_code=script.error_code if script else None,
        )
        return _json(200, {"jobId": job_id, **answer})

    def _check(self, params: dict[str, Any]) -> Reply:
        job_id = str(params.get("jobid") or "").strip()
        price = MOCK_CALL_CREDITS["job/check"]
        refused = self._charge(price)
        if refused is not None:
            return refused
        job = self._state.jobs.get(job_id)
        if job is None:
            state = "unknown" if _flag(params.get("force")) else "working"
            return _json(200, {"status": state, "credits": price, "remainingCredits": self.credits})
        job.checks += 1
        if job.checks <= job.working_checks:
            body = {"status": "working", "jobId": job_id, "credits": price}
            return _json(200, {**body, "remainingCredits": self.credits})
        credits = price
        if job.outcome == "success":
            if not job.settled:
                job.settled = True
                rest = MOCK_PAGE_CREDITS[job.fmt] * max(0, job.page_count - 1)
                charged = min(rest, max(0, self._state.credits))
                self._state.credits -= charged
                credits += charged
                media_type, _ = RESULT_MEDIA_TYPES[job.fmt]
                name = job.result_url.rsplit("/", 1)[-1]
                self._state.files[job.result_url] = StoredFile(
                    job.result_url, name, result_bytes(job.fmt), media_type, "result"
                )
            return _json(
                200,
                {
                    "status": "success",
                    "message": "Success",
                    "url": self._signed(job.result_url),
                    "jobId": job_id,
                    "pageCount": job.page_count,
                    "credits": credits,
                    "remainingCredits": self.credits,
                    "duration": 30,
                    "jobDuration": 1000 + 300 * job.page_count,
                    "outputLinkValidTill": _valid_till(),
                    "error": False,
                },
            )
        if not job.settled:
            job.settled = True
            self._state.credits += job.first_page_credits
            credits -= job.first_page_credits
        ended: dict[str, Any] = {
            "status": job.outcome,
            "message": job.message or f"The job was {job.outcome}",
            "jobId": job_id,
            "error": True,
            "credits": credits,
            "remainingCredits": self.credits,
        }
        if job.error_code is not None:
            ended["errorCode"] = job.error_code
        return _json(200, ended)

    # -- storage --------------------------------------------------------------------------------

    def _put(self, url: str, headers: dict[str, str], body: bytes) -> Reply:
        key = url.split("?", 1)[0]
        signed_type = self._state.signed_types.get(key)
        if signed_type is None:
            return _s3_error(403, "AccessDenied", "No presigned upload for this URL")
        if "transfer-encoding" in headers:
            return _s3_error(
                501,
                "NotImplemented",
                "A header you provided implies functionality that is not implemented",
            )
        content_type = headers.get("content-type", "")
        if content_type != signed_type:
            return _s3_error(
                403,
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided",
            )
        name = key.rsplit("/", 1)[-1]
        self._state.files[key] = StoredFile(key, name, body, content_type, "upload")
        return 200, {"ETag": f'"{secrets.token_hex(16)}"'}, b""

    def _get(self, url: str, method: str) -> Reply:
        stored = self._stored(url)
        if stored is None:
            return _s3_error(404, "NoSuchKey", "The specified key does not exist.")
        headers = {"Content-Type": stored.content_type, "Content-Length": str(len(stored.data))}
        return 200, headers, b"" if method == "HEAD" else stored.data


def _same_origin(a: Any, b: Any) -> bool:
    def origin(parts: Any) -> tuple[str, str, int]:
        scheme = (parts.scheme or "").lower()
        return (
            scheme,
            (parts.hostname or "").lower(),
            parts.port or (443 if scheme == "https" else 80),
        )

    return origin(a) == origin(b)


def _endpoint_name(endpoint: str) -> str:
    name = endpoint.strip().strip("/")
    return name[3:] if name.startswith("v1/") else name


def _endpoint_matches(wanted: str, endpoint: str) -> bool:
    return endpoint == wanted or endpoint.startswith(wanted + "/")


def mock_pdfco(
    *,
    base_url: Optional[str] = None,
    api_key: Optional[str] = None,
    credits: int = DEFAULT_MOCK_CREDITS,
    working_checks: int = DEFAULT_WORKING_CHECKS,
    storage_url: str = DEFAULT_STORAGE_URL,
    page_count: Optional[int] = None,
) -> PdfCoMock:
    """Fake the whole PDF.co API in memory, as a context manager or a decorator.

    ::

        with mock_pdfco() as pdfco:
            with PdfCoClient(api_key="any") as client:
                client.convert_pdf_to_xlsx("report.pdf", output="report.xlsx")
            assert pdfco.calls_to("pdf/convert/to/xlsx")

    - ``base_url``: the API the mock answers on; by default the one a client would use
      (``PDFCO_BASE_URL``, else ``https://api.pdf.co/v1``).
    - ``api_key``: the only key accepted (others get 401); ``None`` accepts any key.
    - ``credits``: the starting balance; ``working_checks``: how many checks a job answers
      ``working`` before it ends; ``page_count``: pages of every input (``None`` counts them).
    - ``storage_url``: the host of presigned uploads and results.

    Nothing reaches the network: a request to any other host, or to an endpoint the mock does
    not emulate, raises :class:`UnexpectedRequestError` and fails the test when the block ends.
    """
    return PdfCoMock(
        base_url=base_url,
        api_key=api_key,
        credits=credits,
        working_checks=working_checks,
        storage_url=storage_url,
        page_count=page_count,
    )
