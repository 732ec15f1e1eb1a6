"""``PdfCoModel``: PDF.co and its storage host as one object that answers neutral requests.

:meth:`PdfCoModel.handle` takes a :class:`Request` for the ``api`` or the ``storage`` host and
returns a :class:`Response`; it applies the fault plan, checks the key and the rate limit, routes
to the endpoint table, and records the call. It knows nothing of sockets: the emulator serves it
over loopback (``transports.wsgi``), the testing mock in process on ``responses``.

Every answer is PDF.co's JSON (success envelopes and ``{"error": true, "status": N, "message":
...}``, with ``N`` also the HTTP status unless ``error_status_in_http`` is off) or, on the
storage host, S3's XML. No request can escape as an exception: an unexpected one is logged and
answered with a 500.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import IO, Callable, Optional, Union
from urllib.parse import urlsplit

from pdfco_client.emulator.engine import Engine, EngineError, Product, Task

from ._callbacks import check_callback
from ._endpoints import ENDPOINTS, Call
from ._faults import Fault, FaultPlan
from ._jobs import InlineRunner, JobRunner
from ._operations import run_operation
from ._params import ParamError, Params
from ._record import RequestLog
from ._settings import MAX_EXPIRATION_MINUTES, Settings
from ._sources import RemoteFetch, SourceFile, fetch_source
from ._state import ObjectTooLargeError, State, StorageFullError, new_id
from ._storage import Signer, handle_storage
from ._wire import Request, Response, api_error, json_response, s3_error

__all__ = ["PdfCoModel", "RateLimiter", "Runner"]

logger = logging.getLogger("pdfco_client.emulator")

_ERROR_KINDS = ("http_error", "rate_limited", "error_body_200", "answer")
_S3_CODES = {500: "InternalError", 503: "ServiceUnavailable"}


#: Who runs background jobs: a thread pool (the emulator), or the caller (the mock).
Runner = Union[JobRunner, InlineRunner]


class RateLimiter:
    """Token bucket: ``rate`` requests a second, bursts up to ``max(1, rate)``."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0:
            raise ValueError("rate_limit must be positive")
        self._rate = rate
        self._capacity = max(1.0, rate)
        self._tokens = self._capacity
        self._clock = clock
        self._stamp = clock()
        self._lock = threading.Lock()

    def acquire(self) -> Optional[float]:
        """``None`` if the request may go on, else the seconds until a token is free."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self._capacity, self._tokens + (now - self._stamp) * self._rate)
            self._stamp = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return None
            return (1.0 - self._tokens) / self._rate


def _seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


class PdfCoModel:
    """The model of PDF.co one face serves; its parts are public for the faces to inspect."""

    def __init__(
        self,
        *,
        settings: Settings,
        state: State,
        signer: Signer,
        engine: Engine,
        runner: Runner,
        faults: Callable[[], FaultPlan],
        log: RequestLog,
        remote: RemoteFetch,
        wait: Callable[[float], object] = time.sleep,
    ) -> None:
        self.settings = settings
        self.state = state
        self.signer = signer
        self.engine = engine
        self.runner = runner
        self.faults = faults
        self.log = log
        self._remote = remote
        self._wait = wait
        rate = settings.rate_limit
        self._limiter = RateLimiter(rate) if rate else None

    def close(self) -> None:
        """Stop the job runner and delete every stored file."""
        self.runner.close()
        self.state.close()

    # -- one exchange ----------------------------------------------------------------------
    def endpoint_name(self, request: Request, server: str) -> str:
        """The name faults and records use: ``job/check``, ``storage-get``, ``storage-put``."""
        if server == "storage":
            return "storage-put" if request.method == "PUT" else "storage-get"
        prefix = self.settings.api_path.rstrip("/") + "/"
        path = request.path
        return (path[len(prefix) :] if path.startswith(prefix) else path).strip("/") or path

    def handle(self, request: Request, server: str) -> Response:
        """Answer one request to the ``api`` or the ``storage`` host, and record it."""
        name = self.endpoint_name(request, server)
        try:
            response = self._faulted(request, server, name)
        except Exception:
            logger.exception("%s: unexpected error on %s %s", server, request.method, request.path)
            if server == "api":
                response = api_error(500, "Internal server error")
            else:
                response = s3_error(500, "InternalError", "We encountered an internal error.")
        if self.log.keeps_bodies and response.file is not None:
            response.body, response.file = response.read(), None
        self.log.record(
            server=server,
            method=request.method,
            path=request.path,
            endpoint=name,
            host=urlsplit(request.url).netloc or request.headers.get("host", ""),
            headers=request.headers,
            api_key=self.settings.api_key,
            status=None if response.exception is not None else response.status,
            url=request.url,
            body=request.body,
            response_body=response.body,
        )
        return response

    def _faulted(self, request: Request, server: str, name: str) -> Response:
        """Run the request under the faults that fire: delays first, then the first other."""
        terminal: Optional[Fault] = None
        for fault in self.faults().for_request(name, request.path, request.method):
            if fault.kind == "slow":
                self._wait(fault.seconds)
            elif terminal is None:
                terminal = fault
        if terminal is not None and terminal.kind in _ERROR_KINDS:
            return self._fault_answer(terminal, server)
        if server == "storage":
            response = handle_storage(self, request)
        else:
            response = self._dispatch(request, name)
        if terminal is not None:  # reset or truncate: the transport breaks the exchange
            response.broken = terminal.kind
            response.exception = terminal.exception
        return response

    def _fault_answer(self, fault: Fault, server: str) -> Response:
        headers = {} if fault.retry_after is None else {"Retry-After": _seconds(fault.retry_after)}
        status = 429 if fault.kind == "rate_limited" else fault.status
        if fault.kind == "answer":
            if isinstance(fault.body, Mapping):
                return json_response(fault.body, status, headers)
            raw = fault.body.encode() if isinstance(fault.body, str) else bytes(fault.body or b"")
            kind = "application/xml" if raw.lstrip().startswith(b"<") else "text/plain"
            return Response(status, {"Content-Type": kind, **headers}, raw)
        if fault.kind == "error_body_200":
            return api_error(status, fault.message, http_status=200, headers=headers)
        if server == "api":
            return api_error(status, fault.message, headers=headers)
        if fault.kind == "rate_limited":
            code, message = "SlowDown", "Please reduce your request rate."
        else:
            code, message = _S3_CODES.get(status, "ScriptedError"), f"Emulated error {status}."
        response = s3_error(status, code, fault.message or message)
        response.headers.update(headers)
        return response

    def _dispatch(self, request: Request, name: str) -> Response:
        self.state.sweep()
        sent = request.headers.get("x-api-key") or request.query.get("x-api-key")
        if not sent or (self.settings.api_key is not None and sent != self.settings.api_key):
            return self.error(401, "Unauthorized: the x-api-key header is missing or invalid")
        if self._limiter is not None:
            wait = self._limiter.acquire()
            if wait is not None:
                retry = {"Retry-After": str(max(1, int(wait + 0.999)))}
                return self.error(429, None, retry if self.settings.rate_limit_retry_after else {})
        endpoint = ENDPOINTS.get(name)
        if endpoint is None or request.method not in endpoint.methods:
            response = (
                self.error(404, f"Unknown endpoint: {request.method} {request.path}")
                if endpoint is None
                else self.error(405, f"Method {request.method} is not allowed on {request.path}")
            )
            response.unmatched = True
            return response
        start = time.monotonic()
        try:
            if request.refused is not None:
                raise ParamError(request.refused[1], request.refused[0])
            call = Call(request, Params.from_request(request), name, endpoint.price, start)
            if endpoint.operation is not None:
                return run_operation(self, call, endpoint.operation)
            assert endpoint.handler is not None
            return endpoint.handler(self, call)
        except ParamError as exc:
            return self.error(exc.status, exc.message)
        except EngineError as exc:
            return self.error(exc.code, exc.message)

    # -- what the endpoints share ----------------------------------------------------------
    def error(
        self, status: int, message: Optional[str], headers: Optional[Mapping[str, str]] = None
    ) -> Response:
        """PDF.co's error body; HTTP status ``status`` too unless error_status_in_http is off."""
        http_status = status if self.settings.error_status_in_http else 200
        return api_error(status, message, http_status=http_status, headers=headers)

    def charge(self, cost: int) -> int:
        """Take ``cost`` credits and return the balance; 402 when the account cannot pay."""
        remaining = self.state.charge(cost)
        if remaining is None:
            raise ParamError("Not enough credits", 402)
        return remaining

    def expiration(self, params: Params) -> int:
        """The ``expiration`` parameter (minutes, default 60, capped at 24 h) in seconds."""
        return params.get_int("expiration", 60, minimum=1, maximum=MAX_EXPIRATION_MINUTES) * 60

    def source(self, params: Params) -> SourceFile:
        return fetch_source(
            params.require_str("url"),
            state=self.state,
            signer=self.signer,
            max_bytes=self.settings.max_upload_bytes,
            remote=self._remote,
        )

    def callback(self, params: Params) -> Optional[str]:
        """The webhook to call when the job ends, or ``None`` (also when callbacks are off)."""
        url = params.get_str("callback")
        if not self.settings.deliver_callbacks:
            return None
        return check_callback(url)

    def work(self, name: str, task: Task) -> Product:
        function = self.engine.get(name)
        if function is None:
            raise EngineError(501, f"This engine cannot do '{name}'")
        return function(task)

    def store(
        self, name: str, content_type: str, stream: IO[bytes], length: Optional[int], ttl: int
    ) -> str:
        """Store an upload under a new id; 413 over the size cap, 507 when storage is full."""
        object_id = new_id()
        try:
            self.state.store_stream(
                object_id,
                name,
                content_type,
                stream,
                max_bytes=self.settings.max_upload_bytes,
                ttl=ttl,
                length=length,
            )
        except ObjectTooLargeError as exc:
            raise ParamError(f"File is too large: {exc}", 413) from exc
        except StorageFullError as exc:
            raise ParamError(str(exc), 507) from exc
        return object_id

    def iso_in(self, seconds: float) -> str:
        """PDF.co's ``outputLinkValidTill``: ISO 8601 with the UTC offset, ``seconds`` ahead."""
        return datetime.fromtimestamp(self.state.clock.now() + seconds, timezone.utc).isoformat()

    @staticmethod
    def ms(start: float) -> int:
        """Milliseconds since ``start`` (a ``time.monotonic()`` value), PDF.co's ``duration``."""
        return int((time.monotonic() - start) * 1000)
