"""``python -m benchmarks``: the speed and memory benchmarks, one after the other (``make bench``).

Each prints Markdown tables of figures measured side by side in the same run (client versus curl,
client versus a bare ``requests.Session``) and says whether its targets are met; see
``benchmarks/README.md``. Arguments after ``--`` are not taken: run a module on its own to change
its settings, e.g. ``python -m benchmarks.transfer --sizes 64M``.
"""

from __future__ import annotations

import platform
import sys
import time
from collections.abc import Sequence
from typing import Callable, Optional

from . import emulator_throughput, overhead, transfer

BENCHMARKS: list[tuple[str, Callable[[Optional[Sequence[str]]], int], list[str]]] = [
    ("transfer", transfer.main, ["--repeat", "5"]),
    ("emulator_throughput", emulator_throughput.main, []),
    ("overhead", overhead.main, []),
]


def main() -> int:
    print(f"# pdfco-client benchmarks ({platform.python_version()}, {platform.platform()})")
    status = 0
    for name, run, argv in BENCHMARKS:
        print(f"\n## {name}: python -m benchmarks.{name} {' '.join(argv)}".rstrip(), flush=True)
        started = time.monotonic()
        status = run(argv) or status
        print(f"\n({name} took {time.monotonic() - started:.0f} s)", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
