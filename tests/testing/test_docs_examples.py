"""Every Python example of the README and of docs/ runs, so the documentation cannot rot.

Each fenced ``python`` block is one test, run in a fresh namespace in a temporary directory that
holds the files the examples name (``report.pdf``, ``big.pdf``, ``protected.pdf``,
``scanned.pdf``, ``invoices/*.pdf``), with ``PDFCO_API_KEY`` and ``PDFCO_BASE_URL`` pointing at a
real emulator. A block that defines ``test_*`` functions is a user's test module: it runs under
pytest (through ``pytester``, with this package's plugin loaded from its entry point) and all of
its tests must pass. An HTML comment ``<!-- doctest: skip -->`` on the line before a block skips
it; :data:`SKIPPED` lists every such block, so a new one fails until it is justified here.
"""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfWriter

from pdfco_client.emulator import Emulator
from tests.pdf_factory import USER_PASSWORD, encrypt_pdf
from tests.testing.conftest import SAMPLE_PDF

ROOT = Path(__file__).resolve().parents[2]
SKIP_MARKER = "<!-- doctest: skip -->"
#: Blocks allowed to carry the skip marker, as "file:line of the fence", with the reason.
SKIPPED: dict[str, str] = {}

_FENCE = re.compile(r"^```python[^\n]*\n(?P<code>.*?)^```[ \t]*$", re.M | re.S)


@dataclass(frozen=True)
class Example:
    path: str
    line: int
    code: str
    skipped: bool

    @property
    def id(self) -> str:
        return f"{self.path}:{self.line}"


def _examples() -> list[Example]:
    files = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    found = []
    for file in files:
        text = file.read_text(encoding="utf-8")
        for match in _FENCE.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1].strip()
            found.append(
                Example(str(file.relative_to(ROOT)), line, match["code"], before == SKIP_MARKER)
            )
    return found


EXAMPLES = _examples()


def test_examples_are_found() -> None:
    pages = {example.path for example in EXAMPLES}
    assert "README.md" in pages
    assert {"docs/testing.md", "docs/getting-started.md", "docs/errors.md"} <= pages
    assert len(EXAMPLES) >= 25


def test_every_skip_is_listed() -> None:
    assert {e.id for e in EXAMPLES if e.skipped} == set(SKIPPED)


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator(job_min_duration=0.05) as emu:
        yield emu


def _six_pages(sample: bytes) -> bytes:
    # The examples' page ranges (``0,2-5``) need more than the sample's two pages.
    writer = PdfWriter()
    for _ in range(3):
        writer.append(io.BytesIO(sample))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, emulator: Emulator) -> Path:
    sample = SAMPLE_PDF.read_bytes()
    (tmp_path / "report.pdf").write_bytes(_six_pages(sample))
    for name in ("big.pdf", "scanned.pdf"):
        (tmp_path / name).write_bytes(sample)
    (tmp_path / "protected.pdf").write_bytes(encrypt_pdf(sample, USER_PASSWORD))
    invoices = tmp_path / "invoices"
    invoices.mkdir()
    for name in ("march.pdf", "april.pdf", "may.pdf"):
        shutil.copyfile(SAMPLE_PDF, invoices / name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PDFCO_API_KEY", emulator.api_key)
    monkeypatch.setenv("PDFCO_BASE_URL", emulator.base_url)
    return tmp_path


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_example_runs(example: Example, workdir: Path, request: pytest.FixtureRequest) -> None:
    if example.skipped:
        pytest.skip(SKIPPED.get(example.id, "marked <!-- doctest: skip -->"))
    if re.search(r"^def test_", example.code, re.M):
        # Only now: pytester moves into a directory of its own.
        pytester: pytest.Pytester = request.getfixturevalue("pytester")
        pytester.makepyfile(test_example=example.code)
        outcome = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-W", "error")
        counts = outcome.parseoutcomes()
        assert counts.get("passed", 0) >= 1, outcome.stdout.str()
        assert set(counts) <= {"passed", "warnings"}, outcome.stdout.str()
        return
    code = compile(example.code, example.id, "exec")
    exec(code, {"__name__": "__doc_example__"})  # noqa: S102 - our own documentation
