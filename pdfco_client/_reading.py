"""Reading a response body: within the call's deadline, a size limit, and the encodings asked for.

The package's one place that reads a body off the wire. A server that trickles a byte every half
second never trips a per-read socket timeout, and a 1 MiB ``read`` waits for the whole MiB; so
each read here asks for *at most one* socket read (``read1``), sets the socket's timeout to what
is left of the deadline (capped at the read timeout) before it, and checks the deadline after
it. A call therefore ends within about one read timeout of its deadline, however the bytes come.

Bodies are read as the server sent them (``decode_content=False``) and decoded here, only for
the encodings the request asked for, with the decoded size capped: a 300 KB gzip body that
inflates to 300 MiB is refused after the first few MiB, without ever holding more than a chunk.
"""

from __future__ import annotations

import http.client
import socket
import zlib
from collections.abc import Iterator
from typing import Any, Callable, Optional

import requests
import urllib3

from ._exceptions import (
    APIConnectionError,
    APITimeoutError,
    IncompleteDownloadError,
    MalformedResponseError,
    ResponseTooLargeError,
)
from ._policies import Deadline

__all__ = ["BodyReader", "content_length"]

#: Bytes asked for in one read: one socket read returns at most what is buffered anyway.
READ_SIZE = 1024 * 1024


def content_length(headers: Any) -> Optional[int]:
    """The ``Content-Length`` a response announced, or ``None`` when absent or not a number."""
    length = headers.get("Content-Length")
    if length and length.isascii() and length.isdigit():
        return int(length)
    return None


class _Decoder:
    """gzip or deflate, inflating at most ``room`` bytes at a time (so a bomb never grows)."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self._gzip = encoding in ("gzip", "x-gzip")
        self._inflate = zlib.decompressobj(16 + zlib.MAX_WBITS if self._gzip else zlib.MAX_WBITS)
        self._first = True

    def decode(self, data: bytes, room: int) -> bytes:
        try:
            out = self._inflate.decompress(data, room + 1)
        except zlib.error:
            if self._gzip or not self._first:
                raise
            # Some servers send raw deflate (no zlib header) under "deflate"; urllib3 accepts it.
            self._inflate = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._inflate.decompress(data, room + 1)
        self._first = False
        if self._gzip and self._inflate.eof and self._inflate.unused_data and len(out) <= room:
            # A second gzip member: decode it too (as urllib3 does).
            rest = self._inflate.unused_data
            self._inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
            out += self.decode(rest, room - len(out))
        return out


def _read1_of(raw: Any) -> Callable[[int], bytes]:
    """A function reading at most ``n`` body bytes with at most one socket read."""
    read1 = getattr(raw, "read1", None)
    if read1 is not None:  # urllib3 2

        def urllib3_read1(size: int) -> bytes:
            data: bytes = read1(size, decode_content=False)
            return data

        return urllib3_read1
    # urllib3 1.26 has no read1; its http.client response (or a test's BytesIO) has.
    fp_read1: Callable[[int], bytes] = raw._fp.read1
    return fp_read1


def _finish(raw: Any) -> None:
    """After the last byte: hand the connection back to the pool for the next request."""
    if not hasattr(raw, "read1"):
        # urllib3 1.26: http.client must see its response closed, or the connection refuses
        # the next request ("ResponseNotReady"); closing it leaves the socket open.
        fp = getattr(raw, "_fp", None)
        if fp is not None:
            fp.close()
    raw.release_conn()


class BodyReader:
    """Reads one response body, with every wait bounded by ``deadline``.

    ``where`` names the request in messages (already redacted). ``chain`` says whether errors
    may carry the wire library's exception as their cause (not for storage URLs: its message
    holds the presigned URL). ``download`` picks :class:`IncompleteDownloadError` for a body
    cut short. ``decoder`` (``gzip`` or ``deflate``) inflates the body, and ``limit`` caps its
    decoded size (``limit_name`` names it in the error).
    """

    def __init__(
        self,
        response: requests.Response,
        deadline: Deadline,
        *,
        read_timeout: float,
        where: str,
        chain: bool,
        download: bool,
        limit: Optional[int] = None,
        limit_name: str = "the limit",
        decoder: Optional[str] = None,
    ) -> None:
        self._raw = response.raw
        self._deadline = deadline
        self._read_timeout = read_timeout
        self._where = where
        self._chain = chain
        self._download = download
        self.limit = limit
        self._limit_name = limit_name
        #: The announced size on the wire, or ``None`` when the server did not say.
        self.expected = content_length(response.headers)
        #: Bytes read off the wire so far.
        self.received = 0
        self._produced = 0
        self._read1 = _read1_of(self._raw)
        connection = getattr(self._raw, "connection", None)
        self._socket = getattr(connection, "sock", None)
        self._timeout_set: Optional[float] = None
        self._decoder = _Decoder(decoder) if decoder else None
        if limit is not None and self._decoder is None and (self.expected or 0) > limit:
            raise self._too_large()

    def pieces(self, size: int = READ_SIZE) -> Iterator[bytes]:
        """Yield the body in pieces (decoded, if asked) as they arrive; typed errors only."""
        try:
            while self.expected is None or self.received < self.expected:
                wanted = size if self.expected is None else min(size, self.expected - self.received)
                self._bound_the_wait()
                piece = self._read1(wanted)
                if not piece:
                    break
                self.received += len(piece)
                self._deadline.raise_if_cancelled()
                if self._deadline.expired():
                    raise self._too_late()
                piece = self._within_limit(piece)
                if piece:
                    yield piece
        except (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError) as exc:
            raise self._translate(exc) from (exc if self._chain else None)
        except zlib.error:
            raise MalformedResponseError(
                f"{self._where}: the {self._decoder_name()} body does not decode",
                status_code=200,
                url=self._where,
            ) from None
        if self.expected is not None and self.received < self.expected:
            raise self._incomplete()
        _finish(self._raw)

    def read_all(self) -> bytes:
        """The whole body, decoded if asked, within the deadline and the limit."""
        return b"".join(self.pieces())

    def read_prefix(self, size: int) -> bytes:
        """At least ``size`` bytes of the body, or all of it if shorter (the rest is dropped)."""
        parts: list[bytes] = []
        got = 0
        for piece in self.pieces(size):
            parts.append(piece)
            got += len(piece)
            if got >= size:
                break
        return b"".join(parts)

    # -- helpers --------------------------------------------------------------------------------

    def _bound_the_wait(self) -> None:
        left = self._deadline.remaining()
        if left is not None and left <= 0:
            raise self._too_late()
        timeout = self._read_timeout if left is None else min(self._read_timeout, left)
        if self._socket is not None and timeout != self._timeout_set:
            self._socket.settimeout(timeout)
            self._timeout_set = timeout

    def _within_limit(self, piece: bytes) -> bytes:
        room = None if self.limit is None else self.limit - self._produced
        if self._decoder is not None:
            piece = self._decoder.decode(piece, room if room is not None else 1 << 62)
        self._produced += len(piece)
        if room is not None and len(piece) > room:
            raise self._too_large()
        return piece

    def _decoder_name(self) -> str:
        return self._decoder.encoding if self._decoder is not None else "identity"

    def _too_late(self) -> APITimeoutError:
        return APITimeoutError(
            f"{self._where}: the answer was still arriving at the deadline "
            f"({self.received} bytes after {self._deadline.elapsed():.1f} s)",
            request_sent=True,
        )

    def _too_large(self) -> ResponseTooLargeError:
        return ResponseTooLargeError(
            f"{self._where}: the answer is larger than {self._limit_name} "
            f"({self.limit} bytes); it was not read further",
            limit=self.limit or 0,
            url=self._where,
        )

    def _incomplete(self) -> APIConnectionError:
        message = (
            f"{self._where}: the body broke off after {self.received} of "
            f"{self.expected if self.expected is not None else 'unknown'} bytes"
        )
        if self._download:
            return IncompleteDownloadError(message, expected=self.expected, received=self.received)
        return APIConnectionError(message)

    def _translate(self, exc: BaseException) -> APIConnectionError:
        # socket.timeout is TimeoutError from Python 3.10 on, an OSError of its own on 3.9.
        if isinstance(exc, (urllib3.exceptions.ReadTimeoutError, socket.timeout, TimeoutError)):
            if self._deadline.expired():
                return self._too_late()
            return APITimeoutError(f"{self._where}: timed out reading", request_sent=True)
        if isinstance(exc, (urllib3.exceptions.ProtocolError, http.client.IncompleteRead)) or (
            self.expected is not None and self.received < self.expected
        ):
            return self._incomplete()
        return APIConnectionError(f"{self._where}: connection failed ({type(exc).__name__})")
