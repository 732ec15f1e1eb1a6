"""The emulator's account: credits, stored files, upload slots and jobs, behind one lock.

Files live in a private ``mkdtemp`` directory (mode 0o700) under random 32-character ids; the
user's file name only appears in URLs, so no name can reach outside the directory. Everything is
bounded: stored bytes, upload size and the job table, and expired entries are swept lazily (at
most once a second of emulator time) and whenever the clock is advanced.
"""

from __future__ import annotations

import io
import os
import secrets
import shutil
import string
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Callable, Optional

from pdfco_client._prices import CALL_CREDITS, PAGE_CREDITS

__all__ = [
    "CREDIT_COSTS",
    "ID_ALPHABET",
    "PAGE_CREDITS",
    "Clock",
    "Job",
    "JobTableFullError",
    "ObjectTooLargeError",
    "State",
    "StorageFullError",
    "StoredObject",
    "UploadSlot",
    "new_id",
]

#: The prices this emulator charges (the package's one price table, which the mock uses too).
CREDIT_COSTS: Mapping[str, int] = CALL_CREDITS

ID_ALPHABET = string.ascii_uppercase + string.digits
_CHUNK = 64 * 1024
_SWEEP_INTERVAL = 1.0


def new_id() -> str:
    """A PDF.co-style id: 32 upper-case alphanumerics."""
    return "".join(secrets.choice(ID_ALPHABET) for _ in range(32))


class Clock:
    """Wall-clock time plus an offset that tests move forward with :meth:`advance`."""

    def __init__(self, source: Callable[[], float] = time.time) -> None:
        self._source = source
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return self._source() + self._offset

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the emulator clock only moves forward")
        with self._lock:
            self._offset += seconds


class ObjectTooLargeError(Exception):
    """An upload bigger than the configured cap."""


class StorageFullError(Exception):
    """Storing the object would exceed the emulator's total storage cap."""


class JobTableFullError(Exception):
    """Too many unfinished background jobs."""


@dataclass
class StoredObject:
    object_id: str
    name: str
    content_type: str
    path: Path
    size: int
    expires_at: float
    """Emulator-clock time after which the object is gone."""
    available_after: float = 0.0
    """``time.monotonic()`` before which storage answers 404 (async results before success)."""
    expired: bool = False
    """Forced expiry (fault injection): storage answers 403 as S3 does for an expired link."""


@dataclass
class UploadSlot:
    """A presigned PUT target: the object id and name the PUT will create."""

    object_id: str
    name: str
    content_type: Optional[str]
    expires_at: float
    object_ttl: float


@dataclass
class Job:
    """An async job: ``status`` is the outcome; clients see it through :meth:`visible_status`."""

    job_id: str
    endpoint: str
    url: str
    name: str
    output_valid_till: str
    created_at: float
    expires_at: float
    visible_after: float
    """``time.monotonic()`` before which the job reports ``working`` (job_min_duration)."""
    page_rate: int
    first_page_credits: int
    status: str = "working"
    stuck: bool = False
    page_count: int = 0
    error_code: int = 0
    message: str = ""
    finished_monotonic: Optional[float] = None
    settled: bool = False

    def visible_status(self, now_monotonic: float) -> str:
        if self.stuck or self.status == "working" or now_monotonic < self.visible_after:
            return "working"
        return self.status


class State:
    """Thread-safe store of the emulator's account, files and jobs."""

    def __init__(
        self,
        *,
        clock: Clock,
        credits: int,
        max_stored_bytes: int,
        max_jobs: int = 10_000,
    ) -> None:
        self.clock = clock
        # mkdtemp creates the directory with mode 0o700: other local users cannot read uploads.
        self.root = Path(os.path.realpath(tempfile.mkdtemp(prefix="pdfco-emu-")))
        self._lock = threading.RLock()
        self._credits = credits
        self._max_stored_bytes = max_stored_bytes
        self._stored_bytes = 0
        self._max_jobs = max_jobs
        self._objects: dict[str, StoredObject] = {}
        self._slots: dict[str, UploadSlot] = {}
        self._jobs: dict[str, Job] = {}
        self._last_sweep = clock.now()
        self._closed = False

    # -- credits --------------------------------------------------------------------------
    @property
    def credits(self) -> int:
        with self._lock:
            return self._credits

    @credits.setter
    def credits(self, value: int) -> None:
        with self._lock:
            self._credits = int(value)

    def charge(self, amount: int) -> Optional[int]:
        """Take ``amount`` credits; return the new balance, or ``None`` if it cannot pay."""
        with self._lock:
            if self._credits < amount:
                return None
            self._credits -= amount
            return self._credits

    def charge_up_to(self, amount: int) -> tuple[int, int]:
        """Take as much of ``amount`` as the balance allows; return (charged, balance)."""
        with self._lock:
            charged = max(0, min(amount, self._credits))
            self._credits -= charged
            return charged, self._credits

    def refund(self, amount: int) -> int:
        with self._lock:
            self._credits += amount
            return self._credits

    # -- stored objects -------------------------------------------------------------------
    def reserve_upload(
        self, name: str, content_type: Optional[str], put_ttl: float, object_ttl: float
    ) -> UploadSlot:
        slot = UploadSlot(new_id(), name, content_type, self.clock.now() + put_ttl, object_ttl)
        with self._lock:
            self._slots[slot.object_id] = slot
        return slot

    def get_slot(self, object_id: str) -> Optional[UploadSlot]:
        with self._lock:
            slot = self._slots.get(object_id)
            if slot is not None and slot.expires_at <= self.clock.now():
                del self._slots[object_id]
                return None
            return slot

    def store_stream(
        self,
        object_id: str,
        name: str,
        content_type: str,
        stream: IO[bytes],
        *,
        max_bytes: int,
        ttl: float,
        length: Optional[int] = None,
        available_after: float = 0.0,
        expired: bool = False,
    ) -> StoredObject:
        """Copy ``stream`` to disk in chunks (never whole in memory) and register the object.

        Raises :class:`ObjectTooLargeError` past ``max_bytes`` and :class:`StorageFullError`
        past the total cap; a partial file never stays behind.
        """
        if length is not None and length > max_bytes:
            raise ObjectTooLargeError(f"{length} bytes is over the {max_bytes}-byte limit")
        final = self.root / object_id
        partial = self.root / f"{object_id}.{secrets.token_hex(4)}.part"
        written = 0
        try:
            with open(partial, "xb") as out:
                while length is None or written < length:
                    want = _CHUNK if length is None else min(_CHUNK, length - written)
                    chunk = stream.read(want)
                    if not chunk:
                        break
                    written += len(chunk)
                    if written > max_bytes:
                        raise ObjectTooLargeError(f"upload is over the {max_bytes}-byte limit")
                    with self._lock:
                        if self._stored_bytes + written > self._max_stored_bytes:
                            raise StorageFullError("the emulator's storage is full")
                    out.write(chunk)
            with self._lock:
                if self._closed:
                    raise StorageFullError("the emulator is shutting down")
                previous = self._objects.pop(object_id, None)
                if previous is not None:
                    self._stored_bytes -= previous.size
                os.replace(partial, final)
                stored = StoredObject(
                    object_id=object_id,
                    name=name,
                    content_type=content_type,
                    path=final,
                    size=written,
                    expires_at=self.clock.now() + ttl,
                    available_after=available_after,
                    expired=expired,
                )
                self._objects[object_id] = stored
                self._stored_bytes += written
                return stored
        finally:
            # After a successful os.replace the partial name is gone and this does nothing.
            partial.unlink(missing_ok=True)

    def store_bytes(
        self,
        object_id: str,
        name: str,
        content_type: str,
        data: bytes,
        *,
        ttl: float,
        available_after: float = 0.0,
        expired: bool = False,
    ) -> StoredObject:
        return self.store_stream(
            object_id,
            name,
            content_type,
            io.BytesIO(data),
            max_bytes=len(data),
            ttl=ttl,
            length=len(data),
            available_after=available_after,
            expired=expired,
        )

    def get_object(self, object_id: str) -> Optional[StoredObject]:
        """The live object with this id; an object past its expiry is deleted on the way."""
        with self._lock:
            stored = self._objects.get(object_id)
            if stored is not None and stored.expires_at <= self.clock.now():
                self._drop(object_id)
                return None
            return stored

    def read_object(self, stored: StoredObject) -> bytes:
        return stored.path.read_bytes()

    def delete_object(self, object_id: str) -> bool:
        with self._lock:
            self._slots.pop(object_id, None)
            return self._drop(object_id)

    def _drop(self, object_id: str) -> bool:
        stored = self._objects.pop(object_id, None)
        if stored is None:
            return False
        self._stored_bytes -= stored.size
        # A download in progress keeps its open descriptor; on POSIX unlinking is safe.
        stored.path.unlink(missing_ok=True)
        return True

    @property
    def stored_bytes(self) -> int:
        with self._lock:
            return self._stored_bytes

    # -- jobs -----------------------------------------------------------------------------
    def add_job(self, job: Job) -> None:
        with self._lock:
            if len(self._jobs) >= self._max_jobs:
                self.sweep(force=True)
            if len(self._jobs) >= self._max_jobs:
                finished = [j for j in self._jobs.values() if j.status != "working"]
                if not finished:
                    raise JobTableFullError("too many background jobs are running")
                oldest = min(finished, key=lambda j: j.created_at)
                del self._jobs[oldest.job_id]
            self._jobs[job.job_id] = job

    def get_job(self, job_id: str) -> Optional[Job]:
        with self._lock:
            return self._jobs.get(job_id)

    def finish_job(
        self,
        job: Job,
        status: str,
        *,
        page_count: int = 0,
        error_code: int = 0,
        message: str = "",
        stuck: bool = False,
    ) -> None:
        with self._lock:
            job.status = status
            job.page_count = page_count
            job.error_code = error_code
            job.message = message
            job.stuck = stuck
            job.finished_monotonic = time.monotonic()

    def settle_job(self, job: Job) -> int:
        """Bill (success) or refund (failure) a job once, when a client first sees it end.

        PDF.co charges the first page when the job starts and the rest on the first successful
        job check; a failed job gives the first page back. Returns the credits taken (negative
        for a refund).
        """
        with self._lock:
            if job.settled:
                return 0
            job.settled = True
            if job.status == "success":
                charged, _ = self.charge_up_to(job.page_rate * max(0, job.page_count - 1))
                return charged
            self.refund(job.first_page_credits)
            return -job.first_page_credits

    @property
    def job_count(self) -> int:
        with self._lock:
            return len(self._jobs)

    # -- expiry and shutdown --------------------------------------------------------------
    def sweep(self, *, force: bool = False) -> None:
        """Delete expired objects, upload slots and finished jobs."""
        now = self.clock.now()
        with self._lock:
            if not force and now - self._last_sweep < _SWEEP_INTERVAL:
                return
            self._last_sweep = now
            for object_id in [k for k, v in self._objects.items() if v.expires_at <= now]:
                self._drop(object_id)
            for object_id in [k for k, v in self._slots.items() if v.expires_at <= now]:
                del self._slots[object_id]
            for job_id in [
                k for k, v in self._jobs.items() if v.expires_at <= now and v.status != "working"
            ]:
                del self._jobs[job_id]

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._objects.clear()
            self._slots.clear()
            self._jobs.clear()
            self._stored_bytes = 0
        shutil.rmtree(self.root, ignore_errors=True)
