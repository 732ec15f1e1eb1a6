"""Reliability soak: hundreds of conversions through ``convert_many`` under a seeded fault plan.

Run ``make soak`` (or ``python -m benchmarks.soak --conversions 300 --seed 7``). A fifth of the
emulator's requests fail on purpose (5xx, 429, connection resets, truncated downloads, failed
jobs). The run reports how many conversions succeeded and how many ended in each typed error,
and checks the invariants the client promises whatever happens:

- every output file that exists is complete and valid: it opens with openpyxl and holds exactly
  the cells of a fault-free conversion of the same input;
- no temporary ``.part`` file is left anywhere in the output folder;
- the API key never reached the storage host (the emulator records every request that carried
  one there) and never appeared in a log line (the client logs at DEBUG into a buffer);
- memory (RSS) stays flat: sampled after each tenth of the run, the last sample may not exceed
  the first by more than a margin;
- threads stay bounded: thread pools start their threads lazily, so the count may creep up at
  first, but it never passes what the pools allow (the batch's workers, the emulator's request
  and job workers) above the count before the batch.

The emulator runs in this process, on loopback only; the run is bounded by a count and by a
wall-clock limit, and it exits non-zero when an invariant fails.
"""

from __future__ import annotations

import argparse
import io
import logging
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Optional

from openpyxl import load_workbook

from benchmarks._common import print_table
from pdfco_client import PdfCoClient
from pdfco_client.emulator import Emulator, Fault, FaultPlan
from tests.pdf_factory import make_multi_page_pdf, make_ruled_table_pdf, make_unruled_table_pdf

#: RSS may grow by this much between the first and the last samples (allocator noise, caches).
RSS_MARGIN_MIB = 40.0
JOB_WORKERS = 4
HTTP_WORKERS = 8


def fault_plan(seed: int) -> FaultPlan:
    """About a fifth of requests faulted, each kind its share, reproducible from ``seed``."""
    return FaultPlan(
        seed=seed,
        rules=[
            Fault.http_error(503, probability=0.05),
            Fault.http_error(500, endpoint="job/check", probability=0.03),
            Fault.rate_limited(retry_after=1, probability=0.04),
            Fault.reset(probability=0.03),
            Fault.truncate(endpoint="storage-get", probability=0.1),
            Fault.job_outcome("failed", probability=0.03),
        ],
    )


def _cells(path: Path) -> list[list[tuple[object, ...]]]:
    workbook = load_workbook(path, read_only=True)
    try:
        return [list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets]
    finally:
        workbook.close()


def _rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def run(conversions: int, workers: int, seed: int, time_limit: float) -> int:
    """Run the soak; return the number of failed invariants."""
    log_buffer = io.StringIO()
    handler = logging.StreamHandler(log_buffer)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    package_logger = logging.getLogger("pdfco_client")
    package_logger.addHandler(handler)
    package_logger.setLevel(logging.DEBUG)
    failures = 0
    with tempfile.TemporaryDirectory(prefix="pdfco-soak-") as scratch:
        root = Path(scratch)
        inputs = {
            "ruled": make_ruled_table_pdf(),
            "unruled": make_unruled_table_pdf(),
            "ledger": make_multi_page_pdf(),
        }
        for name, data in inputs.items():
            (root / f"{name}.pdf").write_bytes(data)
        with Emulator(job_min_duration=0.05, workers=JOB_WORKERS, http_workers=HTTP_WORKERS) as emu:
            settings = {
                "api_key": emu.api_key,
                "base_url": emu.base_url,
                "poll_interval": 0.05,
                "max_poll_interval": 0.5,
                "retry_max_wait": 0.5,
                "request_timeout": 30.0,
            }
            reference_dir = root / "reference"
            with PdfCoClient(**settings) as clean:  # type: ignore[arg-type]
                reference = {
                    name: _cells(
                        clean.convert_pdf_to_xlsx(
                            root / f"{name}.pdf", output=reference_dir / f"{name}.xlsx"
                        ).output_path
                        or reference_dir
                    )
                    for name in inputs
                }
            emu.clear_requests()
            emu.faults = fault_plan(seed)
            names = list(inputs)
            sources = [
                _copy(root, names[index % len(names)], index) for index in range(conversions)
            ]
            outcomes: Counter[str] = Counter()
            samples: list[tuple[int, float, int]] = []
            output_dir = root / "out"
            threads_before = threading.active_count()
            # Two servers (API and storage) with their request pools, the job pool, the batch.
            thread_bound = threads_before + workers + 2 * HTTP_WORKERS + JOB_WORKERS
            started = time.monotonic()
            with PdfCoClient(**settings) as client:  # type: ignore[arg-type]
                batch = client.convert_many(
                    sources, "xlsx", output_dir=output_dir, max_workers=workers
                )
                for done, item in enumerate(batch, start=1):
                    outcomes[type(item.error).__name__ if item.error else "ok"] += 1
                    if done % max(1, conversions // 10) == 0:
                        samples.append((done, _rss_mib(), threading.active_count()))
                    if time.monotonic() - started > time_limit:
                        print(f"time limit of {time_limit:.0f} s reached after {done} conversions")
                        batch.close()
                        break
            elapsed = time.monotonic() - started
            leaks = len(emu.storage_key_leaks)
            key = emu.api_key
            fired = Counter(emu.faults.rules[index].kind for index, _ in emu.faults.fired)
            total_requests = len(emu.requests)

        print(f"\n{sum(outcomes.values())} conversions in {elapsed:.1f} s, {workers} workers")
        print_table(
            ["outcome", "count"], [[name, str(count)] for name, count in outcomes.most_common()]
        )
        print(
            f"\nfaults fired: {sum(fired.values())} "
            f"({', '.join(f'{k} {v}' for k, v in fired.most_common())}); "
            f"requests recorded (last {total_requests} kept)"
        )
        print_table(
            ["after", "RSS MiB", "threads"],
            [[str(done), f"{rss:.1f}", str(threads)] for done, rss, threads in samples],
        )

        checks: list[tuple[str, bool, str]] = []
        written = sorted(output_dir.glob("*.xlsx")) if output_dir.exists() else []
        mismatched = []
        for path in written:
            kind = path.stem.split("-")[0]
            if _cells(path) != reference[kind]:
                mismatched.append(path.name)
        checks.append(
            (
                "every output is complete and equals the fault-free result",
                not mismatched and len(written) == outcomes["ok"],
                f"{len(written)} files, {outcomes['ok']} successes, {len(mismatched)} differ",
            )
        )
        partials = [p.name for p in root.rglob("*.part")]
        checks.append(("no temporary files left", not partials, f"{len(partials)} found"))
        checks.append(("the key never reached storage", leaks == 0, f"{leaks} requests"))
        logged = log_buffer.getvalue()
        checks.append(
            (
                "the key never appeared in a log line",
                key not in logged,
                f"{logged.count(chr(10))} lines",
            )
        )
        if len(samples) >= 2:
            grew = samples[-1][1] - samples[0][1]
            checks.append(
                (
                    "RSS flat across the run",
                    grew <= RSS_MARGIN_MIB,
                    f"{samples[0][1]:.1f} -> {samples[-1][1]:.1f} MiB",
                )
            )
            most = max(threads for _, _, threads in samples)
            checks.append(
                (
                    "threads bounded across the run",
                    most <= thread_bound,
                    f"{threads_before} before, {samples[0][2]} -> {samples[-1][2]}, "
                    f"max {most} <= {thread_bound}",
                )
            )
        checks.append(
            (
                "faults really happened",
                sum(fired.values()) > 0 and outcomes["ok"] < sum(outcomes.values()),
                f"{sum(fired.values())} fired",
            )
        )
        print()
        print_table(
            ["invariant", "holds", "detail"],
            [[name, "yes" if ok else "NO", detail] for name, ok, detail in checks],
        )
        failures = sum(1 for _, ok, _ in checks if not ok)
    package_logger.removeHandler(handler)
    return failures


def _copy(root: Path, name: str, index: int) -> Path:
    # One file per conversion, named <kind>-<n>.pdf, so outputs map back to their reference.
    target = root / "in" / f"{name}-{index:04d}.pdf"
    target.parent.mkdir(exist_ok=True)
    target.write_bytes((root / f"{name}.pdf").read_bytes())
    return target


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Parse arguments and run the soak."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.soak", description=__doc__)
    parser.add_argument("--conversions", type=int, default=300)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--time-limit", type=float, default=600.0, help="seconds (default 600)")
    args = parser.parse_args(argv)
    failures = run(args.conversions, args.workers, args.seed, args.time_limit)
    print("\nsoak: " + ("all invariants hold" if failures == 0 else f"{failures} invariants FAIL"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
