"""Upload and download throughput and memory of the client, against ``curl``, on loopback storage.

Run from the repository root: ``.venv/bin/python -m benchmarks.transfer [--sizes 64M,256M,1G]``.

The emulator runs as its own process. For each size a file of distinct 1 MiB blocks (random bytes
plus the block's index, so nothing compresses and a reordered block changes the digest) is written
to a temporary directory, then, side by side in the same run:

- **client**: a fresh child process imports ``pdfco_client``, builds a ``PdfCoClient``, warms up
  with a 1 KiB round trip, reads its idle peak RSS (``VmHWM``), then times
  ``client.upload(path)`` and ``client.download(url, dest)`` and reads its peak RSS again. The
  difference is what transferring the file cost in memory: it must not grow with the file.
- **client + tracemalloc**: the same in another child with ``tracemalloc`` started after the idle
  reading: the peak of Python-side allocations (slower, so its timings are not reported).
- **curl**: ``curl -T file <presigned PUT URL>`` with the signed ``Content-Type``, and
  ``curl -o dest <GET URL>``, timed by curl's own ``%{time_total}``; its peak RSS from ``wait4``.
  curl's peak RSS comes from GNU ``time`` when it is installed.
  The client's download ``fsync``s the file before renaming it and curl's does not, so the curl
  download is also shown with an ``fsync`` of its file added (``curl+fsync``), the like-for-like
  figure.

Each downloaded file is checked against the source's SHA-256. Throughput is MiB/s of the best of
``--repeat`` runs (the least disturbed one on a shared machine); memory is the worst of them.
Targets (from the transfer issue): client throughput at least 80 % of curl's; peak RSS under
100 MiB above idle whatever the size.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from ._common import REPO_ROOT, EmulatorProcess, format_size, parse_size, print_table

__all__ = ["Measurement", "main"]

MIB = 1 << 20
DEFAULT_SIZES = "64M,256M,1G"
#: Seconds one transfer may take before the benchmark gives up on it (a 1 GiB file at 10 MiB/s).
TRANSFER_TIMEOUT = 120.0
RSS_TARGET_MIB = 100.0
THROUGHPUT_TARGET = 0.8
_CONTENT_TYPE = "application/octet-stream"
_HAS_TIME = os.path.exists("/usr/bin/time")


@dataclass
class Measurement:
    """One size's results; each list holds one value per repeat."""

    size: int
    client_up: list[float] = field(default_factory=list)
    client_down: list[float] = field(default_factory=list)
    client_fsync_s: list[float] = field(default_factory=list)
    requests_up: list[float] = field(default_factory=list)
    requests_down: list[float] = field(default_factory=list)
    curl_up: list[float] = field(default_factory=list)
    curl_down: list[float] = field(default_factory=list)
    curl_down_fsync: list[float] = field(default_factory=list)
    idle_rss_kib: list[int] = field(default_factory=list)
    rss_growth_kib: list[int] = field(default_factory=list)
    traced_peak: list[int] = field(default_factory=list)
    curl_rss_kib: list[int] = field(default_factory=list)


# -- the measured child -------------------------------------------------------------------------


def peak_rss_kib() -> int:
    """This process's peak RSS in KiB: ``VmHWM`` on Linux, else ``ru_maxrss``.

    ``ru_maxrss`` survives ``exec``: a child starts with its parent's RSS at ``fork`` as a floor
    (a parent that imported more than the child hides the child's growth). ``VmHWM`` belongs to
    the process's own address space, which ``exec`` replaces.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


class _FsyncTimer:
    """Adds up the time spent in ``os.fsync`` inside a ``with`` block (the call itself is kept)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._real = os.fsync

    def _timed(self, fd: Any) -> None:
        started = time.perf_counter()
        try:
            self._real(fd)
        finally:
            self.seconds += time.perf_counter() - started

    def __enter__(self) -> _FsyncTimer:
        # Measurement only: the download's own fsync still runs, its duration is recorded.
        os.fsync = self._timed
        return self

    def __exit__(self, *exc_info: object) -> None:
        os.fsync = self._real


def child(source: Path, dest: Path, traced: bool) -> dict[str, Any]:
    """Upload ``source`` then download it to ``dest`` with a ``PdfCoClient``; the figures."""
    import tracemalloc

    from pdfco_client import PdfCoClient

    with PdfCoClient(request_timeout=(10, 60), max_retries=0) as client:
        # Warm up: every module and code path of a round trip is loaded before the idle reading.
        warm = client.upload(b"%PDF-1.4 warm-up" + b"\0" * 1000, name="warm.bin")
        client.download(warm.url, dest.with_name("warm.bin"))
        client.delete_file(warm.url)
        dest.with_name("warm.bin").unlink()
        idle_peak = peak_rss_kib()
        if traced:
            tracemalloc.start()
        os.sync()
        started = time.perf_counter()
        uploaded = client.upload(source, timeout=TRANSFER_TIMEOUT)
        upload_s = time.perf_counter() - started
        os.sync()
        fsync = _FsyncTimer()
        started = time.perf_counter()
        with fsync:
            client.download(uploaded.url, dest, timeout=TRANSFER_TIMEOUT)
        download_s = time.perf_counter() - started
        traced_peak = tracemalloc.get_traced_memory()[1] if traced else -1
        if traced:
            tracemalloc.stop()
        peak = peak_rss_kib()
        client.delete_file(uploaded.url)
    return {
        "upload_s": upload_s,
        "download_s": download_s,
        "fsync_s": fsync.seconds,
        "idle_peak_kib": idle_peak,
        "peak_kib": peak,
        "traced_peak": traced_peak,
    }


def child_requests(source: Path, dest: Path) -> dict[str, Any]:
    """The same transfer with bare ``requests`` calls (the download fsynced as the client's is)."""
    import requests

    base_url = os.environ["PDFCO_BASE_URL"]
    with requests.Session() as session:
        session.headers["x-api-key"] = os.environ["PDFCO_API_KEY"]
        presigned = session.get(
            f"{base_url}/file/upload/get-presigned-url",
            params={"name": source.name, "contenttype": _CONTENT_TYPE},
            timeout=30,
        ).json()
        del session.headers["x-api-key"]
        idle_peak = peak_rss_kib()
        os.sync()
        started = time.perf_counter()
        with source.open("rb") as body:
            session.put(
                presigned["presignedUrl"],
                data=body,
                headers={"Content-Type": _CONTENT_TYPE},
                timeout=(10, 60),
            ).raise_for_status()
        upload_s = time.perf_counter() - started
        os.sync()
        started = time.perf_counter()
        response = session.get(
            presigned["url"],
            stream=True,
            headers={"Accept-Encoding": "identity"},
            timeout=(10, 60),
        )
        with response, dest.open("wb") as out:
            response.raise_for_status()
            for chunk in response.iter_content(MIB):
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        download_s = time.perf_counter() - started
        peak = peak_rss_kib()
        session.post(
            f"{base_url}/file/delete",
            json={"url": presigned["url"]},
            headers={"x-api-key": os.environ["PDFCO_API_KEY"]},
            timeout=30,
        ).raise_for_status()
    return {
        "upload_s": upload_s,
        "download_s": download_s,
        "idle_peak_kib": idle_peak,
        "peak_kib": peak,
    }


# -- the parent ---------------------------------------------------------------------------------


def _write_source(path: Path, size: int) -> str:
    block = bytearray(os.urandom(MIB))
    digest = hashlib.sha256()
    with path.open("wb") as out:
        for index in range((size + MIB - 1) // MIB):
            block[:8] = index.to_bytes(8, "big")
            piece = bytes(block[: min(MIB, size - index * MIB)])
            digest.update(piece)
            out.write(piece)
    return digest.hexdigest()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(MIB), b""):
            digest.update(block)
    return digest.hexdigest()


def _run_bounded(argv: Sequence[str], timeout: float, **kwargs: Any) -> tuple[int, int]:
    """Run ``argv`` to its end (killed after ``timeout``); its exit code and peak RSS (KiB)."""
    process = subprocess.Popen(argv, **kwargs)
    watchdog = threading.Timer(timeout, process.kill)
    watchdog.start()
    try:
        # wait4, not Popen.wait: it also returns the rusage of this one child.
        _, status, usage = os.wait4(process.pid, 0)
    finally:
        watchdog.cancel()
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, usage.ru_maxrss


def _run_child(
    emu: EmulatorProcess, source: Path, dest: Path, mode: str, work: Path
) -> dict[str, Any]:
    out = work / "child.json"
    argv = [sys.executable, "-m", "benchmarks.transfer", "--child", mode, str(source), str(dest)]
    env = dict(os.environ, PDFCO_API_KEY=emu.api_key, PDFCO_BASE_URL=emu.base_url)
    env.pop("PDFCO_LOG", None)
    with out.open("w") as handle:
        code, _ = _run_bounded(argv, 3 * TRANSFER_TIMEOUT, cwd=REPO_ROOT, env=env, stdout=handle)
    if code != 0:
        raise RuntimeError(f"the client child failed with status {code}")
    result: dict[str, Any] = json.loads(out.read_text())
    return result


def _api(emu: EmulatorProcess, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
    import requests

    response = requests.request(
        method,
        f"{emu.base_url}/{path}",
        headers={"x-api-key": emu.api_key},
        timeout=30,
        **kwargs,
    )
    response.raise_for_status()
    body: dict[str, Any] = response.json()
    return body


def _curl(argv: Sequence[str], work: Path) -> tuple[float, int]:
    """curl's ``time_total`` and its peak RSS in KiB (-1 without ``/usr/bin/time``)."""
    out = work / "curl.out"
    rss_file = work / "curl.rss"
    # GNU time forks curl from its own small process, so curl's ru_maxrss has no inherited
    # floor (see peak_rss_kib); our wait4 would report this process's RSS at fork instead.
    timer = ["/usr/bin/time", "-f", "%M", "-o", str(rss_file)] if _HAS_TIME else []
    with out.open("w") as handle:
        code, _ = _run_bounded([*timer, *argv], TRANSFER_TIMEOUT + 10, stdout=handle)
    if code != 0:
        raise RuntimeError(f"curl failed with status {code}: {' '.join(argv[:4])} ...")
    rss = int(rss_file.read_text().split()[-1]) if _HAS_TIME else -1
    return float(out.read_text().split()[0]), rss


def _run_curl(
    emu: EmulatorProcess, source: Path, dest: Path, work: Path
) -> tuple[float, float, float, int]:
    """Upload and download seconds, download+fsync seconds, and peak RSS (KiB), with curl."""
    presigned = _api(
        emu,
        "GET",
        "file/upload/get-presigned-url",
        params={"name": source.name, "contenttype": _CONTENT_TYPE},
    )
    limit = str(int(TRANSFER_TIMEOUT))
    # As in the client child: earlier writes are flushed first, so each side's fsync (and the
    # kernel's writeback) deals with its own file only.
    os.sync()
    common = ["curl", "-sS", "--fail", "--max-time", limit, "-w", "%{time_total}\n"]
    # "Expect:" drops curl's 100-continue handshake, which requests does not do either.
    try:
        up, rss_up = _curl(
            [
                *common,
                *("-H", f"Content-Type: {_CONTENT_TYPE}", "-H", "Expect:"),
                *("-o", os.devnull, "-T", str(source), presigned["presignedUrl"]),
            ],
            work,
        )
        os.sync()
        down, rss_down = _curl([*common, "-o", str(dest), presigned["url"]], work)
        started = time.perf_counter()
        with dest.open("rb+") as handle:
            os.fsync(handle.fileno())
        synced = down + time.perf_counter() - started
    finally:
        _api(emu, "POST", "file/delete", json={"url": presigned["url"]})
    return up, down, synced, max(rss_up, rss_down)


def _check_copy(dest: Path, size: int, digest: str, who: str) -> None:
    if dest.stat().st_size != size or _sha256(dest) != digest:
        raise RuntimeError(f"{who}'s downloaded file differs from the uploaded one")
    dest.unlink()


def _client_side(
    emu: EmulatorProcess, source: Path, dest: Path, work: Path, digest: str, row: Measurement
) -> None:
    got = _run_child(emu, source, dest, "client", work)
    _check_copy(dest, row.size, digest, "the client")
    row.client_up.append(row.size / MIB / got["upload_s"])
    row.client_down.append(row.size / MIB / got["download_s"])
    row.client_fsync_s.append(got["fsync_s"])
    row.idle_rss_kib.append(got["idle_peak_kib"])
    row.rss_growth_kib.append(got["peak_kib"] - got["idle_peak_kib"])
    _progress(f"  client: up {row.client_up[-1]:.0f} MiB/s, down {row.client_down[-1]:.0f} MiB/s")


def _requests_side(
    emu: EmulatorProcess, source: Path, dest: Path, work: Path, digest: str, row: Measurement
) -> None:
    got = _run_child(emu, source, dest, "requests", work)
    _check_copy(dest, row.size, digest, "requests")
    row.requests_up.append(row.size / MIB / got["upload_s"])
    row.requests_down.append(row.size / MIB / got["download_s"])
    _progress(
        f"  requests: up {row.requests_up[-1]:.0f} MiB/s, down {row.requests_down[-1]:.0f} MiB/s"
    )


def _curl_side(
    emu: EmulatorProcess, source: Path, dest: Path, work: Path, digest: str, row: Measurement
) -> None:
    up, down, synced, rss = _run_curl(emu, source, dest, work)
    _check_copy(dest, row.size, digest, "curl")
    row.curl_up.append(row.size / MIB / up)
    row.curl_down.append(row.size / MIB / down)
    row.curl_down_fsync.append(row.size / MIB / synced)
    row.curl_rss_kib.append(rss)
    _progress(f"  curl:   up {row.curl_up[-1]:.0f} MiB/s, down {row.curl_down[-1]:.0f} MiB/s")


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def measure(
    sizes: Sequence[int], repeat: int, workdir: Optional[str], use_curl: bool, traced: bool
) -> list[Measurement]:
    """Run every size ``repeat`` times; see the module docstring."""
    results: list[Measurement] = []
    largest = max(sizes)
    with tempfile.TemporaryDirectory(prefix="pdfco-bench-", dir=workdir) as tmp:
        work = Path(tmp)
        # The source, one downloaded copy and the emulator's stored copy, plus slack.
        needed = 3 * largest + 256 * MIB
        free = shutil.disk_usage(work).free
        if free < needed:
            raise RuntimeError(f"{work} has {free // MIB} MiB free; {needed // MIB} MiB needed")
        emulator_args = ["--max-upload-bytes", str(largest + MIB)]
        with EmulatorProcess(emulator_args) as emu:
            for size in sizes:
                label = format_size(size)
                _progress(f"transfer: {label} ...")
                source = work / f"blob-{size}.bin"
                dest = work / f"copy-{size}.bin"
                digest = _write_source(source, size)
                row = Measurement(size)
                for attempt in range(repeat):
                    # Alternate who goes first: the disk's state (writeback, discards of deleted
                    # files) drifts, and the second runner must not always inherit it.
                    sides = [_client_side, _requests_side]
                    if use_curl:
                        sides.append(_curl_side)
                    for side in sides if attempt % 2 == 0 else sides[::-1]:
                        side(emu, source, dest, work, digest, row)
                    if traced:
                        got = _run_child(emu, source, dest, "traced", work)
                        _check_copy(dest, size, digest, "the client")
                        row.traced_peak.append(got["traced_peak"])
                source.unlink()
                results.append(row)
    return results


def _best(values: Sequence[float]) -> str:
    return f"{max(values):.0f}" if values else "-"


def _ratio(client: Sequence[float], reference: Sequence[float]) -> str:
    return f"{max(client) / max(reference):.2f}" if client and reference else "-"


def report(results: Sequence[Measurement]) -> bool:
    """Print the throughput and memory tables; whether every target is met."""
    print("\nThroughput, MiB/s (best run); ratio = client / curl")
    print_table(
        [
            "size",
            "client up",
            "requests up",
            "curl up",
            "ratio",
            "client down",
            "requests down",
            "curl down",
            "ratio",
            "curl down+fsync",
            "ratio",
            "client fsync s",
        ],
        [
            [
                format_size(m.size),
                _best(m.client_up),
                _best(m.requests_up),
                _best(m.curl_up),
                _ratio(m.client_up, m.curl_up),
                _best(m.client_down),
                _best(m.requests_down),
                _best(m.curl_down),
                _ratio(m.client_down, m.curl_down),
                _best(m.curl_down_fsync),
                _ratio(m.client_down, m.curl_down_fsync),
                f"{min(m.client_fsync_s):.2f}",
            ]
            for m in results
        ],
    )
    print("\nMemory of the client process (worst run)")
    print_table(
        ["size", "idle peak RSS", "peak RSS above idle", "tracemalloc peak", "curl peak RSS"],
        [
            [
                format_size(m.size),
                f"{max(m.idle_rss_kib) / 1024:.1f} MiB",
                f"{max(m.rss_growth_kib) / 1024:.1f} MiB",
                f"{max(m.traced_peak) / MIB:.2f} MiB" if m.traced_peak else "-",
                f"{max(m.curl_rss_kib) / 1024:.1f} MiB"
                if m.curl_rss_kib and min(m.curl_rss_kib) >= 0
                else "-",
            ]
            for m in results
        ],
    )
    rss_ok = all(max(m.rss_growth_kib) / 1024 < RSS_TARGET_MIB for m in results)
    ratios = [
        max(client) / max(reference)
        for m in results
        for client, reference in ((m.client_up, m.curl_up), (m.client_down, m.curl_down_fsync))
        if client and reference
    ]
    speed_ok = all(r >= THROUGHPUT_TARGET for r in ratios)
    print(
        f"\ntarget RSS growth < {RSS_TARGET_MIB:.0f} MiB: {'met' if rss_ok else 'MISSED'}; "
        f"target throughput >= {THROUGHPUT_TARGET:.0%} of curl (download vs curl+fsync): "
        + ("not measured (no curl)" if not ratios else "met" if speed_ok else "MISSED")
    )
    return rss_ok and speed_ok


def _default_dir() -> Optional[str]:
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK) and shutil.disk_usage(shm).free > 4 << 30:
        return str(shm)
    return None


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.transfer",
        description="Upload/download throughput and peak RSS of the client versus curl.",
    )
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="default %(default)s")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size (best is kept)")
    parser.add_argument(
        "--dir",
        default=_default_dir(),
        help="where the files go (default: /dev/shm when it exists, to take the disk out: on a "
        "disk, page-cache writeback swings every tool's download speed by 2x between runs)",
    )
    parser.add_argument("--no-curl", action="store_true", help="skip the curl comparison")
    parser.add_argument("--no-tracemalloc", action="store_true", help="skip the traced run")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        mode, source, dest = args.child
        if mode == "requests":
            print(json.dumps(child_requests(Path(source), Path(dest))))
        else:
            print(json.dumps(child(Path(source), Path(dest), mode == "traced")))
        return 0
    try:
        sizes = [parse_size(part) for part in args.sizes.split(",") if part.strip()]
    except ValueError as exc:
        parser.error(str(exc))
    if not sizes or not 1 <= args.repeat <= 20:
        parser.error("give at least one size and a --repeat of 1 to 20")
    use_curl = not args.no_curl and shutil.which("curl") is not None
    if not use_curl and not args.no_curl:
        print("curl is not installed: client figures only", file=sys.stderr)
    results = measure(sizes, args.repeat, args.dir, use_curl, not args.no_tracemalloc)
    report(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
