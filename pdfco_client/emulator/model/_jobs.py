"""Who runs background jobs: a bounded worker pool (the emulator) or the caller (the mock).

The in-process mock runs a job at once, inside the request that starts it, so its jobs are
deterministic: they move on with each check (``working_checks``), never with time.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

from ._state import JobTableFullError

__all__ = ["InlineRunner", "JobRunner"]


class JobRunner:
    """``workers`` threads and at most ``max_pending`` queued or running jobs."""

    def __init__(self, workers: int, max_pending: int) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pdfco-emu-job")
        self._slots = threading.BoundedSemaphore(max_pending)
        #: Set by :meth:`close`: jobs waiting (for a webhook, say) give up at once.
        self.stopping = threading.Event()

    def submit(self, work: Callable[[], None]) -> None:
        """Queue ``work``; raises :class:`JobTableFullError` when the queue is full."""
        if not self._slots.acquire(blocking=False):
            raise JobTableFullError("too many background jobs are queued")

        def run() -> None:
            try:
                work()
            finally:
                self._slots.release()

        try:
            self._pool.submit(run)
        except RuntimeError as exc:  # the pool is shutting down
            self._slots.release()
            raise JobTableFullError("the emulator is shutting down") from exc

    def close(self) -> None:
        """Drop queued jobs and wait for the running ones."""
        self.stopping.set()
        self._pool.shutdown(wait=True, cancel_futures=True)


class InlineRunner:
    """Runs each job in the caller's thread, before :meth:`submit` returns."""

    def __init__(self) -> None:
        self.stopping = threading.Event()

    def submit(self, work: Callable[[], None]) -> None:
        work()

    def close(self) -> None:
        self.stopping.set()
