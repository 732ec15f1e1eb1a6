"""``mock_pdfco``: the model of PDF.co served in process, on ``responses``, with no socket.

Every request any ``requests`` session sends while the mock is active comes to
:meth:`PdfCoMock.respond`, which hands the API's and the storage host's requests to the same
model the emulator serves (``pdfco_client.emulator.model``) and fails the test for any other host
(:class:`UnexpectedRequestError`; nothing ever reaches the network). What differs from the
emulator is the model's configuration, not its answers: jobs move on with each check (not with
time), a URL that is not in storage reads as a placeholder PDF (nothing is fetched), callbacks are
accepted and never called, and conversions come from the ``canned`` engine unless
``engine="real"``. Neither werkzeug nor a PDF library is imported here.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import TracebackType
from typing import TYPE_CHECKING, Any, Optional, Union
from urllib.parse import parse_qsl, unquote, urlsplit

from pdfco_client._config import DEFAULT_BASE_URL, ENV_BASE_URL, validate_base_url
from pdfco_client._models import OutputFormat
from pdfco_client.emulator.engine import Engine, Product, Task, load_engine
from pdfco_client.emulator.model import (
    CALL_CREDITS,
    PAGE_CREDITS,
    Clock,
    Fault,
    FaultPlan,
    InlineRunner,
    Job,
    PdfCoModel,
    RecordedRequest,
    Request,
    RequestLog,
    Settings,
    Signer,
    State,
    new_id,
    parse_multipart,
    placeholder_source,
)
from pdfco_client.emulator.model._operations import new_job
from pdfco_client.emulator.model._settings import FILE_LIFETIME

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

#: Credits per call and per converted page: the model's price table, the emulator's too.
MOCK_CALL_CREDITS: Mapping[str, int] = CALL_CREDITS
MOCK_PAGE_CREDITS: Mapping[str, int] = PAGE_CREDITS

#: A background job the mock runs: the model's job (``state`` is what the next check answers).
MockJob = Job

_METHODS = ("GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS")
_STORAGE_NAMES = {"upload": "storage-put", "download": "storage-get"}
_JOB_OUTCOMES = ("success", "failed", "aborted", "slow")

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
    ``"upload"``/``"download"`` for the storage host, or ``""`` for another host."""
    headers: Mapping[str, str]
    """Request headers, names in lower case."""
    body: bytes
    status: Optional[int]
    """The HTTP status answered, or ``None`` when the mock raised instead."""
    response_body: bytes = b""
    """The body answered (PDF.co's JSON, S3's XML, or a stored file's bytes)."""

    @classmethod
    def of(cls, record: RecordedRequest) -> MockCall:
        endpoint = record.endpoint
        if record.server == "storage":
            endpoint = "upload" if record.method == "PUT" else "download"
        elif record.server != "api":
            endpoint = ""
        return cls(
            record.method,
            record.url,
            endpoint,
            record.headers,
            record.body,
            record.status,
            record.response_body,
        )

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    @property
    def path(self) -> str:
        return urlsplit(self.url).path

    @property
    def params(self) -> dict[str, Any]:
        """Query string and JSON or form body, merged (the body wins)."""
        params: dict[str, Any] = dict(parse_qsl(urlsplit(self.url).query))
        kind = self.headers.get("content-type", "")
        if "json" in kind or self.body.lstrip().startswith(b"{"):
            with contextlib.suppress(ValueError):
                data = json.loads(self.body)
                params.update(data if isinstance(data, dict) else {})
        elif "x-www-form-urlencoded" in kind:
            params.update(parse_qsl(self.body.decode("utf-8", "replace")))
        return params

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


def _endpoint_name(endpoint: str) -> str:
    name = endpoint.strip().strip("/")
    return name[3:] if name.startswith("v1/") else name


def _endpoint_matches(wanted: str, endpoint: str) -> bool:
    return endpoint == wanted or endpoint.startswith(wanted + "/")


def _origin(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    scheme = (parts.scheme or "").lower()
    return scheme, (parts.hostname or "").lower(), parts.port or (443 if scheme == "https" else 80)


def _body_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body)
    if hasattr(body, "read"):
        return bytes(body.read())
    return b"".join(bytes(chunk) for chunk in body)  # a generator body (chunked upload)


def _reset_error() -> Exception:
    import requests
    from urllib3.exceptions import ProtocolError

    reset = ConnectionResetError(104, "Connection reset by peer")
    return requests.ConnectionError(ProtocolError("Connection aborted.", reset))


class PdfCoMock(contextlib.ContextDecorator):
    """PDF.co faked in memory: what :func:`mock_pdfco` returns, and yields in a ``with`` block.

    Use it as a context manager or as a decorator. Entering it again (a decorated function called
    twice) starts from a fresh account: no files, no jobs, no calls, the initial credits.

    Inspect it with :attr:`calls`, :meth:`calls_to`, :attr:`files`, :attr:`jobs` and
    :attr:`credits`; script it with :meth:`fail_next`, :meth:`job_outcome`, :attr:`results` and
    :meth:`next_result`; seed it with :meth:`add_file` and :meth:`add_job`.
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
        engine: str = "canned",
        results: Optional[Mapping[str, bytes]] = None,
    ) -> None:
        url = base_url if base_url is not None else os.environ.get(ENV_BASE_URL) or DEFAULT_BASE_URL
        self.base_url = validate_base_url(url)
        """The API base URL the mock answers on."""
        self.storage_url = storage_url.rstrip("/")
        """The storage host of presigned uploads and results."""
        self.api_key = api_key
        """The only key accepted, or ``None`` to accept any non-empty key."""
        self.page_count = page_count
        """Pages of every input for the canned engine, or ``None`` to count its page objects."""
        self.engine = engine
        """``"canned"`` (small fixed results, no PDF library) or ``"real"`` (the emulator's)."""
        self.results: dict[str, bytes] = dict(results or {})
        """Result bytes by output format (``{"xlsx": b"PK..."}``) served instead of the
        engine's; assign entries at any time."""
        if working_checks < 0:
            raise ValueError("working_checks must not be negative")
        self._working_checks = working_checks
        self._initial_credits = credits
        self._lock = threading.RLock()
        self._requests_mock: Optional[responses.RequestsMock] = None
        self._entered = 0
        self._model = self._build()

    # -- the model ------------------------------------------------------------------------------

    def _build(self) -> PdfCoModel:
        clock = Clock()
        self._next_results: list[tuple[Optional[str], bytes]] = []
        self._unexpected_calls: list[tuple[MockCall, str]] = []
        self._faults = FaultPlan()
        options = {"page_count": self.page_count} if self.engine == "canned" else {}
        return PdfCoModel(
            settings=Settings(
                api_key=self.api_key,
                api_path=urlsplit(self.base_url).path,
                working_checks=self._working_checks,
                sync_time_limit=float("inf"),
                deliver_callbacks=False,
            ),
            state=State(
                clock=clock, credits=self._initial_credits, max_stored_bytes=1 << 40, in_memory=True
            ),
            signer=Signer(self.storage_url, clock),
            engine=self._overriding(load_engine(self.engine, **options)),
            runner=InlineRunner(),
            faults=lambda: self._faults,
            log=RequestLog(None, keep_bodies=True),
            remote=placeholder_source,
            wait=time.sleep,
        )

    def _overriding(self, engine: Engine) -> Engine:
        """The engine, with the results the test supplied in place of its own."""

        def convert(task: Task) -> Product:
            product = engine["convert"](task)  # still checks the input and counts its pages
            supplied = self._take_result(str(task.fmt))
            return product if supplied is None else replace(product, content=supplied)

        return {**engine, "convert": convert}

    def _take_result(self, fmt: str) -> Optional[bytes]:
        with self._lock:
            for index, (to, data) in enumerate(self._next_results):
                if to in (None, fmt):
                    del self._next_results[index]
                    return data
            return self.results.get(fmt)

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
            mock.add_callback(method, re.compile(r".*"), callback=self.respond, content_type=None)
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
        if check and self._unexpected_calls:
            lines = "\n".join(f"  {c.method} {c.url} ({why})" for c, why in self._unexpected_calls)
            raise UnexpectedRequestError(
                f"requests that mock_pdfco does not fake (base URL {self.base_url}):\n{lines}"
            )

    def reset(self) -> None:
        """Forget every file, job, call and script, and restore the initial credits."""
        with self._lock:
            self._model.close()
            self._model = self._build()

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
        return f"PdfCoMock(base_url={self.base_url!r}, credits={self.credits})"

    # -- the transport --------------------------------------------------------------------------

    def respond(self, request: requests.PreparedRequest) -> Reply:
        """Answer one request as the mock does: the ``responses`` callback :meth:`start`
        registers, public so a test can register it on a ``RequestsMock`` of its own."""
        method = (request.method or "GET").upper()
        url = request.url or ""
        headers = {k.lower(): str(v) for k, v in request.headers.items()}
        body = _body_bytes(request.body)
        parts = urlsplit(url)
        if _origin(url) == _origin(self.base_url) and parts.path.startswith(
            urlsplit(self.base_url).path.rstrip("/") + "/"
        ):
            server = "api"
        elif _origin(url) == _origin(self.storage_url):
            server = "storage"
        else:
            call = MockCall(method, url, "", headers, body, None)
            return self._unexpected(call, "its host is not PDF.co's")
        request_ = Request(
            method,
            unquote(parts.path),
            query=dict(parse_qsl(parts.query, keep_blank_values=True)),
            headers=headers,
            body=body,
            content_length=len(body),
            url=url,
        )
        if headers.get("content-type", "").startswith("multipart/form-data"):
            form, files = parse_multipart(body, headers["content-type"])
            request_ = replace(request_, form=form, files=files)
        answer = self._model.handle(request_, server)
        if answer.unmatched:
            name = self._model.endpoint_name(request_, server)
            call = MockCall(method, url, name, headers, body, answer.status, answer.body)
            self._unexpected(call, f"mock_pdfco does not emulate {method} /{name}")
        if answer.broken == "reset":
            return answer.exception or _reset_error()
        data = answer.read()
        if method == "HEAD":
            data = b""
        out = dict(answer.headers)
        if answer.broken == "truncate":  # a body shorter than its Content-Length
            out["Content-Length"] = str(len(data) + 1)
            data = data[: len(data) // 2]
        return answer.status, out, data

    def _unexpected(self, call: MockCall, why: str) -> UnexpectedRequestError:
        """Note a request the mock does not fake; it fails the test when the mock stops."""
        with self._lock:
            self._unexpected_calls.append((call, why))
        if not call.endpoint:  # another host: recorded here, since the model never sees it
            self._model.log.record(
                server="",
                method=call.method,
                path=call.path,
                endpoint="",
                host=call.host,
                headers=call.headers,
                api_key=self.api_key,
                status=None,
                url=call.url,
                body=call.body,
            )
        return UnexpectedRequestError(
            f"mock_pdfco got {call.method} {call.url}, which it does not fake ({why}; "
            f"API {self.base_url}, storage {self.storage_url})"
        )

    # -- inspection -----------------------------------------------------------------------------

    @property
    def credits(self) -> int:
        """The account's balance; assign to change it (0 makes paid calls answer 402)."""
        return self._model.state.credits

    @credits.setter
    def credits(self, value: int) -> None:
        self._model.state.credits = value

    @property
    def working_checks(self) -> int:
        """Checks a job answers ``working`` before it ends, unless scripted."""
        return self._working_checks

    @working_checks.setter
    def working_checks(self, value: int) -> None:
        self._working_checks = value
        self._model.settings = replace(self._model.settings, working_checks=value)

    @property
    def calls(self) -> list[MockCall]:
        """Every request received, oldest first."""
        return [MockCall.of(record) for record in self._model.log.requests]

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
        """Requests to other hosts, and to endpoints the mock does not emulate."""
        with self._lock:
            return [call for call, _ in self._unexpected_calls]

    @property
    def files(self) -> dict[str, StoredFile]:
        """Files in storage by URL (without the signature query): uploads not deleted yet, and
        results of finished conversions."""
        signer = self._model.signer
        return {
            signer.location(o.object_id, o.name): StoredFile(
                signer.location(o.object_id, o.name), o.name, o.read(), o.content_type, o.kind
            )
            for o in self._model.state.objects()
            if o.available
        }

    @property
    def jobs(self) -> dict[str, MockJob]:
        """Background jobs by id."""
        return {job.job_id: job for job in self._model.state.jobs()}

    @property
    def key_leaks(self) -> list[MockCall]:
        """Storage requests that carried the ``x-api-key`` header (PDF.co's samples do this)."""
        return [c for c in self.calls if c.endpoint in _STORAGE_NAMES and "x-api-key" in c.headers]

    # -- scripting ------------------------------------------------------------------------------

    def fail_next(
        self,
        endpoint: str,
        *,
        status: int = 500,
        message: Optional[str] = None,
        retry_after: Optional[float] = None,
        error_body_200: bool = False,
        body: Union[Mapping[str, Any], str, bytes, None] = None,
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
        ``retry_after`` adds a ``Retry-After`` header. ``body`` replaces the body (a JSON
        object, or text such as S3's XML) and is served with ``status``; ``exception`` (a
        ``requests`` exception, say ``requests.ConnectionError()``) is raised instead of
        answering. The storage host answers with S3's XML errors. These are the emulator's
        fault rules (:class:`~pdfco_client.emulator.Fault`), targeted at the next calls.
        """
        if times < 1:
            raise ValueError("times must be at least 1")
        name = _endpoint_name(endpoint)
        target: dict[str, Any] = {
            "endpoint": _STORAGE_NAMES.get(name, name),
            "method": method.upper() if method else None,
            "times": times,
        }
        if exception is not None:
            rule = Fault("reset", exception=exception, **target)
        elif body is not None:
            rule = Fault.answer(status, body, retry_after=retry_after, **target)
        elif error_body_200:
            rule = Fault.error_body_200(status, message=message, retry_after=retry_after, **target)
        else:
            rule = Fault.http_error(status, message=message, retry_after=retry_after, **target)
        self._faults.add(rule)

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
        code = error_code if error_code is not None else (500 if ends == "failed" else 0)
        self._faults.add(
            Fault.job_outcome(ends, error_code=code, checks=checks, message=message, times=1)
        )

    def next_result(self, data: bytes, *, to: Optional[str] = None) -> None:
        """Serve ``data`` as the result of the next conversion (to the format ``to``, or to any
        format); several calls queue several results. :attr:`results` sets them per format."""
        if to is not None:
            to = OutputFormat(to.lower()).value
        with self._lock:
            self._next_results.append((to, bytes(data)))

    def add_file(self, name: str, data: bytes, *, content_type: str = "application/pdf") -> str:
        """Put a file in storage as if uploaded, and return its URL (to pass to a conversion)."""
        object_id = new_id()
        self._model.state.store_bytes(
            object_id, name, content_type, bytes(data), ttl=FILE_LIFETIME, kind="upload"
        )
        return self._model.signer.url("GET", object_id, name, FILE_LIFETIME)

    def add_job(
        self,
        job_id: Optional[str] = None,
        *,
        result: bytes = b"{}",
        name: str = "result.json",
        outcome: str = "success",
        checks: Optional[int] = None,
        page_count: int = 1,
        message: Optional[str] = None,
    ) -> MockJob:
        """A background job the mock knows without a call having started it (one a test's app
        resumes by id, say): it ends with ``outcome`` after ``checks`` working checks, its
        result ``name`` holding ``result``. Returns the job."""
        if outcome not in ("success", "failed", "aborted"):
            raise ValueError(f"outcome must be success, failed or aborted, not {outcome!r}")
        state, job_id = self._model.state, job_id or new_id()
        job = new_job(self._model, job_id, name, FILE_LIFETIME, working_checks=checks)
        state.add_job(job)
        if outcome == "success":
            kind = "application/octet-stream"
            state.store_bytes(job_id, name, kind, bytes(result), ttl=FILE_LIFETIME, job=job)
        message = message or {"success": "Success", "failed": "The job failed"}.get(outcome)
        state.finish_job(
            job, outcome, page_count=page_count, message=message or "The job was aborted"
        )
        return job


def mock_pdfco(
    *,
    base_url: Optional[str] = None,
    api_key: Optional[str] = None,
    credits: int = DEFAULT_MOCK_CREDITS,
    working_checks: int = DEFAULT_WORKING_CHECKS,
    storage_url: str = DEFAULT_STORAGE_URL,
    page_count: Optional[int] = None,
    engine: str = "canned",
    results: Optional[Mapping[str, bytes]] = None,
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
    - ``engine``: ``"canned"`` (default: small valid files holding :data:`RESULT_TABLE`, no PDF
      library needed) or ``"real"`` (the emulator's real conversions; needs
      ``pdfco-client[emulator]``). ``results``: result bytes by format, served instead.

    The answers are the emulator's, from the same model of PDF.co. Nothing reaches the network:
    a request to any other host raises :class:`UnexpectedRequestError`, and one to an endpoint
    the mock does not emulate gets PDF.co's 404; both fail the test when the block ends.
    """
    return PdfCoMock(
        base_url=base_url,
        api_key=api_key,
        credits=credits,
        working_checks=working_checks,
        storage_url=storage_url,
        page_count=page_count,
        engine=engine,
        results=results,
    )
