"""Protocol fuzzing: whatever bytes a server answers with, only ``PdfCoError`` leaves the client.

A raw-socket server on loopback answers every request with one generated scenario: a status
line, headers, a body and a way to end (close, reset, hang up halfway, go silent), picked from
lists of the malformed, the contradictory and the hostile by a seeded random generator. Each
scenario is put to every kind of call the client makes (API JSON, job check, the paid POST,
storage PUT, download to memory and to disk). The suite is bounded: a fixed count of scenarios,
a deadline on every call, and every call must end within a margin of it.

Every redirect target is a loopback address or a URL the client refuses before resolving it:
nothing here can reach beyond 127.0.0.0/8.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import socket
import struct
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from pdfco_client import OutcomeUnknownError, PdfCoClient, PdfCoError, UnsafeURLError
from tests.rawserver import RawConnection, RawRequest, RawServer, http_response

SEED = int(os.environ.get("PDFCO_FUZZ_SEED", "1010"))
# 24 scenarios x 6 calls run in about a minute on a loaded 2-core machine; raise the count
# (and change the seed) for a longer hunt: PDFCO_FUZZ_COUNT=400 PDFCO_FUZZ_SEED=7.
SCENARIOS = int(os.environ.get("PDFCO_FUZZ_COUNT", "24"))
CALL_TIMEOUT = 2.0
HANG_TIMEOUT = 0.6
MARGIN = 2.5

STATUS_LINES = [
    b"HTTP/1.1 200 OK",
    b"HTTP/1.1 200",
    b"HTTP/1.0 200 OK",
    b"HTTP/1.1 404 Not Found",
    b"HTTP/1.1 500 Oops",
    b"HTTP/1.1 502 Bad Gateway",
    b"HTTP/1.1 429 Slow Down",
    b"HTTP/1.1 503 Busy",
    b"HTTP/1.1 302 Found",
    b"HTTP/1.1 301 Moved",
    b"HTTP/1.1 307 Temporary",
    b"HTTP/1.1 308 Permanent",
    b"HTTP/1.1 303 See Other",
    b"HTTP/1.1 206 Partial Content",
    b"HTTP/1.1 204 No Content",
    b"HTTP/1.1 304 Not Modified",
    b"HTTP/1.1 101 Switching Protocols",
    b"HTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\nHTTP/1.1 200 OK",
    b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK",
    b"HTTP/1.1 999 Weird",
    b"HTTP/1.1 abc Nope",
    b"HTTP/1.1 -200 Minus",
    b"HTTP/1.1 0200 Padded",
    b"HTTP/2 200",
    b"HTTP/1.1 200 \xff\xfe\x00",
    b"ICY 200 OK",
    b"garbage",
    b"",
    b"HTTP/1.1 200 " + b"x" * 70_000,
    b"\x00\x01\x02\x03",
]

HEADER_SETS: list[list[bytes]] = [
    [],
    [b"Content-Length: -1"],
    [b"Content-Length: abc"],
    [b"Content-Length: 99999999999999999999999999"],
    [b"Content-Length: 5", b"Content-Length: 7"],
    [b"Content-Length: 3"],
    [b"Transfer-Encoding: chunked"],
    [b"Transfer-Encoding: gzip, chunked"],
    [b"Transfer-Encoding: zork"],
    [b"Content-Encoding: gzip"],
    [b"Content-Encoding: deflate"],
    [b"Content-Encoding: br"],
    [b"Content-Encoding: gzip, gzip"],
    [b"Content-Encoding: \xff"],
    [b"Location: http://[::1/x"],
    [b"Location: http://" + b"a" * 300 + b".example/x"],
    [b"Location: http://127.0.0.2:1\\@127.0.0.1:1/x"],
    [b"Location: http://user@127.0.0.1:1/x"],
    [b"Location: //127.0.0.1:1/x"],
    [b"Location: http://127.0.0.1:1/x"],
    [b"Location: javascript:alert(1)"],
    [b"Location: "],
    [b"Location: \xff\xfe/x"],
    [b"Location: /files/loop"],
    [b"Location: http://127.1/x"],
    [b"Location: http://127.0.0.1:99999/x"],
    [b"Retry-After: Mon, 01 Jan 99999999999999999999 00:00:00 GMT"],
    [b"Retry-After: Mon, 01 Jan 2020 00:00:00 +9999"],
    [b"Retry-After: -5"],
    [b"Retry-After: nan"],
    [b"Retry-After: 1e309"],
    [b"Retry-After: 9999999999999999999999"],
    [b"NoColonHeader"],
    [b" leading-space: x"],
    [b"X-Folded: a", b"  continued"],
    [b"X-Nul: a\x00b"],
    [b"X-Many: 1"] * 150,
    [b"X-Long: " + b"y" * 70_000],
    [b"Content-Type: application/json; charset=utf-99"],
    [b"Content-Type: \xff\xfe"],
    [b"Set-Cookie: a=b; Domain=evil.example; Expires=Mon, 01 Jan 99999 00:00:00 GMT"],
    [b"Connection: keep-alive"],
]


def _chunked(*parts: bytes) -> bytes:
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"


GOOD_JSON = (
    b'{"remainingCredits": 5, "jobId": "J1", "status": "success", "presignedUrl": '
    b'"{origin}/put/in.pdf", "url": "{origin}/files/r.csv", "credits": 1}'
)

BODIES = [
    b"",
    GOOD_JSON,
    b"not json",
    b"[1, 2]",
    b"null",
    b'"a string"',
    b'{"error": true, "status": 999999999999999999999}',
    b'{"error": "true", "status": "4\xd9\xa04"}',
    b'{"status": 1e999, "remainingCredits": 1e999}',
    b'{"remainingCredits": ' + b"9" * 5000 + b"}",
    b'{"remainingCredits": NaN, "jobId": Infinity}',
    b'{"jobId": {"nested": true}, "url": ["x"], "status": []}',
    b"[" * 100_000 + b"]" * 100_000,
    b'{"a": ' * 50_000 + b"1" + b"}" * 50_000,
    b"\x1f\x8b\x08\x00garbage",
    gzip.compress(b'{"remainingCredits": 7, "status": "working"}'),
    gzip.compress(b"x" * 100_000),
    _chunked(b'{"remainingCredits": ', b"3}"),
    b"zz\r\nabc\r\n0\r\n\r\n",
    b"ffffffffffffffffffff\r\nabc",
    b"5\r\nab",
    b"\xff" * 300,
    b"<Error><Code>" + b"A" * 10_000 + b"</Code><Message>x</Message></Error>",
]

ENDINGS = ["close", "close", "close", "reset", "half", "hang"]


@dataclass(frozen=True)
class Scenario:
    index: int
    status: bytes
    headers: tuple[bytes, ...]
    body: bytes
    add_length: bool
    ending: str

    def payload(self, origin: str) -> bytes:
        body = self.body.replace(b"{origin}", origin.encode())
        lines = [self.status, *self.headers]
        if self.add_length:
            lines.append(b"Content-Length: %d" % len(body))
        lines.append(b"Connection: close")
        return b"\r\n".join(lines) + b"\r\n\r\n" + body

    def describe(self) -> str:
        heads = b" | ".join(h[:60] for h in self.headers[:3])
        return (
            f"#{self.index} {self.status[:40]!r} [{heads!r}] body={self.body[:40]!r} "
            f"len={self.add_length} end={self.ending}"
        )


def scenarios(seed: int, count: int) -> list[Scenario]:
    rng = random.Random(seed)
    made = []
    for index in range(count):
        headers: list[bytes] = []
        for _ in range(rng.choice([0, 1, 1, 2, 3])):
            headers.extend(rng.choice(HEADER_SETS))
        made.append(
            Scenario(
                index=index,
                status=rng.choice(STATUS_LINES),
                headers=tuple(headers),
                body=rng.choice(BODIES),
                add_length=rng.random() < 0.5,
                ending=rng.choice(ENDINGS),
            )
        )
    return made


class FuzzServer:
    """Answers the presign call properly (so uploads reach the PUT), the rest with a scenario."""

    def __init__(self) -> None:
        self.scenario: Scenario = scenarios(SEED, 1)[0]
        self.server = RawServer(self._answer, max_seconds=10)
        self.origin = self.server.origin

    def _answer(self, request: RawRequest, connection: RawConnection) -> None:
        if request.target.startswith("/v1/file/upload/get-presigned-url"):
            body = json.dumps(
                {"presignedUrl": f"{self.origin}/put/in.pdf?sig=1", "url": f"{self.origin}/in"}
            ).encode()
            connection.send(http_response(200, body))
            return
        scenario = self.scenario
        payload = scenario.payload(self.origin)
        if scenario.ending == "half":
            connection.send(payload[: max(1, len(payload) // 2)])
        elif scenario.ending == "reset":
            connection.send(payload[: max(1, len(payload) * 2 // 3)])
            # SO_LINGER 0: close with a RST instead of a FIN.
            connection.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        else:
            connection.send(payload)
            if scenario.ending == "hang":
                connection.pause(HANG_TIMEOUT + 2.0)


@pytest.fixture(scope="module")
def fuzz_server() -> Iterator[FuzzServer]:
    fuzz = FuzzServer()
    try:
        yield fuzz
    finally:
        fuzz.server.close()


Call = Callable[[PdfCoClient, str, Path, float], object]


def _calls(tmp: Path) -> dict[str, Call]:
    source = tmp / "in.pdf"
    source.write_bytes(b"%PDF-1.7\n" + b"0" * 2048)
    return {
        "balance": lambda c, o, t, s: c.get_credit_balance(timeout=s),
        "check": lambda c, o, t, s: c.check_job("J1", timeout=s),
        "convert": lambda c, o, t, s: c.start_conversion(f"{o}/in.pdf", "csv", timeout=s),
        "upload": lambda c, o, t, s: c.upload(source, timeout=s),
        "bytes": lambda c, o, t, s: c.download_bytes(f"{o}/files/r.csv", timeout=s),
        "download": lambda c, o, t, s: c.download(f"{o}/files/r.csv", t / "r.csv", timeout=s),
    }


# Known gap (issue 10): after an answer whose headers urllib3 cannot parse (a folded header, a
# 206 with a Location), a socket is reclaimed by the garbage collector rather than closed, which
# pytest reports as an unraisable ResourceWarning. The fd is freed; the client's typed-error
# promise, which this test is about, holds.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_only_typed_errors_leave_the_client(fuzz_server: FuzzServer, tmp_path: Path) -> None:
    escaped: list[str] = []
    slow: list[str] = []
    calls = _calls(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    started = time.monotonic()
    with PdfCoClient(
        "fuzz-key",
        base_url=f"{fuzz_server.origin}/v1",
        request_timeout=(2.0, 5.0),
        max_retries=1,
        retry_max_wait=0.01,
    ) as client:
        for scenario in scenarios(SEED, SCENARIOS):
            fuzz_server.scenario = scenario
            names = ["balance", "bytes"] if scenario.ending == "hang" else list(calls)
            limit = HANG_TIMEOUT if scenario.ending == "hang" else CALL_TIMEOUT
            for name in names:
                began = time.monotonic()
                try:
                    calls[name](client, fuzz_server.origin, out, limit)
                except PdfCoError:
                    pass
                except BaseException as exc:
                    escaped.append(
                        f"{name}: {type(exc).__module__}.{type(exc).__name__}: "
                        f"{str(exc)[:120]} <- {scenario.describe()}"
                    )
                took = time.monotonic() - began
                if took > limit * 2 + MARGIN:  # a retry may take a second deadline-capped try
                    slow.append(f"{name} took {took:.1f} s <- {scenario.describe()}")
                leftovers = [p.name for p in out.iterdir() if p.name != "r.csv"]
                assert not leftovers, f"{name} left {leftovers} <- {scenario.describe()}"
    assert not escaped, "untyped exceptions escaped:\n" + "\n".join(escaped)
    assert not slow, "calls outlived their deadline:\n" + "\n".join(slow)
    assert time.monotonic() - started < 120


def test_a_storage_redirect_to_a_300_character_label_is_refused(tmp_path: Path) -> None:
    # urllib3 raised LocationParseError (not even a requests exception) when connecting to it.
    location = "http://" + "a" * 300 + ".example/result.csv"

    def redirect(request: RawRequest, connection: RawConnection) -> None:
        connection.send(http_response(302, b"", headers={"Location": location}, reason="Found"))

    with RawServer(redirect, max_seconds=10) as server:
        # The API lives elsewhere (never contacted): a download from the API's own host carries
        # the key, and a response that carried the key is never followed.
        client = PdfCoClient("key", base_url="http://127.0.0.2:9/v1", max_retries=0)
        with client, pytest.raises(UnsafeURLError, match="redirected"):
            client.download(f"{server.origin}/files/r.csv", tmp_path / "r.csv", timeout=5)
        assert len(server.requests) == 1
    assert list(tmp_path.iterdir()) == []


def test_a_broken_redirect_after_the_paid_post_is_an_unknown_outcome() -> None:
    def redirect(request: RawRequest, connection: RawConnection) -> None:
        headers = {"Location": "http://[::1/x"}
        connection.send(http_response(302, b"", headers=headers, reason="Found"))

    with RawServer(redirect, max_seconds=10) as server:
        client = PdfCoClient("key", base_url=f"{server.origin}/v1", max_retries=3)
        with client, pytest.raises(OutcomeUnknownError):
            client.start_conversion(f"{server.origin}/in.pdf", "csv", timeout=5)
        assert [r.method for r in server.requests] == ["POST"]


def test_the_scenarios_are_seeded() -> None:
    assert scenarios(SEED, 20) == scenarios(SEED, 20)
    assert scenarios(SEED, 20) != scenarios(SEED + 1, 20)
