"""Polling: how soon the client notices a finished job, and how many job checks it pays for.

Run ``python -m benchmarks.polling`` (``--real`` adds runs against the emulator, about 70 s).

Each job check costs 2 credits, and each second between a job's end and the client noticing is
a second the caller waits for nothing. A policy is a schedule of checks; for a job of duration
``d`` it notices at the first check at or after ``d``.

1. **Simulation**, exact and cheap: the schedule comes from the client's own tenacity wait
   strategy (``wait_backoff``, with its jitter), run on a simulated clock, 500 jobs per duration.
   Several policies are compared, with the official samples' loop (check, then every 3 s) as the
   reference, to show the trade-off between latency and checks.
2. **Real** (``--real``): the default policy and the samples' loop against emulators whose jobs
   take 0.5, 2, 10 and 60 s, all concurrently, counting the checks the emulator received.

Targets (issue 6): latency at most 20% of the job's duration (under 0.5 s for short jobs), with
at most 1.5 times the checks of the fixed 3 s loop.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Callable, Optional

import requests

from benchmarks._common import print_table
from pdfco_client import PdfCoClient
from pdfco_client._config import (
    DEFAULT_MAX_POLL_INTERVAL,
    DEFAULT_POLL_BACKOFF,
    DEFAULT_POLL_INTERVAL,
)
from pdfco_client._policies import POLL_JITTER, Deadline, wait_backoff

DURATIONS = (0.5, 2.0, 10.0, 60.0)
SAMPLE_INTERVAL = 3.0


@dataclass(frozen=True)
class Policy:
    """A polling schedule: the first wait, the growth factor and the longest wait."""

    name: str
    initial: float
    backoff: float
    maximum: float
    fixed_first_check_at_zero: bool = False

    def schedule(self, horizon: float, rng: random.Random) -> list[float]:
        """Times of the checks up to ``horizon``, as the client would make them."""
        if self.fixed_first_check_at_zero:
            return [index * self.initial for index in range(int(horizon / self.initial) + 2)]
        wait = wait_backoff(
            initial=self.initial,
            maximum=self.maximum,
            base=self.backoff,
            deadline=Deadline(lambda: 0.0, None),
            jitter=POLL_JITTER,
            rng=rng.random,
        )
        # The one-call conversions sleep poll_interval before the first check (a job that was
        # just started is never done yet), then follow the tenacity wait strategy.
        times = [self.initial]
        attempt = 1
        while times[-1] < horizon:
            times.append(times[-1] + wait(_State(attempt)))  # type: ignore[arg-type]
            attempt += 1
        return times


class _State:
    # The only fields of tenacity's RetryCallState that wait_backoff reads.
    def __init__(self, attempt: int) -> None:
        self.attempt_number = attempt
        self.outcome = None


DEFAULT = Policy("default", DEFAULT_POLL_INTERVAL, DEFAULT_POLL_BACKOFF, DEFAULT_MAX_POLL_INTERVAL)
SAMPLES = Policy("samples: every 3 s", SAMPLE_INTERVAL, 1.0, SAMPLE_INTERVAL, True)
POLICIES = (
    DEFAULT,
    Policy("0.3 s x1.5 max 8", 0.3, 1.5, 8.0),
    Policy("0.3 s x1.3 max 8", 0.3, 1.3, 8.0),
    Policy("0.6 s x2.2 max 3", 0.6, 2.2, 3.0),
    Policy("0.55 s x2.5 max 5", 0.55, 2.5, 5.0),
    Policy("0.3 s x2 max 8", 0.3, 2.0, 8.0),
    Policy("0.5 s x1.5 max 15", 0.5, 1.5, 15.0),
    Policy("0.1 s x1.5 max 8", 0.1, 1.5, 8.0),
    Policy("MCP: every 1 s", 1.0, 1.0, 1.0, True),
    SAMPLES,
)


def simulate(policy: Policy, duration: float, runs: int, seed: int) -> tuple[float, float]:
    """Mean noticing latency (s) and mean checks for jobs of ``duration``."""
    rng = random.Random(seed)
    latencies, checks = [], []
    for _ in range(runs):
        # Real jobs of "10 s" take 9 to 11: a fixed loop is not lucky on round numbers.
        actual = duration * rng.uniform(0.9, 1.1)
        times = policy.schedule(actual * 2 + 60, rng)
        index = next(i for i, t in enumerate(times) if t >= actual)
        latencies.append(times[index] - actual)
        checks.append(index + 1)
    return statistics.mean(latencies), statistics.mean(checks)


def print_simulation(runs: int, seed: int) -> None:
    """The trade-off table: every policy at every duration, with the targets checked."""
    reference = {d: simulate(SAMPLES, d, runs, seed)[1] for d in DURATIONS}
    rows = []
    for policy in POLICIES:
        row = [policy.name]
        for duration in DURATIONS:
            latency, checks = simulate(policy, duration, runs, seed)
            met = latency <= 0.2 * duration and checks <= 1.5 * reference[duration]
            row.append(f"{latency:5.2f} s / {checks:4.1f}{'' if met else ' *'}")
        rows.append(row)
    print(f"Simulated mean latency / checks per job ({runs} jobs each; * = misses a target)")
    print_table(["policy"] + [f"{d:g} s job" for d in DURATIONS], rows)


def _real_default(client: PdfCoClient, url: str, duration: float) -> float:
    started = time.monotonic()
    client.convert(url, "csv")
    return time.monotonic() - started - duration


def _real_samples(base_url: str, key: str, url: str, duration: float) -> float:
    # The official Python sample's loop: start with async=True, then check, sleep 3 s, repeat.
    with requests.Session() as session:
        session.headers["x-api-key"] = key
        started = time.monotonic()
        job = session.post(
            f"{base_url}/pdf/convert/to/csv", data={"url": url, "async": "True"}, timeout=30
        ).json()
        for _ in range(100):
            status = session.get(
                f"{base_url}/job/check", params={"jobid": job["jobId"]}, timeout=30
            ).json()
            if status["status"] == "success":
                return time.monotonic() - started - duration
            time.sleep(SAMPLE_INTERVAL)
    raise RuntimeError("the sample loop never saw success")


def run_real() -> None:
    """Both policies against emulators with jobs of each duration, durations in parallel."""
    from pdfco_client.emulator import Emulator
    from tests.pdf_factory import make_ruled_table_pdf

    results: dict[tuple[str, float], tuple[float, int]] = {}
    lock = threading.Lock()

    def measure(duration: float) -> None:
        emu = Emulator(job_min_duration=duration)
        with emu, PdfCoClient(api_key=emu.api_key, base_url=emu.base_url) as client:
            url = client.upload(make_ruled_table_pdf()).url
            runs: list[tuple[str, Callable[[], float]]] = [
                ("default", lambda: _real_default(client, url, duration)),
                ("samples", lambda: _real_samples(emu.base_url, emu.api_key, url, duration)),
            ]
            # One policy at a time per emulator keeps the check counts apart.
            for name, run in runs:
                emu.clear_requests()
                latency = run()
                checks = sum(1 for r in emu.requests if r.endpoint == "job/check")
                with lock:
                    results[(name, duration)] = (latency, checks)

    threads = [threading.Thread(target=measure, args=(d,)) for d in DURATIONS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    rows = []
    for duration in DURATIONS:
        row = [f"{duration:g} s"]
        for name in ("default", "samples"):
            latency, checks = results.get((name, duration), (float("nan"), 0))
            row.append(f"{latency:5.2f} s / {checks}")
        rows.append(row)
    print("\nReal runs against the emulator: latency / job checks")
    print_table(["job", "default policy", "samples: every 3 s"], rows)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Print the simulated trade-off, and with ``--real`` the measured runs."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.polling", description=__doc__)
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--real", action="store_true", help="also run against the emulator")
    args = parser.parse_args(argv)
    print_simulation(args.runs, args.seed)
    if args.real:
        run_real()
    return 0


if __name__ == "__main__":
    sys.exit(main())
