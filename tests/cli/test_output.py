"""Rendering and event routing, with recorded events and a console writing to a string."""

from __future__ import annotations

import io
import threading
from pathlib import Path
from typing import Optional

from pdfco_client import (
    DownloadProgress,
    InputValidationError,
    JobStarted,
    JobState,
    JobStateChanged,
    OutputFormat,
    RetryScheduled,
    UploadProgress,
)
from pdfco_client.cli._convert import Tracker, plan_records
from pdfco_client.cli._output import (
    BatchView,
    FileRecord,
    Masker,
    PlainView,
    RichView,
    make_console,
    render_summary,
)


class Recorder(BatchView):
    def __init__(self) -> None:
        super().__init__(Masker())
        self.calls: list[tuple[str, str, str]] = []

    def transfer(self, record: FileRecord, phase: str, done: int, total: Optional[int]) -> None:
        self.calls.append((Path(record.source).name, phase, f"{done}/{total}"))

    def job_started(self, record: FileRecord) -> None:
        self.calls.append((Path(record.source).name, "job", str(record.job_id)))

    def note(self, record: FileRecord, text: str) -> None:
        self.calls.append((Path(record.source).name, "note", text.split()[0]))


def test_events_reach_the_file_they_are_about(tmp_path: Path) -> None:
    inputs = [Path("x/report.pdf"), Path("y/report.pdf"), Path("z/other.pdf")]
    records = plan_records(inputs, OutputFormat.CSV, tmp_path)
    assert [Path(r.output).name for r in records] == ["report.csv", "report-2.csv", "other.csv"]
    view = Recorder()
    tracker = Tracker(records, view, clock=lambda: 0.0)

    def worker(source: str, output: str, job: str) -> None:
        # Every event names its conversion's source, as the client's events do in a batch.
        name = Path(source).name
        tracker(UploadProgress(name=name, sent=5, total=10, source=source))
        tracker(UploadProgress(name=name, sent=10, total=10, source=source))
        tracker(JobStarted(job_id=job, output_format="csv", source=source))
        tracker(
            JobStateChanged(
                job_id=job, state=JobState.SUCCESS, elapsed=1.0, checks=2, source=source
            )
        )
        tracker(RetryScheduled(attempt=1, delay=0.5, error=OSError("reset"), source=source))
        tracker(DownloadProgress(destination=output, received=3, total=3, source=source))
        tracker(UploadProgress(name=name, sent=1, total=1, source=None))  # not a batch file

    for record, job in zip(records, ("J1", "J2", "J3")):
        thread = threading.Thread(target=worker, args=(record.source, record.output, job))
        thread.start()
        thread.join()
    assert records[1].job_id == "J2"
    assert [c for c in view.calls if c[0] == "other.pdf"] == [
        ("other.pdf", "upload", "5/10"),
        ("other.pdf", "upload", "10/10"),
        ("other.pdf", "job", "J3"),
        ("other.pdf", "note", "success"),
        ("other.pdf", "note", "retry"),
        ("other.pdf", "download", "3/3"),
    ]
    assert all(record.status == "downloading" for record in records)


def _records() -> list[FileRecord]:
    return [
        FileRecord("in/a.pdf", "out/a.xlsx", "converted", 3, 46, 1.25, "J1", None, 900),
        FileRecord("in/b.pdf", "out/b.xlsx", "skipped"),
        FileRecord("in/c.pdf", "out/c.xlsx", "failed", error=InputValidationError("not a PDF")),
        FileRecord("in/d.pdf", "out/d.xlsx", "interrupted", job_id="J4"),
    ]


def test_plain_view_lines_and_summary() -> None:
    stream = io.StringIO()
    view = PlainView(Masker(), stream)
    for record in _records():
        view.finished(record)
    text = stream.getvalue()
    assert "converted in/a.pdf -> out/a.xlsx (3 pages, 46 credits, 1.2 s)" in text
    assert "skipped in/b.pdf: out/b.xlsx exists" in text
    assert "failed in/c.pdf: InputValidationError: not a PDF" in text
    assert "pdfco job wait J4 --download out/d.xlsx" in text
    console = make_console(stream, terminal=False)
    render_summary(console, _records(), Masker())
    summary = stream.getvalue()
    assert "| in/a.pdf |" in summary
    assert (
        "1 converted, 1 skipped, 1 failed, 1 interrupted; 46 credits spent (not counting the "
        "interrupted jobs); 900 credits left" in summary
    )
    assert "\x1b[" not in summary


def test_rich_view_draws_bars_on_a_terminal() -> None:
    stream = io.StringIO()
    console = make_console(stream, terminal=True)
    records = _records()
    with RichView(Masker(), console) as view:
        view.begin(records)
        view.transfer(records[0], "upload", 512, 1024)
        view.note(records[0], "working (job J1)")
        for record in records:
            view.finished(record)
    render_summary(console, records, Masker())
    text = stream.getvalue()
    assert "\x1b[" in text  # colours and cursor moves: a live display
    assert "converted in/a.pdf" in text
    assert "━" in text


def test_masker_hides_secrets() -> None:
    masker = Masker()
    masker.add("sekrit")
    masker.add("ok")  # too short to mask without garbling everything
    assert masker.mask("ok: key sekrit here") == "ok: key *** here"
