"""The ``pdfco`` pytest plugin, loaded through its entry point as a user's pytest loads it."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points
from typing import Any

import pytest

from tests.testing.conftest import SAMPLE_PDF

USER_TESTS = """
from pdfco_client import InsufficientCreditsError, PdfCoClient
import pytest


def test_app_with_the_mock(pdfco_mock, tmp_path):
    (tmp_path / "in.pdf").write_bytes(PDF)
    with PdfCoClient() as client:  # key and base URL from the environment the fixture set
        result = client.convert_pdf_to_csv(tmp_path / "in.pdf", output=tmp_path / "out.csv")
    assert (tmp_path / "out.csv").read_text().startswith('"Region"')
    assert pdfco_mock.calls_to("pdf/convert/to/csv")
    assert result.remaining_credits == pdfco_mock.credits


@pytest.mark.pdfco_mock(credits=0)
def test_the_marker_configures_it(pdfco_mock):
    with PdfCoClient() as client, pytest.raises(InsufficientCreditsError):
        client.upload(PDF, name="in.pdf")


def test_app_with_the_emulator(pdfco_emulator, tmp_path):
    (tmp_path / "in.pdf").write_bytes(PDF)
    with PdfCoClient(api_key=pdfco_emulator.api_key, base_url=pdfco_emulator.base_url) as c:
        result = c.convert_pdf_to_xlsx(tmp_path / "in.pdf", output=tmp_path / "out.xlsx")
    assert result.page_count == 2
    assert (tmp_path / "out.xlsx").read_bytes()[:2] == b"PK"


def test_the_emulator_is_shared(pdfco_emulator, request):
    assert request.getfixturevalue("pdfco_emulator") is pdfco_emulator
"""


def _pytest_plugins() -> list[Any]:
    found: Any = entry_points()
    if hasattr(found, "select"):
        return list(found.select(group="pytest11"))
    return list(found.get("pytest11", []))  # Python 3.9: a dict of groups


def test_the_entry_point_is_installed() -> None:
    found = [ep for ep in _pytest_plugins() if ep.name == "pdfco"]
    assert [ep.value for ep in found] == ["pdfco_client.testing._plugin"]


def test_a_user_suite_uses_both_fixtures(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_app=f"PDF = {SAMPLE_PDF.read_bytes()!r}\n{USER_TESTS}")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-W", "error")
    result.assert_outcomes(passed=4)


def test_the_fixtures_are_listed(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess("--fixtures")
    result.stdout.fnmatch_lines(["*pdfco_mock*", "*pdfco_emulator*"])


def test_loading_the_plugin_imports_nothing_optional() -> None:
    # As for a user with neither the testing nor the emulator extra: both are made unimportable.
    # The mock shares the emulator's model (pure Python); its engine and server stay unloaded.
    code = (
        "import sys\n"
        "for name in ('responses', 'werkzeug', 'pdfplumber', 'openpyxl'):\n"
        "    sys.modules[name] = None\n"
        "import pdfco_client.testing._plugin\n"
        "import pdfco_client.testing\n"
        "heavy = ('pdfco_client.emulator.engine.real', 'pdfco_client.emulator.transports')\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(heavy))\n"
        "assert not loaded, loaded\n"
        "try:\n"
        "    pdfco_client.testing.mock_pdfco().start()\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert "pip install 'pdfco-client[testing]'" in out.stdout
