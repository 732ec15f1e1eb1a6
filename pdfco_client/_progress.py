"""Typed progress events, and the throttle that keeps them from slowing a transfer.

A client built with ``on_progress=callback`` calls ``callback(event)`` with one of the events
below. Byte counts are reported at most every :data:`MIN_INTERVAL` seconds, plus once at the end,
so a callback that draws a progress bar costs nothing noticeable on a fast link.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Callable, Optional, Union

from ._models import JobState
from ._policies import Clock

#: Seconds between two byte-count events of one transfer.
MIN_INTERVAL = 0.1

#: The source a one-call conversion is working on, in its own thread: every event it causes
#: carries it, so a batch's progress display can tell files apart (retries included).
current_source: ContextVar[Optional[str]] = ContextVar("pdfco_current_source", default=None)


@dataclass(frozen=True)
class UploadProgress:
    """Bytes of an upload sent so far."""

    name: str
    sent: int
    total: Optional[int]
    source: Optional[str] = None
    """The conversion's source label (see :attr:`BatchResult.label`), inside a conversion."""


@dataclass(frozen=True)
class DownloadProgress:
    """Bytes of a download received so far."""

    destination: Optional[str]
    received: int
    total: Optional[int]
    source: Optional[str] = None


@dataclass(frozen=True)
class JobStarted:
    """A conversion job was started (and may be billed): keep its id to resume it."""

    job_id: str
    output_format: str
    source: Optional[str]


@dataclass(frozen=True)
class JobStateChanged:
    """A job check saw a new state."""

    job_id: str
    state: JobState
    elapsed: float
    checks: int
    source: Optional[str] = None


@dataclass(frozen=True)
class RetryScheduled:
    """A request failed and will be sent again after ``delay`` seconds."""

    attempt: int
    delay: float
    error: BaseException
    source: Optional[str] = None


ProgressEvent = Union[UploadProgress, DownloadProgress, JobStarted, JobStateChanged, RetryScheduled]
ProgressCallback = Callable[[ProgressEvent], None]


class ByteCounter:
    """Counts a transfer's bytes and emits throttled events through ``emit``."""

    def __init__(
        self,
        emit: Optional[Callable[[int, bool], None]],
        clock: Clock,
    ) -> None:
        self._emit = emit
        self._clock = clock
        self._last = float("-inf")
        self.count = 0

    def add(self, size: int) -> None:
        """Count ``size`` more bytes; report if enough time has passed."""
        self.count += size
        if self._emit is None:
            return
        now = self._clock()
        if now - self._last >= MIN_INTERVAL:
            self._last = now
            self._emit(self.count, False)

    def finish(self) -> None:
        """Report the final count, whatever the throttle says."""
        if self._emit is not None:
            self._emit(self.count, True)
