"""Polling: how soon the client notices a finished job, and how many job checks it pays for.

Run ``.venv/bin/python -m benchmarks.polling`` (about 2 minutes; ``--runs``, ``--lengths``,
``--presets fast,frugal`` to add presets to the real runs, ``--no-real`` for the simulation only).

A check costs 2 credits; each second between a job's end and the client noticing is a second the
caller waits for nothing. The reference is the official samples' loop: start with
``async=true``, check at once, then sleep 3 s between checks.

1. **Real runs**, wall clock, real sleeps: ``start_conversion`` then ``wait_for_job`` with each
   preset, and the samples' loop in plain ``requests``, against ``benchmarks._jobserver`` (its own
   process, no code shared with the client) whose jobs turn ``success`` exactly D s after their
   start request arrived, over a spread of lengths. Latency is measured as a user waits: from the
   moment the start request is answered, and from the call. Checks are counted by the server.
   All jobs of a round run at once; ``--runs`` rounds (3), medians.
2. **Simulated**, up to 10-minute jobs: the same client code (``wait_for_job`` with its tenacity
   policy) on a simulated clock, with the API answered in memory (``responses``) after a round
   trip of ``--rtt`` s; 8 jobs per length (each job id has its own jitter phase): means.
3. **The trade-off curve** of plain geometric schedules, from the schedule arithmetic.

Targets (issue 13). Default, on 0.5, 1, 2, 4 and 8 s jobs: latency <= max(0.5 s, 40 % of D),
checks <= 2x the loop's + 1. Goal, 0.3 s to 10 min: latency <= max(0.3 s, 20 % of D) and
checks <= 1.5x the loop's, where both can hold.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import statistics
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any, Callable, Optional

import requests
import responses

from benchmarks._common import print_table
from benchmarks._jobserver import JobServerProcess
from pdfco_client import PdfCoClient, PollPolicy
from pdfco_client._config import DEFAULT_POLL
from pdfco_client._schedule import POLL_PRESETS, CheckPlanner

REAL_LENGTHS = (0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 15.0, 20.0, 30.0)
SIM_LENGTHS = (0.3, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0)
JUDGED = (0.5, 1.0, 2.0, 4.0, 8.0)
SAMPLE_INTERVAL = 3.0
API_KEY = "benchmark-key"
SIM_URL = "https://api.pdf.co/v1"


@dataclass(frozen=True)
class Measured:
    """One job: seconds from its end to being noticed, from the start's answer and the call."""

    after_answer: float
    after_call: float
    checks: int


def loop_checks(length: float) -> int:
    """Checks the samples' loop makes for a job of ``length`` s (at once, then every 3 s)."""
    return math.ceil(length / SAMPLE_INTERVAL - 1e-9) + 1


def default_target(length: float, latency: float, checks: float, loop: float) -> bool:
    return latency <= max(0.5, 0.4 * length) and checks <= 2 * loop + 1


def goal(length: float, latency: float, checks: float, loop: float) -> bool:
    return latency <= max(0.3, 0.2 * length) and checks <= 1.5 * loop


def _input(length: float) -> str:
    # The job server reads the job's length from the input URL; it never fetches it.
    return f"https://bench.invalid/{length:g}s.pdf"


# -- real runs ------------------------------------------------------------------------------------


def _server_checks(base_url: str, job_id: str) -> int:
    answer = requests.get(
        f"{base_url.rsplit('/v1', 1)[0]}/bench/job", params={"jobid": job_id}, timeout=10
    ).json()
    return len(answer["checks"])


def real_client(base_url: str, policy: PollPolicy, length: float) -> Measured:
    """``start_conversion`` + ``wait_for_job``, timed from the call and from the answer."""
    with PdfCoClient(api_key=API_KEY, base_url=base_url, poll=policy) as client:
        called = time.perf_counter()
        job = client.start_conversion(_input(length), "csv")
        answered = time.perf_counter()
        client.wait_for_job(job.job_id, timeout=length + 120)
        noticed = time.perf_counter()
    return Measured(
        noticed - answered - length, noticed - called - length, _server_checks(base_url, job.job_id)
    )


def real_sample_loop(base_url: str, length: float) -> Measured:
    """The official Python sample's loop, as it is written: module-level ``requests`` calls."""
    headers = {"x-api-key": API_KEY}
    called = time.perf_counter()
    job = requests.post(
        f"{base_url}/pdf/convert/to/csv",
        data={"url": _input(length), "async": True},
        headers=headers,
        timeout=30,
    ).json()
    answered = time.perf_counter()
    for _ in range(10_000):
        status = requests.get(
            f"{base_url}/job/check", params={"jobid": job["jobId"]}, headers=headers, timeout=30
        ).json()
        if status["status"] == "success":
            noticed = time.perf_counter()
            return Measured(
                noticed - answered - length,
                noticed - called - length,
                _server_checks(base_url, job["jobId"]),
            )
        time.sleep(SAMPLE_INTERVAL)
    raise RuntimeError("the sample loop never saw success")


def run_real(
    lengths: Sequence[float], presets: Sequence[str], runs: int
) -> dict[tuple[str, float], list[Measured]]:
    """Every (method, length) once per round, all at once; ``runs`` rounds."""
    results: dict[tuple[str, float], list[Measured]] = {}
    with JobServerProcess() as server:
        for round_number in range(runs):
            tasks: list[tuple[str, float, Callable[[], Measured]]] = []
            for length in lengths:
                for name in presets:
                    tasks.append(
                        (
                            name,
                            length,
                            partial(real_client, server.base_url, POLL_PRESETS[name], length),
                        )
                    )
                tasks.append(("loop", length, partial(real_sample_loop, server.base_url, length)))
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=len(tasks)) as pool:
                futures = [(name, d, pool.submit(task)) for name, d, task in tasks]
                for name, d, future in futures:
                    results.setdefault((name, d), []).append(future.result())
            print(
                f"round {round_number + 1}/{runs}: {len(tasks)} jobs in "
                f"{time.perf_counter() - started:.0f} s",
                file=sys.stderr,
            )
    return results


def _median(values: Sequence[Measured]) -> Measured:
    return Measured(
        statistics.median(m.after_answer for m in values),
        statistics.median(m.after_call for m in values),
        round(statistics.median(m.checks for m in values)),
    )


def print_real(
    results: dict[tuple[str, float], list[Measured]],
    presets: Sequence[str],
    lengths: Sequence[float],
    runs: int,
) -> None:
    print(
        f"\nReal runs against benchmarks._jobserver, medians of {runs}: seconds from the job's "
        "end to the client noticing, from the start's answer (from the call), and checks"
    )
    headers = ["job"]
    for name in presets:
        headers += [f"{name}: notices", "checks"]
    headers += ["samples' loop", "checks", f"{DEFAULT_POLL} vs targets"]
    rows = []
    for length in lengths:
        row = [f"{length:g} s"]
        for name in presets:
            m = _median(results[(name, length)])
            row += [f"{m.after_answer:5.2f} ({m.after_call:4.2f})", str(m.checks)]
        loop = _median(results[("loop", length)])
        row += [f"{loop.after_answer:5.2f} ({loop.after_call:4.2f})", str(loop.checks)]
        mine = _median(results[(DEFAULT_POLL, length)]) if DEFAULT_POLL in presets else None
        row.append(_verdict(length, mine, loop.checks))
        rows.append(row)
    print_table(headers, rows)


def _verdict(length: float, m: Optional[Measured], loop: int) -> str:
    if m is None:
        return ""
    met = default_target(length, m.after_answer, m.checks, loop)
    parts = ["default target met" if met else "default target MISSED"]
    parts.append("goal met" if goal(length, m.after_answer, m.checks, loop) else "goal missed")
    return ", ".join(parts)


# -- simulated runs -------------------------------------------------------------------------------


class _SimulatedPdfCo:
    """PDF.co's two job endpoints in memory, on a simulated clock; each request takes ``rtt``."""

    def __init__(self, mock: responses.RequestsMock, rtt: float) -> None:
        self.now = 0.0
        self.rtt = rtt
        self.jobs: dict[str, tuple[float, float]] = {}
        self.checks: dict[str, int] = {}
        mock.add_callback(
            "POST", re.compile(re.escape(SIM_URL) + r"/pdf/convert/to/\w+"), callback=self._start
        )
        mock.add_callback("POST", f"{SIM_URL}/job/check", callback=self._check)

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    def _arrive(self) -> float:
        arrived = self.now + self.rtt / 2
        self.now += self.rtt
        return arrived

    def _start(self, request: Any) -> tuple[int, dict[str, str], str]:
        arrived = self._arrive()
        length = float(json.loads(request.body)["url"].rsplit("/", 1)[-1][:-5])
        job_id = f"SIM{len(self.jobs):029d}"
        self.jobs[job_id] = (arrived, length)
        return 200, {}, json.dumps({"jobId": job_id, "error": False, "status": 200})

    def _check(self, request: Any) -> tuple[int, dict[str, str], str]:
        arrived = self._arrive()
        job_id = json.loads(request.body)["jobid"]
        self.checks[job_id] = self.checks.get(job_id, 0) + 1
        started, length = self.jobs[job_id]
        state = "success" if arrived - started >= length else "working"
        return 200, {}, json.dumps({"status": state, "url": "https://x.invalid/r.csv"})


def simulate(
    policy: Optional[PollPolicy], length: float, jobs: int, rtt: float
) -> tuple[float, float, float]:
    """Mean and worst latency (from the start's answer) and mean checks; ``None`` = the loop."""
    latencies, checks = [], []
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        server = _SimulatedPdfCo(mock, rtt)
        with PdfCoClient(
            api_key=API_KEY,
            base_url=SIM_URL,
            poll=policy or POLL_PRESETS[DEFAULT_POLL],
            sleep=server.sleep,
            clock=server.clock,
            max_retries=0,
        ) as client:
            for _ in range(jobs):
                server.now += 1000.0  # the jobs do not overlap
                job = client.start_conversion(_input(length), "csv")
                answered = server.now
                if policy is None:
                    while client.check_job(job.job_id).status.value != "success":
                        server.sleep(SAMPLE_INTERVAL)
                else:
                    client.wait_for_job(job.job_id, timeout=length * 3 + 600)
                latencies.append(server.now - answered - length)
                checks.append(server.checks[job.job_id])
    return statistics.mean(latencies), max(latencies), statistics.mean(checks)


def print_simulation(jobs: int, rtt: float) -> None:
    print(
        f"\nSimulated (the client's own wait_for_job on a simulated clock, {rtt * 1000:g} ms a "
        f"request, {jobs} jobs per length): mean latency / mean checks; * misses the goal"
    )
    methods: list[tuple[str, Optional[PollPolicy]]] = [
        (name, policy) for name, policy in POLL_PRESETS.items()
    ]
    methods.append(("samples' loop", None))
    loops = {d: simulate(None, d, 1, rtt)[2] for d in SIM_LENGTHS}
    rows = []
    for name, policy in methods:
        row = [name + (" (default)" if name == DEFAULT_POLL else "")]
        for length in SIM_LENGTHS:
            mean, worst, checks = simulate(policy, length, jobs, rtt)
            mark = "" if goal(length, worst, checks, loops[length]) else " *"
            row.append(f"{mean:.2f} / {checks:.1f}{mark}")
        rows.append(row)
    print_table(["schedule"] + [f"{d:g} s" for d in SIM_LENGTHS], rows)


# -- the trade-off curve --------------------------------------------------------------------------

CURVE_LENGTHS = (2.0, 10.0, 60.0, 600.0)


def _noticed(policy: PollPolicy, length: float, phase: float = 0.5) -> tuple[float, int]:
    planner = CheckPlanner(policy, phase)
    age, checks = 0.0, 0
    while True:
        age = planner.next_check(age)
        checks += 1
        if age >= length:
            return age - length, checks


def print_curve() -> None:
    """Geometric schedules (first check 0.6 s, waits >= 0.3 s): latency bound against checks."""
    grid = [0.3 + 0.01 * i for i in range(970)] + [10.0 + 0.25 * i for i in range(2361)]
    print(
        "\nTrade-off of geometric schedules (first check 0.6 s, waits >= 0.3 s, no ceiling), "
        "and of the presets: worst latency over 2 s-10 min jobs as a fraction of the job, and "
        "checks as a multiple of the samples' loop's"
    )
    rows = []
    schedules = [
        (
            f"ratio {r:g}",
            PollPolicy(
                first_check=0.6,
                min_interval=0.3,
                growth=r,
                long_job_growth=r,
                max_interval=1e6,
                jitter=0.0,
            ),
        )
        for r in (1.1, 1.2, 1.3, 1.4, 1.5, 1.75, 2.0, 2.5)
    ]
    schedules += [(f"preset {name}", policy) for name, policy in POLL_PRESETS.items()]
    for label, policy in schedules:
        worst = max(_noticed(policy, d)[0] / d for d in grid if d >= 2.0)
        row = [label, f"{worst:.2f}"]
        row += [f"{_noticed(policy, d)[1] / loop_checks(d):.2f}" for d in CURVE_LENGTHS]
        rows.append(row)
    print_table(
        ["schedule", "worst latency / D"] + [f"checks / loop's at {d:g} s" for d in CURVE_LENGTHS],
        rows,
    )


def main(argv: Optional[Sequence[str]] = None) -> int:
    """The real runs, the simulation and the curve, one after the other."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.polling", description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--lengths", default=",".join(f"{d:g}" for d in REAL_LENGTHS))
    parser.add_argument("--presets", default="", help="more presets for the real runs: fast,frugal")
    parser.add_argument("--no-real", action="store_true", help="skip the real runs")
    parser.add_argument("--jobs", type=int, default=8, help="simulated jobs per length")
    parser.add_argument("--rtt", type=float, default=0.05, help="simulated seconds a request")
    args = parser.parse_args(argv)
    lengths = [float(d) for d in args.lengths.split(",") if d]
    presets = [DEFAULT_POLL] + [p for p in args.presets.split(",") if p and p != DEFAULT_POLL]
    if not args.no_real:
        print_real(run_real(lengths, presets, args.runs), presets, lengths, args.runs)
    print_simulation(args.jobs, args.rtt)
    print_curve()
    return 0


if __name__ == "__main__":
    sys.exit(main())
