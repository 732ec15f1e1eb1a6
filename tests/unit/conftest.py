"""Fixtures of the unit tests: a fake clock, a client factory, mocked HTTP and log capture."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
import responses

from pdfco_client import PdfCoClient
from tests.unit.fake_api import (
    API_KEY,
    API_URL,
    ClientFactory,
    FakeClock,
    FakePdfCo,
    LogCapture,
)


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
def fake(mock_http: responses.RequestsMock) -> FakePdfCo:
    return FakePdfCo(mock_http)


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> Iterator[LogCapture]:
    with caplog.at_level(logging.DEBUG, logger="pdfco_client"):
        yield LogCapture(caplog)
