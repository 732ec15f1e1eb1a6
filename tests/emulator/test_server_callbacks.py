"""Job-completion webhooks: the emulator POSTs a finished job's status to its callback URL."""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from pdfco_client import JobState, PdfCoClient
from pdfco_client.emulator import Emulator, Fault, FaultPlan
from tests.emulator.conftest import api, download, upload


class Receiver:
    """A webhook endpoint on loopback that records each POST and answers ``statuses`` in turn."""

    def __init__(self, statuses: list[int]) -> None:
        self.posts: queue.Queue[dict[str, Any]] = queue.Queue()
        self.statuses = statuses
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                receiver.posts.put(json.loads(self.rfile.read(length)))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/pdfco"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def next_post(self, timeout: float = 10.0) -> dict[str, Any]:
        return self.posts.get(timeout=timeout)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    hook = Receiver([])
    hook.thread.start()
    yield hook
    hook.server.shutdown()
    hook.server.server_close()
    hook.thread.join(timeout=5)


def _start(emu: Emulator, pdf_bytes: bytes, callback: str) -> dict[str, Any]:
    url = upload(emu, pdf_bytes)
    body: dict[str, Any] = api(
        emu,
        "POST",
        "pdf/convert/to/csv",
        data={"url": url, "async": "True", "callback": callback},
    ).json()
    return body


def test_a_finished_job_is_posted_to_its_callback(
    emu: Emulator, pdf_bytes: bytes, receiver: Receiver
) -> None:
    started = time.monotonic()
    job = _start(emu, pdf_bytes, receiver.url)
    post = receiver.next_post()
    assert time.monotonic() - started >= 0.05  # not before job_min_duration (the fixture's)
    assert post["status"] == "success"
    assert post["jobId"] == job["jobId"]
    assert post["url"] == job["url"]
    assert download(post["url"]).status_code == 200  # the result is there when the hook fires


def test_a_failed_job_is_posted_too(emu: Emulator, pdf_bytes: bytes, receiver: Receiver) -> None:
    emu.faults = FaultPlan([Fault.job_outcome("failed", error_code=441)])
    _start(emu, pdf_bytes, receiver.url)
    post = receiver.next_post()
    assert post["status"] == "failed"
    assert post["errorCode"] == 441


def test_a_failing_endpoint_is_retried_three_times_at_most(
    emu: Emulator, pdf_bytes: bytes, receiver: Receiver
) -> None:
    receiver.statuses.extend([500, 503, 500, 500])
    _start(emu, pdf_bytes, receiver.url)
    for _ in range(3):
        receiver.next_post()
    with pytest.raises(queue.Empty):
        receiver.next_post(timeout=1.5)


@pytest.mark.parametrize(
    "callback", ["http://192.0.2.10/hook", "https://example.com/hook", "ftp://127.0.0.1/hook"]
)
def test_only_loopback_callbacks_are_accepted(
    emu: Emulator, pdf_bytes: bytes, callback: str
) -> None:
    url = upload(emu, pdf_bytes)
    response = api(
        emu, "POST", "pdf/convert/to/csv", data={"url": url, "async": "True", "callback": callback}
    )
    assert response.status_code == 400
    assert "loopback" in response.json()["message"]


def test_the_client_passes_callback_through(emu: Emulator, receiver: Receiver) -> None:
    from tests.pdf_factory import make_ruled_table_pdf

    with PdfCoClient(api_key=emu.api_key, base_url=emu.base_url) as client:
        uploaded = client.upload(make_ruled_table_pdf())
        job = client.start_conversion(uploaded.url, "xlsx", callback=receiver.url)
        post = receiver.next_post()
        assert post["jobId"] == job.job_id
        assert client.wait_for_job(job.job_id).status is JobState.SUCCESS


def test_closing_the_emulator_does_not_wait_for_a_dead_endpoint(pdf_bytes: bytes) -> None:
    hook = Receiver([])  # never started: every POST is refused
    emu = Emulator(job_min_duration=0.05)
    with emu:
        _start(emu, pdf_bytes, hook.url)
        time.sleep(0.3)
        started = time.monotonic()
    assert time.monotonic() - started < 3
    hook.server.server_close()
