"""``pdfco convert``'s engine: inputs to files, progress events to files, results to records."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

from pdfco_client import (
    BatchResult,
    ConversionCancelledError,
    DownloadProgress,
    JobStarted,
    JobStateChanged,
    OutputFormat,
    OutputPlanner,
    PdfCoClient,
    ProgressCallback,
    ProgressEvent,
    RetryScheduled,
    UploadProgress,
)

from ._exit import ExitCode, batch_exit_code, exit_code_for
from ._output import (
    CANCELLED,
    CONVERTED,
    FAILED,
    INTERRUPTED,
    SKIPPED,
    BatchView,
    FileRecord,
)

__all__ = ["FORMATS", "BatchOutcome", "expand_inputs", "run_batch"]

#: ``--to`` values and the format each one asks PDF.co for.
FORMATS: dict[str, OutputFormat] = {
    "xlsx": OutputFormat.XLSX,
    "xls": OutputFormat.XLS,
    "csv": OutputFormat.CSV,
    "json": OutputFormat.JSON2,  # PDF.co's current JSON, as convert_pdf_to_json uses
    "text": OutputFormat.TEXT,
    "html": OutputFormat.HTML,
    "xml": OutputFormat.XML,
}


def expand_inputs(arguments: Iterable[str], *, recursive: bool) -> list[Path]:
    """Directories become their ``*.pdf`` files (sorted); anything else is kept as given.

    A file named twice (``a.pdf`` and ``./a.pdf``) is converted once. Hidden files found in a
    directory (``._report.pdf`` from macOS, say) are left out.
    """
    found: list[Path] = []
    seen: set[str] = set()
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            candidates = path.rglob("*") if recursive else path.iterdir()
            paths = sorted(
                p
                for p in candidates
                if p.suffix.lower() == ".pdf" and not p.name.startswith(".") and p.is_file()
            )
        else:
            paths = [path]
        for candidate in paths:
            key = os.path.normcase(os.path.abspath(candidate))
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    return found


class Tracker:
    """Routes the client's progress events to the file records they belong to.

    Events arrive on the worker threads; each names its conversion's source (``event.source``,
    the label ``convert_many`` gives the file), which is how they find their record.
    """

    def __init__(self, records: Sequence[FileRecord], view: BatchView, clock: Callable[[], float]):
        self._view = view
        self._clock = clock
        self._lock = threading.Lock()
        self._by_source = {record.source: record for record in records}
        self.started_at: dict[int, float] = {}

    def __call__(self, event: ProgressEvent) -> None:
        record = self._by_source.get(event.source or "")
        if record is None:
            return
        with self._lock:
            self.started_at.setdefault(id(record), self._clock())
            action = self._action(record, event)
        if action is not None:
            action(record)

    def _action(
        self, record: FileRecord, event: ProgressEvent
    ) -> Optional[Callable[[FileRecord], None]]:
        view = self._view
        if isinstance(event, UploadProgress):
            record.status = "uploading"
            sent, total = event.sent, event.total
            return lambda r: view.transfer(r, "upload", sent, total)
        if isinstance(event, JobStarted):
            record.job_id = event.job_id
            record.status = "working"
            return view.job_started
        if isinstance(event, JobStateChanged):
            checks = f"{event.checks} check{'' if event.checks == 1 else 's'}"
            text = f"{event.state.value} (job {event.job_id}, {checks})"
            return lambda r: view.note(r, text)
        if isinstance(event, DownloadProgress):
            record.status = "downloading"
            received, total = event.received, event.total
            return lambda r: view.transfer(r, "download", received, total)
        if isinstance(event, RetryScheduled):
            text = f"retry {event.attempt} in {event.delay:.1f} s ({type(event.error).__name__})"
            return lambda r: view.note(r, text)
        return None


@dataclass
class BatchOutcome:
    """Every file of the batch with its outcome, and whether Ctrl-C stopped it."""

    records: list[FileRecord]
    interrupted: bool = False
    unfinished_jobs: list[FileRecord] = field(default_factory=list)

    @property
    def exit_code(self) -> ExitCode:
        if self.interrupted:
            return ExitCode.INTERRUPTED
        failures = [
            exit_code_for(r.error) if r.error is not None else ExitCode.PARTIAL
            for r in self.records
            if not r.ok
        ]
        return batch_exit_code(failures, any_succeeded=any(r.ok for r in self.records))


def plan_records(inputs: Sequence[Path], fmt: OutputFormat, output_dir: Path) -> list[FileRecord]:
    """A record per input with the output path ``convert_many`` will choose for it."""
    planner = OutputPlanner(output_dir, fmt)
    records = []
    for index, path in enumerate(inputs):
        output, label = planner.plan(path, index)
        records.append(FileRecord(source=label, output=str(output)))
    return records


def run_batch(
    make_client: Callable[[ProgressCallback], PdfCoClient],
    inputs: Sequence[Path],
    fmt: OutputFormat,
    output_dir: Path,
    view: BatchView,
    *,
    workers: int,
    overwrite: bool,
    options: dict[str, Any],
    clock: Callable[[], float] = time.monotonic,
) -> BatchOutcome:
    """Convert ``inputs`` with ``client.convert_many``, showing progress on ``view``.

    Ctrl-C closes the batch, which cancels conversions in flight without partial files; the
    files whose job had started are returned in ``unfinished_jobs`` to be resumed.
    """
    records = plan_records(inputs, fmt, output_dir)
    by_source = {record.source: record for record in records}
    tracker = Tracker(records, view, clock)
    client = make_client(tracker)
    view.begin(records)
    results = client.convert_many(
        inputs,
        fmt,
        output_dir=output_dir,
        max_workers=workers,
        skip_existing=not overwrite,
        overwrite=True,
        **options,
    )
    outcome = BatchOutcome(records)

    def settle(item: BatchResult) -> None:
        record = by_source[item.label]
        _settle(record, item, tracker.started_at.get(id(record)), clock)
        view.finished(record)

    try:
        for item in results:
            settle(item)
    except KeyboardInterrupt:
        outcome.interrupted = True
    finally:
        # Closing the batch cancels conversions in flight at their next step and waits for its
        # threads, so no partial file is left once this returns; what it hands back are the
        # outcomes not yet shown, with the ids of the jobs that had started. A second Ctrl-C
        # during that wait says what it waits for; a third quits at once, listing the jobs.
        interrupts = 0
        while True:
            try:
                leftovers = results.close()
                break
            except KeyboardInterrupt:
                outcome.interrupted = True
                interrupts += 1
                if interrupts == 1:
                    print(
                        "pdfco: stopping the conversions in flight (no partial files are "
                        "kept); press Ctrl-C again to quit at once",
                        file=sys.stderr,
                        flush=True,
                    )
                else:
                    _quit_now(records)
    for item in leftovers:
        record = by_source[item.label]
        if isinstance(item.error, ConversionCancelledError):
            record.job_id = item.error.job_id or record.job_id
            record.status = INTERRUPTED if record.job_id else CANCELLED
            if record.job_id:
                outcome.unfinished_jobs.append(record)
        else:
            settle(item)
    if outcome.interrupted:
        for record in records:
            if record.status not in (CONVERTED, SKIPPED, FAILED, INTERRUPTED, CANCELLED):
                record.status = CANCELLED  # never reached a worker
    return outcome


def _quit_now(records: Sequence[FileRecord]) -> None:
    # The worker threads cannot be interrupted; a user who insists gets the started jobs from
    # the progress events, and the process ends without waiting (partial .part files may stay).
    started = [r for r in records if r.job_id and r.status not in (CONVERTED, SKIPPED, FAILED)]
    if started:
        print("pdfco: these jobs were started; resume with:", file=sys.stderr)
        for record in started:
            print(f"  pdfco job wait {record.job_id} --download {record.output}", file=sys.stderr)
    sys.stderr.flush()
    sys.stdout.flush()
    os._exit(int(ExitCode.INTERRUPTED))


def _settle(
    record: FileRecord,
    item: BatchResult,
    started: Optional[float],
    clock: Callable[[], float],
) -> None:
    if item.skipped:
        record.status = SKIPPED  # the output was already there: nothing was sent
        return
    if item.result is not None:
        result = item.result
        record.status = CONVERTED
        record.pages = result.page_count
        record.credits = result.credits
        record.seconds = result.duration
        record.job_id = result.job_id
        record.remaining_credits = result.remaining_credits
        return
    error = item.error
    record.status = FAILED
    record.error = error
    record.credits = getattr(error, "credits_spent", None)
    if started is not None:
        record.seconds = clock() - started
    job_id = getattr(error, "job_id", None)
    if isinstance(job_id, str):
        record.job_id = job_id
