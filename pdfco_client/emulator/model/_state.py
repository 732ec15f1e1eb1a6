"""The account: credits, stored files, upload slots and jobs, behind one lock.

Files are kept on disk (the emulator: a private ``mkdtemp`` directory, mode 0o700, files named by
random 32-character ids so no user name can reach outside it) or in memory (the in-process mock).
Everything is bounded: stored bytes, upload size and the job table, and expired entries are swept
lazily (at most once a second of model time) and whenever the clock is advanced.
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Callable, Optional

__all__ = [
    "ID_ALPHABET",
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
    """Storing the object would exceed the total storage cap."""


class JobTableFullError(Exception):
    """Too many unfinished background jobs."""


@dataclass
class Job:
    """A background job, as the model runs it and as the mock shows it (``MockJob``).

    It reports ``working`` until it has ended, its ``working_checks`` checks have been answered
    and ``job_min_duration`` has passed since it started (:attr:`state`).
    """

    job_id: str
    endpoint: str
    """The endpoint that started it (``pdf/convert/to/xlsx``)."""
    fmt: Optional[str]
    """Its output format, or ``None`` for an endpoint that is no conversion."""
    name: str
    url: str
    """The signed URL of its result."""
    output_valid_till: str
    created_at: float
    expires_at: float
    visible_after: float
    """``time.monotonic()`` before which the job reports ``working`` (``job_min_duration``)."""
    page_rate: int
    first_page_credits: int
    working_checks: int = 0
    """Checks it answers ``working`` before its end shows."""
    checks: int = 0
    """Checks answered so far."""
    status: str = "working"
    stuck: bool = False
    page_count: int = 0
    error_code: int = 0
    message: str = ""
    finished_monotonic: Optional[float] = None
    settled: bool = False
    """Billed (success) or refunded (failure) already."""

    @property
    def result_url(self) -> str:
        """:attr:`url` without its signature."""
        return self.url.split("?", 1)[0]

    @property
    def outcome(self) -> str:
        """How it ends (or ended): ``success``, ``failed``, ``aborted``, or ``working``."""
        return "working" if self.stuck else self.status

    @property
    def state(self) -> str:
        """What the next check answers: ``working``, or :attr:`outcome` once it shows."""
        if (
            self.stuck
            or self.status == "working"
            or self.checks < self.working_checks
            or time.monotonic() < self.visible_after
        ):
            return "working"
        return self.status


@dataclass
class StoredObject:
    object_id: str
    name: str
    content_type: str
    size: int
    expires_at: float
    """Model-clock time after which the object is gone."""
    kind: str = "upload"
    """``upload`` or ``result``."""
    path: Optional[Path] = None
    data: Optional[bytes] = field(default=None, repr=False)
    job: Optional[Job] = field(default=None, repr=False)
    """The job whose result this is: storage answers 404 while the job reports ``working``."""
    expired: bool = False
    """Forced expiry (fault injection): storage answers 403 as S3 does for an expired link."""

    @property
    def available(self) -> bool:
        return self.job is None or self.job.state != "working"

    def open(self) -> IO[bytes]:
        """The content; raises ``FileNotFoundError`` if it was deleted meanwhile."""
        if self.path is not None:
            return open(self.path, "rb")
        if self.data is None:
            raise FileNotFoundError(self.object_id)
        return io.BytesIO(self.data)

    def read(self) -> bytes:
        with self.open() as handle:
            return handle.read()


@dataclass
class UploadSlot:
    """A presigned PUT target: the object id and name the PUT will create."""

    object_id: str
    name: str
    content_type: Optional[str]
    expires_at: float
    object_ttl: float


class State:
    """Thread-safe store of the account, files and jobs; files on disk unless ``in_memory``."""

    def __init__(
        self,
        *,
        clock: Clock,
        credits: int,
        max_stored_bytes: int,
        max_jobs: int = 10_000,
        in_memory: bool = False,
    ) -> None:
        self.clock = clock
        # mkdtemp creates the directory with mode 0o700: other local users cannot read uploads.
        self.root: Optional[Path] = (
            None if in_memory else Path(os.path.realpath(tempfile.mkdtemp(prefix="pdfco-emu-")))
        )
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
        kind: str = "upload",
        job: Optional[Job] = None,
        expired: bool = False,
    ) -> StoredObject:
        """Copy ``stream`` in chunks (to disk: never whole in memory) and register the object.

        Raises :class:`ObjectTooLargeError` past ``max_bytes`` and :class:`StorageFullError`
        past the total cap; a partial file never stays behind.
        """
        if length is not None and length > max_bytes:
            raise ObjectTooLargeError(f"{length} bytes is over the {max_bytes}-byte limit")
        partial = (
            None if self.root is None else self.root / f"{object_id}.{secrets.token_hex(4)}.part"
        )
        memory = io.BytesIO()
        written = 0
        try:
            with open(partial, "xb") if partial is not None else memory as out:
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
                data = memory.getvalue() if partial is None else None
            with self._lock:
                if self._closed:
                    raise StorageFullError("the emulator is shutting down")
                self._drop(object_id)
                final = None
                if partial is not None and self.root is not None:
                    final = self.root / object_id
                    os.replace(partial, final)
                stored = StoredObject(
                    object_id=object_id,
                    name=name,
                    content_type=content_type,
                    size=written,
                    expires_at=self.clock.now() + ttl,
                    kind=kind,
                    path=final,
                    data=data,
                    job=job,
                    expired=expired,
                )
                self._objects[object_id] = stored
                self._stored_bytes += written
                return stored
        finally:
            # After a successful os.replace the partial name is gone and this does nothing.
            if partial is not None:
                partial.unlink(missing_ok=True)

    def store_bytes(
        self,
        object_id: str,
        name: str,
        content_type: str,
        data: bytes,
        *,
        ttl: float,
        kind: str = "result",
        job: Optional[Job] = None,
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
            kind=kind,
            job=job,
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

    def objects(self) -> list[StoredObject]:
        """The live objects, oldest first."""
        with self._lock:
            now = self.clock.now()
            return [o for o in self._objects.values() if o.expires_at > now]

    def delete_object(self, object_id: str) -> bool:
        with self._lock:
            self._slots.pop(object_id, None)
            return self._drop(object_id)

    def _drop(self, object_id: str) -> bool:
        stored = self._objects.pop(object_id, None)
        if stored is None:
            return False
        self._stored_bytes -= stored.size
        if stored.path is not None:
            # A download in progress keeps its open descriptor; on POSIX unlinking is safe.
            stored.path.unlink(missing_ok=True)
        stored.data = None
        return True

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

    def jobs(self) -> list[Job]:
        with self._lock:
            return list(self._jobs.values())

    def check_job(self, job: Job) -> str:
        """Count one check of ``job`` and return what it answers (``working`` or its end)."""
        with self._lock:
            state = job.state
            job.checks += 1
            return state

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
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
