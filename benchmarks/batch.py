"""A batch of PDFs: `convert_many` and `pdfco convert` with 8 workers, against the samples' loop.

Run from the repository root: ``.venv/bin/python -m benchmarks.batch`` (about 2 minutes with the
defaults: 24 files, 1 s jobs, 8 workers; ``--one-worker`` adds ``pdfco convert --workers 1``).

The emulator runs as its own process with ``--job-min-duration 1`` (``--latency``): every job
reports ``working`` for at least 1 s, and it runs up to 16 jobs at once (PDF.co runs many). The
same ``--files`` one-page PDFs go to XLSX, timed wall clock from the call to the last file
written:

- ``client.convert_many(files, "xlsx", max_workers=8)`` in this process, with the defaults;
- ``pdfco convert DIR --workers 8``: the real command, in its own process (start-up included);
- the official samples' loop, sequential, with plain ``requests``: presigned upload, start an
  async conversion, check the job, sleep a fixed 3 s while it is ``working``, download.

**The ideal** is what ``--workers`` conversions at a time would take if each were noticed the
moment its job ended: ``ceil(files / workers) * (latency + io)``, with ``io`` the per-file
request time of the samples' loop (its wall time minus its sleeps, per file). The gap to it is
broken down from ``convert_many``'s progress events: upload and start, the job's wait (and how
much of it came after the job's end), and download plus cleanup.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Optional

import requests

from pdfco_client import JobStarted, JobState, JobStateChanged, PdfCoClient, ProgressEvent
from tests.pdf_factory import make_ruled_table_pdf

from ._common import EmulatorProcess, print_table

__all__ = ["main"]

DEFAULT_FILES = 24
DEFAULT_LATENCY = 1.0
DEFAULT_WORKERS = 8
#: The fixed wait between two job checks in PDF.co's own Python samples.
SAMPLES_POLL_SECONDS = 3.0
#: Jobs the emulator runs at once.
EMULATOR_JOB_WORKERS = 16
#: Bounds every HTTP call of the samples' loop, and every run.
HTTP_TIMEOUT = 30.0
RUN_TIMEOUT = 1800.0


def run_cli(
    emu: EmulatorProcess, folder: Path, output: Path, workers: int
) -> tuple[float, list[dict[str, Any]]]:
    """``pdfco convert`` in its own process; its wall time and its ``--json`` document."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PDFCO_")}
    env.update(PDFCO_API_KEY=emu.api_key, PDFCO_BASE_URL=emu.base_url)
    command = [sys.executable, "-m", "pdfco_client.cli", "convert", str(folder)]
    command += ["--to", "xlsx", "-o", str(output), "--workers", str(workers), "--json"]
    started = time.perf_counter()
    done = subprocess.run(
        command, capture_output=True, text=True, env=env, timeout=RUN_TIMEOUT, check=False
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"pdfco exited {done.returncode}: {done.stderr.strip()}")
    document: list[dict[str, Any]] = json.loads(done.stdout)
    return elapsed, document


def run_samples_loop(
    emu: EmulatorProcess, files: Sequence[Path], output: Path
) -> tuple[float, float]:
    """The samples' way, one file after the other; its wall time and the time it slept."""
    output.mkdir(parents=True, exist_ok=True)
    headers = {"x-api-key": emu.api_key}
    slept = 0.0
    started = time.perf_counter()
    with requests.Session() as session:
        for path in files:
            presigned = session.get(
                f"{emu.base_url}/file/upload/get-presigned-url",
                params={"name": path.name, "contenttype": "application/octet-stream"},
                headers=headers,
                timeout=HTTP_TIMEOUT,
            ).json()
            with path.open("rb") as body:
                put = session.put(
                    presigned["presignedUrl"],
                    data=body,
                    headers={"content-type": "application/octet-stream"},
                    timeout=HTTP_TIMEOUT,
                )
                put.raise_for_status()
            job = session.post(
                f"{emu.base_url}/pdf/convert/to/xlsx",
                json={"url": presigned["url"], "name": f"{path.stem}.xlsx", "async": True},
                headers=headers,
                timeout=HTTP_TIMEOUT,
            ).json()
            deadline = time.monotonic() + RUN_TIMEOUT
            while True:
                status = session.get(
                    f"{emu.base_url}/job/check",
                    params={"jobid": job["jobId"]},
                    headers=headers,
                    timeout=HTTP_TIMEOUT,
                ).json()
                if status["status"] != "working":
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"job {job['jobId']} still working")
                time.sleep(SAMPLES_POLL_SECONDS)
                slept += SAMPLES_POLL_SECONDS
            if status["status"] != "success":
                raise RuntimeError(f"job {job['jobId']} ended {status['status']}")
            with session.get(job["url"], stream=True, timeout=HTTP_TIMEOUT) as result:
                result.raise_for_status()
                with (output / f"{path.stem}.xlsx").open("wb") as handle:
                    for chunk in result.iter_content(1 << 16):
                        handle.write(chunk)
    return time.perf_counter() - started, slept


class _Timeline:
    """When each conversion of a batch started, had its job started, and saw it succeed."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.events: dict[Optional[str], dict[str, float]] = {}

    def __call__(self, event: ProgressEvent) -> None:
        now = time.perf_counter()
        with self.lock:
            marks = self.events.setdefault(event.source, {})
            if isinstance(event, JobStarted):
                marks["job started"] = now
            elif isinstance(event, JobStateChanged) and event.state is JobState.SUCCESS:
                marks["success seen"] = now


def run_convert_many(
    emu: EmulatorProcess, files: Sequence[Path], output: Path, workers: int
) -> tuple[float, dict[str, float]]:
    """``convert_many`` in this process; its wall time and the median of each step."""
    timeline = _Timeline()
    ended: list[tuple[Any, float]] = []
    with PdfCoClient(api_key=emu.api_key, base_url=emu.base_url, on_progress=timeline) as client:
        started = time.perf_counter()
        for outcome in client.convert_many(files, "xlsx", output_dir=output, max_workers=workers):
            ended.append((outcome, time.perf_counter()))  # yielded as soon as it is done
        elapsed = time.perf_counter() - started
    failed = [outcome for outcome, _ in ended if not outcome.ok]
    if failed:
        raise RuntimeError(f"convert_many: {len(failed)} failed, first: {failed[0].error}")
    steps: dict[str, list[float]] = {name: [] for name in STEPS}
    for outcome, end in ended:
        marks = timeline.events[outcome.label]
        called = end - outcome.result.duration  # duration: from the call to the cleanup's end
        steps[STEPS[0]].append(marks["job started"] - called)
        steps[STEPS[1]].append(marks["success seen"] - marks["job started"])
        steps[STEPS[2]].append(end - marks["success seen"])
    return elapsed, {name: statistics.median(values) for name, values in steps.items()}


STEPS = (
    "upload and start (call to job started)",
    "job (started to success seen)",
    "download and cleanup (success seen to done)",
)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--files", type=int, default=DEFAULT_FILES, help="PDFs in the batch")
    parser.add_argument(
        "--latency", type=float, default=DEFAULT_LATENCY, help="seconds each job works"
    )
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS)
    parser.add_argument(
        "--one-worker", action="store_true", help="also time `pdfco convert --workers 1`"
    )
    parser.add_argument(
        "--rtt",
        type=float,
        default=0.0,
        help="seconds the emulator waits before answering each request (a network's round trip)",
    )
    args = parser.parse_args(argv)
    pdf = make_ruled_table_pdf()
    samples_name = f"samples' loop (fixed {SAMPLES_POLL_SECONDS:.0f} s polls)"
    with tempfile.TemporaryDirectory(prefix="pdfco-batch-") as temporary:
        root = Path(temporary)
        folder = root / "in"
        folder.mkdir()
        files = []
        for index in range(args.files):
            path = folder / f"doc{index:03d}.pdf"
            path.write_bytes(pdf)
            files.append(path)
        extra = ["--job-min-duration", str(args.latency), "--workers", str(EMULATOR_JOB_WORKERS)]
        if args.rtt > 0:
            extra += ["--fault", f"slow,seconds={args.rtt:g}"]
        with EmulatorProcess(extra) as emu:
            timings: dict[str, float] = {}
            seconds, steps = run_convert_many(emu, files, root / "many", args.workers)
            timings[f"convert_many(max_workers={args.workers})"] = seconds
            print(f"convert_many: {seconds:.1f} s", file=sys.stderr)
            for workers in (args.workers, 1) if args.one_worker else (args.workers,):
                seconds, document = run_cli(emu, folder, root / f"cli-{workers}", workers)
                converted = sum(item["status"] == "converted" for item in document)
                if converted != args.files:
                    raise RuntimeError(f"--workers {workers}: {converted}/{args.files} converted")
                timings[f"pdfco convert --workers {workers}"] = seconds
                print(f"pdfco convert --workers {workers}: {seconds:.1f} s", file=sys.stderr)
            samples, slept = run_samples_loop(emu, files, root / "samples")
            timings[samples_name] = samples
    io = (samples - slept) / args.files
    ideal = math.ceil(args.files / args.workers) * (args.latency + io)
    timings[f"ideal: {args.workers} at a time, each noticed at once"] = ideal
    print(
        f"\n{args.files} one-page PDFs to XLSX, emulator jobs working {args.latency:g} s each, "
        f"{args.rtt * 1000:g} ms added to each request; "
        f"{io * 1000:.0f} ms of requests per file in the samples' loop\n"
    )
    print_table(
        ["method", "seconds", "files/s", "vs samples' loop"],
        [
            [
                name,
                f"{value:.2f}",
                f"{args.files / value:.2f}",
                "baseline" if name == samples_name else f"{samples / value:.1f}x faster",
            ]
            for name, value in timings.items()
        ],
    )
    many = timings[f"convert_many(max_workers={args.workers})"]
    print(
        f"\nconvert_many vs the samples' loop: {samples / many:.1f}x; the ideal: "
        f"{samples / ideal:.1f}x (convert_many takes {many - ideal:+.2f} s more than the ideal)"
    )
    print("\nWhere a conversion's time goes in convert_many (medians):")
    print_table(
        ["step", "seconds"],
        [[name, f"{value:.3f}"] for name, value in steps.items()]
        + [["the job itself (emulator --job-min-duration)", f"{args.latency:.3f}"]],
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
