"""Fixtures of the testing-toolkit tests: pytester, a clean environment, a client factory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import pytest

from pdfco_client import PdfCoClient

pytest_plugins = ["pytester"]

SAMPLE_PDF = (
    Path(__file__).resolve().parents[2] / "pdfco_client/emulator/samples/quarterly-report.pdf"
)


class ClientFactory(Protocol):
    def __call__(self, **options: Any) -> PdfCoClient: ...


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # A developer's own PDFCO_* variables must not change what the tests see.
    for name in ("PDFCO_API_KEY", "PDFCO_BASE_URL", "PDFCO_LOG"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def sleeps() -> list[float]:
    """Every wait the client asked for, instead of sleeping it."""
    return []


@pytest.fixture
def make_client(sleeps: list[float]) -> Iterator[ClientFactory]:
    clients: list[PdfCoClient] = []

    def factory(**options: Any) -> PdfCoClient:
        settings: dict[str, Any] = {"api_key": "test-key", "sleep": sleeps.append, **options}
        client = PdfCoClient(**settings)
        clients.append(client)
        return client

    yield factory
    for client in clients:
        client.close()


@pytest.fixture
def report_pdf(tmp_path: Path) -> Path:
    """A copy of the emulator's two-page sample PDF."""
    path = tmp_path / "report.pdf"
    path.write_bytes(SAMPLE_PDF.read_bytes())
    return path
