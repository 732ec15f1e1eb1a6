"""Per-call overhead of ``PdfCoClient`` over a bare ``requests.Session`` making the same HTTP calls.

Run from the repository root: ``.venv/bin/python -m benchmarks.overhead [--calls 300]``.

Against the emulator in its own process, each operation is called ``--calls`` times through the
client (A) and the same number of times as the equivalent bare request (B): same method, URL, JSON
body, ``x-api-key`` and ``User-Agent`` headers, timeout and ``allow_redirects=False``, with the
JSON body parsed. Calls alternate ABBA so drift on a shared machine hits both sides alike, after
``--warmup`` calls of each. Reported: the median and p90 wall time per call of each side, their
ratio, and the difference (the client's own cost per call). Operations:

- ``check_job``: ``POST /v1/job/check`` of a finished job;
- ``get_credit_balance``: ``GET /v1/account/credit/balance``;
- ``get_pdf_info``: ``POST /v1/pdf/info`` with ``async=false`` (a small synchronous PDF call);
- ``start_conversion``: ``POST /v1/pdf/convert/to/csv`` with ``async=true`` of a one-page PDF (a
  conversion start; the jobs then run in the emulator, a background load both sides share).

Target (from the per-call overhead issue): at most 10 % more wall time per call.

A second table repeats the comparison with the network taken out: both sessions get a transport
adapter that answers at once with the bytes the emulator answered during setup, so what is left is
each side's own Python work per call (the client's: validation, retry policy, deadline, key
scoping, pydantic models). It shows where the loopback difference comes from; it has no target.
``--profile`` adds a cProfile of the client's ``check_job`` calls (the 15 costliest functions).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Callable, Optional, Union
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from pdfco_client import PdfCoClient, __version__
from tests.pdf_factory import make_ruled_table_pdf

from ._common import EmulatorProcess, median, percentile, print_table

__all__ = ["Comparison", "main"]

DEFAULT_CALLS = 300
DEFAULT_WARMUP = 20
TARGET_RATIO = 1.10
#: The client's default (connect, read) timeouts, given to the bare session too.
TIMEOUT = (10.0, 120.0)
# The client's own User-Agent, so both sides send the same bytes.
USER_AGENT = f"pdfco-client/{__version__} python-requests/{requests.__version__}"

Call = Callable[[], object]


@dataclass(frozen=True)
class Comparison:
    """Per-call wall times (seconds) of the client and of the bare session for one operation."""

    operation: str
    client: list[float]
    bare: list[float]

    @property
    def ratio(self) -> float:
        return median(self.client) / median(self.bare)


def _timed(call: Call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def compare(
    operation: str, client_call: Call, bare_call: Call, calls: int, warmup: int
) -> Comparison:
    """Run both sides ``calls`` times, ABBA, after ``warmup`` calls of each."""
    for _ in range(warmup):
        client_call()
        bare_call()
    client: list[float] = []
    bare: list[float] = []
    for index in range(calls):
        if index % 2 == 0:
            client.append(_timed(client_call))
            bare.append(_timed(bare_call))
        else:
            bare.append(_timed(bare_call))
            client.append(_timed(client_call))
    return Comparison(operation, client, bare)


class BareApi:
    """The same API calls as the client, with a plain ``requests.Session``."""

    def __init__(
        self, base_url: str, api_key: str, *, session: Optional[requests.Session] = None
    ) -> None:
        self._base_url = base_url
        self.session = session or requests.Session()
        self.session.headers.update({"x-api-key": api_key, "User-Agent": USER_AGENT})

    def call(self, method: str, path: str, body: Optional[dict[str, Any]] = None) -> Any:
        response = self.session.request(
            method,
            f"{self._base_url}/{path}",
            json=body,
            timeout=TIMEOUT,
            allow_redirects=False,
        )
        response.raise_for_status()
        return response.json()


class CannedAdapter(BaseAdapter):
    """Answers every request at once, from memory, with the body recorded for its URL path."""

    def __init__(self, bodies: dict[str, bytes]) -> None:
        super().__init__()
        self._bodies = bodies

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Union[float, tuple[float, float], tuple[float, None], None] = None,
        verify: Union[bool, str] = True,
        cert: Union[bytes, str, tuple[Union[bytes, str], Union[bytes, str]], None] = None,
        proxies: Optional[Mapping[str, str]] = None,
    ) -> requests.Response:
        path = (request.path_url or "").split("?", 1)[0]
        body = self._bodies[path]
        response = requests.Response()
        response.status_code = 200
        response.reason = "OK"
        response.headers = CaseInsensitiveDict(
            {"Content-Type": "application/json", "Content-Length": str(len(body))}
        )
        response.raw = io.BytesIO(body)
        response.url = request.url or ""
        response.request = request
        return response

    def close(self) -> None:
        pass


def canned_session(bodies: dict[str, bytes]) -> requests.Session:
    """A session whose every request is answered by :class:`CannedAdapter`."""
    session = requests.Session()
    adapter = CannedAdapter(bodies)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def _prepare(client: PdfCoClient) -> tuple[str, str]:
    """An uploaded one-page PDF's URL and the id of a finished job."""
    uploaded = client.upload(make_ruled_table_pdf(), name="ruled.pdf")
    job = client.start_conversion(uploaded.url, "csv")
    client.wait_for_job(job.job_id, timeout=60)
    return uploaded.url, job.job_id


def _calls(
    client: PdfCoClient, bare: BareApi, url: str, job_id: str
) -> list[tuple[str, Call, Call]]:
    return [
        (
            "check_job",
            lambda: client.check_job(job_id),
            lambda: bare.call("POST", "job/check", {"jobid": job_id, "force": False}),
        ),
        (
            "get_credit_balance",
            client.get_credit_balance,
            lambda: bare.call("GET", "account/credit/balance")["remainingCredits"],
        ),
        (
            "get_pdf_info",
            lambda: client.get_pdf_info(url),
            lambda: bare.call("POST", "pdf/info", {"url": url, "async": False}),
        ),
        (
            "start_conversion",
            lambda: client.start_conversion(url, "csv"),
            lambda: bare.call("POST", "pdf/convert/to/csv", {"url": url, "async": True}),
        ),
    ]


def profile(call: Call, calls: int) -> str:
    """The 15 costliest functions (own time) of ``calls`` calls, as pstats prints them."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(calls):
        call()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(15)
    return out.getvalue()


def measure_canned(
    base_url: str, api_key: str, url: str, job_id: str, calls: int, warmup: int
) -> list[Comparison]:
    """The comparison again with both sessions answered from memory (see the module docstring)."""
    recorder = BareApi(base_url, api_key)
    bodies: dict[str, bytes] = {}
    prefix = urlsplit(base_url).path.rstrip("/")
    for method, path, body in (
        ("POST", "job/check", {"jobid": job_id, "force": False}),
        ("GET", "account/credit/balance", None),
        ("POST", "pdf/info", {"url": url, "async": False}),
        ("POST", "pdf/convert/to/csv", {"url": url, "async": True}),
    ):
        response = recorder.session.request(
            method, f"{base_url}/{path}", json=body, timeout=TIMEOUT
        )
        response.raise_for_status()
        bodies[f"{prefix}/{path}"] = response.content
    recorder.session.close()
    bare = BareApi(base_url, api_key, session=canned_session(bodies))
    client = PdfCoClient(api_key=api_key, base_url=base_url, session=canned_session(bodies))
    try:
        return [
            compare(name, client_call, bare_call, calls, warmup)
            for name, client_call, bare_call in _calls(client, bare, url, job_id)
        ]
    finally:
        bare.session.close()


def report(results: Sequence[Comparison], title: str, target: bool = True) -> bool:
    """Print one table; whether every operation is within the target."""
    print(f"\n{title}")
    print_table(
        ["operation", "calls", "A median ms", "B median ms", "A/B", "A-B µs", "A p90", "B p90"],
        [
            [
                c.operation,
                str(len(c.client)),
                f"{median(c.client) * 1e3:.3f}",
                f"{median(c.bare) * 1e3:.3f}",
                f"{c.ratio:.3f}",
                f"{(median(c.client) - median(c.bare)) * 1e6:.0f}",
                f"{percentile(c.client, 90) * 1e3:.3f}",
                f"{percentile(c.bare, 90) * 1e3:.3f}",
            ]
            for c in results
        ],
    )
    met = all(c.ratio <= TARGET_RATIO for c in results)
    if target:
        print(f"\ntarget A/B <= {TARGET_RATIO:.2f}: {'met' if met else 'MISSED'}")
    return met


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.overhead",
        description="Per-call wall time of PdfCoClient versus a bare requests.Session.",
    )
    parser.add_argument("--calls", type=int, default=DEFAULT_CALLS, help="calls per side")
    parser.add_argument("--warmup", type=int, default=DEFAULT_WARMUP)
    parser.add_argument("--profile", action="store_true", help="cProfile the client's check_job")
    args = parser.parse_args(argv)
    if not 1 <= args.calls <= 10_000 or not 0 <= args.warmup <= 1000:
        parser.error("--calls must be 1 to 10000 and --warmup 0 to 1000")
    # Jobs finish at once and are never polled here; plenty of credits for the paid calls.
    with EmulatorProcess(["--job-min-duration", "0", "--credits", "100000000"]) as emu:
        client = PdfCoClient(api_key=emu.api_key, base_url=emu.base_url)
        bare = BareApi(emu.base_url, emu.api_key)
        try:
            url, job_id = _prepare(client)
            operations = _calls(client, bare, url, job_id)
            results = []
            for name, client_call, bare_call in operations:
                print(f"overhead: {name} ...", file=sys.stderr, flush=True)
                results.append(compare(name, client_call, bare_call, args.calls, args.warmup))
            report(
                results,
                "Per-call wall time, client (A) vs bare requests.Session (B), emulator on loopback",
            )
            print("overhead: canned responses ...", file=sys.stderr, flush=True)
            report(
                measure_canned(
                    emu.base_url, emu.api_key, url, job_id, args.calls * 10, args.warmup
                ),
                "Network taken out (canned answers in memory): each side's own work per call",
                target=False,
            )
            if args.profile:
                print(f"\ncProfile of {args.calls} client check_job calls:")
                print(profile(operations[0][1], args.calls))
                print(f"cProfile of {args.calls} bare check_job calls:")
                print(profile(operations[0][2], args.calls))
        finally:
            client.close()
            bare.session.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
