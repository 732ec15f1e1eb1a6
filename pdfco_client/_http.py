"""The one seam that sends HTTP: API calls, storage uploads and streamed downloads.

It decides which host may see the API key (only the API's own origin), caps every timeout at the
caller's deadline, retries through the policy of :mod:`._policies`, logs one line per request,
and translates every ``requests`` exception and error answer into :mod:`._exceptions`.
"""

from __future__ import annotations

import email.utils
import json
import logging
import math
import re
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Callable, Optional
from urllib.parse import urljoin

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import NewConnectionError

from ._config import (
    DEFAULT_MAX_API_RESPONSE_BYTES,
    DEFAULT_MAX_REDIRECTS,
    DEFAULT_POOL_SIZE,
    ClientSettings,
)
from ._exceptions import (
    APIConnectionError,
    APITimeoutError,
    MalformedResponseError,
    NotFoundError,
    OutcomeUnknownError,
    PdfCoError,
    RateLimitError,
    ServerError,
    UnsafeURLError,
    api_error_for,
)
from ._logging import logger, redact_url
from ._pacing import RequestGate
from ._policies import Deadline, Sleep, retry_policy
from ._progress import ProgressCallback, RetryScheduled, current_source
from ._reading import BodyReader
from ._sources import BlockReader
from ._urls import parse_request_url
from ._version import __version__

API_KEY_HEADER = "x-api-key"
USER_AGENT = f"pdfco-client/{__version__} python-requests/{requests.__version__}"

#: The only failure answers after which a paid request is sent again without being asked to:
#: PDF.co saying it did not carry the request out (408: it never got all of it; 500: it failed;
#: 503: it refused; 429 is a RateLimitError). Any other 5xx may come from a gateway that gave up
#: waiting (502, 504, Cloudflare's 520-524, 598-599) after passing the request on.
_SAFE_TO_RESEND_STATUSES = frozenset({408, 500, 503})

#: requests' errors about the URL itself: nothing was sent and sending again cannot help.
_BAD_URL_ERRORS = (
    requests.exceptions.InvalidURL,
    requests.exceptions.MissingSchema,
    requests.exceptions.InvalidSchema,
)

#: What API calls accept: the encodings :class:`BodyReader` inflates (within its limit).
_API_HEADERS = {"Accept-Encoding": "gzip, deflate"}
_API_ENCODINGS = frozenset({"identity", "gzip", "x-gzip", "deflate"})
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_HELD_LOCATION = "_pdfco_held_location"


def _hold_redirect(response: requests.Response, **kwargs: Any) -> requests.Response:
    """A response hook that moves a redirect's ``Location`` out of requests' sight.

    ``Session.send`` runs it before its redirect handling, which (even with redirects off)
    reads the whole 3xx body without a bound and parses ``Location`` with ``urlsplit``
    (a bare ``ValueError`` for ``http://[::1``). The transport follows redirects itself.
    """
    if response.status_code in _REDIRECT_STATUSES:
        location = response.headers.pop("Location", None)
        if location is not None:
            setattr(response, _HELD_LOCATION, location)
    return response


def _held_location(response: requests.Response) -> Optional[str]:
    location: Optional[str] = getattr(response, _HELD_LOCATION, None)
    return location


#: Opens a fresh body for each attempt of an upload; ``None`` when the body cannot be re-read.
BodyOpener = Callable[[], BlockReader]


def build_session(pool_size: int = DEFAULT_POOL_SIZE) -> requests.Session:
    """A session with a connection pool sized for threads, and no urllib3 retries.

    Retries belong to one tenacity policy; retrying in urllib3 as well would multiply them.
    """
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=pool_size, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def parse_retry_after(
    value: Optional[str], now: Callable[[], float] = time.time
) -> Optional[float]:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date.

    ``None`` for anything else, a date or a number out of any range included (the policy then
    waits its own backoff); a server's value is capped at ``retry_max_wait`` by the policy.
    """
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = email.utils.parsedate_to_datetime(value).timestamp() - now()
        except (TypeError, ValueError, IndexError, OverflowError):
            # OverflowError: "Mon, 01 Jan 99999999999999999999 ..." is a date to the parser.
            return None
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)


def _request_never_sent(error: requests.RequestException) -> bool:
    # Only a refused connection or a connect timeout proves the server never saw the request.
    if isinstance(error, requests.ConnectTimeout):
        return True
    if isinstance(error, requests.ConnectionError) and error.args:
        reason = getattr(error.args[0], "reason", None)
        return isinstance(reason, NewConnectionError)
    return False


def _error_message(body: Mapping[str, Any], fallback: str) -> str:
    message = body.get("message") or body.get("Message")
    return str(message) if message else fallback


def _body_status(body: Mapping[str, Any]) -> Optional[int]:
    status = body.get("status")
    if isinstance(status, bool):
        return None
    if isinstance(status, int):
        return status
    if isinstance(status, str) and status.strip().isdecimal():
        try:
            return int(status)
        except ValueError:  # decimal digits of other scripts
            return None
    return None


def _flag(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


_S3_MESSAGE = re.compile(r"<Message>(.*?)</Message>", re.S)
_S3_CODE = re.compile(r"<Code>(.*?)</Code>", re.S)


class Transport:
    """Sends the client's requests. Thread-safe as far as its ``requests.Session`` is."""

    def __init__(
        self,
        settings: ClientSettings,
        session: requests.Session,
        *,
        sleep: Sleep,
        clock: Callable[[], float],
        gate: Optional[RequestGate] = None,
        on_progress: Optional[ProgressCallback] = None,
    ) -> None:
        self._settings = settings
        self.session = session
        self.sleep = sleep
        self.clock = clock
        self.gate = gate or RequestGate(None, clock=clock, sleep=sleep)
        self.on_progress = on_progress
        self._api_origin = parse_request_url(settings.base_url).origin

    def retry_observer(self, attempt: int, delay: float, error: BaseException) -> None:
        """Before each retry sleep: hold every thread back on a 429, and report the retry."""
        if isinstance(error, RateLimitError):
            self.gate.close_for(delay)
        if self.on_progress is not None:
            self.on_progress(
                RetryScheduled(
                    attempt=attempt, delay=delay, error=error, source=current_source.get()
                )
            )

    def __repr__(self) -> str:
        return f"Transport(base_url={self._settings.base_url!r})"

    # -- the API ------------------------------------------------------------------------------

    def api_call(
        self,
        method: str,
        path: str,
        *,
        params: Optional[Mapping[str, Any]] = None,
        json_body: Optional[Mapping[str, Any]] = None,
        deadline: Deadline,
        idempotent: bool = True,
        resend_on_unknown_outcome: bool = False,
        job_status_body: bool = False,
    ) -> dict[str, Any]:
        """Call ``{base_url}/{path}`` with the API key and return the JSON body.

        ``job_status_body``: the answer describes a job, whose ``error: true`` reports that the
        *job* failed (``status: "failed"``), not that the call did.

        A request that costs credits and is not idempotent (``idempotent=False``) is re-sent only
        when the server certainly did not act on it, unless ``resend_on_unknown_outcome``.
        """
        url = f"{self._settings.base_url}/{path.lstrip('/')}"

        def retry_if(error: BaseException) -> bool:
            if not isinstance(error, PdfCoError) or not error.retryable:
                return False
            return idempotent or resend_on_unknown_outcome or not self._outcome_unknown(error)

        def attempt() -> dict[str, Any]:
            return self._api_attempt(method, url, params, json_body, deadline, job_status_body)

        try:
            try:
                # Most calls succeed at once: building a tenacity policy only after a failure
                # keeps the per-call cost of the client within a few dozen microseconds.
                return attempt()
            except PdfCoError as error:
                if self._settings.max_retries == 0 or not retry_if(error):
                    raise
                first_failure: list[PdfCoError] = [error]

            def replay_then_attempt() -> dict[str, Any]:
                # The policy sees the first failure as its attempt 1, so its backoff and attempt
                # count are exactly those of a policy that had made that attempt itself.
                if first_failure:
                    raise first_failure.pop()
                return attempt()

            policy = retry_policy(
                max_retries=self._settings.max_retries,
                max_wait=self._settings.retry_max_wait,
                deadline=deadline,
                sleep=self.sleep,
                retry_if=retry_if,
                observer=self.retry_observer,
            )
            result: dict[str, Any] = policy(replay_then_attempt)
        except PdfCoError as error:
            if not idempotent and not resend_on_unknown_outcome and self._outcome_unknown(error):
                raise OutcomeUnknownError(
                    f"{method} {redact_url(url)} may have reached PDF.co, but no clear answer came "
                    f"back ({error}). It may have started a job and spent credits, so it was not "
                    "sent again; pass resend_on_unknown_outcome=True to allow that."
                ) from error
            raise
        return result

    @staticmethod
    def _outcome_unknown(error: BaseException) -> bool:
        if isinstance(error, APIConnectionError):
            return error.request_sent
        if isinstance(error, MalformedResponseError) and 300 <= error.http_status < 400:
            # A redirect reached us instead of PDF.co's answer: whoever sent it had the
            # request, and may have passed it on.
            return True
        return isinstance(error, ServerError) and error.status_code not in _SAFE_TO_RESEND_STATUSES

    def _api_attempt(
        self,
        method: str,
        url: str,
        params: Optional[Mapping[str, Any]],
        json_body: Optional[Mapping[str, Any]],
        deadline: Deadline,
        job_status_body: bool,
    ) -> dict[str, Any]:
        self.gate.wait_turn(deadline)
        with self._send(
            method,
            url,
            deadline=deadline,
            params=params,
            json=json_body,
            headers=_API_HEADERS,
            with_key=True,
        ) as response:
            return self._read_api_body(response, deadline, job_status_body)

    def _read_api_body(
        self, response: requests.Response, deadline: Deadline, job_status_body: bool = False
    ) -> dict[str, Any]:

        def where() -> str:
            # Only on the error paths: redacting costs microseconds that most calls need not pay.
            return redact_url(response.url or "")

        if 300 <= response.status_code < 400:
            # API calls never follow a redirect (requests would take x-api-key along), and
            # PDF.co documents none: whatever answered is not the API as the client knows it.
            raise MalformedResponseError(
                f"{where()} answered with a redirect ({response.status_code}), which API calls "
                "never follow: check base_url",
                status_code=response.status_code,
                url=where(),
            )
        encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
        if encoding not in _API_ENCODINGS:
            raise MalformedResponseError(
                f"PDF.co answered {where()} in the {encoding!r} encoding, which the client did "
                "not ask for (it accepts gzip, deflate and identity)",
                status_code=response.status_code,
                url=where(),
            )
        reader = BodyReader(
            response,
            deadline,
            read_timeout=self._settings.read_timeout,
            where=f"{response.request.method} {where()}",
            chain=True,
            download=False,
            limit=DEFAULT_MAX_API_RESPONSE_BYTES,
            limit_name="DEFAULT_MAX_API_RESPONSE_BYTES",
            decoder=None if encoding == "identity" else encoding,
        )
        text = reader.read_all()
        try:
            body = json.loads(text) if text else None
        except (ValueError, RecursionError):  # RecursionError: absurdly nested JSON
            body = None
            if response.status_code < 400:
                raise MalformedResponseError(
                    f"PDF.co answered {where()} with a body that is not JSON",
                    status_code=response.status_code,
                    url=where(),
                ) from None
        if body is not None and not isinstance(body, dict):
            raise MalformedResponseError(
                f"PDF.co answered {where()} with JSON that is not an object",
                status_code=response.status_code,
                url=where(),
            )
        body_dict: dict[str, Any] = body or {}
        body_status = _body_status(body_dict)
        describes_job = job_status_body and isinstance(body_dict.get("status"), str)
        failed_in_body = (_flag(body_dict.get("error")) and not describes_job) or (
            body_status is not None and body_status >= 400
        )
        if response.status_code >= 400 or failed_in_body:
            # Either signal is an error (the docs do not settle which one PDF.co uses for its
            # 44x codes); the body's code is the more precise when it names one.
            code = body_status if body_status and body_status >= 400 else response.status_code
            if code < 400:
                code = 400  # error:true with no usable code: the request was refused as sent
            raise api_error_for(
                code,
                _error_message(body_dict, response.reason or "request failed"),
                body=body or None,
                http_status=response.status_code,
                url=where(),
                retry_after=parse_retry_after(response.headers.get("Retry-After")),
            )
        if body is None:
            raise MalformedResponseError(
                f"PDF.co answered {where()} with an empty body",
                status_code=response.status_code,
                url=where(),
            )
        return body_dict

    # -- storage ------------------------------------------------------------------------------

    def put_to_storage(
        self,
        url: str,
        open_body: BodyOpener,
        *,
        size: Optional[int],
        content_type: str,
        deadline: Deadline,
        rewindable: bool,
    ) -> None:
        """Stream a body to a presigned storage URL with ``PUT``, never with the API key."""
        # identity: an error's XML is read as sent, never inflated.
        headers = {"Content-Type": content_type, "Accept-Encoding": "identity"}
        if size is not None:
            headers["Content-Length"] = str(size)

        def attempt() -> None:
            body = open_body()
            try:
                with self._send(
                    "PUT", url, deadline=deadline, data=body, headers=headers
                ) as response:
                    self._raise_for_storage(response, "upload", deadline)
            finally:
                body.close()

        if not rewindable:
            attempt()  # a stream that cannot be read twice cannot be retried
            return
        policy = retry_policy(
            max_retries=self._settings.max_retries,
            max_wait=self._settings.retry_max_wait,
            deadline=deadline,
            sleep=self.sleep,
            observer=self.retry_observer,
        )
        policy(attempt)

    @contextmanager
    def stream_from_storage(
        self, url: str, *, deadline: Deadline, max_bytes: Optional[int] = None
    ) -> Iterator[StreamedBody]:
        """Open a streamed ``GET`` of a storage URL (no API key, unless it is the API's).

        ``max_bytes``: refuse a body larger than this (:class:`ResponseTooLargeError`).

        Redirects are followed here, up to ``DEFAULT_MAX_REDIRECTS``, each target checked by
        :func:`parse_request_url` and sent without the key; a response that carried the key
        is never followed.
        """
        # identity: Content-Length then counts the bytes we write, so a short body is caught.
        headers = {"Accept-Encoding": "identity"}
        current = url
        for hop in range(DEFAULT_MAX_REDIRECTS + 1):
            with self._send(
                "GET", current, deadline=deadline, headers=headers, with_key=hop == 0
            ) as response:
                location = _held_location(response)
                if location is None or response.request.headers.get(API_KEY_HEADER):
                    self._raise_for_storage(response, "download", deadline)
                    yield StreamedBody(self, response, deadline, max_bytes)
                    return
                current = self._redirect_target(response, location)
        raise MalformedResponseError(
            f"download of {redact_url(url)} was redirected more than {DEFAULT_MAX_REDIRECTS} times",
            status_code=302,
            url=redact_url(url),
        )

    @staticmethod
    def _redirect_target(response: requests.Response, location: str) -> str:
        try:
            target = urljoin(response.url or "", location)
            parse_request_url(target)
        except (UnsafeURLError, ValueError) as exc:  # ValueError: urljoin's "Invalid IPv6 URL"
            raise UnsafeURLError(
                f"{redact_url(response.url or '')} redirected to a URL the client refuses: {exc}"
            ) from None
        return target

    def _raise_for_storage(
        self, response: requests.Response, action: str, deadline: Deadline
    ) -> None:
        status = response.status_code
        if (status == 200) if action == "download" else (200 <= status < 300):
            return
        where = redact_url(response.url or "")
        try:
            # The start of an error body is enough for S3's <Message>; the rest is not read.
            reader = BodyReader(
                response,
                deadline,
                read_timeout=self._settings.read_timeout,
                where=where,
                chain=False,
                download=False,
            )
            text = reader.read_prefix(4096).decode("utf-8", "replace")
        except PdfCoError:
            text = ""
        match = _S3_MESSAGE.search(text)
        code = _S3_CODE.search(text)
        detail = match.group(1).strip() if match else (response.reason or "error")
        if code:
            detail = f"{code.group(1).strip()}: {detail}"
        message = f"storage {action} failed at {where}: {detail}"
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        if action == "download" and status in (403, 404, 410):
            # S3 answers 403 for an expired link and 404 for a result that is not there (yet).
            raise NotFoundError(message, status_code=status, url=where)
        if status < 400:
            # 1xx, 204, 206, a redirect not followed: none of them is the whole result.
            raise MalformedResponseError(
                f"storage {action} at {where} answered {status} {response.reason or ''}".rstrip()
                + (": only 200 is a complete result" if action == "download" else ""),
                status_code=status,
                url=where,
            )
        raise api_error_for(status, message, url=where, retry_after=retry_after)

    # -- sending ------------------------------------------------------------------------------

    def _is_api(self, url: Optional[str]) -> bool:
        if url is None:
            return False
        try:
            return parse_request_url(url).origin == self._api_origin
        except UnsafeURLError:
            return False

    def _cause(self, exc: BaseException, url: Optional[str]) -> Optional[BaseException]:
        """The exception to chain ours to: requests' own, except for storage URLs.

        requests puts the whole URL in its messages, and a presigned URL's query is a
        credential: chained, it would reach every logged traceback.
        """
        return exc if self._is_api(url) else None

    def _prepare(
        self,
        method: str,
        url: str,
        headers: Optional[Mapping[str, str]],
        params: Optional[Mapping[str, Any]],
        json_body: Optional[Mapping[str, Any]],
        data: Any,
        with_key: bool,
    ) -> requests.PreparedRequest:
        """The request exactly as it will be sent, with the API key if ``with_key`` allows.

        The key is decided on the prepared URL (requests rewrites what it is given), read by
        :func:`parse_request_url`, the package's one decision about where a URL goes.
        """
        # Before preparing: requests would percent-encode a backslash or a tab away, hiding
        # what made the URL ambiguous in the first place.
        parse_request_url(url)
        request_headers: dict[str, Any] = {"User-Agent": USER_AGENT, API_KEY_HEADER: None}
        if headers:
            request_headers.update(headers)
        try:
            prepared = self.session.prepare_request(
                requests.Request(
                    method, url, headers=request_headers, params=params, json=json_body, data=data
                )
            )
        except _BAD_URL_ERRORS as exc:
            raise UnsafeURLError(
                f"{method} {redact_url(url)}: requests cannot send this URL ({type(exc).__name__})"
            ) from None
        target = parse_request_url(prepared.url or "")
        if with_key and target.origin == self._api_origin:
            prepared.headers[API_KEY_HEADER] = self._settings.api_key
        else:
            # A caller's own session may carry the key (or an Authorization, or netrc may add
            # one) as a default: presigned storage hosts never see it (the official samples
            # leak the key there).
            prepared.headers.pop(API_KEY_HEADER, None)
            prepared.headers.pop("Authorization", None)
        return prepared

    @contextmanager
    def _send(
        self,
        method: str,
        url: str,
        *,
        deadline: Deadline,
        headers: Optional[Mapping[str, str]] = None,
        params: Optional[Mapping[str, Any]] = None,
        json: Optional[Mapping[str, Any]] = None,
        data: Any = None,
        with_key: bool = False,
    ) -> Iterator[requests.Response]:
        """Send one request and yield its response, its body not read yet.

        ``with_key``: attach the API key if the prepared URL is the API's. Redirects are
        never followed here, nor their bodies read: :func:`_hold_redirect` keeps requests
        from doing either (it would read a whole 3xx body, unbounded, to fill
        ``Response.next``).
        """
        deadline.raise_if_cancelled()
        prepared = self._prepare(method, url, headers, params, json, data, with_key)
        prepared.hooks["response"].append(_hold_redirect)
        # Capped after preparing, and checked once capped: the deadline can pass in between,
        # and requests refuses a zero timeout with a bare ValueError.
        connect = deadline.cap(self._settings.connect_timeout)
        read = deadline.cap(self._settings.read_timeout)
        if connect <= 0 or read <= 0:
            raise APITimeoutError(
                f"deadline reached before {method} {redact_url(url)}", request_sent=False
            )
        started = self.clock()
        try:
            settings = self.session.merge_environment_settings(prepared.url, {}, True, None, None)
            response = self.session.send(
                prepared, timeout=(connect, read), allow_redirects=False, **settings
            )
        except _BAD_URL_ERRORS as exc:
            raise UnsafeURLError(
                f"{method} {redact_url(url)}: requests cannot send this URL ({type(exc).__name__})"
            ) from None
        except requests.RequestException as exc:
            if logger.isEnabledFor(logging.DEBUG):
                logger.debug("%s %s failed: %s", method, redact_url(url), type(exc).__name__)
            raise self._translate(exc, method, url, deadline) from self._cause(exc, url)
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s %s -> %d in %.3f s",
                method,
                redact_url(url),
                response.status_code,
                self.clock() - started,
            )
        try:
            yield response
        finally:
            response.close()

    @staticmethod
    def _translate(
        exc: requests.RequestException, method: str, url: Optional[str], deadline: Deadline
    ) -> APIConnectionError:
        where = f"{method} {redact_url(url or '')}"
        sent = not _request_never_sent(exc)
        if deadline.expired():
            # A send the socket timeout (capped at the deadline) cut short: what the caller
            # needs to hear is that its deadline passed, whatever the wire library called it.
            return APITimeoutError(
                f"{where}: no answer before the deadline ({type(exc).__name__})",
                request_sent=sent,
            )
        if isinstance(exc, requests.Timeout):
            kind = "connecting" if isinstance(exc, requests.ConnectTimeout) else "reading"
            return APITimeoutError(f"{where}: timed out {kind}", request_sent=sent)
        if isinstance(exc, requests.ConnectionError) and not sent:
            return APIConnectionError(f"{where}: could not connect", request_sent=False)
        return APIConnectionError(
            f"{where}: connection failed ({type(exc).__name__})", request_sent=sent
        )


class StreamedBody:
    """The body of a streamed storage ``GET``, read through a :class:`BodyReader`."""

    def __init__(
        self,
        transport: Transport,
        response: requests.Response,
        deadline: Deadline,
        max_bytes: Optional[int] = None,
    ) -> None:
        encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
        self.url = response.url
        where = f"GET {redact_url(self.url or '')}"
        if encoding not in ("", "identity"):
            # The client asked for identity: a compressed answer would be written as it came
            # (Content-Length counting the wire bytes) or inflated without bound.
            raise MalformedResponseError(
                f"{where}: storage answered in the {encoding!r} encoding, which the client did "
                "not ask for (it asked for identity); nothing was written",
                status_code=response.status_code,
                url=redact_url(self.url or ""),
            )
        self._reader = BodyReader(
            response,
            deadline,
            read_timeout=transport._settings.read_timeout,
            where=where,
            chain=transport._is_api(self.url),
            download=True,
            limit=max_bytes,
            limit_name="max_bytes",
        )
        #: The announced size, or ``None`` when the server did not say.
        self.content_length: Optional[int] = self._reader.expected

    def chunks(self, chunk_size: int) -> Iterator[bytes]:
        """Yield the body as it arrives, each wait bounded by the deadline, its length checked."""
        return self._reader.pieces(chunk_size)


__all__ = ["API_KEY_HEADER", "USER_AGENT", "StreamedBody", "Transport", "build_session"]
