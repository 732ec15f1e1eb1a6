"""The S3 look-alike storage host: presigned URLs, PUT uploads and GET downloads.

It listens on its own port, apart from the API, because on the real service the files live on
AWS S3: a client that sends its PDF.co key there leaks it, and the emulator records each leak.
URLs look like S3's (``/<32-char id>/<name>?X-Amz-Date=...&X-Amz-Expires=...&X-Amz-Signature=``);
the signature is an HMAC over method, path, date and lifetime with a per-process secret, so a GET
URL cannot be used for a PUT, and a tampered or expired URL answers S3's XML errors.
"""

from __future__ import annotations

import calendar
import hashlib
import hmac
import json
import logging
import re
import secrets
import threading
import time
from collections.abc import Iterable
from typing import Any, Callable, Optional
from urllib.parse import quote, unquote, urlencode, urlsplit
from xml.sax.saxutils import escape

from werkzeug.wrappers import Request, Response
from werkzeug.wsgi import wrap_file

from ._faults import Fault, FaultPlan
from ._recording import RequestLog
from ._serving import reset_response, truncated_response
from ._state import (
    Clock,
    ObjectTooLargeError,
    State,
    StorageFullError,
)

__all__ = ["Signer", "StorageApp", "apply_faults", "safe_name", "split_object_path"]

logger = logging.getLogger("pdfco_client.emulator")

_OBJECT_ID = re.compile(r"^[A-Z0-9]{32}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_AMZ_DATE = "%Y%m%dT%H%M%SZ"
_MAX_NAME = 200


def safe_name(raw: Optional[str], default: str) -> str:
    """The last path segment of a user-supplied name, without control characters.

    Names only ever appear in URLs and headers (files on disk are named by id), but a name with
    slashes would change the URL's shape, so ``../../etc/passwd`` becomes ``passwd``.
    """
    if raw is None:
        return default
    name = _CONTROL.sub("", raw).replace("\\", "/").rsplit("/", 1)[-1].strip()
    if name in ("", ".", ".."):
        return default
    return name[:_MAX_NAME]


def split_object_path(path: str) -> Optional[tuple[str, str]]:
    """``(object id, name)`` of a decoded storage path ``/<id>/<name>``, or ``None``."""
    parts = path.strip("/").split("/")
    if len(parts) != 2 or not _OBJECT_ID.match(parts[0]) or safe_name(parts[1], "") != parts[1]:
        return None
    return parts[0], parts[1]


class Signer:
    """Makes and checks the storage host's presigned URLs."""

    def __init__(self, base_url: str, clock: Clock) -> None:
        self.base_url = base_url.rstrip("/")
        self._clock = clock
        self._secret = secrets.token_bytes(32)
        self._netloc = urlsplit(self.base_url).netloc

    def _signature(self, method: str, object_id: str, name: str, date: str, expires: str) -> str:
        message = f"{method}\n/{object_id}/{name}\n{date}\n{expires}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def url(self, method: str, object_id: str, name: str, lifetime: int) -> str:
        date = time.strftime(_AMZ_DATE, time.gmtime(self._clock.now()))
        query = urlencode(
            {
                "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
                "X-Amz-Date": date,
                "X-Amz-Expires": str(lifetime),
                "X-Amz-SignedHeaders": "host",
                "X-Amz-Signature": self._signature(method, object_id, name, date, str(lifetime)),
            }
        )
        return f"{self.base_url}/{object_id}/{quote(name, safe='')}?{query}"

    def check(self, method: str, object_id: str, name: str, args: Any) -> Optional[Response]:
        """``None`` when the query string signs this request, else the S3 error to send."""
        signature = args.get("X-Amz-Signature")
        date = args.get("X-Amz-Date", "")
        expires = args.get("X-Amz-Expires", "")
        if not signature:
            return s3_error(403, "AccessDenied", "Query-string authentication is required.")
        expected = self._signature(method, object_id, name, date, expires)
        if not hmac.compare_digest(expected, signature):
            return s3_error(
                403,
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided.",
            )
        try:
            issued = calendar.timegm(time.strptime(date, _AMZ_DATE))
            lifetime = int(expires)
        except ValueError:
            return s3_error(403, "AccessDenied", "X-Amz-Date or X-Amz-Expires is malformed.")
        if issued + lifetime <= self._clock.now():
            return s3_error(403, "AccessDenied", "Request has expired")
        return None

    def object_of(self, url: str) -> Optional[tuple[str, str]]:
        """``(object id, name)`` when ``url`` points into this storage host, else ``None``."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return None
        if parts.netloc != self._netloc:
            return None
        return split_object_path(unquote(parts.path))


def s3_error(status: int, code: str, message: str, key: str = "") -> Response:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
        f"<Key>{escape(key)}</Key><RequestId>{secrets.token_hex(8).upper()}</RequestId></Error>"
    )
    return Response(body, status=status, mimetype="application/xml")


def apply_faults(
    faults: Iterable[Fault],
    environ: dict[str, Any],
    stop: threading.Event,
    error_response: Callable[[Fault], Response],
    handle: Callable[[], Response],
) -> Response:
    """Run ``handle`` under the request faults that fired: delays first, then the first other."""
    terminal: Optional[Fault] = None
    for fault in faults:
        if fault.kind == "slow":
            stop.wait(fault.seconds)
        elif terminal is None:
            terminal = fault
    if terminal is not None and terminal.kind in ("http_error", "rate_limited", "error_body_200"):
        return error_response(terminal)
    response = handle()
    if terminal is None:
        return response
    if terminal.kind == "truncate":
        return truncated_response(response)
    return reset_response(response, environ)


class StorageApp:
    """WSGI app of the storage host."""

    def __init__(
        self,
        *,
        state: State,
        signer: Signer,
        log: RequestLog,
        api_key: str,
        faults: Callable[[], FaultPlan],
        stop: threading.Event,
        max_upload_bytes: int,
        strict: bool,
    ) -> None:
        self._state = state
        self._signer = signer
        self._log = log
        self._api_key = api_key
        self._faults = faults
        self._stop = stop
        self._max_upload_bytes = max_upload_bytes
        self._strict = strict

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        name = "storage-put" if request.method == "PUT" else "storage-get"
        try:
            response = apply_faults(
                self._faults().for_request(name, request.path),
                environ,
                self._stop,
                self._fault_response,
                lambda: self._handle(request),
            )
        except Exception:
            logger.exception("storage: unexpected error on %s %s", request.method, request.path)
            response = s3_error(500, "InternalError", "We encountered an internal error.")
        self._log.record(
            server="storage",
            method=request.method,
            path=request.path,
            endpoint=name,
            host=request.host,
            headers=dict(request.headers.items()),
            api_key=self._api_key,
            status=response.status_code,
        )
        return response(environ, start_response)

    def _fault_response(self, fault: Fault) -> Response:
        if fault.kind == "error_body_200":
            body = {"error": True, "status": fault.status, "message": fault.message or "Emulated"}
            return Response(json.dumps(body), mimetype="application/json")
        if fault.kind == "rate_limited":
            response = s3_error(
                429, "SlowDown", fault.message or "Please reduce your request rate."
            )
            if fault.retry_after is not None:
                response.headers["Retry-After"] = str(int(fault.retry_after))
            return response
        code = "ServiceUnavailable" if fault.status == 503 else "InternalError"
        return s3_error(fault.status, code, fault.message or "Emulated storage failure.")

    def _handle(self, request: Request) -> Response:
        if self._strict and "x-api-key" in request.headers:
            return s3_error(403, "AccessDenied", "Do not send x-api-key to the storage host.")
        target = split_object_path(request.path)
        if target is None:
            return s3_error(404, "NoSuchKey", "The specified key does not exist.")
        object_id, name = target
        if request.method == "PUT":
            return self._put(request, object_id, name)
        if request.method in ("GET", "HEAD"):
            return self._get(request, object_id, name)
        return s3_error(405, "MethodNotAllowed", "The specified method is not allowed.")

    def _put(self, request: Request, object_id: str, name: str) -> Response:
        denied = self._signer.check("PUT", object_id, name, request.args)
        if denied is not None:
            return denied
        slot = self._state.get_slot(object_id)
        if slot is None or slot.name != name:
            return s3_error(403, "AccessDenied", "Request has expired")
        sent_type = request.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if slot.content_type and sent_type != slot.content_type.split(";")[0].strip().lower():
            return s3_error(
                403,
                "SignatureDoesNotMatch",
                f"Content-Type {sent_type or '(none)'} differs from the signed "
                f"{slot.content_type}.",
            )
        length = request.content_length
        if length is not None and length > self._max_upload_bytes:
            return s3_error(413, "EntityTooLarge", "Your proposed upload exceeds the maximum size.")
        try:
            self._state.store_stream(
                object_id,
                name,
                sent_type or "application/octet-stream",
                request.stream,
                max_bytes=self._max_upload_bytes,
                ttl=slot.object_ttl,
                length=length,
            )
        except ObjectTooLargeError:
            return s3_error(413, "EntityTooLarge", "Your proposed upload exceeds the maximum size.")
        except StorageFullError as exc:
            return s3_error(507, "InsufficientStorage", str(exc))
        response = Response(b"", status=200)
        response.headers["ETag"] = f'"{secrets.token_hex(16)}"'
        return response

    def _get(self, request: Request, object_id: str, name: str) -> Response:
        denied = self._signer.check("GET", object_id, name, request.args)
        if denied is not None:
            return denied
        stored = self._state.get_object(object_id)
        if stored is None or stored.name != name or time.monotonic() < stored.available_after:
            return s3_error(404, "NoSuchKey", "The specified key does not exist.", name)
        if stored.expired:
            return s3_error(403, "AccessDenied", "Request has expired")
        try:
            handle = open(stored.path, "rb")  # noqa: SIM115 - closed by the response
        except FileNotFoundError:
            return s3_error(404, "NoSuchKey", "The specified key does not exist.", name)
        response = Response(
            wrap_file(request.environ, handle),
            mimetype=stored.content_type,
            direct_passthrough=True,
        )
        response.content_length = stored.size
        response.headers.set("Content-Disposition", "attachment", filename=stored.name)
        return response
