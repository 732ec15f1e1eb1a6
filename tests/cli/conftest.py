"""Fixtures for the command line's tests: an emulator, a runner, folders of PDFs."""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import pytest
from click.testing import CliRunner

from pdfco_client.cli._app import cli
from pdfco_client.emulator import Emulator
from tests.pdf_factory import (
    NOT_A_PDF,
    make_encrypted_pdf,
    make_multi_page_pdf,
    make_ruled_table_pdf,
)

#: The emulator's key in these tests: it must never appear in any output.
SECRET_KEY = "cli-test-secret-key-0123456789"


@dataclass
class Run:
    """What one in-process run of ``pdfco`` produced."""

    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def _runner() -> CliRunner:
    # click < 8.2 mixes stderr into stdout unless told not to; later versions keep them apart.
    if "mix_stderr" in inspect.signature(CliRunner.__init__).parameters:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg,unused-ignore]
    return CliRunner()


def run_cli(args: Sequence[str], env: Optional[dict[str, Optional[str]]] = None) -> Run:
    """``pdfco ARGS`` in this process, with ``env`` laid over the environment."""
    result = _runner().invoke(cli, list(args), env=env, catch_exceptions=False)
    return Run(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(api_key=SECRET_KEY, job_min_duration=0.05) as emulator:
        yield emulator


@pytest.fixture
def env(emu: Emulator) -> dict[str, Optional[str]]:
    """Environment pointing ``pdfco`` at ``emu``."""
    return {"PDFCO_API_KEY": emu.api_key, "PDFCO_BASE_URL": emu.base_url, "PDFCO_LOG": None}


@pytest.fixture(scope="session")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return {
        "ruled": make_ruled_table_pdf(),
        "multi": make_multi_page_pdf(),
        "encrypted": make_encrypted_pdf(),
    }


@pytest.fixture
def good_dir(tmp_path: Path, pdfs: dict[str, bytes]) -> Path:
    folder = tmp_path / "good"
    folder.mkdir()
    (folder / "a.pdf").write_bytes(pdfs["ruled"])
    (folder / "b.PDF").write_bytes(pdfs["multi"])
    (folder / "notes.txt").write_text("not picked from a folder")
    return folder


@pytest.fixture
def mixed_dir(good_dir: Path, pdfs: dict[str, bytes]) -> Path:
    """Two good PDFs, a non-PDF, an empty file and a protected PDF, all named *.pdf."""
    (good_dir / "c-not-a-pdf.pdf").write_bytes(NOT_A_PDF)
    (good_dir / "d-empty.pdf").write_bytes(b"")
    (good_dir / "e-protected.pdf").write_bytes(pdfs["encrypted"])
    return good_dir


def by_name(document: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {Path(item["source"]).name: item for item in document}
