"""``PdfCoClient``: the PDF.co endpoints as typed methods, and the one-call conversions."""

from __future__ import annotations

import json
import os
import random
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from contextlib import ExitStack
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Optional, TypedDict, Union
from urllib.parse import urlsplit

import requests
from pydantic import ValidationError

from ._atomic import atomic_write, check_destination
from ._batch import BatchRun, OutputPlanner
from ._config import (
    DEFAULT_CHUNK_SIZE,
    DEFAULT_MAX_DOWNLOAD_BYTES,
    Timeout,
    resolve_settings,
)
from ._exceptions import (
    APIConnectionError,
    APITimeoutError,
    ConfigurationError,
    ConversionCancelledError,
    InputValidationError,
    JobFailedError,
    JobTimeoutError,
    MalformedResponseError,
    PdfCoError,
    UnsafeURLError,
)
from ._http import Transport, build_session
from ._join import check_joinable
from ._logging import configure_from_env, logger, redact_url
from ._models import (
    ConversionJob,
    ConversionResult,
    JobState,
    JobStatus,
    OutputFormat,
    PdfInfo,
    PresignedUpload,
    UploadedFile,
)
from ._pacing import RequestGate
from ._pages import PageRangeSyntaxError, parse_page_range
from ._policies import Clock, Deadline, Sleep, poll_policy, retry_policy, wait_on_schedule
from ._progress import (
    ByteCounter,
    DownloadProgress,
    JobStarted,
    JobStateChanged,
    ProgressCallback,
    ProgressEvent,
    UploadProgress,
    current_source,
)
from ._schedule import PollPolicy, PollPreset
from ._sources import BlockReader, PreparedSource, Source, describe_source, prepare_source
from ._split import DEFAULT_PAGES_PER_PART, SplitPlan, SplitResult, SplitSeam
from ._split import convert_in_parts as run_in_parts
from ._urls import parse_request_url

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = ["ConversionOptions", "PdfCoClient"]

#: How often the job wait asks with ``force=true``, which tells a job PDF.co does not know
#: (``unknown``) from a running one: plain checks answer ``working`` for both.
FORCED_CHECK_EVERY = 10
#: Seconds allowed to delete an uploaded input after a conversion, whatever time is left.
CLEANUP_TIMEOUT = 30.0
#: Jobs whose start time the client remembers, so that ``wait_for_job`` follows their schedule.
REMEMBERED_JOBS = 4096

_JOB_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")

Format = Union[OutputFormat, str]
Output = Union[str, "os.PathLike[str]"]


class ConversionOptions(TypedDict, total=False):
    """Options of the one-call conversions, as keyword arguments."""

    pages: Optional[str]
    password: Optional[str]
    name: Optional[str]
    lang: Optional[str]
    rect: Optional[str]
    line_grouping: Optional[str]
    unwrap: Optional[bool]
    expiration: Optional[int]
    profiles: Union[str, Mapping[str, Any], None]
    timeout: Optional[float]
    keep_input: bool
    overwrite: bool
    resend_on_unknown_outcome: bool


def _model(cls: type[Any], body: Mapping[str, Any], what: str) -> Any:
    try:
        return cls.model_validate(body)
    except ValidationError as exc:
        fields = ", ".join(".".join(str(p) for p in e["loc"]) or "body" for e in exc.errors())
        raise MalformedResponseError(
            f"PDF.co's answer to {what} is missing or has mistyped fields: {fields}",
            status_code=200,
            body=body,
        ) from None


def _output_format(to: Format) -> OutputFormat:
    try:
        return OutputFormat(to.value if isinstance(to, OutputFormat) else str(to).lower())
    except ValueError:
        known = ", ".join(f.value for f in OutputFormat)
        raise InputValidationError(
            f"unknown output format {to!r}; expected one of: {known}", parameter="to"
        ) from None


def _check_pages(pages: Optional[str]) -> Optional[str]:
    if pages is None:
        return None
    try:
        parse_page_range(pages)
    except PageRangeSyntaxError as exc:
        raise InputValidationError(str(exc), parameter="pages") from None
    return pages.strip()


def _is_url(source: object) -> bool:
    """Whether a source is meant as a URL (then it is checked as one, never read as a path)."""
    return isinstance(source, str) and source[:8].lower().startswith(("http://", "https://"))


def _check_url(url: object, parameter: str = "url") -> str:
    """``url`` if it is an http(s) URL that every parser reads the same way; else a typed error.

    URLs the client passes on to PDF.co are held to the rule of those it fetches itself: one
    that parsers could read as two hosts is refused before any credits are spent.
    """
    if not isinstance(url, str) or not _is_url(url):
        raise InputValidationError(f"not an http(s) URL: {url!r}", parameter=parameter)
    try:
        parse_request_url(url)
    except UnsafeURLError as exc:
        raise UnsafeURLError(str(exc), parameter=parameter) from None
    return url


class PdfCoClient:
    """A synchronous client for the PDF.co Web API.

    Configuration comes from the arguments, then the environment, then the ``DEFAULT_*``
    constants of :mod:`pdfco_client._config`:

    - ``api_key``: ``PDFCO_API_KEY``. Sent as ``x-api-key``, and only to the API's own host.
    - ``base_url``: ``PDFCO_BASE_URL``, else ``https://api.pdf.co/v1``. ``http://`` is refused
      except on loopback (the emulator).
    - ``request_timeout``: seconds per HTTP request, or ``(connect, read)``; never infinite.
    - ``job_timeout``: the default limit of :meth:`wait_for_job`.
    - ``max_retries``, ``retry_max_wait``: transient failures (connection errors, 408, 429, 5xx)
      are retried with exponential backoff and jitter; every wait, a server's ``Retry-After``
      included, is capped at ``retry_max_wait``.
    - ``poll``: when to check a background job: ``"balanced"`` (the default), ``"fast"``,
      ``"frugal"``, or a :class:`~pdfco_client.PollPolicy` (see docs/jobs.md for the trade-off).
    - ``poll_interval``, ``max_poll_interval``: override the schedule's first check and shortest
      wait, and its longest wait.
    - ``session``: a ``requests.Session`` to send with, instead of the client's own (it is then
      the caller's to close).
    - ``requests_per_second``: space the client's API calls evenly, across all its threads
      (PDF.co allows 2/s on free plans, 10/s on paid ones). ``None`` paces nothing and relies on
      429 handling; either way a 429 holds back every thread of the client for the retry delay.
    - ``on_progress``: called with typed events: ``UploadProgress`` and ``DownloadProgress``
      (bytes, throttled), ``JobStarted``, ``JobStateChanged`` and ``RetryScheduled``. It runs
      on the thread doing the work; an exception it raises aborts that operation (nothing
      partial is kept).
    - ``sleep``, ``clock``: replace ``time.sleep`` and ``time.monotonic`` (tests).

    ``PDFCO_LOG=debug`` logs one line per request, retry and job state change to stderr.

    The client is safe to share between threads: its settings never change after construction,
    and its connection pool (sized by ``DEFAULT_POOL_SIZE``) serves threads concurrently.
    """

    def __init__(
        self,
        api_key: Optional[str] = None,
        *,
        base_url: Optional[str] = None,
        request_timeout: Optional[Timeout] = None,
        job_timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        retry_max_wait: Optional[float] = None,
        poll_interval: Optional[float] = None,
        max_poll_interval: Optional[float] = None,
        poll: Union[PollPolicy, PollPreset, None] = None,
        session: Optional[requests.Session] = None,
        requests_per_second: Optional[float] = None,
        on_progress: Optional[ProgressCallback] = None,
        sleep: Sleep = time.sleep,
        clock: Clock = time.monotonic,
    ) -> None:
        self._settings = resolve_settings(
            api_key=api_key,
            base_url=base_url,
            request_timeout=request_timeout,
            job_timeout=job_timeout,
            max_retries=max_retries,
            retry_max_wait=retry_max_wait,
            poll_interval=poll_interval,
            max_poll_interval=max_poll_interval,
            poll=poll,
        )
        if requests_per_second is not None and (
            isinstance(requests_per_second, bool)
            or not isinstance(requests_per_second, (int, float))
            or not 0 < requests_per_second < float("inf")
        ):
            raise ConfigurationError(
                f"requests_per_second must be a positive number, not {requests_per_second!r}"
            )
        configure_from_env()
        self._owns_session = session is None
        self._on_progress = on_progress
        self._transport = Transport(
            self._settings,
            session or build_session(),
            sleep=sleep,
            clock=clock,
            gate=RequestGate(requests_per_second, clock=clock, sleep=sleep),
            on_progress=on_progress,
        )
        # When each job this client started was answered: the age its check schedule follows.
        self._job_starts: OrderedDict[str, float] = OrderedDict()
        self._job_starts_lock = threading.Lock()

    # -- lifecycle ----------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """The API's base URL, e.g. ``https://api.pdf.co/v1``."""
        return self._settings.base_url

    @property
    def poll(self) -> PollPolicy:
        """The schedule of job checks this client follows."""
        return self._settings.poll

    def close(self) -> None:
        """Close the client's own connection pool (a session passed in is left open)."""
        if self._owns_session:
            self._transport.session.close()

    def __enter__(self) -> PdfCoClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"PdfCoClient(base_url={self._settings.base_url!r})"

    def _emit(self, event: ProgressEvent) -> None:
        if self._on_progress is not None:
            self._on_progress(event)

    def _deadline(
        self, timeout: Optional[float], cancel: Optional[threading.Event] = None
    ) -> Deadline:
        if timeout is not None and (
            isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0
        ):
            raise InputValidationError(
                f"timeout must be a positive number of seconds, not {timeout!r}",
                parameter="timeout",
            )
        return Deadline(self._transport.clock, timeout, cancel=cancel)

    # -- files --------------------------------------------------------------------------------

    def upload(
        self,
        source: Source,
        *,
        name: Optional[str] = None,
        content_type: Optional[str] = None,
        timeout: Optional[float] = None,
    ) -> UploadedFile:
        """Upload a path, bytes or binary file object to PDF.co's temporary storage.

        Calls ``GET /v1/file/upload/get-presigned-url``, then streams the bytes with ``PUT`` to
        the presigned URL (never reading a whole file into memory, never sending the API key
        there). The file is kept by PDF.co for about an hour; see :meth:`delete_file`.
        """
        prepared = prepare_source(source, name=name)
        try:
            return self._upload_prepared(prepared, content_type, self._deadline(timeout))
        finally:
            prepared.cleanup()

    def _upload_prepared(
        self, prepared: PreparedSource, content_type: Optional[str], deadline: Deadline
    ) -> UploadedFile:
        mime = content_type or prepared.content_type
        body = self._transport.api_call(
            "GET",
            "file/upload/get-presigned-url",
            params={"name": prepared.name, "contenttype": mime},
            deadline=deadline,
        )
        presigned: PresignedUpload = _model(PresignedUpload, body, "get-presigned-url")
        logger.info(
            "uploading %s (%d bytes) to %s",
            prepared.name,
            prepared.size,
            redact_url(presigned.presigned_url),
        )
        counters: list[ByteCounter] = []

        def open_body() -> BlockReader:
            # A fresh count for each attempt: a retried upload starts again from byte 0.
            counter = ByteCounter(self._upload_emitter(prepared), self._transport.clock)
            counters.append(counter)
            reader = prepared.open()

            def on_read(size: int) -> None:
                deadline.raise_if_cancelled()
                if deadline.expired():
                    raise APITimeoutError(
                        f"upload of {prepared.name} did not finish before the deadline"
                    )
                counter.add(size)

            reader.on_read = on_read
            return reader

        self._transport.put_to_storage(
            presigned.presigned_url,
            open_body,
            size=prepared.size,
            content_type=mime,
            deadline=deadline,
            rewindable=prepared.rewindable,
        )
        if counters:
            counters[-1].finish()
        return UploadedFile.model_validate(
            {
                "url": presigned.url,
                "name": presigned.name or prepared.name,
                "size": prepared.size,
                "remainingCredits": presigned.remaining_credits,
                "credits": presigned.credits,
            }
        )

    def _upload_emitter(self, prepared: PreparedSource) -> Optional[Callable[[int, bool], None]]:
        if self._on_progress is None:
            return None
        callback = self._on_progress

        def emit(sent: int, done: bool) -> None:
            callback(
                UploadProgress(
                    name=prepared.name, sent=sent, total=prepared.size, source=current_source.get()
                )
            )

        return emit

    def upload_from_url(
        self, url: str, *, name: Optional[str] = None, timeout: Optional[float] = None
    ) -> UploadedFile:
        """Have PDF.co fetch a file that is already online. Calls ``POST /v1/file/upload/url``."""
        _check_url(url)
        payload: dict[str, Any] = {"url": url}
        if name is not None:
            payload["name"] = name
        body = self._transport.api_call(
            "POST", "file/upload/url", json_body=payload, deadline=self._deadline(timeout)
        )
        uploaded: UploadedFile = _model(UploadedFile, body, "file/upload/url")
        return uploaded

    def delete_file(self, url: str, *, timeout: Optional[float] = None) -> None:
        """Delete an uploaded or generated temporary file. Calls ``POST /v1/file/delete``."""
        _check_url(url)
        self._delete(url, self._deadline(timeout))

    def _delete(self, url: str, deadline: Deadline) -> dict[str, Any]:
        return self._transport.api_call(
            "POST", "file/delete", json_body={"url": url}, deadline=deadline
        )

    def download(
        self,
        url: str,
        destination: Output,
        *,
        overwrite: bool = True,
        timeout: Optional[float] = None,
    ) -> Path:
        """Stream a result to ``destination`` and return its path.

        The bytes go to a temporary file beside the destination, their count is checked against
        ``Content-Length``, and only then is the file renamed into place: a failure or Ctrl-C
        never leaves a partial file, nor replaces an existing one. Transient failures restart
        the download. If ``destination`` is a directory, the URL's file name is used in it.
        """
        return self._download(url, Path(destination), overwrite, self._deadline(timeout))

    def _download(self, url: str, destination: Path, overwrite: bool, deadline: Deadline) -> Path:
        _check_url(url)
        if destination.is_dir():
            leaf = Path(urlsplit(url).path).name
            if not leaf:
                raise InputValidationError(
                    f"cannot name a file in {destination} after {redact_url(url)}",
                    parameter="destination",
                )
            destination = destination / leaf
        check_destination(destination, overwrite=overwrite)

        def attempt() -> Path:
            # An ExitStack rather than a parenthesised "with": that form is Python 3.10 syntax.
            with ExitStack() as stack:
                body = stack.enter_context(
                    self._transport.stream_from_storage(url, deadline=deadline)
                )
                handle = stack.enter_context(atomic_write(destination, overwrite=overwrite))
                counter = ByteCounter(
                    self._download_emitter(destination, body.content_length),
                    self._transport.clock,
                )
                for chunk in body.chunks(DEFAULT_CHUNK_SIZE):
                    handle.write(chunk)
                    counter.add(len(chunk))
            counter.finish()
            return destination

        result: Path = self._retrying(deadline)(attempt)
        logger.info("downloaded %s to %s", redact_url(url), result)
        return result

    def _download_emitter(
        self, destination: Path, total: Optional[int]
    ) -> Optional[Callable[[int, bool], None]]:
        if self._on_progress is None:
            return None
        callback = self._on_progress

        def emit(received: int, done: bool) -> None:
            callback(
                DownloadProgress(
                    destination=str(destination),
                    received=received,
                    total=total,
                    source=current_source.get(),
                )
            )

        return emit

    def download_bytes(
        self,
        url: str,
        *,
        timeout: Optional[float] = None,
        max_bytes: Optional[int] = DEFAULT_MAX_DOWNLOAD_BYTES,
    ) -> bytes:
        """Download a (small) result into memory. Prefer :meth:`download` for big files.

        A result larger than ``max_bytes`` (default ``DEFAULT_MAX_DOWNLOAD_BYTES``, 64 MiB)
        raises :class:`~pdfco_client.ResponseTooLargeError` without being read further;
        ``max_bytes=None`` lifts the limit.
        """
        _check_url(url)
        if max_bytes is not None and (
            isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes <= 0
        ):
            raise InputValidationError(
                f"max_bytes must be a positive number of bytes or None, not {max_bytes!r}",
                parameter="max_bytes",
            )
        deadline = self._deadline(timeout)

        def attempt() -> bytes:
            with self._transport.stream_from_storage(
                url, deadline=deadline, max_bytes=max_bytes
            ) as body:
                return b"".join(body.chunks(DEFAULT_CHUNK_SIZE))

        data: bytes = self._retrying(deadline)(attempt)
        return data

    def _retrying(self, deadline: Deadline) -> Any:
        return retry_policy(
            max_retries=self._settings.max_retries,
            max_wait=self._settings.retry_max_wait,
            deadline=deadline,
            sleep=self._transport.sleep,
            observer=self._transport.retry_observer,
        )

    # -- account and documents ----------------------------------------------------------------

    def get_credit_balance(self, *, timeout: Optional[float] = None) -> int:
        """The account's remaining credits. Calls ``GET /v1/account/credit/balance``."""
        body = self._transport.api_call(
            "GET", "account/credit/balance", deadline=self._deadline(timeout)
        )
        credits = body.get("remainingCredits")
        if isinstance(credits, bool) or not isinstance(credits, (int, str)):
            raise MalformedResponseError(
                "PDF.co's credit balance answer has no remainingCredits number",
                status_code=200,
                body=body,
            )
        try:
            return int(credits)
        except ValueError:
            raise MalformedResponseError(
                f"PDF.co's remainingCredits is not a number: {credits!r}",
                status_code=200,
                body=body,
            ) from None

    def get_pdf_info(
        self, url: str, *, password: Optional[str] = None, timeout: Optional[float] = None
    ) -> PdfInfo:
        """Page count, encryption and metadata of a PDF. Calls ``POST /v1/pdf/info``."""
        _check_url(url)
        return self._pdf_info(url, password, self._deadline(timeout))[0]

    def _pdf_info(
        self, url: str, password: Optional[str], deadline: Deadline
    ) -> tuple[PdfInfo, dict[str, Any]]:
        payload: dict[str, Any] = {"url": url, "async": False}
        if password is not None:
            payload["password"] = password
        body = self._transport.api_call("POST", "pdf/info", json_body=payload, deadline=deadline)
        info = body.get("info")
        if not isinstance(info, Mapping):
            raise MalformedResponseError(
                "PDF.co's pdf/info answer has no info object", status_code=200, body=body
            )
        result: PdfInfo = _model(PdfInfo, info, "pdf/info")
        return result, body

    # -- conversions and jobs -----------------------------------------------------------------

    def start_conversion(
        self,
        url: str,
        to: Format,
        *,
        pages: Optional[str] = None,
        password: Optional[str] = None,
        name: Optional[str] = None,
        lang: Optional[str] = None,
        rect: Optional[str] = None,
        line_grouping: Optional[str] = None,
        unwrap: Optional[bool] = None,
        expiration: Optional[int] = None,
        profiles: Union[str, Mapping[str, Any], None] = None,
        inline: Optional[bool] = None,
        callback: Optional[str] = None,
        http_username: Optional[str] = None,
        http_password: Optional[str] = None,
        extra_params: Optional[Mapping[str, Any]] = None,
        resend_on_unknown_outcome: bool = False,
        timeout: Optional[float] = None,
        _deadline: Optional[Deadline] = None,
    ) -> ConversionJob:
        """Start converting the PDF at ``url`` as a background job (``async=true``).

        Calls ``POST /v1/pdf/convert/to/{to}``. It costs credits and PDF.co has no idempotency
        key, so a request that may have reached PDF.co without an answer is not sent again
        (:class:`~pdfco_client.OutcomeUnknownError`) unless ``resend_on_unknown_outcome``.
        ``extra_params`` passes parameters this client does not name, as they are.
        """
        fmt = _output_format(to)
        _check_url(url)
        payload: dict[str, Any] = {"url": url, "async": True}
        pages = _check_pages(pages)
        if inline and not fmt.supports_inline:
            raise InputValidationError(
                f"inline output is not available for {fmt.value}: PDF.co returns it as a link",
                parameter="inline",
            )
        if expiration is not None and (
            isinstance(expiration, bool) or not isinstance(expiration, int) or expiration <= 0
        ):
            raise InputValidationError(
                f"expiration must be a positive number of minutes, not {expiration!r}",
                parameter="expiration",
            )
        if callback is not None:
            _check_url(callback, "callback")
        if isinstance(profiles, Mapping):
            profiles = json.dumps(profiles)
        optional = {
            "pages": pages,
            "password": password,
            "name": name,
            "lang": lang,
            "rect": rect,
            "lineGrouping": line_grouping,
            "unwrap": unwrap,
            "expiration": expiration,
            "profiles": profiles,
            "inline": inline,
            "callback": callback,
            "httpusername": http_username,
            "httppassword": http_password,
        }
        payload.update({key: value for key, value in optional.items() if value is not None})
        if extra_params:
            payload.update(extra_params)
        body = self._transport.api_call(
            "POST",
            f"pdf/convert/to/{fmt.value}",
            json_body=payload,
            deadline=_deadline or self._deadline(timeout),
            idempotent=False,
            resend_on_unknown_outcome=resend_on_unknown_outcome,
        )
        job: ConversionJob = _model(ConversionJob, body, f"pdf/convert/to/{fmt.value}")
        self._remember_start(job.job_id)
        logger.info("started job %s (%s)", job.job_id, fmt.value)
        self._emit(
            JobStarted(job_id=job.job_id, output_format=fmt.value, source=current_source.get())
        )
        return job

    def check_job(
        self, job_id: str, *, force: bool = False, timeout: Optional[float] = None
    ) -> JobStatus:
        """The state of a background job. Calls ``POST /v1/job/check`` (2 credits).

        PDF.co answers ``working`` for job ids it does not know; with ``force=True`` it answers
        ``unknown`` for them instead.
        """
        return self._check(_check_job_id(job_id), force, self._deadline(timeout))

    def _check(self, job_id: str, force: bool, deadline: Deadline) -> JobStatus:
        body = self._transport.api_call(
            "POST",
            "job/check",
            json_body={"jobid": job_id, "force": force},
            deadline=deadline,
            job_status_body=True,
        )
        status: JobStatus = _model(JobStatus, body, "job/check")
        return status

    def wait_for_job(self, job_id: str, *, timeout: Optional[float] = None) -> JobStatus:
        """Check a job until it ends, and return its final, successful status.

        Checks follow the client's :class:`~pdfco_client.PollPolicy` by the job's age: for a
        job this client started, from when its start was answered (a job just started is not
        checked at once); for any other id, from now, with a first check at once (it may have
        ended long ago). A job that ends ``failed``, ``aborted`` or ``unknown`` raises
        :class:`~pdfco_client.JobFailedError`; one still running after ``timeout`` (default
        ``job_timeout``) raises :class:`~pdfco_client.JobTimeoutError` with its id, to resume
        later, in any process.
        """
        job_id = _check_job_id(job_id)
        limit = self._settings.job_timeout if timeout is None else timeout
        deadline = self._deadline(limit)
        with self._job_starts_lock:
            started = self._job_starts.get(job_id)
        return self._wait(job_id, deadline, started=started)

    def _remember_start(self, job_id: str) -> None:
        with self._job_starts_lock:
            self._job_starts[job_id] = self._transport.clock()
            self._job_starts.move_to_end(job_id)
            while len(self._job_starts) > REMEMBERED_JOBS:
                self._job_starts.popitem(last=False)

    def _wait(
        self,
        job_id: str,
        deadline: Deadline,
        *,
        started: Optional[float],
        ledger: Optional[_Ledger] = None,
    ) -> JobStatus:
        checks = 0
        spent = ledger if ledger is not None else _Ledger()
        last_state: list[Optional[JobState]] = [None]
        # The jitter phase comes from the job id: jobs started together spread their checks,
        # and one job's schedule is the same on every run (its logs can be compared).
        schedule = wait_on_schedule(
            self._settings.poll,
            started=deadline.clock() if started is None else started,
            deadline=deadline,
            phase=random.Random(job_id).random(),
        )
        if started is not None:
            first_delay = schedule.first_delay()
            if first_delay > 0:
                deadline.sleeper(self._transport.sleep)(first_delay)

        def check() -> JobStatus:
            nonlocal checks
            force = checks % FORCED_CHECK_EVERY == 0
            checks += 1
            try:
                status = self._check(job_id, force, deadline)
            except APIConnectionError as exc:
                if deadline.expired():
                    # The deadline ran out inside the check's own retries: what the caller
                    # needs is the job id to resume with, not the last network hiccup.
                    raise JobTimeoutError(job_id, deadline.elapsed()) from exc
                raise
            spent.add(status.credits, status.remaining_credits)
            if status.status is not last_state[0]:
                logger.info(
                    "job %s is %s after %.1f s (%d checks)",
                    job_id,
                    status.status_text or status.status.value,
                    deadline.elapsed(),
                    checks,
                )
                last_state[0] = status.status
                self._emit(
                    JobStateChanged(
                        job_id=job_id,
                        state=status.status,
                        elapsed=deadline.elapsed(),
                        checks=checks,
                        source=current_source.get(),
                    )
                )
            return status

        policy = poll_policy(
            job_id=job_id, wait=schedule, deadline=deadline, sleep=self._transport.sleep
        )
        status: JobStatus = policy(check)
        if status.status is not JobState.SUCCESS:
            message = status.message
            if status.status is JobState.UNKNOWN and not message:
                message = "PDF.co does not know this job id"
            raise JobFailedError(
                job_id,
                status.status_text or status.status.value,
                message,
                error_code=status.error_code,
            )
        return status

    # -- one-call conversions -----------------------------------------------------------------

    def convert(
        self,
        source: Union[Source, str],
        to: Format,
        *,
        output: Optional[Output] = None,
        pages: Optional[str] = None,
        password: Optional[str] = None,
        name: Optional[str] = None,
        lang: Optional[str] = None,
        rect: Optional[str] = None,
        line_grouping: Optional[str] = None,
        unwrap: Optional[bool] = None,
        expiration: Optional[int] = None,
        profiles: Union[str, Mapping[str, Any], None] = None,
        timeout: Optional[float] = None,
        keep_input: bool = False,
        overwrite: bool = True,
        resend_on_unknown_outcome: bool = False,
        _cancel: Optional[threading.Event] = None,
    ) -> ConversionResult:
        """Convert a PDF in one call: upload, start a job, wait for it, download the result.

        ``source`` is a path, bytes, a binary file object, or an http(s) URL (then nothing is
        uploaded). ``output`` is where to write the result; without it only the URL is returned.
        ``timeout`` bounds the whole call. The uploaded input is deleted from PDF.co's storage
        afterwards unless ``keep_input``. Everything is checked before the first request.
        """
        started = self._transport.clock()
        fmt = _output_format(to)
        pages = _check_pages(pages)
        destination = None
        if output is not None:
            destination = check_destination(Path(output), overwrite=overwrite)
        deadline = self._deadline(timeout, _cancel)
        prepared = None
        if _is_url(source):
            _check_url(source, "source")
        else:
            prepared = prepare_source(source)
            if not prepared.looks_convertible():
                prepared.cleanup()
                raise InputValidationError(
                    f"{prepared.name} is not a PDF (its first bytes are not %PDF-)",
                    parameter="source",
                )
        ledger = _Ledger()
        failure: Optional[PdfCoError] = None
        uploaded = None
        job: Optional[ConversionJob] = None
        cleanup: Optional[_InBackground] = None
        token = current_source.set(describe_source(source))
        try:
            if prepared is not None:
                uploaded = self._upload_prepared(prepared, None, deadline)
                ledger.add(uploaded.credits, uploaded.remaining_credits)
                input_url = uploaded.url
            else:
                input_url = str(source)
            job = self.start_conversion(
                input_url,
                fmt,
                pages=pages,
                password=password,
                name=name,
                lang=lang,
                rect=rect,
                line_grouping=line_grouping,
                unwrap=unwrap,
                expiration=expiration,
                profiles=profiles,
                resend_on_unknown_outcome=resend_on_unknown_outcome,
                _deadline=deadline,
            )
            job_started = self._transport.clock()
            ledger.add(job.credits, job.remaining_credits)
            wait_deadline = (
                deadline
                if timeout is not None
                else self._deadline(self._settings.job_timeout, _cancel)
            )
            status = self._wait(job.job_id, wait_deadline, started=job_started, ledger=ledger)
            result_url = status.url or job.url
            if not result_url:
                raise MalformedResponseError(
                    f"job {job.job_id} succeeded without a result URL",
                    status_code=200,
                    body=status.model_dump(by_alias=True),
                )
            if destination is not None:
                if uploaded is not None and not keep_input:
                    # The job no longer needs its input: delete it while the result downloads
                    # (a round trip less per conversion, and per worker slot in a batch).
                    cleanup = _InBackground(partial(self._delete_quietly, uploaded.url))
                self._download(result_url, destination, overwrite, deadline)
        except ConversionCancelledError as exc:
            failure = exc
            if job is not None and exc.job_id is None:
                failure = ConversionCancelledError(job_id=job.job_id)
                raise failure from exc
            raise
        except PdfCoError as exc:
            failure = exc
            if job is not None and exc.job_id is None:
                # The job was started (and may be billed): the caller can still pick it up.
                exc.job_id = job.job_id
            raise
        finally:
            current_source.reset(token)
            if prepared is not None:
                prepared.cleanup()
            if uploaded is not None and not keep_input:
                deleted = cleanup.result() if cleanup else self._delete_quietly(uploaded.url)
                ledger.add(deleted.get("credits"), deleted.get("remainingCredits"))
            if failure is not None:
                # Honest about money: what a failed conversion cost travels with its error.
                failure.credits_spent = ledger.spent
        return ConversionResult(
            output_path=destination,
            url=result_url,
            job_id=job.job_id,
            page_count=status.page_count if status.page_count is not None else job.page_count,
            credits=ledger.spent,
            remaining_credits=ledger.remaining,
            duration=self._transport.clock() - started,
            output_format=fmt,
        )

    def convert_many(
        self,
        sources: Iterable[Union[Source, str]],
        to: Format = OutputFormat.XLSX,
        *,
        output_dir: Output,
        max_workers: int = 4,
        skip_existing: bool = False,
        **options: Unpack[ConversionOptions],
    ) -> BatchRun:
        """Convert many sources concurrently; iterate the result for one :class:`BatchResult` each.

        Runs :meth:`convert` for each source on a pool of ``max_workers`` threads, writing to
        ``output_dir`` under the source's name with the format's extension (see
        :class:`OutputPlanner`); two sources never get the same output path. With
        ``skip_existing``, a source whose output is already there is reported as skipped and
        costs nothing. A failing source yields its typed error and the batch goes on. Results
        come in completion order. Stopping early (``close()``, Ctrl-C) cancels running
        conversions at their next step without writing partial files; ``close()`` returns the
        outcomes not yet yielded, with the ids of jobs that had started. Pair it with
        ``PdfCoClient(requests_per_second=...)`` to stay under the plan's rate limit.
        """
        fmt = _output_format(to)
        planner = OutputPlanner(Path(output_dir), fmt)
        if planner.output_dir.exists() and not planner.output_dir.is_dir():
            raise InputValidationError(
                f"output_dir is not a directory: {planner.output_dir}", parameter="output_dir"
            )

        def convert_one(
            source: Union[Source, str], output: Path, cancel: threading.Event
        ) -> ConversionResult:
            return self.convert(source, fmt, output=output, _cancel=cancel, **options)

        return BatchRun(
            sources, convert_one, planner, max_workers=max_workers, skip_existing=skip_existing
        )

    def convert_in_parts(
        self,
        source: Union[Source, str],
        to: Format,
        *,
        output: Output,
        pages_per_part: int = DEFAULT_PAGES_PER_PART,
        pages: Optional[str] = None,
        max_workers: int = 4,
        credits_per_page: Optional[int] = None,
        max_credits: Optional[int] = None,
        confirm: Optional[Callable[[SplitPlan], bool]] = None,
        password: Optional[str] = None,
        lang: Optional[str] = None,
        rect: Optional[str] = None,
        line_grouping: Optional[str] = None,
        unwrap: Optional[bool] = None,
        profiles: Union[str, Mapping[str, Any], None] = None,
        timeout: Optional[float] = None,
        keep_input: bool = False,
        overwrite: bool = True,
    ) -> SplitResult:
        """Convert a large PDF as parallel jobs of ``pages_per_part`` pages, joined into ``output``.

        Uploads once, counts the pages (``POST /v1/pdf/info``), then runs up to ``max_workers``
        conversions of page ranges at once and joins their results (XLSX: one sheet per page,
        which needs ``pdfco-client[xlsx]``; CSV, JSON, text, XML and HTML: see docs). Before any
        conversion starts, the :class:`~pdfco_client.SplitPlan` (its parts and credit estimate,
        priced with ``credits_per_page``) goes to ``confirm``, which may refuse it
        (:class:`~pdfco_client.ConversionCancelledError`), and is held against ``max_credits``.
        A failing part stops the others; nothing partial is written. ``timeout`` bounds the
        whole call. The other options are those of :meth:`convert`.
        """
        fmt = _output_format(to)
        pages = _check_pages(pages)
        for name, value, least in (
            ("pages_per_part", pages_per_part, 1),
            ("max_workers", max_workers, 1),
            ("credits_per_page", credits_per_page, 0),
            ("max_credits", max_credits, 0),
        ):
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or value < least
            ):
                raise InputValidationError(
                    f"{name} must be an integer of at least {least}, not {value!r}",
                    parameter=name,
                )
        if max_credits is not None and credits_per_page is None:
            raise InputValidationError(
                "max_credits needs credits_per_page (your plan's price of a page) to estimate "
                "the cost",
                parameter="max_credits",
            )
        check_joinable(fmt)
        destination = check_destination(Path(output), overwrite=overwrite)
        deadline = self._deadline(timeout)
        prepared = None
        if not _is_url(source):
            prepared = prepare_source(source)
            if not prepared.looks_convertible():
                prepared.cleanup()
                raise InputValidationError(
                    f"{prepared.name} is not a PDF (its first bytes are not %PDF-)",
                    parameter="source",
                )

        def upload(deadline: Deadline) -> tuple[str, int]:
            if prepared is None:
                return str(source), 0
            try:
                uploaded = self._upload_prepared(prepared, None, deadline)
            finally:
                prepared.cleanup()
            return uploaded.url, _int_or_none(uploaded.credits) or 0

        def count_pages(url: str, deadline: Deadline) -> tuple[int, int]:
            info, body = self._pdf_info(url, password, deadline)
            return info.page_count, _int_or_none(body.get("credits")) or 0

        def convert_part(
            url: str, part: str, path: Path, deadline: Deadline, cancel: threading.Event
        ) -> ConversionResult:
            left = deadline.remaining()
            return self.convert(
                url,
                fmt,
                output=path,
                pages=part,
                password=password,
                lang=lang,
                rect=rect,
                line_grouping=line_grouping,
                unwrap=unwrap,
                profiles=profiles,
                timeout=None if left is None else max(left, 1e-3),
                _cancel=cancel,
            )

        def cleanup(url: str) -> int:
            return _int_or_none(self._delete_quietly(url).get("credits")) or 0

        seam = SplitSeam(upload, count_pages, convert_part, cleanup, uploads=prepared is not None)
        try:
            return run_in_parts(
                seam,
                fmt,
                destination,
                deadline,
                pages=pages,
                pages_per_part=pages_per_part,
                max_workers=max_workers,
                credits_per_page=credits_per_page,
                max_credits=max_credits,
                confirm=confirm,
                keep_input=keep_input,
                overwrite=overwrite,
                clock=self._transport.clock,
            )
        finally:
            if prepared is not None:
                prepared.cleanup()

    def _delete_quietly(self, url: str) -> dict[str, Any]:
        # Cleanup must not hide the conversion's own outcome, so its failure is only logged.
        try:
            return self._delete(url, self._deadline(CLEANUP_TIMEOUT))
        except PdfCoError as exc:
            logger.warning("could not delete uploaded input %s: %s", redact_url(url), exc)
            return {}

    def convert_pdf_to_xlsx(
        self,
        source: Union[Source, str],
        *,
        output: Optional[Output] = None,
        **options: Unpack[ConversionOptions],
    ) -> ConversionResult:
        """Convert a PDF to an Excel workbook (XLSX); see :meth:`convert`."""
        return self.convert(source, OutputFormat.XLSX, output=output, **options)

    def convert_pdf_to_xls(
        self,
        source: Union[Source, str],
        *,
        output: Optional[Output] = None,
        **options: Unpack[ConversionOptions],
    ) -> ConversionResult:
        """Convert a PDF to a legacy Excel workbook (XLS); see :meth:`convert`."""
        return self.convert(source, OutputFormat.XLS, output=output, **options)

    def convert_pdf_to_csv(
        self,
        source: Union[Source, str],
        *,
        output: Optional[Output] = None,
        **options: Unpack[ConversionOptions],
    ) -> ConversionResult:
        """Convert a PDF to CSV; see :meth:`convert`."""
        return self.convert(source, OutputFormat.CSV, output=output, **options)

    def convert_pdf_to_json(
        self,
        source: Union[Source, str],
        *,
        output: Optional[Output] = None,
        **options: Unpack[ConversionOptions],
    ) -> ConversionResult:
        """Convert a PDF to JSON (PDF.co's current ``json2`` format); see :meth:`convert`."""
        return self.convert(source, OutputFormat.JSON2, output=output, **options)

    def convert_pdf_to_text(
        self,
        source: Union[Source, str],
        *,
        output: Optional[Output] = None,
        **options: Unpack[ConversionOptions],
    ) -> ConversionResult:
        """Convert a PDF to text keeping its layout; see :meth:`convert`."""
        return self.convert(source, OutputFormat.TEXT, output=output, **options)

    def convert_pdf_to_html(
        self,
        source: Union[Source, str],
        *,
        output: Optional[Output] = None,
        **options: Unpack[ConversionOptions],
    ) -> ConversionResult:
        """Convert a PDF to HTML; see :meth:`convert`."""
        return self.convert(source, OutputFormat.HTML, output=output, **options)

    def convert_pdf_to_xml(
        self,
        source: Union[Source, str],
        *,
        output: Optional[Output] = None,
        **options: Unpack[ConversionOptions],
    ) -> ConversionResult:
        """Convert a PDF to XML; see :meth:`convert`."""
        return self.convert(source, OutputFormat.XML, output=output, **options)


def _check_job_id(job_id: str) -> str:
    if not isinstance(job_id, str) or not _JOB_ID.match(job_id.strip()):
        raise InputValidationError(f"not a PDF.co job id: {job_id!r}", parameter="job_id")
    return job_id.strip()


class _InBackground:
    """A call run on its own thread; :meth:`result` waits for it (a cleanup, bounded by its
    own timeout, that must not hide the caller's outcome: its failures are only logged)."""

    def __init__(self, call: Callable[[], dict[str, Any]]) -> None:
        self._result: dict[str, Any] = {}
        self._thread = threading.Thread(
            target=self._run, args=(call,), name="pdfco-cleanup", daemon=True
        )
        self._thread.start()

    def _run(self, call: Callable[[], dict[str, Any]]) -> None:
        try:
            self._result = call()
        except Exception:
            logger.exception("cleanup failed")

    def result(self) -> dict[str, Any]:
        self._thread.join()
        return self._result


class _Ledger:
    """Credits a one-call conversion spent, as each answer reported them, and the last balance."""

    def __init__(self) -> None:
        self.spent = 0
        self.remaining: Optional[int] = None

    def add(self, credits: Any, remaining: Any) -> None:
        self.spent += _int_or_none(credits) or 0
        balance = _int_or_none(remaining)
        if balance is not None:
            self.remaining = balance


def _int_or_none(value: Any) -> Optional[int]:
    try:
        return None if value is None or isinstance(value, bool) else int(value)
    except (TypeError, ValueError):
        return None
