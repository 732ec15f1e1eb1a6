"""The PDF.co v1 API as a WSGI app: routing, authentication, rate limit and error handling.

Every answer is JSON: success envelopes and ``{"error": true, "status": N, "message": ...}``
errors (with ``N`` also the HTTP status unless ``error_status_in_http`` is off). No request can
produce a traceback page: unexpected exceptions are logged and answered with a 500 JSON body.
The endpoints themselves live in ``_files`` and ``_pdf``.
"""

from __future__ import annotations

import logging
import tempfile
import threading
import time
from typing import Any, Callable, Optional

from werkzeug.datastructures import Headers
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from . import _files, _pdf
from ._context import Context
from ._faults import Fault
from ._operations import ConversionError
from ._params import ParamError, Params
from ._recording import RequestLog
from ._storage import apply_faults

__all__ = ["ApiApp", "RateLimiter"]

logger = logging.getLogger("pdfco_client.emulator")

_Handler = Callable[..., Response]
_HANDLERS: dict[str, _Handler] = {
    "presigned": _files.presigned,
    "upload": _files.upload,
    "upload_base64": _files.upload_base64,
    "upload_url": _files.upload_url,
    "delete": _files.delete,
    "convert": _pdf.convert,
    "info": _pdf.info,
    "job_check": _pdf.job_check,
    "balance": _pdf.balance,
}
# Built once: werkzeug binds each Rule to one Map, and matching a bound Map is thread-safe.
_URL_MAP = Map(
    [
        Rule("/v1/file/upload/get-presigned-url", endpoint="presigned", methods=["GET", "POST"]),
        Rule("/v1/file/upload", endpoint="upload", methods=["POST"]),
        Rule("/v1/file/upload/base64", endpoint="upload_base64", methods=["POST"]),
        Rule("/v1/file/upload/url", endpoint="upload_url", methods=["GET", "POST"]),
        Rule("/v1/file/delete", endpoint="delete", methods=["GET", "POST"]),
        Rule("/v1/pdf/convert/to/<fmt>", endpoint="convert", methods=["GET", "POST"]),
        Rule("/v1/pdf/info", endpoint="info", methods=["GET", "POST"]),
        Rule("/v1/job/check", endpoint="job_check", methods=["GET", "POST"]),
        Rule("/v1/account/credit/balance", endpoint="balance", methods=["GET", "POST"]),
    ],
    strict_slashes=False,
)


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


class _ApiRequest(Request):
    # Multipart uploads spill to disk past 500 KB: keep them inside the emulator's private dir.
    spool_dir: Optional[str] = None

    def _get_file_stream(
        self,
        total_content_length: Optional[int],
        content_type: Optional[str],
        filename: Optional[str] = None,
        content_length: Optional[int] = None,
    ) -> Any:
        return tempfile.TemporaryFile("wb+", dir=self.spool_dir)


class ApiApp:
    """WSGI app of the API host (``/v1/...``)."""

    def __init__(self, ctx: Context, *, log: RequestLog, stop: threading.Event) -> None:
        self._ctx = ctx
        self._log = log
        self._stop = stop
        rate = ctx.settings.rate_limit
        self._limiter = RateLimiter(rate) if rate else None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = _ApiRequest(environ)
        # Base64 bodies are 4/3 of the file; allow that plus room for the other fields.
        cap = self._ctx.settings.max_upload_bytes * 4 // 3 + 64 * 1024
        request.max_content_length = cap
        request.max_form_memory_size = cap
        request.spool_dir = str(self._ctx.state.root)
        path = request.path
        name = (path[len("/v1/") :] if path.startswith("/v1/") else path).strip("/") or path
        try:
            response = apply_faults(
                self._ctx.faults().for_request(name, path),
                environ,
                self._stop,
                self._fault_response,
                lambda: self._dispatch(request),
            )
        except Exception:
            logger.exception("api: unexpected error on %s %s", request.method, path)
            response = self._ctx.error(500, "Internal server error", force_http=True)
        finally:
            request.close()  # closes spooled multipart files; the body was consumed already
        self._log.record(
            server="api",
            method=request.method,
            path=path,
            endpoint=name,
            host=request.host,
            headers=dict(request.headers.items()),
            api_key=self._ctx.settings.api_key,
            status=response.status_code,
        )
        return response(environ, start_response)

    def _fault_response(self, fault: Fault) -> Response:
        if fault.kind == "error_body_200":
            message = fault.message or "Emulated error"
            return self._ctx.json({"error": True, "status": fault.status, "message": message})
        if fault.kind == "rate_limited":
            headers = Headers()
            if fault.retry_after is not None:
                headers["Retry-After"] = str(int(fault.retry_after))
            message = fault.message or "Too many requests"
            return self._ctx.error(429, message, force_http=True, headers=headers)
        message = fault.message or "Emulated server error"
        return self._ctx.error(fault.status, message, force_http=True)

    def _dispatch(self, request: Request) -> Response:
        ctx = self._ctx
        ctx.state.sweep()
        sent_key = request.headers.get("x-api-key") or request.args.get("x-api-key")
        if sent_key != ctx.settings.api_key:
            return ctx.error(401, "Unauthorized: the x-api-key header is missing or invalid")
        if self._limiter is not None:
            wait = self._limiter.acquire()
            if wait is not None:
                headers = Headers()
                if ctx.settings.rate_limit_retry_after:
                    headers["Retry-After"] = str(max(1, int(wait + 0.999)))
                return ctx.error(429, "Too many requests", headers=headers)
        adapter = _URL_MAP.bind_to_environ(request.environ)
        try:
            endpoint, args = adapter.match()
        except NotFound:
            return ctx.error(404, f"Unknown endpoint: {request.method} {request.path}")
        except MethodNotAllowed:
            return ctx.error(405, f"Method {request.method} is not allowed on {request.path}")
        start = time.monotonic()
        try:
            params = Params.from_request(request)
            return _HANDLERS[str(endpoint)](ctx, request, params, start, **args)
        except ParamError as exc:
            return ctx.error(exc.status, exc.message)
        except ConversionError as exc:
            return ctx.error(exc.code, exc.message)
        except HTTPException as exc:  # werkzeug's 413 for oversized bodies and the like
            return ctx.error(exc.code or 400, exc.description or exc.name)
