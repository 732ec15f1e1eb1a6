"""Writing a file so that readers see either nothing or the whole file, never a part of it."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

from ._exceptions import InputValidationError, OutputWriteError

PARTIAL_SUFFIX = ".part"


def check_destination(destination: Path, *, overwrite: bool) -> Path:
    """Refuse a destination that cannot be written, before any credits are spent."""
    if destination.is_dir():
        raise InputValidationError(f"output is a directory: {destination}", parameter="output")
    if destination.exists() and not overwrite:
        raise InputValidationError(
            f"output already exists: {destination} (pass overwrite=True to replace it)",
            parameter="output",
        )
    parent = destination.parent
    if parent.exists() and not parent.is_dir():
        raise InputValidationError(f"not a directory: {parent}", parameter="output")
    if parent.exists() and not os.access(parent, os.W_OK | os.X_OK):
        raise InputValidationError(f"cannot write to directory {parent}", parameter="output")
    return destination


@contextmanager
def atomic_write(destination: Path, *, overwrite: bool = True) -> Iterator[BinaryIO]:
    """Yield a temporary file beside ``destination``; move it into place on success.

    On any failure, ``KeyboardInterrupt`` included, the temporary file is removed and an existing
    ``destination`` is left untouched. With ``overwrite=False`` a file that appeared at
    ``destination`` meanwhile (another process) is not replaced either. File-system failures
    raise :class:`OutputWriteError`.
    """
    # The name is cut so that a long but valid destination name still leaves room for ours.
    stem = destination.name[:200]
    temporary = destination.with_name(f".{stem}.{secrets.token_hex(6)}{PARTIAL_SUFFIX}")
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        # os.open applies the umask to 0o666: the result gets the permissions any new file would.
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        descriptor = os.open(temporary, flags, 0o666)
    except OSError as exc:
        raise OutputWriteError(f"cannot write {destination}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(descriptor, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        _publish(temporary, destination, overwrite)
    except BaseException as exc:
        with suppress(FileNotFoundError):
            temporary.unlink()
        if isinstance(exc, OSError) and not isinstance(
            exc, (InputValidationError, OutputWriteError)
        ):
            raise OutputWriteError(f"cannot write {destination}: {exc.strerror or exc}") from exc
        raise


def _publish(temporary: Path, destination: Path, overwrite: bool) -> None:
    if overwrite:
        os.replace(temporary, destination)
        return
    # link() refuses an existing name atomically, where "check, then replace" could clobber a
    # file another process wrote in between.
    try:
        os.link(temporary, destination)
    except FileExistsError:
        raise InputValidationError(
            f"output already exists: {destination} (pass overwrite=True to replace it)",
            parameter="output",
        ) from None
    except OSError:
        # No hard links here (some network and FAT file systems): check, then replace.
        if destination.exists():
            raise InputValidationError(
                f"output already exists: {destination} (pass overwrite=True to replace it)",
                parameter="output",
            ) from None
        os.replace(temporary, destination)
        return
    temporary.unlink()
