"""werkzeug's HTTP server with bounded concurrency, plus the two broken-response tricks.

werkzeug's ``ThreadedWSGIServer`` starts a thread per connection, which a load test can push
without limit. :class:`PooledWSGIServer` instead hands each accepted connection to a fixed
``ThreadPoolExecutor`` and stops accepting while too many wait (the kernel backlog queues them),
so threads and memory stay bounded for hours. werkzeug closes every connection after one
response, so one connection is one request.

Broken responses for fault injection: :func:`truncated_response` claims a longer
``Content-Length`` than it sends; :func:`reset_response` sends the headers and part of the body,
then asks the server to close the socket with ``SO_LINGER`` 0, which sends a TCP RST.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import struct
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Optional

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler
from werkzeug.wrappers import Response

__all__ = ["RESET_ENVIRON_KEY", "PooledWSGIServer", "reset_response", "truncated_response"]

logger = logging.getLogger("pdfco_client.emulator")

RESET_ENVIRON_KEY = "pdfco_emulator.reset_connection"
_MAX_PREFIX = 1 << 20
_LOG_LEVELS = {"info": logging.DEBUG, "warning": logging.INFO, "error": logging.INFO}


class _Handler(WSGIRequestHandler):
    # A stalled client cannot pin a worker thread for longer than this.
    timeout = 30

    server: PooledWSGIServer

    def make_environ(self) -> dict[str, Any]:
        environ = super().make_environ()
        connection = self.connection
        environ[RESET_ENVIRON_KEY] = lambda: self.server.mark_for_reset(connection)
        return environ

    def log(self, type: str, message: str, *args: Any) -> None:
        # werkzeug would install its own stderr handler; route its access log to ours instead.
        logger.log(_LOG_LEVELS.get(type, logging.DEBUG), "%s " + message, self.server.name, *args)


class PooledWSGIServer(BaseWSGIServer):
    """A werkzeug server whose requests run on ``workers`` pooled threads."""

    multithread = True

    def __init__(
        self,
        host: str,
        port: int,
        app: Callable[..., Any],
        *,
        workers: int,
        name: str,
        queue_limit: Optional[int] = None,
    ) -> None:
        self.name = name
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"pdfco-emu-{name}")
        self._slots = threading.BoundedSemaphore(queue_limit or workers * 8)
        self._closing = threading.Event()
        self._lock = threading.Lock()
        self._active: set[socket.socket] = set()
        self._to_reset: set[socket.socket] = set()
        try:
            super().__init__(host, port, app, handler=_Handler)
        except SystemExit as exc:
            # werkzeug prints and exits when the port is taken; a library must raise instead.
            self._pool.shutdown(wait=False)
            raise OSError(f"cannot listen on {host}:{port}") from exc

    def process_request(self, request: Any, client_address: Any) -> None:
        while not self._slots.acquire(timeout=0.1):
            if self._closing.is_set():
                self.shutdown_request(request)
                return
        with self._lock:
            self._active.add(request)
        try:
            self._pool.submit(self._work, request, client_address)
        except RuntimeError:  # the pool is shutting down
            self._slots.release()
            self.shutdown_request(request)

    def _work(self, request: Any, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)
            self._slots.release()

    def mark_for_reset(self, connection: socket.socket) -> None:
        with self._lock:
            self._to_reset.add(connection)

    def shutdown_request(self, request: Any) -> None:
        with self._lock:
            self._active.discard(request)
            reset = request in self._to_reset
            self._to_reset.discard(request)
        if not reset:
            super().shutdown_request(request)
            return
        with contextlib.suppress(OSError):
            # Linger on, timeout 0: close() discards unsent data and sends RST instead of FIN.
            request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        logger.exception("emulator %s server: error while handling a connection", self.name)

    def close(self) -> None:
        """Stop accepting, unblock in-flight requests, and join every worker thread."""
        self._closing.set()
        self.shutdown()
        with self._lock:
            active = list(self._active)
        for connection in active:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        self._pool.shutdown(wait=True)

    def abandon(self) -> None:
        """Release a server whose ``serve_forever`` never ran (start-up failed half-way)."""
        self._closing.set()
        self.server_close()
        self._pool.shutdown(wait=True)


def _body_prefix(response: Response) -> tuple[bytes, int]:
    """Half of the response body (at most 1 MiB) and the length the full body has."""
    if response.is_streamed:
        total = response.content_length or 0
        want = min(total // 2, _MAX_PREFIX)
        buffer = bytearray()
        try:
            for chunk in response.response:
                buffer += chunk if isinstance(chunk, bytes) else str(chunk).encode()
                if len(buffer) >= want:
                    break
        finally:
            response.close()
        return bytes(buffer[:want]), total
    data = response.get_data()
    return data[: len(data) // 2], len(data)


def _broken(response: Response, body: Any, claimed: int) -> Response:
    broken = Response(body, status=response.status, direct_passthrough=True)
    for key, value in response.headers.items():
        if key.lower() not in ("content-length", "transfer-encoding"):
            broken.headers.add(key, value)
    broken.headers["Content-Length"] = str(claimed)
    return broken


def truncated_response(response: Response) -> Response:
    """The same response with only part of its body, under the full ``Content-Length``."""
    prefix, total = _body_prefix(response)
    return _broken(response, [prefix], max(total, len(prefix) + 1))


def reset_response(response: Response, environ: dict[str, Any]) -> Response:
    """Headers and part of the body, then a TCP reset instead of the rest."""
    prefix, total = _body_prefix(response)
    request_reset: Callable[[], None] = environ[RESET_ENVIRON_KEY]

    def body() -> Iterator[bytes]:
        yield prefix
        request_reset()
        # werkzeug treats ConnectionError as a dropped client: no traceback, no 500 attempt.
        raise ConnectionResetError("emulator fault: connection reset")

    return _broken(response, body(), max(total, len(prefix) + 1))
