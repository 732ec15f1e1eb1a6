"""Many conversions at once: a bounded thread pool, one result per source, unique output paths."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Optional
from urllib.parse import urlsplit

from ._exceptions import ConversionCancelledError, InputValidationError, OutputWriteError
from ._models import ConversionResult, OutputFormat
from ._sources import describe_source

if TYPE_CHECKING:
    from ._sources import Source

__all__ = ["BatchResult", "BatchRun", "OutputPlanner"]


@dataclass(frozen=True)
class BatchResult:
    """The outcome of one source of :meth:`PdfCoClient.convert_many`."""

    source: Any
    """The source as it was given."""
    label: str
    """How the source is named in messages and progress events (``event.source``): its path,
    its URL without the query, or its position (``source #3``) when it has no name."""
    output_path: Path
    """Where the result was (or would have been) written."""
    result: Optional[ConversionResult] = None
    """The conversion's result, when it ran and succeeded."""
    error: Optional[Exception] = None
    """Why it failed (a :class:`~pdfco_client.PdfCoError` for everything the client foresees;
    its ``credits_spent`` says what the attempt cost)."""
    skipped: bool = False
    """True when ``skip_existing`` found the output already there: nothing was sent."""

    @property
    def ok(self) -> bool:
        """True when the source was converted, or skipped as already done."""
        return self.error is None


def _stem(source: object, label: Optional[str], index: int) -> str:
    if isinstance(source, str) and label is not None and "://" in label:
        stem = Path(urlsplit(label).path).stem
    else:
        stem = Path(label).stem if label else ""
    return stem or f"document-{index + 1}"


class OutputPlanner:
    """Gives each source an output path in ``output_dir`` that no other source of the batch has.

    Two inputs named ``a/report.pdf`` and ``b/report.pdf`` become ``report.xlsx`` and
    ``report-2.xlsx``, in the order the sources come. Names are compared case-insensitively, as
    macOS and Windows file systems do. A caller can plan a batch ahead (to show it) and get the
    same paths :meth:`PdfCoClient.convert_many` will use.
    """

    def __init__(self, output_dir: Path, output_format: OutputFormat) -> None:
        self.output_dir = output_dir
        self.extension = output_format.extension
        self._taken: set[str] = set()

    def plan(self, source: object, index: int) -> tuple[Path, str]:
        """The output path and the label of the ``index``-th (0-based) source."""
        described = describe_source(source)
        label = described if described is not None else f"source #{index + 1}"
        stem = _stem(source, described, index)
        candidate = f"{stem}.{self.extension}"
        suffix = 2
        while candidate.lower() in self._taken:
            candidate = f"{stem}-{suffix}.{self.extension}"
            suffix += 1
        self._taken.add(candidate.lower())
        return self.output_dir / candidate, label


ConvertOne = Callable[["Source | str", Path, threading.Event], ConversionResult]


class BatchRun(Iterator[BatchResult]):
    """The running batch :meth:`PdfCoClient.convert_many` returns: iterate it for results.

    Sources are read lazily, with at most ``max_workers`` conversions in flight, and results
    come in completion order. :meth:`close` (also called when the run is garbage-collected, or
    used as a context manager) stops the batch: running conversions are cancelled at their next
    step (nothing partial is written), queued ones never start, the pool is shut down, and the
    outcomes not yet yielded are returned, so a caller interrupted by Ctrl-C still learns which
    jobs had started (``ConversionCancelledError.job_id``) and which files were written.
    """

    def __init__(
        self,
        sources: Iterable[Any],
        convert_one: ConvertOne,
        planner: OutputPlanner,
        *,
        max_workers: int,
        skip_existing: bool,
    ) -> None:
        if isinstance(max_workers, bool) or not isinstance(max_workers, int) or max_workers < 1:
            raise InputValidationError(
                f"max_workers must be a positive integer, not {max_workers!r}",
                parameter="max_workers",
            )
        try:
            planner.output_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputWriteError(
                f"cannot create {planner.output_dir}: {exc.strerror or exc}"
            ) from exc
        self._convert_one = convert_one
        self._planner = planner
        self._skip_existing = skip_existing
        self._max_workers = max_workers
        self._sources = iter(enumerate(sources))
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._pending: dict[Future[ConversionResult], tuple[Any, str, Path]] = {}
        self._ready: list[BatchResult] = []
        self._executor: Optional[ThreadPoolExecutor] = ThreadPoolExecutor(
            max_workers=max_workers, thread_name_prefix="pdfco-batch"
        )

    def __iter__(self) -> BatchRun:
        return self

    def __next__(self) -> BatchResult:
        try:
            while True:
                with self._lock:
                    self._fill()
                    if self._ready:
                        return self._ready.pop(0)
                    if not self._pending:
                        self._shutdown()
                        raise StopIteration
                    in_flight = list(self._pending)
                # Waiting outside the lock lets close() run from another thread meanwhile.
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                with self._lock:
                    for future in done:
                        if future in self._pending:  # close() may have collected it already
                            self._ready.append(self._outcome(future))
        except (StopIteration, GeneratorExit):
            raise
        except BaseException:
            # Ctrl-C or a failing source iterator: stop the workers first; a later close()
            # still returns what had not been yielded.
            self._stop()
            raise

    def _fill(self) -> None:
        # Under the lock. Skipped sources are settled at once; each conversion takes a slot.
        while self._executor is not None and len(self._pending) < self._max_workers:
            item = next(self._sources, None)
            if item is None:
                return
            index, source = item
            output, label = self._planner.plan(source, index)
            if self._skip_existing and output.exists():
                self._ready.append(BatchResult(source, label, output, skipped=True))
                continue
            future = self._executor.submit(self._convert_one, source, output, self._cancel)
            self._pending[future] = (source, label, output)

    def _outcome(self, future: Future[ConversionResult]) -> BatchResult:
        source, label, output = self._pending.pop(future)
        if future.cancelled():
            return BatchResult(source, label, output, error=ConversionCancelledError())
        error = future.exception()
        if error is None:
            return BatchResult(source, label, output, result=future.result())
        if isinstance(error, Exception):
            return BatchResult(source, label, output, error=error)
        raise error  # KeyboardInterrupt or SystemExit inside a worker: not a per-file outcome

    def close(self) -> list[BatchResult]:
        """Stop the batch and return the outcomes that were not yielded yet.

        Safe to call from another thread than the one iterating (a "cancel" button): the
        iteration then ends, and the outcomes go to whichever caller collects them first.
        """
        self._stop()
        with self._lock:
            leftovers, self._ready = self._ready, []
        return leftovers

    def _stop(self) -> None:
        self._cancel.set()
        with self._lock:
            executor, self._executor = self._executor, None
            for future in self._pending:
                future.cancel()
        if executor is not None:
            # Outside the lock: the running conversions end at their next step.
            executor.shutdown(wait=True)
        with self._lock:
            self._ready.extend(self._outcome(future) for future in list(self._pending))

    def _shutdown(self) -> None:
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True)

    def __enter__(self) -> BatchRun:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __del__(self) -> None:
        # An abandoned run must not leave worker threads converting (and spending) forever.
        if getattr(self, "_executor", None) is not None:
            self._cancel.set()
            for future in self._pending:
                future.cancel()
            self._executor.shutdown(wait=False)  # type: ignore[union-attr]
