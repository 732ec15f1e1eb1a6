"""The S3 look-alike storage host: presigned URLs, PUT uploads and GET downloads.

It is another host than the API (its own port in the emulator), because on the real service the
files live on AWS S3: a client that sends its PDF.co key there leaks it, and each leak is recorded.
URLs look like S3's (``/<32-char id>/<name>?X-Amz-Date=...&X-Amz-Expires=...&X-Amz-Signature=``);
the signature is an HMAC over method, path, date and lifetime with a per-process secret, so a GET
URL cannot be used for a PUT, and a tampered or expired URL answers S3's XML errors.
"""

from __future__ import annotations

import calendar
import hashlib
import hmac
import io
import re
import secrets
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Optional
from urllib.parse import quote, unquote, urlencode, urlsplit

from ._state import Clock, ObjectTooLargeError, StorageFullError
from ._wire import Request, Response, content_disposition, s3_error

if TYPE_CHECKING:
    from ._model import PdfCoModel

__all__ = ["Signer", "handle_storage", "safe_name", "split_object_path"]

# PDF.co's job ids may carry a suffix (``--151-300``) and result URLs put the job id in the path.
_OBJECT_ID = re.compile(r"^[A-Z0-9]{32}(?:--\d+-\d+)?$")
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
        return f"{self.location(object_id, name)}?{query}"

    def location(self, object_id: str, name: str) -> str:
        """The object's URL without a signature (what the mock's ``files`` are keyed by)."""
        return f"{self.base_url}/{object_id}/{quote(name, safe='')}"

    def check(
        self, method: str, object_id: str, name: str, args: Mapping[str, str]
    ) -> Optional[Response]:
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


def handle_storage(model: PdfCoModel, request: Request) -> Response:
    """Answer one request to the storage host: a presigned PUT, GET or HEAD."""
    if model.settings.strict_storage and "x-api-key" in request.headers:
        return s3_error(403, "AccessDenied", "Do not send x-api-key to the storage host.")
    target = split_object_path(request.path)
    if target is None:
        return s3_error(404, "NoSuchKey", "The specified key does not exist.")
    if request.method == "PUT":
        return _put(model, request, *target)
    if request.method in ("GET", "HEAD"):
        return _get(model, request, *target)
    return s3_error(405, "MethodNotAllowed", "The specified method is not allowed.")


def _put(model: PdfCoModel, request: Request, object_id: str, name: str) -> Response:
    denied = model.signer.check("PUT", object_id, name, request.query)
    if denied is not None:
        return denied
    slot = model.state.get_slot(object_id)
    if slot is None or slot.name != name:
        return s3_error(403, "AccessDenied", "Request has expired")
    sent_type = request.content_type
    if slot.content_type and sent_type != slot.content_type.split(";")[0].strip().lower():
        return s3_error(
            403,
            "SignatureDoesNotMatch",
            f"Content-Type {sent_type or '(none)'} differs from the signed {slot.content_type}.",
        )
    cap = model.settings.max_upload_bytes
    length = request.content_length
    too_large = s3_error(413, "EntityTooLarge", "Your proposed upload exceeds the maximum size.")
    if length is not None and length > cap:
        return too_large
    try:
        model.state.store_stream(
            object_id,
            name,
            sent_type or "application/octet-stream",
            request.stream or io.BytesIO(request.body),
            max_bytes=cap,
            ttl=slot.object_ttl,
            length=length,
        )
    except ObjectTooLargeError:
        return too_large
    except StorageFullError as exc:
        return s3_error(507, "InsufficientStorage", str(exc))
    return Response(200, {"ETag": f'"{secrets.token_hex(16)}"'})


def _get(model: PdfCoModel, request: Request, object_id: str, name: str) -> Response:
    denied = model.signer.check("GET", object_id, name, request.query)
    if denied is not None:
        return denied
    stored = model.state.get_object(object_id)
    if stored is None or stored.name != name or not stored.available:
        return s3_error(404, "NoSuchKey", "The specified key does not exist.", name)
    if stored.expired:
        return s3_error(403, "AccessDenied", "Request has expired")
    headers = {
        "Content-Type": stored.content_type,
        "Content-Length": str(stored.size),
        "Content-Disposition": content_disposition(stored.name),
    }
    try:  # for HEAD too: the transport sends the headers only
        handle = stored.open()
    except FileNotFoundError:
        return s3_error(404, "NoSuchKey", "The specified key does not exist.", name)
    return Response(200, headers, file=handle, length=stored.size)
