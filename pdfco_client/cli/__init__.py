"""``pdfco``: the command line, installed with ``pip install 'pdfco-client[cli]'``.

``pdfco --help`` lists the commands and the exit codes; ``pdfco COMMAND --help`` a command's
options. The core package never imports this one.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Optional

__all__ = ["main"]

_CLI_MISSING = "pdfco: the command line needs its extra: pip install 'pdfco-client[cli]'"


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run ``pdfco`` with ``argv`` (default: the process's arguments) and return its exit code."""
    try:
        from ._app import cli
    except ImportError as exc:
        if exc.name in ("click", "rich") or (exc.name or "").startswith(("click.", "rich.")):
            print(_CLI_MISSING, file=sys.stderr)
            return 9
        raise
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="pdfco")
    except SystemExit as exc:
        code = exc.code
        if code is None:
            return 0
        if isinstance(code, int):
            return code
        print(code, file=sys.stderr)
        return 1
    return 0
