"""Fixtures of the unit tests: a fake clock, a client factory, mocked HTTP and log capture.

HTTP is mocked with ``responses``: a test registers answers of its own on ``mock_http``, or
takes ``fake``, the model of PDF.co the testing toolkit serves (``PdfCoMock``) answering the API
and storage URLs below on ``mock_http``. ``attach`` builds one with other options, or with a hook
that runs before each answer (a request's latency on the fake clock, say).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any, Callable, Optional, Protocol

import pytest
import requests
import responses

from pdfco_client import PdfCoClient
from pdfco_client.testing import (
    MOCK_CALL_CREDITS,
    MOCK_PAGE_CREDITS,
    MockCall,
    PdfCoMock,
    mock_pdfco,
)

API_KEY = "test-key-123"
API_URL = "https://api.pdf.co/v1"
API_HOST = "api.pdf.co"
STORAGE_URL = "https://pdf-temp-files.s3.us-west-2.amazonaws.com"
STORAGE_HOST = "pdf-temp-files.s3.us-west-2.amazonaws.com"
#: The query of a presigned URL in hand-made answers: a signature that must never reach a log.
SIGNED_QUERY = "X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=5ec12e7deadbeef"
PDF_BYTES = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
#: What the fake's calls cost (PDF.co's prices, which the model charges).
PRICES = {
    "presign": MOCK_CALL_CREDITS["file/upload/get-presigned-url"],
    "convert": MOCK_PAGE_CREDITS["xlsx"],
    "check": MOCK_CALL_CREDITS["job/check"],
    "delete": MOCK_CALL_CREDITS["file/delete"],
    "balance": MOCK_CALL_CREDITS["account/credit/balance"],
    "upload_url": MOCK_CALL_CREDITS["file/upload/url"],
}
#: Pages of every document the fake converts.
FAKE_PAGES = 3

Hook = Callable[[requests.PreparedRequest], None]


class FakeClock:
    """A monotonic clock that only moves when something sleeps (or a test advances it)."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0, f"negative sleep {seconds}"
        self.sleeps.append(seconds)
        self.now += seconds

    def advance(self, seconds: float) -> None:
        self.now += seconds


class ClientFactory(Protocol):
    def __call__(self, **options: Any) -> PdfCoClient: ...


class LogCapture:
    """The records of the ``pdfco_client`` logger, at DEBUG."""

    def __init__(self, caplog: pytest.LogCaptureFixture) -> None:
        self._caplog = caplog

    @property
    def records(self) -> list[logging.LogRecord]:
        return [r for r in self._caplog.records if r.name.startswith("pdfco_client")]

    @property
    def messages(self) -> list[str]:
        return [r.getMessage() for r in self.records]

    @property
    def text(self) -> str:
        return "\n".join(self.messages)


def attach(
    mock: responses.RequestsMock, *, on_request: Optional[Hook] = None, **options: Any
) -> PdfCoMock:
    """A ``PdfCoMock`` answering :data:`API_URL` and :data:`STORAGE_URL` on ``mock``."""
    settings: dict[str, Any] = {
        "base_url": API_URL,
        "storage_url": STORAGE_URL,
        "credits": 1000,
        "working_checks": 2,
        "page_count": FAKE_PAGES,
        **options,
    }
    pdfco = mock_pdfco(**settings)

    def callback(request: requests.PreparedRequest) -> Any:
        if on_request is not None:
            on_request(request)
        return pdfco.respond(request)

    ours = re.compile(f"^({re.escape(API_URL)}|{re.escape(STORAGE_URL)})/")
    for method in ("GET", "POST", "PUT", "HEAD", "DELETE"):
        mock.add_callback(method, ours, callback=callback, content_type=None)
    return pdfco


def paths(pdfco: PdfCoMock) -> list[str]:
    return [f"{call.method} {call.path}" for call in pdfco.calls]


def only_call(pdfco: PdfCoMock, endpoint: str) -> MockCall:
    [call] = pdfco.calls_to(endpoint)
    return call


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # A developer's own PDFCO_* variables must not change what the tests see.
    for name in ("PDFCO_API_KEY", "PDFCO_BASE_URL", "PDFCO_LOG"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def mock_http() -> Iterator[responses.RequestsMock]:
    # Every test that sends HTTP goes through this; an unregistered URL raises ConnectionError.
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def make_client(clock: FakeClock) -> Iterator[ClientFactory]:
    clients: list[PdfCoClient] = []

    def factory(**options: Any) -> PdfCoClient:
        settings: dict[str, Any] = {
            "api_key": API_KEY,
            "base_url": API_URL,
            "sleep": clock.sleep,
            "clock": clock,
            **options,
        }
        client = PdfCoClient(**settings)
        clients.append(client)
        return client

    yield factory
    for client in clients:
        client.close()


@pytest.fixture
def client(make_client: ClientFactory) -> PdfCoClient:
    return make_client()


@pytest.fixture
def fake(mock_http: responses.RequestsMock) -> PdfCoMock:
    return attach(mock_http)


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> Iterator[LogCapture]:
    with caplog.at_level(logging.DEBUG, logger="pdfco_client"):
        yield LogCapture(caplog)
