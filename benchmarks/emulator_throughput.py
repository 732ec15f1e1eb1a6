"""The emulator's conversion speed (pages per second) and job throughput under concurrent clients.

Run from the repository root: ``.venv/bin/python -m benchmarks.emulator_throughput``.

The emulator runs as its own process (``--job-min-duration 0``, so a job takes as long as its
conversion and no longer) and the clients in this one. Two measurements:

- **Pages per second**, PDF → XLSX by default, of three documents: ``make_large_pdf(--pages)``
  (a 40-row ruled table per page) and the one-page ruled and unruled tables of
  ``tests/pdf_factory.py``. Each is uploaded once, then converted ``--conversions`` times on the
  *sync* path (``POST /v1/pdf/convert/to/xlsx`` with ``async=false``, through a bare
  ``requests.Session``: the client only starts background jobs) and on the *async* path
  (``PdfCoClient.start_conversion`` + ``wait_for_job``). Time runs from the request to the answer
  (sync) or to the job's ``success`` (async), so the async figure includes polling; the clients
  poll every 20 ms (``--poll-interval``) to keep that small.
- **Job throughput**: ``--jobs`` one-call conversions (``client.convert(ruled_pdf, "xlsx",
  output=...)``: upload, start, poll, download, delete) shared by N threads, each with its own
  ``PdfCoClient``, for each N of ``--clients``. Reported: jobs per second over the wall time,
  per-job latency p50/p95, and the emulator process's CPU seconds per job (from ``/proc``).

Every loop is bounded by a count and by ``--max-seconds`` per measurement.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import requests

from pdfco_client import PdfCoClient
from tests.pdf_factory import make_large_pdf, make_ruled_table_pdf, make_unruled_table_pdf

from ._common import EmulatorProcess, median, percentile, print_table

__all__ = ["JobRun", "PageRun", "main"]

DEFAULT_CLIENTS = "1,2,4,8"
DEFAULT_JOBS = 40
DEFAULT_PAGES = 20
DEFAULT_CONVERSIONS = 3
DEFAULT_MAX_SECONDS = 180.0
DEFAULT_POLL_INTERVAL = 0.02


@dataclass(frozen=True)
class PageRun:
    """Conversions of one document on one path."""

    document: str
    path: str
    pages: int
    seconds: list[float]

    @property
    def pages_per_second(self) -> float:
        """Pages over the median run time (one slow run on a shared machine does not count)."""
        typical = median(self.seconds)
        return self.pages / typical if typical else float("nan")


@dataclass(frozen=True)
class JobRun:
    """``jobs`` one-call conversions shared by ``clients`` threads."""

    clients: int
    jobs: int
    failed: int
    wall: float
    latencies: list[float]
    emulator_cpu: Optional[float]

    @property
    def jobs_per_second(self) -> float:
        return self.jobs / self.wall if self.wall else float("nan")


def process_cpu_seconds(pid: int) -> Optional[float]:
    """User + system CPU seconds of process ``pid`` so far (Linux ``/proc``), else ``None``."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None
    # Fields after the ")" start at field 3 (state); utime and stime are fields 14 and 15.
    return (int(fields[11]) + int(fields[12])) / ticks


def _client(emu: EmulatorProcess, poll_interval: float) -> PdfCoClient:
    return PdfCoClient(
        api_key=emu.api_key,
        base_url=emu.base_url,
        poll_interval=poll_interval,
        max_poll_interval=max(poll_interval, 0.1),
        job_timeout=120,
    )


def measure_pages(
    emu: EmulatorProcess,
    documents: Sequence[tuple[str, bytes, int]],
    fmt: str,
    conversions: int,
    poll_interval: float,
    max_seconds: float,
) -> list[PageRun]:
    """Sync and async conversions of each document; see the module docstring."""
    runs: list[PageRun] = []
    with _client(emu, poll_interval) as client, requests.Session() as session:
        session.headers["x-api-key"] = emu.api_key
        for name, pdf, pages in documents:
            print(f"pages: {name} ...", file=sys.stderr, flush=True)
            url = client.upload(pdf, name=f"{name}.pdf").url
            sync: list[float] = []
            asynchronous: list[float] = []
            stop_at = time.monotonic() + max_seconds
            for _ in range(conversions):
                if time.monotonic() > stop_at:
                    break
                started = time.perf_counter()
                response = session.post(
                    f"{emu.base_url}/pdf/convert/to/{fmt}",
                    json={"url": url, "async": False},
                    timeout=max_seconds,
                )
                response.raise_for_status()
                sync.append(time.perf_counter() - started)
                started = time.perf_counter()
                job = client.start_conversion(url, fmt)
                client.wait_for_job(job.job_id, timeout=max_seconds)
                asynchronous.append(time.perf_counter() - started)
            client.delete_file(url)
            runs.append(PageRun(name, "sync", pages, sync))
            runs.append(PageRun(name, "async", pages, asynchronous))
    return runs


def measure_jobs(
    emu: EmulatorProcess,
    clients: int,
    jobs: int,
    pdf: bytes,
    fmt: str,
    poll_interval: float,
    max_seconds: float,
    workdir: Path,
) -> JobRun:
    """``jobs`` one-call conversions by ``clients`` threads, each with its own client."""
    lock = threading.Lock()
    next_job = [0]
    latencies: list[float] = []
    failures: list[BaseException] = []
    stop_at = time.monotonic() + max_seconds

    def take() -> Optional[int]:
        with lock:
            if next_job[0] >= jobs or time.monotonic() > stop_at:
                return None
            next_job[0] += 1
            return next_job[0]

    def worker() -> None:
        with _client(emu, poll_interval) as client:
            while (index := take()) is not None:
                started = time.perf_counter()
                try:
                    client.convert(
                        pdf, fmt, output=workdir / f"{clients}-{index}.{fmt}", timeout=max_seconds
                    )
                except Exception as exc:  # counted and reported, never hidden
                    with lock:
                        failures.append(exc)
                    continue
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)

    cpu_before = process_cpu_seconds(emu.pid)
    threads = [threading.Thread(target=worker, name=f"bench-client-{i}") for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max_seconds + 60)
    wall = time.perf_counter() - started
    cpu_after = process_cpu_seconds(emu.pid)
    if failures:
        print(f"{len(failures)} job(s) failed, first: {failures[0]!r}", file=sys.stderr)
    cpu = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
    return JobRun(clients, len(latencies), len(failures), wall, latencies, cpu)


def report_pages(runs: Sequence[PageRun], fmt: str) -> None:
    print(f"\nConversion speed, PDF -> {fmt} (emulator in its own process)")
    print_table(
        ["document", "pages", "path", "runs", "median s/run", "pages/s"],
        [
            [
                run.document,
                str(run.pages),
                run.path,
                str(len(run.seconds)),
                f"{median(run.seconds):.3f}",
                f"{run.pages_per_second:.1f}",
            ]
            for run in runs
        ],
    )


def report_jobs(runs: Sequence[JobRun], fmt: str) -> None:
    print(f"\nJob throughput: one-call PDF -> {fmt} of the ruled one-page table")
    print_table(
        ["clients", "jobs", "failed", "wall s", "jobs/s", "p50 s", "p95 s", "emulator CPU s/job"],
        [
            [
                str(run.clients),
                str(run.jobs),
                str(run.failed),
                f"{run.wall:.2f}",
                f"{run.jobs_per_second:.1f}",
                f"{percentile(run.latencies, 50):.3f}",
                f"{percentile(run.latencies, 95):.3f}",
                f"{run.emulator_cpu / run.jobs:.3f}"
                if run.emulator_cpu is not None and run.jobs
                else "-",
            ]
            for run in runs
        ],
    )


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.emulator_throughput",
        description="Emulator conversion pages/s and job throughput with N concurrent clients.",
    )
    parser.add_argument("--pages", type=int, default=DEFAULT_PAGES, help="pages of the big PDF")
    parser.add_argument("--conversions", type=int, default=DEFAULT_CONVERSIONS)
    parser.add_argument("--clients", default=DEFAULT_CLIENTS, help="default %(default)s")
    parser.add_argument("--jobs", type=int, default=DEFAULT_JOBS, help="jobs per client count")
    parser.add_argument("--format", default="xlsx", help="output format (default xlsx)")
    parser.add_argument("--workers", type=int, default=4, help="emulator async job threads")
    parser.add_argument("--poll-interval", type=float, default=DEFAULT_POLL_INTERVAL)
    parser.add_argument("--max-seconds", type=float, default=DEFAULT_MAX_SECONDS)
    parser.add_argument("--skip-pages", action="store_true", help="only the job throughput")
    parser.add_argument("--skip-jobs", action="store_true", help="only the pages per second")
    args = parser.parse_args(argv)
    try:
        counts = [int(part) for part in args.clients.split(",") if part.strip()]
    except ValueError:
        parser.error("--clients takes comma-separated integers, e.g. 1,2,4,8")
    if not all(1 <= n <= 64 for n in counts) or not 1 <= args.jobs <= 10_000:
        parser.error("client counts must be 1 to 64 and --jobs 1 to 10000")
    if not 1 <= args.pages <= 2000 or not 1 <= args.conversions <= 100:
        parser.error("--pages must be 1 to 2000 and --conversions 1 to 100")
    emulator_args = [
        *("--job-min-duration", "0"),
        *("--sync-time-limit", str(args.max_seconds)),
        *("--workers", str(args.workers)),
    ]
    with EmulatorProcess(emulator_args) as emu:
        if not args.skip_pages:
            documents = [
                (f"large-{args.pages}p", make_large_pdf(args.pages), args.pages),
                ("ruled-table", make_ruled_table_pdf(), 1),
                ("unruled-table", make_unruled_table_pdf(), 1),
            ]
            report_pages(
                measure_pages(
                    emu,
                    documents,
                    args.format,
                    args.conversions,
                    args.poll_interval,
                    args.max_seconds,
                ),
                args.format,
            )
        if not args.skip_jobs:
            runs: list[JobRun] = []
            pdf = make_ruled_table_pdf()
            with tempfile.TemporaryDirectory(prefix="pdfco-bench-") as tmp:
                for clients in counts:
                    print(f"jobs: {clients} client(s) ...", file=sys.stderr, flush=True)
                    runs.append(
                        measure_jobs(
                            emu,
                            clients,
                            args.jobs,
                            pdf,
                            args.format,
                            args.poll_interval,
                            args.max_seconds,
                            Path(tmp),
                        )
                    )
            report_jobs(runs, args.format)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
