"""A tiny PDF.co stand-in whose jobs turn ``success`` exactly D seconds after their start request.

Run ``python -m benchmarks._jobserver`` (it prints ``JOBSERVER_URL=http://127.0.0.1:PORT/v1``).
It shares no code with the client or the emulator, so a benchmark timed against it measures the
client, not the project's own idea of PDF.co. The standard library serves it (HTTP/1.1,
keep-alive), in its own process.

- ``POST|GET /v1/pdf/convert/to/{format}``: starts a job. Its length comes from the input URL,
  ``.../<seconds>s.pdf`` (``https://bench.invalid/2.5s.pdf``: 2.5 s), counted from when the start
  request arrived. Parameters are read from JSON, a form or the query, as PDF.co does.
- ``POST|GET /v1/job/check``: ``working`` until the job's length has passed, then ``success``;
  an id it never issued is ``working``, or ``unknown`` with ``force=true`` (as on PDF.co).
- ``GET /bench/job?jobid=...``: the job's length and the age (s) and ``force`` of every check.
"""

from __future__ import annotations

import argparse
import json
import re
import secrets
import string
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Optional
from urllib.parse import parse_qs, urlsplit

__all__ = ["JobServerProcess", "main"]

_LENGTH = re.compile(r"/(\d+(?:\.\d+)?)s\.pdf$")
_ALPHABET = string.ascii_uppercase + string.digits


class _Job:
    def __init__(self, length: float) -> None:
        self.started = time.monotonic()
        self.length = length
        self.checks: list[tuple[float, bool]] = []


class _State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.jobs: dict[str, _Job] = {}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: with Nagle's algorithm the second waits for the
    # client's (delayed) ACK of the first, 40 ms on Linux.
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _params(self) -> dict[str, str]:
        parts = urlsplit(self.path)
        params = {k.lower(): v[-1] for k, v in parse_qs(parts.query).items()}
        size = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(size) if size else b""
        if raw:
            kind = self.headers.get("Content-Type", "")
            if "json" in kind:
                body = json.loads(raw)
                params.update({str(k).lower(): str(v) for k, v in body.items()})
            else:
                form = parse_qs(raw.decode())
                params.update({k.lower(): v[-1] for k, v in form.items()})
        return params

    def _dispatch(self) -> None:
        path = urlsplit(self.path).path
        params = self._params()
        state = self.server.state
        now = time.monotonic()
        if path.startswith("/v1/pdf/convert/to/"):
            match = _LENGTH.search(urlsplit(params.get("url", "")).path)
            if match is None:
                self._send(400, {"error": True, "status": 400, "message": "url must end <s>s.pdf"})
                return
            job_id = "".join(secrets.choice(_ALPHABET) for _ in range(32))
            with state.lock:
                state.jobs[job_id] = _Job(float(match.group(1)))
            self._send(
                200,
                {
                    "jobId": job_id,
                    "url": self._result(job_id),
                    "error": False,
                    "status": 200,
                    "name": "result.csv",
                    "credits": 10,
                },
            )
        elif path == "/v1/job/check":
            job_id = params.get("jobid", "")
            force = params.get("force", "false").lower() in ("true", "1")
            with state.lock:
                job = state.jobs.get(job_id)
                if job is not None:
                    job.checks.append((now - job.started, force))
            if job is None:
                self._send(200, {"status": "unknown" if force else "working", "credits": 2})
            elif now - job.started >= job.length:
                self._send(
                    200,
                    {
                        "status": "success",
                        "jobId": job_id,
                        "credits": 2,
                        "url": self._result(job_id),
                        "message": "Success",
                    },
                )
            else:
                self._send(200, {"status": "working", "jobId": job_id, "credits": 2})
        elif path == "/bench/job":
            with state.lock:
                job = state.jobs.get(params.get("jobid", ""))
                answer: Optional[dict[str, Any]] = None
                if job is not None:
                    answer = {
                        "length": job.length,
                        "checks": [{"age": a, "force": f} for a, f in job.checks],
                    }
            self._send(404 if answer is None else 200, answer or {"error": True})
        else:
            self._send(404, {"error": True, "status": 404, "message": "no such endpoint"})

    def _result(self, job_id: str) -> str:
        port = self.server.server_address[1]
        return f"http://127.0.0.1:{port}/results/{job_id}.csv"

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int]) -> None:
        super().__init__(address, _Handler)
        self.state = _State()


class JobServerProcess:
    """``python -m benchmarks._jobserver`` as a context manager; ``base_url`` once entered."""

    def __init__(self) -> None:
        self._process: Optional[subprocess.Popen[str]] = None
        self.base_url = ""

    def __enter__(self) -> JobServerProcess:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks._jobserver"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline().strip()  # the server prints it before serving
        if not line.startswith("JOBSERVER_URL="):
            self.__exit__(None, None, None)
            raise RuntimeError(f"the job server did not start: {line!r}")
        self.base_url = line.partition("=")[2]
        return self

    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        if process.stdout is not None:
            process.stdout.close()


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Serve on 127.0.0.1 until killed; print the base URL first."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks._jobserver", description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    server = _Server(("127.0.0.1", args.port))
    print(f"JOBSERVER_URL=http://127.0.0.1:{server.server_address[1]}/v1", flush=True)
    try:
        server.serve_forever(poll_interval=0.05)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
