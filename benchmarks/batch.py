"""A batch of PDFs through ``pdfco convert`` with 1 and 8 workers, against the samples' loop.

Run from the repository root: ``.venv/bin/python -m benchmarks.batch`` (about 5 minutes with the
defaults; ``--files 10`` for a quick look).

The emulator runs as its own process with ``--job-min-duration 2`` (``--latency``): every job
reports ``working`` for at least 2 s, a realistic time for PDF.co to convert a small document,
and it runs up to 16 jobs at once (PDF.co runs many). Three ways to convert the same ``--files``
one-page PDFs to XLSX are timed, wall clock, from start to the last file written:

- ``pdfco convert DIR --workers 1`` and ``--workers 8``: the real command, in its own process
  (start-up included), polling with the client's backoff (0.3 s, growing by 1.5x).
- the official samples' loop, sequential, with plain ``requests``: presigned upload, start an
  async conversion, check the job, sleep a fixed 3 s while it is ``working``, download.

It prints a table and the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Optional

import requests

from tests.pdf_factory import make_ruled_table_pdf

from ._common import EmulatorProcess, print_table

__all__ = ["main"]

DEFAULT_FILES = 50
DEFAULT_LATENCY = 2.0
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


def run_samples_loop(emu: EmulatorProcess, files: Sequence[Path], output: Path) -> float:
    """The samples' way, one file after the other; its wall time."""
    output.mkdir(parents=True, exist_ok=True)
    headers = {"x-api-key": emu.api_key}
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
            if status["status"] != "success":
                raise RuntimeError(f"job {job['jobId']} ended {status['status']}")
            with session.get(job["url"], stream=True, timeout=HTTP_TIMEOUT) as result:
                result.raise_for_status()
                with (output / f"{path.stem}.xlsx").open("wb") as handle:
                    for chunk in result.iter_content(1 << 16):
                        handle.write(chunk)
    return time.perf_counter() - started


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--files", type=int, default=DEFAULT_FILES, help="PDFs in the batch")
    parser.add_argument(
        "--latency", type=float, default=DEFAULT_LATENCY, help="seconds each job works"
    )
    args = parser.parse_args(argv)
    pdf = make_ruled_table_pdf()
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
        with EmulatorProcess(extra) as emu:
            timings: dict[str, float] = {}
            for workers in (1, 8):
                seconds, document = run_cli(emu, folder, root / f"cli-{workers}", workers)
                converted = sum(item["status"] == "converted" for item in document)
                if converted != args.files:
                    raise RuntimeError(f"--workers {workers}: {converted}/{args.files} converted")
                timings[f"pdfco convert --workers {workers}"] = seconds
                print(f"pdfco convert --workers {workers}: {seconds:.1f} s", file=sys.stderr)
            seconds = run_samples_loop(emu, files, root / "samples")
            timings[f"samples' loop (fixed {SAMPLES_POLL_SECONDS:.0f} s polls)"] = seconds
    samples = timings[f"samples' loop (fixed {SAMPLES_POLL_SECONDS:.0f} s polls)"]
    print(f"\n{args.files} one-page PDFs to XLSX, emulator jobs working {args.latency:g} s each\n")
    print_table(
        ["method", "seconds", "files/s", "vs samples' loop"],
        [
            [
                name,
                f"{value:.1f}",
                f"{args.files / value:.2f}",
                "baseline" if value == samples else f"{samples / value:.1f}x faster",
            ]
            for name, value in timings.items()
        ],
    )
    one = timings["pdfco convert --workers 1"]
    eight = timings["pdfco convert --workers 8"]
    print(f"\n--workers 8 vs --workers 1: {one / eight:.1f}x faster")
    print(f"--workers 1 vs the samples' loop: {samples / one:.2f}x faster")
    print(f"--workers 8 vs the samples' loop: {samples / eight:.1f}x faster")
    return 0


if __name__ == "__main__":
    sys.exit(main())
