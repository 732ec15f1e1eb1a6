"""``timeout=`` bounds the whole call, however slowly a hostile server sends its answer.

The servers here answer at once with their headers, then trickle the body one byte every half
second (or send nothing more): a per-read socket timeout never fires on a trickle, so only a
deadline checked between reads ends the call. Each test asserts the call ends with the typed
timeout error within a generous margin of its deadline: a bound on the server's power to hold
the caller, not a speed test (the margin allows for a loaded two-core machine).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Callable

import pytest

from pdfco_client import APITimeoutError, JobTimeoutError, PdfCoClient, PdfCoError
from tests.rawserver import RawConnection, RawRequest, RawServer, http_response

DEADLINE = 2.0
#: How far past its deadline a call may end: one trickled byte, plus a loaded machine's delays.
MARGIN = 1.5
TRICKLE = 0.5


def _trickled_json(body: dict[str, object]) -> Callable[[RawRequest, RawConnection], None]:
    payload = json.dumps(body).encode() + b" " * 400

    def answer(request: RawRequest, connection: RawConnection) -> None:
        head = http_response(200, b"", headers={"Content-Length": str(len(payload))})
        if connection.send(head):
            connection.trickle(payload, every=TRICKLE)

    return answer


class Router:
    """Answers each request by the first route whose path prefix matches it."""

    def __init__(self) -> None:
        self.routes: list[tuple[str, Callable[[RawRequest, RawConnection], None]]] = []

    def add(self, prefix: str, answer: Callable[[RawRequest, RawConnection], None]) -> None:
        self.routes.append((prefix, answer))

    def __call__(self, request: RawRequest, connection: RawConnection) -> None:
        for prefix, answer in self.routes:
            if request.target.startswith(prefix):
                answer(request, connection)
                return
        connection.send(http_response(404, b'{"error": true, "status": 404}'))


def _json_answer(body: dict[str, object]) -> Callable[[RawRequest, RawConnection], None]:
    def answer(request: RawRequest, connection: RawConnection) -> None:
        data = json.dumps(body).encode()
        connection.send(http_response(200, data, headers={"Content-Type": "application/json"}))

    return answer


@pytest.fixture
def router() -> Router:
    return Router()


@pytest.fixture
def server(router: Router) -> Iterator[RawServer]:
    with RawServer(router, max_seconds=20) as raw:
        yield raw


@pytest.fixture
def client(server: RawServer) -> Iterator[PdfCoClient]:
    # A read timeout far above the deadline: only the deadline can end these calls in time.
    with PdfCoClient(
        "key",
        base_url=f"{server.origin}/v1",
        request_timeout=(5.0, 60.0),
        max_retries=2,
        retry_max_wait=0.1,
        poll_interval=0.05,
        max_poll_interval=0.1,
    ) as pdfco:
        yield pdfco


def _client_threads() -> set[str]:
    return {t.name for t in threading.enumerate() if not t.name.startswith("rawserver")}


def _timed(call: Callable[[], object]) -> tuple[BaseException, float]:
    before = _client_threads()
    started = time.monotonic()
    with pytest.raises(PdfCoError) as caught:
        call()
    elapsed = time.monotonic() - started
    assert _client_threads() <= before, "the call left a thread behind"
    return caught.value, elapsed


def _trickled_file(request: RawRequest, connection: RawConnection) -> None:
    data = b"x" * 4096
    if connection.send(http_response(200, b"", headers={"Content-Length": str(len(data))})):
        connection.trickle(data, every=TRICKLE)


def test_a_trickled_api_answer_ends_at_the_deadline(router: Router, client: PdfCoClient) -> None:
    router.add("/v1/account/credit/balance", _trickled_json({"remainingCredits": 5}))
    error, elapsed = _timed(lambda: client.get_credit_balance(timeout=DEADLINE))
    assert isinstance(error, APITimeoutError), repr(error)
    assert elapsed < DEADLINE + MARGIN


def test_a_trickled_download_to_memory_ends_at_the_deadline(
    router: Router, server: RawServer, client: PdfCoClient
) -> None:
    router.add("/files/", _trickled_file)
    url = f"{server.origin}/files/out.csv"
    error, elapsed = _timed(lambda: client.download_bytes(url, timeout=DEADLINE))
    assert isinstance(error, APITimeoutError), repr(error)
    assert elapsed < DEADLINE + MARGIN


def test_a_trickled_download_to_disk_ends_at_the_deadline_and_leaves_nothing(
    router: Router, server: RawServer, client: PdfCoClient, tmp_path: Path
) -> None:
    router.add("/files/", _trickled_file)
    url = f"{server.origin}/files/out.xlsx"
    error, elapsed = _timed(lambda: client.download(url, tmp_path / "out.xlsx", timeout=DEADLINE))
    assert isinstance(error, APITimeoutError), repr(error)
    assert elapsed < DEADLINE + MARGIN
    assert list(tmp_path.iterdir()) == []


def test_a_silent_body_ends_at_the_deadline_not_at_the_read_timeout(
    router: Router, server: RawServer, client: PdfCoClient
) -> None:
    def silent(request: RawRequest, connection: RawConnection) -> None:
        connection.send(http_response(200, b"", headers={"Content-Length": "1000"}))
        connection.pause(15)

    router.add("/files/", silent)
    url = f"{server.origin}/files/out.csv"
    error, elapsed = _timed(lambda: client.download_bytes(url, timeout=DEADLINE))
    assert isinstance(error, APITimeoutError), repr(error)
    assert elapsed < DEADLINE + MARGIN


def test_a_trickled_job_check_ends_the_wait_with_the_job_id(
    router: Router, client: PdfCoClient
) -> None:
    router.add("/v1/job/check", _trickled_json({"status": "working", "jobId": "J1"}))
    error, elapsed = _timed(lambda: client.wait_for_job("J1", timeout=DEADLINE))
    assert isinstance(error, JobTimeoutError), repr(error)
    assert error.job_id == "J1"
    assert elapsed < DEADLINE + MARGIN


def test_a_conversion_whose_result_trickles_ends_at_its_deadline(
    router: Router, server: RawServer, client: PdfCoClient, tmp_path: Path
) -> None:
    result = f"{server.origin}/files/result.csv"
    router.add("/v1/pdf/convert/to/csv", _json_answer({"jobId": "J2", "url": result}))
    router.add("/v1/job/check", _json_answer({"status": "success", "url": result}))
    router.add("/files/", _trickled_file)
    error, elapsed = _timed(
        lambda: client.convert(
            f"{server.origin}/in.pdf", "csv", output=tmp_path / "out.csv", timeout=3.0
        )
    )
    assert isinstance(error, APITimeoutError), repr(error)
    assert error.job_id == "J2"
    assert elapsed < 3.0 + MARGIN
    assert list(tmp_path.iterdir()) == []


def test_a_trickled_storage_error_ends_the_upload_at_its_deadline(
    router: Router, server: RawServer, client: PdfCoClient, tmp_path: Path
) -> None:
    put = f"{server.origin}/put/in.pdf?X-Amz-Signature=s"
    router.add(
        "/v1/file/upload/get-presigned-url",
        _json_answer({"presignedUrl": put, "url": f"{server.origin}/files/in.pdf"}),
    )

    def trickled_refusal(request: RawRequest, connection: RawConnection) -> None:
        xml = b"<Error><Code>AccessDenied</Code><Message>no</Message></Error>" + b" " * 4096
        head = http_response(403, b"", headers={"Content-Length": str(len(xml))}, reason="No")
        if connection.send(head):
            connection.trickle(xml, every=TRICKLE)

    router.add("/put/", trickled_refusal)
    source = tmp_path / "in.pdf"
    source.write_bytes(b"%PDF-1.7\n" + b"0" * 1000)
    error, elapsed = _timed(lambda: client.upload(source, timeout=DEADLINE))
    assert elapsed < DEADLINE + MARGIN
    assert "X-Amz-Signature" not in str(error)


def test_an_upload_the_server_stops_reading_ends_at_its_deadline(tmp_path: Path) -> None:
    router = Router()
    with RawServer(router, max_seconds=20, read_bodies=False) as server:
        put = f"{server.origin}/put/big.pdf"
        router.add(
            "/v1/file/upload/get-presigned-url",
            _json_answer({"presignedUrl": put, "url": f"{server.origin}/files/big.pdf"}),
        )
        router.add("/put/", lambda request, connection: connection.pause(15))
        source = tmp_path / "big.pdf"
        source.write_bytes(b"%PDF-1.7\n" + b"0" * (64 * 1024 * 1024))
        with PdfCoClient(
            "key", base_url=f"{server.origin}/v1", request_timeout=(30.0, 60.0), max_retries=0
        ) as client:
            error, elapsed = _timed(lambda: client.upload(source, timeout=DEADLINE))
    assert isinstance(error, APITimeoutError), repr(error)
    assert elapsed < DEADLINE + MARGIN


def test_a_redirect_whose_body_trickles_ends_at_the_deadline(
    router: Router, client: PdfCoClient
) -> None:
    # requests reads a whole 3xx body by itself (to fill Response.next), even with redirects off.
    def trickled_redirect(request: RawRequest, connection: RawConnection) -> None:
        body = b"<html>moved</html>" + b" " * 4096
        head = http_response(
            302,
            b"",
            headers={"Location": "/v1/elsewhere", "Content-Length": str(len(body))},
            reason="Found",
        )
        if connection.send(head):
            connection.trickle(body, every=TRICKLE)

    router.add("/v1/account/credit/balance", trickled_redirect)
    error, elapsed = _timed(lambda: client.get_credit_balance(timeout=DEADLINE))
    assert elapsed < DEADLINE + MARGIN
    assert isinstance(error, PdfCoError)


def test_bodies_read_piece_by_piece_still_reuse_the_connection() -> None:
    # The happy path stays fast: reading in bounded pieces hands each connection back to the
    # pool, so a run of API calls and downloads goes over one keep-alive connection.
    def answer(request: RawRequest, connection: RawConnection) -> None:
        body = json.dumps({"remainingCredits": 3}).encode()
        connection.send(http_response(200, body, headers={"Connection": "keep-alive"}))

    with RawServer(answer, max_seconds=20) as server:
        with PdfCoClient("key", base_url=f"{server.origin}/v1") as client:
            assert [client.get_credit_balance(timeout=10) for _ in range(4)] == [3] * 4
            client.download_bytes(f"{server.origin}/files/out.json", timeout=10)
            client.get_credit_balance()
        assert len(server.requests) == 6
        assert len(server.received) == 1, "each call opened a connection of its own"
