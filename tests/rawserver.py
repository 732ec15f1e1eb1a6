"""A hostile HTTP server on loopback: each connection is answered by a script of raw bytes.

Tests of the client against servers that lie, trickle, compress or redirect need control over
every byte on the wire, which no HTTP framework gives. :class:`RawServer` accepts connections on
a loopback address, reads each request (head and ``Content-Length`` body), records it, and hands
it to a handler that writes whatever it likes with :class:`RawConnection`. Everything is bounded:
each connection thread stops when the client hangs up, when the server stops, or after
``max_seconds``; ``close()`` joins them all.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Callable, Optional

__all__ = ["RawConnection", "RawRequest", "RawServer", "http_response", "two_loopback_servers"]


@dataclass
class RawRequest:
    """One request as the server read it off the socket."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes
    raw: bytes = field(repr=False)

    def header(self, name: str) -> Optional[str]:
        return self.headers.get(name.lower())


class RawConnection:
    """The server's side of one connection, for a handler to write to."""

    def __init__(self, sock: socket.socket, stopping: threading.Event, deadline: float) -> None:
        self.sock = sock
        self._stopping = stopping
        self._deadline = deadline

    @property
    def alive(self) -> bool:
        return not self._stopping.is_set() and time.monotonic() < self._deadline

    def send(self, data: bytes) -> bool:
        """Send ``data``; False once the client has gone (or the server is stopping)."""
        if not self.alive:
            return False
        try:
            self.sock.sendall(data)
        except OSError:
            return False
        return True

    def trickle(self, data: bytes, *, every: float, step: int = 1) -> bool:
        """Send ``data`` ``step`` bytes at a time, one step every ``every`` seconds."""
        for start in range(0, len(data), step):
            if not self.send(data[start : start + step]):
                return False
            if self._stopping.wait(every):
                return False
        return True

    def pause(self, seconds: float) -> None:
        self._stopping.wait(seconds)


Handler = Callable[[RawRequest, RawConnection], None]


def http_response(
    status: int = 200,
    body: bytes = b"",
    *,
    headers: Optional[dict[str, str]] = None,
    reason: str = "OK",
    length: bool = True,
) -> bytes:
    """The bytes of a simple HTTP/1.1 response (``Connection: close`` unless overridden)."""
    lines = [f"HTTP/1.1 {status} {reason}"]
    given = {name.lower() for name in (headers or {})}
    if length and "content-length" not in given:
        lines.append(f"Content-Length: {len(body)}")
    if "connection" not in given:
        lines.append("Connection: close")
    lines.extend(f"{name}: {value}" for name, value in (headers or {}).items())
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class RawServer:
    """A loopback TCP server answering every request through ``handler``."""

    def __init__(
        self,
        handler: Handler,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        max_seconds: float = 30.0,
        read_bodies: bool = True,
    ) -> None:
        self.handler = handler
        self.max_seconds = max_seconds
        #: False: hand each request to the handler after its head, its body left unread.
        self.read_bodies = read_bodies
        self.requests: list[RawRequest] = []
        #: Every byte each connection sent us, in order of connection.
        self.received: list[bytes] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._clients: list[socket.socket] = []
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind((host, port))
        self._listener.listen(16)
        self._listener.settimeout(0.2)
        self.host, self.port = self._listener.getsockname()[:2]
        self._acceptor = threading.Thread(target=self._accept, name="rawserver", daemon=True)
        self._acceptor.start()

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    def all_received(self) -> bytes:
        with self._lock:
            return b"".join(self.received)

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            with self._lock:
                index = len(self.received)
                thread = threading.Thread(
                    target=self._serve, args=(client, index), name=f"rawserver-{index}", daemon=True
                )
                self._clients.append(client)
                self._threads.append(thread)
                self.received.append(b"")
            thread.start()

    def _serve(self, client: socket.socket, index: int) -> None:
        deadline = time.monotonic() + self.max_seconds
        connection = RawConnection(client, self._stopping, deadline)
        buffer = b""
        try:
            while connection.alive:
                request, buffer = self._read_request(client, buffer, index, connection)
                if request is None:
                    return
                with self._lock:
                    self.requests.append(request)
                self.handler(request, connection)
                if (request.header("connection") or "").lower() != "keep-alive":
                    # Our canned answers say "Connection: close": stop after one request,
                    # unless a handler keeps the connection (then the client closes it).
                    return
        finally:
            with suppress(OSError):
                client.close()

    def _read_request(
        self, client: socket.socket, buffer: bytes, index: int, connection: RawConnection
    ) -> tuple[Optional[RawRequest], bytes]:
        client.settimeout(0.2)
        while b"\r\n\r\n" not in buffer:
            chunk = self._recv(client, connection, index)
            if chunk is None:
                return None, b""
            buffer += chunk
        head, _, rest = buffer.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target = [*lines[0].split(" "), "", ""][:2]
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0") or 0) if self.read_bodies else 0
        while len(rest) < length:
            chunk = self._recv(client, connection, index)
            if chunk is None:
                break
            rest += chunk
        body, remaining = rest[:length], rest[length:]
        raw = head + b"\r\n\r\n" + body
        return RawRequest(method, target, headers, body, raw), remaining

    def _recv(
        self, client: socket.socket, connection: RawConnection, index: int
    ) -> Optional[bytes]:
        while connection.alive:
            try:
                chunk = client.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                return None
            if not chunk:
                return None
            with self._lock:
                self.received[index] += chunk
            return chunk
        return None

    def close(self) -> None:
        self._stopping.set()
        with suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() at once (Linux)
        with suppress(OSError):
            self._listener.close()
        self._acceptor.join(5)
        with self._lock:
            clients = list(self._clients)
            threads = list(self._threads)
        for client in clients:
            with suppress(OSError):
                client.shutdown(socket.SHUT_RDWR)
        for thread in threads:
            thread.join(5)

    def __enter__(self) -> RawServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


@contextmanager
def two_loopback_servers(
    api: Handler, foreign: Handler, *, max_seconds: float = 30.0
) -> Iterator[tuple[RawServer, RawServer]]:
    """An "API" on 127.0.0.1 and a "foreign host" on 127.0.0.2, on the same port if possible.

    The same port number on both makes the host the only difference between the two, as in a
    URL whose parsers disagree on the host alone.
    """
    first = RawServer(api, host="127.0.0.1", max_seconds=max_seconds)
    try:
        try:
            second = RawServer(foreign, host="127.0.0.2", port=first.port, max_seconds=max_seconds)
        except OSError:
            second = RawServer(foreign, host="127.0.0.2", max_seconds=max_seconds)
        try:
            yield first, second
        finally:
            second.close()
    finally:
        first.close()
