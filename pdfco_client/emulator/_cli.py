"""``pdfco-emulator``: run the emulator until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Optional

from pdfco_client._config import is_loopback_host

from ._server import Emulator
from .model import FaultPlan, FaultSpecError, load_fault_plan, parse_fault_spec
from .model._settings import (
    DEFAULT_CREDITS,
    DEFAULT_HOST,
    DEFAULT_JOB_MIN_DURATION,
    DEFAULT_MAX_UPLOAD_BYTES,
    ENV_API_KEY,
)

__all__ = ["build_parser", "main"]

_FAULT_HELP = """\
fault spec syntax (--fault, repeatable): comma-separated key=value items, optionally led by a kind:
  status=503,endpoint=job/check,times=3        HTTP 503 on the first 3 job checks
  rate-limited,retry_after=2,nth=5             429 with Retry-After: 2 on the 5th request
  rate-limited                                 429 without Retry-After on every request
  error-200,status=441,endpoint=pdf/convert/to/xlsx   PDF.co error body with HTTP 200
  reset,endpoint=storage-get,probability=0.1   connection reset mid-body, 10% of downloads
  truncate,endpoint=storage-get                body shorter than Content-Length
  slow,seconds=2,endpoint=job/check            2 s delay
  job,outcome=failed|aborted|stuck             async jobs fail, abort or stay working forever
  job,outcome=success,checks=5                 async jobs answer working for 5 checks first
  expired-result                               result links answer 403 (expired)
targeting keys: endpoint (name or path suffix; storage-get, storage-put, storage), nth (start at
the n-th matching request), times (fire at most N times), probability (0-1, with --seed).
--faults FILE reads {"seed": 7, "faults": [{"kind": "http_error", "status": 503}, ...]}.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pdfco-emulator",
        description="A local PDF.co v1 API (and S3-like storage) for tests and offline runs.",
        epilog=_FAULT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--host", default=DEFAULT_HOST, help="address to bind (default %(default)s)"
    )
    parser.add_argument(
        "--allow-remote", action="store_true", help="allow a non-loopback --host (unsafe)"
    )
    parser.add_argument("--port", type=int, default=8765, help="API port (0 = any free port)")
    parser.add_argument("--storage-port", type=int, default=0, help="storage port (0 = free)")
    parser.add_argument(
        "--api-key", default=None, help=f"API key (default: ${ENV_API_KEY}, else random)"
    )
    parser.add_argument("--credits", type=int, default=DEFAULT_CREDITS)
    parser.add_argument("--job-min-duration", type=float, default=DEFAULT_JOB_MIN_DURATION)
    parser.add_argument("--sync-time-limit", type=float, default=25.0)
    parser.add_argument("--max-upload-bytes", type=int, default=DEFAULT_MAX_UPLOAD_BYTES)
    parser.add_argument("--rate-limit", type=float, default=None, help="requests per second")
    parser.add_argument(
        "--no-retry-after", action="store_true", help="send rate-limit 429s without Retry-After"
    )
    parser.add_argument(
        "--errors-in-body-only",
        action="store_true",
        help="answer PDF.co errors with HTTP 200 and the error body",
    )
    parser.add_argument("--strict-storage", action="store_true", help="storage refuses x-api-key")
    parser.add_argument("--workers", type=int, default=4, help="async job threads")
    parser.add_argument("--fault", action="append", default=[], metavar="SPEC")
    parser.add_argument("--faults", type=Path, default=None, metavar="FILE")
    parser.add_argument("--seed", type=int, default=None, help="seed for probability faults")
    parser.add_argument("--log-level", default="WARNING", help="DEBUG, INFO, WARNING, ...")
    return parser


def _plan(args: argparse.Namespace) -> FaultPlan:
    extra = [parse_fault_spec(spec) for spec in args.fault]
    if args.faults is not None:
        return load_fault_plan(args.faults, extra=extra, seed=args.seed)
    return FaultPlan(rules=extra, seed=args.seed)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.allow_remote and not is_loopback_host(args.host):
        parser.error(f"--host {args.host} is not a loopback address; add --allow-remote to insist")
    try:
        plan = _plan(args)
    except FaultSpecError as exc:
        parser.error(str(exc))
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(message)s"
    )
    emulator = Emulator(
        api_key=args.api_key or os.environ.get(ENV_API_KEY) or None,
        host=args.host,
        port=args.port,
        storage_port=args.storage_port,
        credits=args.credits,
        job_min_duration=args.job_min_duration,
        sync_time_limit=args.sync_time_limit,
        max_upload_bytes=args.max_upload_bytes,
        rate_limit=args.rate_limit,
        rate_limit_retry_after=not args.no_retry_after,
        error_status_in_http=not args.errors_in_body_only,
        workers=args.workers,
        faults=plan,
        strict_storage=args.strict_storage,
        allow_remote=args.allow_remote,
    )
    stop = threading.Event()

    def on_signal(signum: int, frame: Optional[FrameType]) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        emulator.start()
    except OSError as exc:
        print(f"pdfco-emulator: {exc}", file=sys.stderr)
        return 1
    try:
        # The emulator's key is a test fixture, not a secret: printing it is the point.
        print(f"PDFCO_BASE_URL={emulator.base_url}", flush=True)
        print(f"PDFCO_API_KEY={emulator.api_key}", flush=True)
        print(f"PDFCO_STORAGE_URL={emulator.storage_url}", flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        emulator.close()
    return 0
