"""What can be uploaded (a path, bytes or a binary file object) and how to stream it again."""

from __future__ import annotations

import io
import mimetypes
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Callable, Optional, Union
from urllib.parse import urlsplit

from ._config import DEFAULT_CHUNK_SIZE
from ._exceptions import InputValidationError

#: Everything :meth:`PdfCoClient.upload` accepts.
Source = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview, IO[bytes]]

_HEAD_SIZE = 1024
# PDF.co converts PDFs, and its spreadsheet endpoints also take PNG and JPEG images.
_CONVERTIBLE_MAGIC = (b"%PDF-", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


@dataclass(frozen=True)
class PreparedSource:
    """An upload source, checked, with a way to read it from the start for each attempt."""

    name: str
    size: int
    head: bytes
    open: Callable[[], BlockReader]
    #: Whether ``open`` may be called more than once (a retry needs to read it again).
    rewindable: bool
    #: Closes what preparing the source opened (a spool file for a non-seekable stream).
    cleanup: Callable[[], None]

    def looks_convertible(self) -> bool:
        """Whether the first bytes are those of a PDF (or of an image PDF.co also takes)."""
        # The PDF spec lets "%PDF-" appear anywhere in the first 1024 bytes.
        return self.head.startswith(_CONVERTIBLE_MAGIC[1:]) or _CONVERTIBLE_MAGIC[0] in self.head

    @property
    def content_type(self) -> str:
        """The MIME type guessed from the name, or ``application/octet-stream``."""
        guessed, _ = mimetypes.guess_type(self.name)
        return guessed or "application/octet-stream"


class BlockReader(io.RawIOBase):
    """Reads ``DEFAULT_CHUNK_SIZE`` blocks from a stream even when asked for less.

    ``http.client`` sends a file body in blocks of 8-16 KiB; larger blocks cut the per-call cost
    of a multi-gigabyte upload several times. ``close`` leaves a caller's own stream open.
    """

    def __init__(self, raw: IO[bytes], size: int, *, owns: bool) -> None:
        super().__init__()
        self._raw = raw
        self._size = size
        self._left = size
        self._owns = owns
        #: Called with the size of each block read (progress, cancellation).
        self.on_read: Optional[Callable[[int], None]] = None

    def readable(self) -> bool:
        return True

    def __len__(self) -> int:
        # requests sizes the body as len() - tell(), and sets Content-Length from it, so the body
        # is never sent chunked (presigned S3 PUTs refuse chunked bodies).
        return self._size

    def tell(self) -> int:
        return self._size - self._left

    def read(self, size: int = -1) -> bytes:
        if self._left == 0:
            if self._owns:
                self._check_unchanged()
            return b""
        wanted = self._left if size is None or size < 0 else max(size, DEFAULT_CHUNK_SIZE)
        data = self._raw.read(min(wanted, self._left))
        if not data:
            # The server was promised Content-Length bytes: a shorter body would hang the PUT.
            raise InputValidationError(
                f"the source ended after {self._size - self._left} of {self._size} bytes: "
                "it changed during the upload",
                parameter="source",
            )
        self._left -= len(data)
        if self.on_read is not None:
            self.on_read(len(data))
        return data

    def _check_unchanged(self) -> None:
        # A file that grew while it was sent would reach PDF.co cut short, silently.
        try:
            size = os.fstat(self._raw.fileno()).st_size
        except (OSError, ValueError, io.UnsupportedOperation):
            return
        if size != self._size:
            raise InputValidationError(
                f"the source changed during the upload ({self._size} bytes, now {size})",
                parameter="source",
            )

    def close(self) -> None:
        if self._owns and not self.closed:
            self._raw.close()
        super().close()


def _name_of(value: Any, fallback: str) -> str:
    raw = getattr(value, "name", None)
    if isinstance(raw, str) and raw and not raw.startswith("<"):
        return Path(raw).name or fallback
    return fallback


def describe_source(source: object) -> Optional[str]:
    """How a source is named in progress events and batch results, or ``None`` if nameless.

    A path as ``str(Path(...))``, a URL without its query (presigned signatures stay out), a
    file object by its ``name``.
    """
    if isinstance(source, str) and source.lower().startswith(("http://", "https://")):
        parts = urlsplit(source)
        host = parts.netloc.rpartition("@")[2]  # never user:password@
        return f"{parts.scheme}://{host}{parts.path}"
    if isinstance(source, (str, os.PathLike)):
        return str(Path(source))
    name = getattr(source, "name", None)
    if isinstance(name, str) and name and not name.startswith("<"):
        return name
    return None


def prepare_source(source: Source, *, name: Optional[str] = None) -> PreparedSource:
    """Check an upload source and return a re-openable view of it.

    Raises :class:`InputValidationError` for a missing, unreadable or empty file, an empty byte
    string, or a text-mode stream, before anything is sent.
    """
    if isinstance(source, (str, os.PathLike)):
        return _from_path(Path(source), name)
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        if not data:
            raise InputValidationError("the source is empty (0 bytes)", parameter="source")
        return PreparedSource(
            name=name or "file.pdf",
            size=len(data),
            head=data[:_HEAD_SIZE],
            open=lambda: BlockReader(io.BytesIO(data), len(data), owns=True),
            rewindable=True,
            cleanup=lambda: None,
        )
    if hasattr(source, "read"):
        return _from_stream(source, name)
    raise InputValidationError(
        f"cannot upload a {type(source).__name__}: pass a path, bytes or a binary file object",
        parameter="source",
    )


def _from_path(path: Path, name: Optional[str]) -> PreparedSource:
    if not path.exists():
        raise InputValidationError(f"no such file: {path}", parameter="source")
    if not path.is_file():
        raise InputValidationError(f"not a regular file: {path}", parameter="source")
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEAD_SIZE)
        size = path.stat().st_size
    except OSError as exc:
        raise InputValidationError(
            f"cannot read {path}: {exc.strerror or exc}", parameter="source"
        ) from exc
    if size == 0:
        raise InputValidationError(f"the file is empty (0 bytes): {path}", parameter="source")

    def reopen() -> BlockReader:
        try:
            return BlockReader(path.open("rb"), size, owns=True)
        except OSError as exc:
            raise InputValidationError(
                f"cannot read {path}: {exc.strerror or exc}", parameter="source"
            ) from exc

    return PreparedSource(
        name=name or path.name,
        size=size,
        head=head,
        open=reopen,
        rewindable=True,
        cleanup=lambda: None,
    )


def _from_stream(stream: IO[bytes], name: Optional[str]) -> PreparedSource:
    display = name or _name_of(stream, "file.pdf")
    probe = stream.read(0)
    if not isinstance(probe, bytes):
        raise InputValidationError(
            "the file object is in text mode; open it with 'rb'", parameter="source"
        )
    seekable = False
    try:
        seekable = stream.seekable()
    except (AttributeError, OSError, ValueError):
        seekable = False
    if not seekable:
        return _spooled(stream, display)
    start = stream.tell()
    end = stream.seek(0, os.SEEK_END)
    stream.seek(start)
    size = end - start
    if size <= 0:
        raise InputValidationError("the file object has no bytes left to read", parameter="source")
    head = stream.read(_HEAD_SIZE)
    stream.seek(start)

    def reopen() -> BlockReader:
        stream.seek(start)
        return BlockReader(stream, size, owns=False)

    return PreparedSource(
        name=display, size=size, head=head, open=reopen, rewindable=True, cleanup=lambda: None
    )


def _spooled(stream: IO[bytes], name: str) -> PreparedSource:
    # A pipe or socket cannot be measured or re-read, but a presigned PUT needs Content-Length
    # and a retry needs the bytes again: copy it to a temporary file first (disk, not memory).
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed by cleanup()
    try:
        shutil.copyfileobj(stream, spool, DEFAULT_CHUNK_SIZE)
        size = spool.tell()
        spool.seek(0)
        head = spool.read(_HEAD_SIZE)
    except BaseException:
        spool.close()
        raise
    if size == 0:
        spool.close()
        raise InputValidationError("the stream is empty (0 bytes)", parameter="source")

    def reopen() -> BlockReader:
        spool.seek(0)
        return BlockReader(spool, size, owns=False)

    return PreparedSource(
        name=name, size=size, head=head, open=reopen, rewindable=True, cleanup=spool.close
    )
