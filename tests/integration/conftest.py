"""The real client against the real emulator, over loopback sockets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pdfco_client import PdfCoClient
from pdfco_client.emulator import Emulator
from tests.pdf_factory import make_ruled_table_pdf


def make_client(emu: Emulator, **overrides: object) -> PdfCoClient:
    """A client tuned for tests: short polls and retry waits, bounded everything."""
    settings: dict[str, object] = {
        "api_key": emu.api_key,
        "base_url": emu.base_url,
        "request_timeout": 10.0,
        "job_timeout": 20.0,
        "max_retries": 3,
        "retry_max_wait": 0.2,
        "poll_interval": 0.02,
        "max_poll_interval": 0.1,
    }
    settings.update(overrides)
    return PdfCoClient(**settings)  # type: ignore[arg-type]


@pytest.fixture
def emu() -> Iterator[Emulator]:
    # strict_storage: the storage host refuses any request carrying an API key, so a leak fails
    # the test outright instead of only being recorded.
    with Emulator(job_min_duration=0.05, strict_storage=True) as emulator:
        yield emulator


@pytest.fixture
def client(emu: Emulator) -> Iterator[PdfCoClient]:
    with make_client(emu) as pdfco:
        yield pdfco


@pytest.fixture(scope="session")
def ruled_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdfs") / "ruled.pdf"
    path.write_bytes(make_ruled_table_pdf())
    return path
