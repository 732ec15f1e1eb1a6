"""Writing a file so that readers see either nothing or the whole file, never a part of it."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

from ._exceptions import InputValidationError

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
def atomic_write(destination: Path) -> Iterator[BinaryIO]:
    """Yield a temporary file beside ``destination``; rename it into place on success.

    On any failure, ``KeyboardInterrupt`` included, the temporary file is removed and an existing
    ``destination`` is left untouched.
    """
    destination.parent.mkdir(parents=True, exist_ok=True)
    temporary = destination.with_name(f".{destination.name}.{secrets.token_hex(6)}{PARTIAL_SUFFIX}")
    # os.open applies the umask to 0o666, so the result gets the permissions any new file would.
    descriptor = os.open(
        temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, destination)
    except BaseException:
        with suppress(FileNotFoundError):
            temporary.unlink()
        raise
