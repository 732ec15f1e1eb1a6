"""Helpers the speed and memory benchmarks share: the emulator as a process, sizes, tables.

The emulator runs as a separate process (``python -m pdfco_client.emulator --port 0``) so that the
measured process holds the client alone: its RSS, its CPU and its GIL are not the server's.
"""

from __future__ import annotations

import os
import queue
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Optional

__all__ = [
    "REPO_ROOT",
    "EmulatorProcess",
    "format_size",
    "parse_size",
    "percentile",
    "print_table",
]

REPO_ROOT = Path(__file__).resolve().parents[1]
#: Seconds the emulator process gets to print its URLs, and to stop.
STARTUP_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0

_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


def parse_size(text: str) -> int:
    """Bytes of ``"64M"``, ``"1G"``, ``"512K"`` or ``"1048576"`` (binary units)."""
    value = text.strip().upper().removesuffix("IB").removesuffix("B")
    unit = value[-1:] if value[-1:] in _UNITS and not value[-1:].isdigit() else ""
    number = value[: len(value) - len(unit)]
    if not number.isdigit() or int(number) <= 0:
        raise ValueError(f"not a size: {text!r} (e.g. 64M, 1G)")
    return int(number) * _UNITS[unit]


def format_size(size: int) -> str:
    """``"64 MiB"``, ``"1 GiB"``: the largest binary unit that divides ``size``."""
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= factor and size % factor == 0:
            return f"{size // factor} {unit}"
    return f"{size} B"


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) by linear interpolation; ``nan`` for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100.0
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median(values: Sequence[float]) -> float:
    """The median, ``nan`` for no values."""
    return statistics.median(values) if values else float("nan")


def print_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """A Markdown table, columns padded, so it can be pasted into ``docs/performance.md``."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows)]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths)) + " |"
    print(line)
    print("| " + " | ".join("-" * w for w in widths) + " |")
    for row in rows:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths)) + " |")


@dataclass(frozen=True)
class EmulatorAddress:
    base_url: str
    storage_url: str
    api_key: str


class EmulatorProcess:
    """``python -m pdfco_client.emulator --port 0 ...`` as a context manager.

    ::

        with EmulatorProcess(["--job-min-duration", "0"]) as emu:
            client = PdfCoClient(api_key=emu.api_key, base_url=emu.base_url)
    """

    def __init__(self, extra_args: Sequence[str] = ()) -> None:
        self._args = [
            sys.executable,
            "-m",
            "pdfco_client.emulator",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--log-level",
            "ERROR",
            *extra_args,
        ]
        self._process: Optional[subprocess.Popen[str]] = None
        self._address: Optional[EmulatorAddress] = None

    @property
    def pid(self) -> int:
        assert self._process is not None, "not started"
        return self._process.pid

    @property
    def base_url(self) -> str:
        return self._started().base_url

    @property
    def storage_url(self) -> str:
        return self._started().storage_url

    @property
    def api_key(self) -> str:
        return self._started().api_key

    def _started(self) -> EmulatorAddress:
        assert self._address is not None, "not started"
        return self._address

    def __enter__(self) -> EmulatorProcess:
        env = dict(os.environ)
        env.pop("PDFCO_EMULATOR_API_KEY", None)
        self._process = subprocess.Popen(
            self._args,
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            self._address = _read_address(self._process, STARTUP_TIMEOUT)
        except BaseException:
            self._stop()
            raise
        return self

    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self._stop()

    def _stop(self) -> None:
        process = self._process
        if process is None:
            return
        process.terminate()
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(STOP_TIMEOUT)
        if process.stdout is not None:
            process.stdout.close()
        self._process = None


def _read_address(process: subprocess.Popen[str], timeout: float) -> EmulatorAddress:
    # A thread reads the pipe so that a silent or dead emulator cannot block us past `timeout`.
    lines: queue.Queue[Optional[str]] = queue.Queue()
    stdout: Optional[IO[str]] = process.stdout
    assert stdout is not None

    def pump() -> None:
        for line in stdout:
            lines.put(line)
            if line.startswith("PDFCO_STORAGE_URL="):
                break
        lines.put(None)

    threading.Thread(target=pump, name="emulator-stdout", daemon=True).start()
    values: dict[str, str] = {}
    deadline = time.monotonic() + timeout
    while len(values) < 3:
        left = deadline - time.monotonic()
        if left <= 0:
            raise RuntimeError(f"the emulator printed no URLs within {timeout:.0f} s")
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            continue
        if line is None:
            raise RuntimeError(f"the emulator exited early (status {process.poll()})")
        key, sep, value = line.strip().partition("=")
        if sep and key in ("PDFCO_BASE_URL", "PDFCO_API_KEY", "PDFCO_STORAGE_URL"):
            values[key] = value
    return EmulatorAddress(
        base_url=values["PDFCO_BASE_URL"],
        storage_url=values["PDFCO_STORAGE_URL"],
        api_key=values["PDFCO_API_KEY"],
    )
