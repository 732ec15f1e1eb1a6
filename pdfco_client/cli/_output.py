"""How the command shows things: rich progress on a terminal, plain lines otherwise, JSON on ask.

Every text that leaves the command goes through :meth:`Masker.mask`, so the API key never
appears in output even if some message were to carry it.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from typing import Any, Optional, TextIO

import click
from rich import box
from rich.console import Console
from rich.filesize import decimal
from rich.markup import escape
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from pdfco_client._exceptions import APIError, JobFailedError

from ._exit import exit_code_for

__all__ = [
    "BatchView",
    "FileRecord",
    "Masker",
    "PlainView",
    "QuietView",
    "RichView",
    "error_dict",
    "make_console",
    "print_json",
    "render_summary",
]

#: Statuses a file of a batch can end in.
CONVERTED = "converted"
SKIPPED = "skipped"
FAILED = "failed"
#: Stopped by Ctrl-C after its job was started at PDF.co: it may still finish there.
INTERRUPTED = "interrupted"
#: Stopped by Ctrl-C before any job was started for it.
CANCELLED = "cancelled"


#: Shorter secrets are not masked: replacing every "ok" would garble the output and hide nothing.
MIN_MASKED_LENGTH = 6


class Masker:
    """Replaces secrets (the API key, PDF passwords) in any text the command prints."""

    def __init__(self) -> None:
        self._secrets: list[str] = []

    def add(self, secret: str) -> None:
        if len(secret) >= MIN_MASKED_LENGTH and secret not in self._secrets:
            self._secrets.append(secret)

    def mask(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text


def error_dict(error: BaseException, masker: Masker) -> dict[str, Any]:
    """An error as JSON: its type, message, exit code and what a script may act on."""
    data: dict[str, Any] = {
        "type": type(error).__name__,
        "message": masker.mask(str(error)),
        "exit_code": int(exit_code_for(error)),
    }
    job_id = getattr(error, "job_id", None)
    if isinstance(job_id, str):
        data["job_id"] = job_id
    if isinstance(error, APIError):
        data["status_code"] = error.status_code
    if isinstance(error, JobFailedError) and error.error_code is not None:
        data["error_code"] = error.error_code
    return data


def print_json(document: Any, masker: Masker) -> None:
    """Write one JSON document to stdout."""
    click.echo(masker.mask(json.dumps(document, indent=2, default=str)))


def make_console(stream: TextIO, *, terminal: bool) -> Console:
    """A rich console on ``stream``: colours and live bars only when it is a terminal."""
    if terminal:
        return Console(file=stream, force_terminal=True, highlight=False)
    # Logs and pipes are read later and wider: do not fold paths at 80 columns.
    width = None if os.environ.get("COLUMNS") else 160
    return Console(
        file=stream,
        force_terminal=False,
        no_color=True,
        highlight=False,
        width=width,
        soft_wrap=False,
    )


@dataclass
class FileRecord:
    """One file of a batch, from planning to its outcome."""

    source: str
    output: str
    status: str = "queued"
    pages: Optional[int] = None
    credits: Optional[int] = None
    seconds: Optional[float] = None
    job_id: Optional[str] = None
    error: Optional[BaseException] = None
    remaining_credits: Optional[int] = None

    @property
    def ok(self) -> bool:
        return self.status in (CONVERTED, SKIPPED)

    def describe(self, masker: Masker) -> str:
        """The last column of the summary: the output, or why there is none."""
        if self.status == CONVERTED:
            return self.output
        if self.status == SKIPPED:
            return f"{self.output} exists (--overwrite replaces it)"
        if self.status == INTERRUPTED:
            return f"pdfco job wait {self.job_id} --download {self.output}"
        if self.status == CANCELLED:
            return "not started"
        if self.error is not None:
            return f"{type(self.error).__name__}: {masker.mask(str(self.error))}"
        return self.status

    def to_json(self, masker: Masker) -> dict[str, Any]:
        return {
            "source": self.source,
            "output": self.output,
            "ok": self.ok,
            "status": self.status,
            "pages": self.pages,
            "credits": self.credits,
            "seconds": None if self.seconds is None else round(self.seconds, 3),
            "job_id": self.job_id,
            "error": None if self.error is None else error_dict(self.error, masker),
        }


class BatchView:
    """What a batch shows while it runs. This base shows nothing (``--json``).

    ``transfer``, ``job_started`` and ``note`` are called from worker threads.
    """

    def __init__(self, masker: Masker) -> None:
        self.masker = masker

    def __enter__(self) -> BatchView:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    def begin(self, records: list[FileRecord]) -> None:
        """The batch is about to start with these files."""

    def transfer(self, record: FileRecord, phase: str, done: int, total: Optional[int]) -> None:
        """Bytes of an upload or download moved."""

    def job_started(self, record: FileRecord) -> None:
        """A job was started for ``record`` (its ``job_id`` is set)."""

    def note(self, record: FileRecord, text: str) -> None:
        """Something worth showing happened to ``record``: a job state, a retry."""

    def finished(self, record: FileRecord) -> None:
        """``record`` reached its final status."""

    def line(self, record: FileRecord) -> str:
        """The one-line outcome of a file, as plain text."""
        source = self.masker.mask(record.source)
        if record.status == CONVERTED:
            seconds = f"{record.seconds:.1f} s" if record.seconds is not None else "? s"
            return (
                f"converted {source} -> {record.output} ({_count(record.pages, 'page')}, "
                f"{_count(record.credits, 'credit')}, {seconds})"
            )
        if record.status == SKIPPED:
            return f"skipped {source}: {record.output} exists"
        return f"{record.status} {source}: {record.describe(self.masker)}"


QuietView = BatchView


class PlainView(BatchView):
    """One line per event worth a line, for logs and pipes; flushed at once."""

    def __init__(self, masker: Masker, stream: TextIO) -> None:
        super().__init__(masker)
        self._stream = stream
        self._lock = threading.Lock()

    def _print(self, text: str) -> None:
        with self._lock:
            self._stream.write(text + "\n")
            self._stream.flush()

    def job_started(self, record: FileRecord) -> None:
        self._print(f"started {self.masker.mask(record.source)}: job {record.job_id}")

    def finished(self, record: FileRecord) -> None:
        self._print(self.line(record))


class RichView(BatchView):
    """Live bars on a terminal: one row per file in flight, one for the whole batch."""

    def __init__(self, masker: Masker, console: Console) -> None:
        super().__init__(masker)
        self._console = console
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[detail]}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self._tasks: dict[int, TaskID] = {}
        self._overall: Optional[TaskID] = None
        self._total = 0
        self._done = 0
        self._failed = 0
        self._lock = threading.Lock()

    def __enter__(self) -> RichView:
        self._progress.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._progress.stop()

    def begin(self, records: list[FileRecord]) -> None:
        self._total = len(records)
        self._overall = self._progress.add_task(
            "[bold]all files", total=len(records), detail=f"0/{len(records)} files"
        )

    def _task(self, record: FileRecord) -> TaskID:
        with self._lock:
            task = self._tasks.get(id(record))
            if task is None:
                name = escape(os.path.basename(record.source) or record.source)
                task = self._progress.add_task(name, total=None, detail="starting")
                self._tasks[id(record)] = task
            return task

    def transfer(self, record: FileRecord, phase: str, done: int, total: Optional[int]) -> None:
        size = f"{decimal(done)}/{decimal(total)}" if total else decimal(done)
        self._progress.update(
            self._task(record), completed=done, total=total, detail=f"{phase} {size}"
        )

    def job_started(self, record: FileRecord) -> None:
        self._progress.update(
            self._task(record), completed=0, total=None, detail=f"job {record.job_id}"
        )

    def note(self, record: FileRecord, text: str) -> None:
        self._progress.update(self._task(record), detail=text)

    def finished(self, record: FileRecord) -> None:
        with self._lock:
            task = self._tasks.pop(id(record), None)
        if task is not None:
            self._progress.remove_task(task)
        self._done += 1
        self._failed += 0 if record.ok else 1
        style = {CONVERTED: "green", SKIPPED: "yellow"}.get(record.status, "red")
        self._console.print(f"[{style}]{escape(self.line(record))}[/]")
        if self._overall is not None:
            failed = f", {self._failed} failed" if self._failed else ""
            self._progress.update(
                self._overall,
                completed=self._done,
                detail=f"{self._done}/{self._total} files{failed}",
            )


def _count(value: Optional[int], noun: str) -> str:
    if value is None:
        return f"? {noun}s"
    return f"{value} {noun}" + ("" if value == 1 else "s")


def render_summary(console: Console, records: list[FileRecord], masker: Masker) -> None:
    """The table at the end of a batch, and a line of totals."""
    terminal = console.is_terminal
    table = Table(box=box.SIMPLE_HEAVY if terminal else box.ASCII, title=None)
    table.add_column("file", overflow="fold")
    table.add_column("result")
    table.add_column("pages", justify="right")
    table.add_column("credits", justify="right")
    table.add_column("seconds", justify="right")
    table.add_column("output or error", overflow="fold")
    styles = {CONVERTED: "green", SKIPPED: "yellow"}
    for record in records:
        table.add_row(
            escape(masker.mask(record.source)),
            f"[{styles.get(record.status, 'red')}]{record.status}[/]",
            "" if record.pages is None else str(record.pages),
            "" if record.credits is None else str(record.credits),
            "" if record.seconds is None else f"{record.seconds:.1f}",
            escape(record.describe(masker)),
        )
    console.print(table)
    console.print(summary_line(records))


def summary_line(records: list[FileRecord]) -> str:
    """``3 converted, 1 failed, 1 skipped; 93 credits; 1,234 credits left``."""
    counts: dict[str, int] = {}
    for record in records:
        counts[record.status] = counts.get(record.status, 0) + 1
    order = (CONVERTED, SKIPPED, FAILED, INTERRUPTED, CANCELLED)
    parts = [f"{counts[status]} {status}" for status in order if counts.get(status)]
    spent = sum(record.credits or 0 for record in records)
    text = ", ".join(parts) or "nothing to do"
    text += f"; {spent} credits spent"
    if counts.get(INTERRUPTED):
        text += " (not counting the interrupted jobs)"
    remaining = [r.remaining_credits for r in records if r.remaining_credits is not None]
    if remaining:
        text += f"; {min(remaining)} credits left"
    return text
