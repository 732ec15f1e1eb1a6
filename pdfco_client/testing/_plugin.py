"""The ``pdfco`` pytest plugin: the fixtures ``pdfco_mock`` and ``pdfco_emulator``.

Registered through the ``pytest11`` entry point, so installing ``pdfco-client`` is enough. It
imports nothing optional at load time: ``responses`` is imported when ``pdfco_mock`` is used,
the emulator (werkzeug, pdfplumber) when ``pdfco_emulator`` is, so pytest keeps working for
users without the ``testing`` or ``emulator`` extras.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from pdfco_client.emulator import Emulator
    from pdfco_client.testing import PdfCoMock

#: The key ``pdfco_mock`` puts in ``PDFCO_API_KEY`` when the environment has none.
MOCK_API_KEY = "pdfco-mock-key"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "pdfco_mock(**options): options of the pdfco_mock fixture, as for "
        "pdfco_client.testing.mock_pdfco (base_url, api_key, credits, working_checks, engine, ...)",
    )


@pytest.fixture
def pdfco_mock(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[PdfCoMock]:
    """PDF.co faked in memory for one test (see :func:`pdfco_client.testing.mock_pdfco`).

    ``PDFCO_API_KEY`` is set (when unset) so that ``PdfCoClient()`` works as in production, and
    ``PDFCO_BASE_URL`` points at the mock's base URL. Options come from the ``pdfco_mock``
    marker: ``@pytest.mark.pdfco_mock(credits=0)``.
    """
    from pdfco_client.testing import mock_pdfco

    marker = request.node.get_closest_marker("pdfco_mock")
    options: dict[str, Any] = dict(marker.kwargs) if marker is not None else {}
    mock = mock_pdfco(**options)
    monkeypatch.setenv("PDFCO_BASE_URL", mock.base_url)
    if not (mock.api_key or _env_key()):
        monkeypatch.setenv("PDFCO_API_KEY", MOCK_API_KEY)
    elif mock.api_key:
        monkeypatch.setenv("PDFCO_API_KEY", mock.api_key)
    with mock:
        yield mock


def _env_key() -> str:
    import os

    return os.environ.get("PDFCO_API_KEY", "").strip()


@pytest.fixture(scope="session")
def pdfco_emulator() -> Iterator[Emulator]:
    """A real PDF.co emulator on loopback, shared by the whole test session.

    Build clients with ``PdfCoClient(api_key=pdfco_emulator.api_key,
    base_url=pdfco_emulator.base_url)``. Its state (credits, files, fault plan) is shared too:
    a test that changes it should put it back. Needs ``pip install 'pdfco-client[emulator]'``.
    """
    try:
        from pdfco_client.emulator import Emulator
    except ImportError as exc:
        pytest.fail(
            f"the pdfco_emulator fixture needs pdfco-client[emulator] ({exc})", pytrace=False
        )
    with Emulator() as emulator:
        yield emulator
