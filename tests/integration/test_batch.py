"""convert_many, progress events, pacing and sharing a client across threads and processes."""

from __future__ import annotations

import multiprocessing
import threading
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pdfco_client import (
    BatchResult,
    ConversionCancelledError,
    DownloadProgress,
    InputValidationError,
    JobFailedError,
    JobStarted,
    JobState,
    JobStateChanged,
    PdfCoClient,
    ProgressCallback,
    ProgressEvent,
    RateLimitError,
    RetryScheduled,
    UploadProgress,
)
from pdfco_client.emulator import Emulator, Fault, FaultPlan
from tests.integration.conftest import make_client
from tests.pdf_factory import NOT_A_PDF, make_ruled_table_pdf, make_unruled_table_pdf


def _folder(tmp_path: Path) -> list[Path]:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    files = {
        "a/report.pdf": make_ruled_table_pdf(),
        "b/report.pdf": make_unruled_table_pdf(),
        "a/notes.pdf": NOT_A_PDF,
        "a/empty.pdf": b"",
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    return [tmp_path / name for name in files] + [tmp_path / "a" / "missing.pdf"]


def test_convert_many_yields_a_result_or_a_typed_error_per_source(
    client: PdfCoClient, emu: Emulator, tmp_path: Path
) -> None:
    sources = _folder(tmp_path)
    out = tmp_path / "out"
    results = list(client.convert_many(sources, "xlsx", output_dir=out, max_workers=3))

    assert len(results) == len(sources)
    by_label = {Path(r.label).relative_to(tmp_path).as_posix(): r for r in results}
    assert by_label["a/report.pdf"].ok
    assert by_label["b/report.pdf"].ok
    # Two sources with one name never share an output path.
    assert {
        by_label["a/report.pdf"].output_path.name,
        by_label["b/report.pdf"].output_path.name,
    } == {
        "report.xlsx",
        "report-2.xlsx",
    }
    for name in ("a/notes.pdf", "a/empty.pdf", "a/missing.pdf"):
        assert isinstance(by_label[name].error, InputValidationError), name
    assert sorted(p.name for p in out.iterdir()) == ["report-2.xlsx", "report.xlsx"]
    for result in results:
        if result.ok:
            assert result.result is not None
            assert result.result.output_path == result.output_path
            load_workbook(result.output_path, read_only=True).close()


def test_one_failed_job_does_not_stop_the_batch(
    client: PdfCoClient, emu: Emulator, ruled_pdf: Path, tmp_path: Path
) -> None:
    emu.faults = FaultPlan([Fault.job_outcome("failed", nth=2)])
    sources = [ruled_pdf] * 4
    results = list(client.convert_many(sources, "csv", output_dir=tmp_path, max_workers=1))
    assert [r.ok for r in results].count(False) == 1
    failed = next(r for r in results if not r.ok)
    assert isinstance(failed.error, JobFailedError)
    assert len(list(tmp_path.iterdir())) == 3


def test_bad_batch_arguments_fail_at_once(client: PdfCoClient, tmp_path: Path) -> None:
    with pytest.raises(InputValidationError):
        client.convert_many([], output_dir=tmp_path, max_workers=0)
    with pytest.raises(InputValidationError):
        client.convert_many([], "docx", output_dir=tmp_path)


def test_stopping_early_cancels_running_conversions(
    emu: Emulator, ruled_pdf: Path, tmp_path: Path
) -> None:
    emu.faults = FaultPlan([Fault.job_outcome("stuck", nth=2, times=10)])
    with make_client(emu, job_timeout=60) as client:
        batch = client.convert_many([ruled_pdf] * 5, output_dir=tmp_path, max_workers=3)
        first = next(batch)
        started = time.monotonic()
        leftovers = batch.close()  # what a Ctrl-C in the consumer leads to
        assert time.monotonic() - started < 5
        assert batch.close() == []
        assert list(batch) == []
    assert first.ok
    assert [p.name for p in tmp_path.iterdir()] == [first.output_path.name]
    assert not [t for t in threading.enumerate() if t.name.startswith("pdfco-batch")]
    # The two stuck conversions had started their jobs: their ids come back to be resumed.
    cancelled = [r.error for r in leftovers if isinstance(r.error, ConversionCancelledError)]
    assert len(cancelled) >= 2
    assert sum(1 for error in cancelled if error.job_id) >= 2
    assert all(not r.ok for r in leftovers if r.error is not None)


def test_skip_existing_outputs_costs_nothing(
    client: PdfCoClient, emu: Emulator, ruled_pdf: Path, tmp_path: Path
) -> None:
    (tmp_path / "ruled.xlsx").write_bytes(b"done before")
    emu.clear_requests()
    results = list(client.convert_many([ruled_pdf], output_dir=tmp_path, skip_existing=True))
    assert [r.skipped for r in results] == [True]
    assert results[0].ok
    assert emu.requests == []
    assert (tmp_path / "ruled.xlsx").read_bytes() == b"done before"


def test_a_failed_conversion_says_what_it_cost(
    client: PdfCoClient, emu: Emulator, ruled_pdf: Path
) -> None:
    emu.faults = FaultPlan([Fault.job_outcome("failed")])
    before = client.get_credit_balance()
    with pytest.raises(JobFailedError) as failed:
        client.convert_pdf_to_xlsx(ruled_pdf)
    after = client.get_credit_balance()
    spent = failed.value.credits_spent
    assert spent is not None
    assert spent > 0
    # PDF.co's "working" answers carry no credits field (2 credits each all the same), and the
    # second balance call costs 2: everything else is in credits_spent, the refund included.
    checks = sum(1 for r in emu.requests if r.endpoint == "job/check")
    assert before - after - 2 - 2 * (checks - 1) == spent


def test_progress_events_cover_a_whole_conversion(
    emu: Emulator, ruled_pdf: Path, tmp_path: Path
) -> None:
    events: list[ProgressEvent] = []
    lock = threading.Lock()

    def record(event: ProgressEvent) -> None:
        with lock:
            events.append(event)

    emu.faults = FaultPlan([Fault.http_error(503, endpoint="job/check", times=1)])
    with make_client(emu, on_progress=record) as client:
        client.convert_pdf_to_xlsx(ruled_pdf, output=tmp_path / "x.xlsx")

    uploads = [e for e in events if isinstance(e, UploadProgress)]
    assert uploads[-1].sent == uploads[-1].total == ruled_pdf.stat().st_size
    downloads = [e for e in events if isinstance(e, DownloadProgress)]
    assert downloads[-1].received == (tmp_path / "x.xlsx").stat().st_size
    assert downloads[-1].total == downloads[-1].received
    assert {e.source for e in events} == {str(ruled_pdf)}  # every event names its conversion
    started = [e for e in events if isinstance(e, JobStarted)]
    assert len(started) == 1
    assert started[0].source == str(ruled_pdf)
    states = [e.state for e in events if isinstance(e, JobStateChanged)]
    assert states[-1] is JobState.SUCCESS
    assert [e.attempt for e in events if isinstance(e, RetryScheduled)] == [1]


def test_requests_per_second_paces_api_calls(emu: Emulator) -> None:
    with make_client(emu, requests_per_second=20.0) as client:
        started = time.monotonic()
        for _ in range(6):
            client.get_credit_balance()
        # Six calls at 20/s need at least five 50 ms gaps (a floor, never flaky upwards).
        assert time.monotonic() - started >= 0.25


def test_workers_back_off_together_on_429(emu: Emulator, ruled_pdf: Path, tmp_path: Path) -> None:
    emu.faults = FaultPlan([Fault.rate_limited(retry_after=1, endpoint="job/check", times=2)])
    retries: list[RetryScheduled] = []
    with make_client(emu, on_progress=_collect(retries), retry_max_wait=0.3) as client:
        results = list(
            client.convert_many([ruled_pdf] * 4, "csv", output_dir=tmp_path, max_workers=4)
        )
    assert all(r.ok for r in results)
    assert [isinstance(r.error, RateLimitError) for r in retries] == [True, True]
    assert all(r.delay == pytest.approx(0.3) for r in retries)


def _collect(into: list[RetryScheduled]) -> ProgressCallback:
    def callback(event: ProgressEvent) -> None:
        if isinstance(event, RetryScheduled):
            into.append(event)

    return callback


def test_one_client_shared_by_threads(client: PdfCoClient, ruled_pdf: Path, tmp_path: Path) -> None:
    outputs: list[Path] = []
    errors: list[BaseException] = []

    def work(index: int) -> None:
        try:
            result = client.convert_pdf_to_xlsx(ruled_pdf, output=tmp_path / f"{index}.xlsx")
            assert result.output_path is not None
            outputs.append(result.output_path)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(outputs) == 8
    contents = {repr(_cells(path)) for path in outputs}
    assert len(contents) == 1  # the same input gave the same cells eight times


def test_workers_in_other_processes_build_clients_from_the_environment(
    emu: Emulator, ruled_pdf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.integration._mp_worker import convert_in_worker

    monkeypatch.setenv("PDFCO_API_KEY", emu.api_key)
    monkeypatch.setenv("PDFCO_BASE_URL", emu.base_url)
    jobs = [(str(ruled_pdf), str(tmp_path / f"{index}.xlsx")) for index in range(4)]
    # spawn: what Dask, Ray and Celery workers look like (fresh interpreters, no shared state).
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        done = pool.map(convert_in_worker, jobs, chunksize=1)
    assert sorted(done) == [(f"{index}.xlsx", 1) for index in range(4)]


def _cells(path: Path) -> list[tuple[object, ...]]:
    workbook = load_workbook(path, read_only=True)
    try:
        return [row for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def test_close_from_another_thread_ends_the_iteration(
    emu: Emulator, ruled_pdf: Path, tmp_path: Path
) -> None:
    emu.faults = FaultPlan([Fault.job_outcome("stuck", times=10)])
    collected: list[BatchResult] = []
    with make_client(emu, job_timeout=60) as client:
        batch = client.convert_many([ruled_pdf] * 4, output_dir=tmp_path, max_workers=2)
        # What a "cancel" button does: close the batch from another thread.
        timer = threading.Timer(0.5, lambda: collected.extend(batch.close()))
        timer.start()
        seen = list(batch)
        timer.join(timeout=10)
    outcomes = seen + collected
    assert len(outcomes) == 2  # the two running ones; the queued two never started
    for item in outcomes:
        assert isinstance(item.error, ConversionCancelledError)
        assert item.error.job_id
    assert list(tmp_path.iterdir()) == []
