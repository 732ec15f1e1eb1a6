"""Start-up time: ``import pdfco_client`` and ``pdfco --help`` against ``import requests``.

Run ``python -m benchmarks.startup [--runs 20]``. Each command runs in a fresh interpreter
(``python -c ...``), alternating between the commands so that machine noise hits them alike; the
table gives medians and the ratio to ``import requests``, which any requests-based client pays.
``-X importtime`` then lists the heaviest modules ``import pdfco_client`` pulls in.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from typing import Optional

from benchmarks._common import print_table

COMMANDS: dict[str, list[str]] = {
    "python (nothing imported)": [sys.executable, "-c", "pass"],
    "import requests": [sys.executable, "-c", "import requests"],
    "import pdfco_client": [sys.executable, "-c", "import pdfco_client"],
    "pdfco --help": [sys.executable, "-m", "pdfco_client.cli", "--help"],
}


def _time(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, timeout=60)
    return time.perf_counter() - started


def heaviest_imports(count: int) -> list[tuple[str, int]]:
    """The modules with the largest cumulative import time (µs) under ``import pdfco_client``."""
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import pdfco_client"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    rows = []
    for line in completed.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = (part.strip() for part in line[len("import time:") :].split("|"))
        if not name.startswith(" "):  # top-level imports only: nested ones are inside them
            rows.append((name.strip(), int(cumulative)))
    return sorted(rows, key=lambda row: row[1], reverse=True)[:count]


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Time each command ``--runs`` times, interleaved, and print medians and ratios."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.startup", description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)
    samples: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for name, command in COMMANDS.items():
        _time(command)  # warm the file cache once
        del name
    for _ in range(args.runs):
        for name, command in COMMANDS.items():
            samples[name].append(_time(command))
    base = statistics.median(samples["import requests"])
    print_table(
        ["command", "median ms", "vs import requests"],
        [
            [
                name,
                f"{statistics.median(times) * 1000:.0f}",
                f"{statistics.median(times) / base:.2f}x",
            ]
            for name, times in samples.items()
        ],
    )
    print("\nHeaviest top-level imports of `import pdfco_client` (cumulative µs, one run):")
    print_table(["module", "µs"], [[name, str(us)] for name, us in heaviest_imports(8)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
