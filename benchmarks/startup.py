"""Start-up: `import pdfco_client`, the first call and `pdfco --help`, against `import requests`.

Run ``python -m benchmarks.startup [--runs 20] [--compare ../main]``. Each command runs in a fresh
interpreter (``python -c ...``, from a scratch directory), alternating between the commands so
that machine noise hits them alike; the table gives medians and the ratio to
``import requests``, which any requests-based client pays.

*First call* imports the client, builds one, starts a job and checks it once against
``benchmarks._jobserver`` (its own process): a program's whole cost up to its first answer.
The child also reports the call alone (construction to the check's answer, import excluded), to
show that deferring work from the import did not make the first call slower.

``--compare DIR`` runs the pdfco commands a second time with ``PYTHONPATH=DIR`` (another
checkout of the package, e.g. the main branch), interleaved with the others. ``-X importtime``
then lists the heaviest modules ``from pdfco_client import PdfCoClient`` pulls in.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from typing import Optional

from benchmarks._common import print_table
from benchmarks._jobserver import JobServerProcess

FIRST_CALL = """
import time
started = time.perf_counter()
from pdfco_client import PdfCoClient
imported = time.perf_counter()
with PdfCoClient(api_key="startup-benchmark", base_url={url!r}) as client:
    job = client.start_conversion("https://bench.invalid/60s.pdf", "csv")
    client.check_job(job.job_id)
print(imported - started, time.perf_counter() - imported)
"""


def _commands(url: str) -> dict[str, list[str]]:
    python = sys.executable
    return {
        "python (nothing imported)": [python, "-c", "pass"],
        "import requests": [python, "-c", "import requests"],
        "import pdfco_client": [python, "-c", "import pdfco_client"],
        "from pdfco_client import PdfCoClient": [
            python,
            "-c",
            "from pdfco_client import PdfCoClient",
        ],
        "first call (import, client, start, check)": [
            python,
            "-c",
            FIRST_CALL.format(url=url),
        ],
        "pdfco --help": [python, "-m", "pdfco_client.cli", "--help"],
    }


def _run(command: list[str], cwd: str, pythonpath: Optional[str]) -> tuple[float, str]:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    started = time.perf_counter()
    done = subprocess.run(
        command, check=True, capture_output=True, text=True, timeout=60, cwd=cwd, env=env
    )
    return time.perf_counter() - started, done.stdout


def heaviest_imports(count: int, cwd: str) -> list[tuple[str, int]]:
    """The top-level modules with the largest cumulative import time (µs)."""
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "from pdfco_client import PdfCoClient"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
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
    parser.add_argument("--compare", help="another checkout to time the pdfco commands against")
    args = parser.parse_args(argv)
    compare = os.path.abspath(args.compare) if args.compare else None
    with JobServerProcess() as server, tempfile.TemporaryDirectory() as scratch:
        variants: list[tuple[str, list[str], Optional[str]]] = []
        for name, command in _commands(server.base_url).items():
            variants.append((name, command, None))
            if compare and name not in ("python (nothing imported)", "import requests"):
                variants.append((f"{name} [{args.compare}]", command, compare))
        samples: dict[str, list[float]] = {name: [] for name, _, _ in variants}
        calls: dict[str, list[float]] = {}
        for _name, command, path in variants:
            _run(command, scratch, path)  # warm the file cache once
        for _ in range(args.runs):
            for name, command, path in variants:
                seconds, out = _run(command, scratch, path)
                samples[name].append(seconds)
                if name.startswith("first call"):
                    calls.setdefault(name, []).append(float(out.split()[1]))
        top = heaviest_imports(8, scratch)
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
    print("\nThe first call alone (client, start, check; import excluded), median ms:")
    print_table(
        ["variant", "median ms"],
        [[name, f"{statistics.median(times) * 1000:.1f}"] for name, times in calls.items()],
    )
    print("\nHeaviest top-level imports of `from pdfco_client import PdfCoClient` (µs, one run):")
    print_table(["module", "µs"], [[name, str(us)] for name, us in top])
    return 0


if __name__ == "__main__":
    sys.exit(main())
