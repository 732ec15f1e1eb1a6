"""What the model sees of HTTP: a neutral request in, a neutral response out, and no sockets.

A transport (the WSGI server, the ``responses`` mock) turns what it received into a
:class:`Request` and what the model answered into its own response. Everything protocol-specific
the model needs to express is here: PDF.co's JSON envelopes, S3's XML errors, and the two broken
answers of fault injection (``broken="reset"`` or ``"truncate"``), which each transport produces
its own way (a TCP reset and a short body over a socket, a raised exception in process).
"""

from __future__ import annotations

import io
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import IO, Any, Optional
from urllib.parse import quote
from xml.sax.saxutils import escape

__all__ = [
    "DEFAULT_MESSAGES",
    "REASONS",
    "Request",
    "Response",
    "Upload",
    "api_error",
    "json_response",
    "parse_multipart",
    "s3_error",
]

#: PDF.co's meaning of each code (pdfco-api.md §7.2): the message of an error nobody worded.
DEFAULT_MESSAGES: Mapping[int, str] = {
    400: "Bad request: invalid parameters",
    401: "Unauthorized: the x-api-key header is missing or invalid",
    402: "Not enough credits",
    403: "Access forbidden for input URL",
    404: "Resource not found",
    405: "Method not allowed",
    408: "Request timeout",
    413: "Request entity too large",
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

#: Reason phrases for PDF.co's own codes, which HTTP libraries do not know.
REASONS: Mapping[int, str] = {
    441: "Invalid Password",
    442: "Damaged Input",
    445: "Timeout",
    449: "Invalid Index Range",
    450: "Invalid Page Range",
}


@dataclass(frozen=True)
class Upload:
    """One file part of a multipart body."""

    filename: Optional[str]
    content_type: str
    stream: IO[bytes]


@dataclass(frozen=True)
class Request:
    """A request as the model reads it. Header names are lower case; ``path`` is decoded."""

    method: str
    path: str
    query: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    """The body, for everything but a storage PUT read from :attr:`stream`."""
    stream: Optional[IO[bytes]] = None
    content_length: Optional[int] = None
    form: Mapping[str, str] = field(default_factory=dict)
    """Fields of a multipart body, which the transport parses (a socket spools big files)."""
    files: Mapping[str, Upload] = field(default_factory=dict)
    url: str = ""
    """The full URL, for the call record."""
    refused: Optional[tuple[int, str]] = None
    """Set by a transport that could not read the body (too large): the model answers it."""

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


@dataclass
class Response:
    """An answer: ``body`` bytes, or an open ``file`` to stream (``length`` bytes)."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    file: Optional[IO[bytes]] = None
    length: Optional[int] = None
    broken: Optional[str] = None
    """``"reset"`` or ``"truncate"``: send part of the answer, then fail (fault injection)."""
    exception: Optional[Exception] = None
    """What an in-process transport raises for a ``reset`` (a socket resets instead)."""
    unmatched: bool = False
    """No endpoint answers this path and method (a 404 or 405 of the model's own)."""

    def read(self) -> bytes:
        """The whole body (reads and closes :attr:`file`)."""
        if self.file is None:
            return self.body
        with self.file:
            return self.file.read()


def json_response(
    body: Mapping[str, Any], status: int = 200, headers: Optional[Mapping[str, str]] = None
) -> Response:
    return Response(
        status,
        {"Content-Type": "application/json", **(headers or {})},
        json.dumps(body).encode("utf-8"),
    )


def api_error(
    status: int,
    message: Optional[str] = None,
    *,
    http_status: Optional[int] = None,
    headers: Optional[Mapping[str, str]] = None,
) -> Response:
    """PDF.co's error body ``{"error": true, "status": N, "message": ...}``."""
    body = {"error": True, "status": status, "message": message or DEFAULT_MESSAGES.get(status)}
    if body["message"] is None:
        body["message"] = f"Error {status}"
    return json_response(body, status if http_status is None else http_status, headers)


def s3_error(status: int, code: str, message: str, key: str = "") -> Response:
    """An S3-style XML error, as the storage host answers."""
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
        f"<Key>{escape(key)}</Key><RequestId>{secrets.token_hex(8).upper()}</RequestId></Error>"
    )
    return Response(status, {"Content-Type": "application/xml"}, body.encode("utf-8"))


def content_disposition(name: str) -> str:
    """``attachment; filename=...`` with an RFC 5987 ``filename*`` for names beyond ASCII."""
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "").replace("?", "_")
    value = f'attachment; filename="{ascii_name}"'
    if ascii_name != name:
        value += f"; filename*=UTF-8''{quote(name, safe='')}"
    return value


def parse_multipart(body: bytes, content_type: str) -> tuple[dict[str, str], dict[str, Upload]]:
    """Fields and files of an in-memory ``multipart/form-data`` body (the mock's uploads).

    A socket transport uses its server's streaming parser instead, which spools big files.
    """
    head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1")
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    form: dict[str, str] = {}
    files: dict[str, Upload] = {}
    for part in message.iter_parts() if message.is_multipart() else ():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True)
        if not isinstance(name, str) or not isinstance(data, bytes):
            continue
        if part.get_filename() is None:
            form[name] = data.decode("utf-8", "replace")
        else:
            kind = part.get_content_type() if part["content-type"] else "application/octet-stream"
            files[name] = Upload(part.get_filename(), kind, io.BytesIO(data))
    return form, files
