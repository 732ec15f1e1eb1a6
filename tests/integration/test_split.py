"""One large document converted in parts against the emulator: the join equals one job's result."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from pdfco_client import OutputFormat, PdfCoClient
from pdfco_client.emulator import Emulator
from tests.pdf_factory import make_large_pdf

PAGES = 5


@pytest.fixture(scope="module")
def large_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("large") / "large.pdf"
    path.write_bytes(make_large_pdf(PAGES))
    return path


def _sheets(path: Path) -> list[tuple[str, list[tuple[object, ...]]]]:
    workbook = load_workbook(path)
    try:
        return [(s.title, list(s.iter_rows(values_only=True))) for s in workbook.worksheets]
    finally:
        workbook.close()


def test_an_xlsx_in_parts_has_the_sheets_of_one_conversion(
    client: PdfCoClient, emu: Emulator, large_pdf: Path, tmp_path: Path
) -> None:
    split = client.convert_in_parts(
        large_pdf, "xlsx", output=tmp_path / "split.xlsx", pages_per_part=2, credits_per_page=1
    )
    assert split.plan.parts == ("0-1", "2-3", "4")
    assert [part.page_count for part in split.parts] == [2, 2, 1]
    assert len({part.job_id for part in split.parts}) == 3
    assert split.plan.estimated_credits is not None
    assert split.credits >= split.plan.pages
    deleted = [r for r in emu.requests if r.endpoint == "file/delete"]
    assert len(deleted) == 1  # the one upload; each part converted it by URL

    client.convert(large_pdf, "xlsx", output=tmp_path / "whole.xlsx")
    sheets = _sheets(tmp_path / "split.xlsx")
    assert [title for title, _ in sheets] == [f"Page {n}" for n in range(1, PAGES + 1)]
    assert sheets == _sheets(tmp_path / "whole.xlsx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["split.xlsx", "whole.xlsx"]


@pytest.mark.parametrize("fmt", ["csv", "json", "xml", "html", "text"])
def test_other_formats_in_parts_equal_one_conversion(
    client: PdfCoClient, large_pdf: Path, tmp_path: Path, fmt: str
) -> None:
    url = client.upload(large_pdf).url
    split = client.convert_in_parts(
        url, fmt, output=tmp_path / "split", pages="1-", pages_per_part=3, max_workers=2
    )
    assert split.plan.parts == ("1-3", "4")
    assert split.output_format is OutputFormat(fmt)
    client.convert(url, fmt, output=tmp_path / "whole", pages="1-")
    assert (tmp_path / "split").read_bytes() == (tmp_path / "whole").read_bytes()
