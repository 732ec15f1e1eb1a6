"""Many conversions at once: a bounded thread pool, one result per source, unique output paths."""

from __future__ import annotations

import os
import threading
from collections.abc import Generator, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Optional
from urllib.parse import urlsplit

from ._exceptions import InputValidationError
from ._models import ConversionResult, OutputFormat

if TYPE_CHECKING:
    from ._sources import Source

__all__ = ["BatchResult", "OutputPlanner", "run_batch"]


@dataclass(frozen=True)
class BatchResult:
    """The outcome of one source of :meth:`PdfCoClient.convert_many`: a result or an error."""

    source: Any
    """The source as it was given."""
    label: str
    """How the source is named in messages: its path, URL (without query) or position."""
    output_path: Path
    """Where the result was (or would have been) written."""
    result: Optional[ConversionResult] = None
    """The conversion's result, when it succeeded."""
    error: Optional[Exception] = None
    """Why it failed (a :class:`~pdfco_client.PdfCoError` for everything the client foresees)."""

    @property
    def ok(self) -> bool:
        """True when the conversion succeeded."""
        return self.error is None


def _stem_and_label(source: object, index: int) -> tuple[str, str]:
    if isinstance(source, str) and source.lower().startswith(("http://", "https://")):
        parts = urlsplit(source)
        stem = Path(parts.path).stem
        return stem or f"document-{index + 1}", f"{parts.scheme}://{parts.netloc}{parts.path}"
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        return path.stem or f"document-{index + 1}", str(path)
    name = getattr(source, "name", None)
    if isinstance(name, str) and name and not name.startswith("<"):
        return Path(name).stem, name
    return f"document-{index + 1}", f"source #{index + 1}"


class OutputPlanner:
    """Gives each source an output path in ``output_dir`` that no other source of the batch has.

    Two inputs named ``a/report.pdf`` and ``b/report.pdf`` become ``report.xlsx`` and
    ``report-2.xlsx``. Names are compared case-insensitively, as macOS and Windows file systems do.
    """

    def __init__(self, output_dir: Path, output_format: OutputFormat) -> None:
        self.output_dir = output_dir
        self.extension = output_format.extension
        self._taken: set[str] = set()

    def plan(self, source: object, index: int) -> tuple[Path, str]:
        """The output path and the display label of the ``index``-th source."""
        stem, label = _stem_and_label(source, index)
        candidate = f"{stem}.{self.extension}"
        suffix = 2
        while candidate.lower() in self._taken:
            candidate = f"{stem}-{suffix}.{self.extension}"
            suffix += 1
        self._taken.add(candidate.lower())
        return self.output_dir / candidate, label


ConvertOne = Callable[["Source | str", Path, threading.Event], ConversionResult]


def run_batch(
    sources: Iterable[Any],
    convert_one: ConvertOne,
    planner: OutputPlanner,
    *,
    max_workers: int,
) -> Generator[BatchResult, None, None]:
    """Run ``convert_one`` over ``sources`` on ``max_workers`` threads, yielding as each ends.

    Sources are read lazily, with at most ``max_workers`` conversions in flight. When the
    consumer stops early (``break``, an exception, Ctrl-C), running conversions are cancelled at
    their next step (nothing partial is written), queued ones never start, and the pool is shut
    down before the generator returns.
    """
    if isinstance(max_workers, bool) or not isinstance(max_workers, int) or max_workers < 1:
        raise InputValidationError(
            f"max_workers must be a positive integer, not {max_workers!r}", parameter="max_workers"
        )
    # Checked now, not at the first next(): bad arguments fail where the batch is set up.
    return _results(sources, convert_one, planner, max_workers)


def _results(
    sources: Iterable[Any], convert_one: ConvertOne, planner: OutputPlanner, max_workers: int
) -> Generator[BatchResult, None, None]:
    planner.output_dir.mkdir(parents=True, exist_ok=True)
    cancel = threading.Event()
    pending: dict[Future[ConversionResult], tuple[Any, str, Path]] = {}
    iterator = iter(enumerate(sources))
    executor = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="pdfco-batch")
    finished = False
    try:

        def submit_next() -> bool:
            for index, source in iterator:
                output, label = planner.plan(source, index)
                future = executor.submit(convert_one, source, output, cancel)
                pending[future] = (source, label, output)
                return True
            return False

        while len(pending) < max_workers and submit_next():
            pass
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                source, label, output = pending.pop(future)
                error = future.exception()
                if error is None:
                    yield BatchResult(source, label, output, result=future.result())
                elif isinstance(error, Exception):
                    yield BatchResult(source, label, output, error=error)
                else:
                    raise error
                submit_next()
        finished = True
    finally:
        if not finished:
            cancel.set()
            for future in pending:
                future.cancel()
        executor.shutdown(wait=True)
