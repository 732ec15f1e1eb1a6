"""Converting in parts: the plan, its estimate, confirmation, failures and credits (fake seam)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Optional

import pytest

from pdfco_client import (
    ConversionCancelledError,
    InputValidationError,
    JobFailedError,
    OutputFormat,
    PdfCoClient,
    SplitPlan,
)
from pdfco_client._models import ConversionResult
from pdfco_client._policies import Deadline
from pdfco_client._split import SplitSeam, convert_in_parts, plan_ranges

URL = "https://storage.example/doc.pdf"


class FakeParts:
    """A seam whose parts write their page range as CSV, and whose calls cost fixed credits."""

    def __init__(self, page_count: int = 10, *, fail: Optional[str] = None) -> None:
        self.page_count = page_count
        self.fail = fail
        self.converted: list[str] = []
        self.cleaned: list[str] = []
        self.stopped: list[str] = []
        self.lock = threading.Lock()
        self.failed = threading.Event()

    def seam(self, uploads: bool = True) -> SplitSeam:
        return SplitSeam(self.upload, self.count, self.convert, self.cleanup, uploads=uploads)

    def upload(self, deadline: Deadline) -> tuple[str, int]:
        return URL, 7

    def count(self, url: str, deadline: Deadline) -> tuple[int, int]:
        return self.page_count, 5

    def convert(
        self, url: str, pages: str, output: Path, deadline: Deadline, cancel: threading.Event
    ) -> ConversionResult:
        if pages == self.fail:
            self.failed.set()
            error = JobFailedError("JOB-" + pages, "failed", "damaged page")
            error.credits_spent = 3
            raise error
        if self.fail is not None and pages != self.fail:
            # The others wait for the failure and see the cancel event, as convert() would.
            assert self.failed.wait(30)
            assert cancel.wait(30)
            with self.lock:
                self.stopped.append(pages)
            raise ConversionCancelledError(job_id="JOB-" + pages)
        output.write_bytes(f'"{pages}"\r\n'.encode())
        with self.lock:
            self.converted.append(pages)
        return ConversionResult(
            output_path=output,
            url=f"https://storage.example/{pages}.csv",
            job_id="JOB-" + pages,
            page_count=None,
            credits=10,
            remaining_credits=1000 - len(self.converted),
            duration=1.0,
            output_format=OutputFormat.CSV,
        )

    def cleanup(self, url: str) -> int:
        self.cleaned.append(url)
        return 7


def run(parts: FakeParts, tmp_path: Path, **options: Any) -> Any:
    settings: dict[str, Any] = {
        "pages": None,
        "pages_per_part": 4,
        "max_workers": 3,
        "credits_per_page": None,
        "max_credits": None,
        "confirm": None,
        "keep_input": False,
        "overwrite": True,
        **options,
    }
    deadline = Deadline(lambda: 0.0, None)
    return convert_in_parts(
        parts.seam(), OutputFormat.CSV, tmp_path / "out.csv", deadline, **settings
    )


@pytest.mark.parametrize(
    ("pages", "per_part", "expected"),
    [
        (range(10), 4, ("0-3", "4-7", "8-9")),
        (range(3), 5, ("0-2",)),
        ([0, 1, 2, 7, 8, 20], 2, ("0-1", "2", "7-8", "20")),
        ([5, 2, 3], 10, ("5", "2-3")),
        ([4], 1, ("4",)),
    ],
)
def test_pages_are_cut_into_runs_of_consecutive_pages(
    pages: Any, per_part: int, expected: tuple[str, ...]
) -> None:
    assert plan_ranges(list(pages), per_part) == expected


def test_the_parts_are_converted_joined_in_page_order_and_their_credits_counted(
    tmp_path: Path,
) -> None:
    parts = FakeParts(page_count=10)
    seen: list[SplitPlan] = []

    def confirm(plan: SplitPlan) -> bool:
        seen.append(plan)
        return True

    result = run(parts, tmp_path, confirm=confirm)
    assert (tmp_path / "out.csv").read_bytes() == b'"0-3"\r\n"4-7"\r\n"8-9"\r\n'
    assert sorted(parts.converted) == ["0-3", "4-7", "8-9"]
    assert [part.job_id for part in result.parts] == ["JOB-0-3", "JOB-4-7", "JOB-8-9"]
    assert seen == [result.plan]
    assert result.plan.parts == ("0-3", "4-7", "8-9")
    assert (result.page_count, result.plan.page_count) == (10, 10)
    assert result.credits == 7 + 5 + 3 * 10 + 7  # upload, page count, parts, cleanup
    assert parts.cleaned == [URL]
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]  # no scratch folder left


def test_the_estimate_is_stated_before_anything_is_converted() -> None:
    plan = SplitPlan(
        output_format=OutputFormat.XLSX,
        page_count=120,
        parts=("0-19", "20-39", "40-59", "60-79", "80-99", "100-119"),
        pages=120,
        credits_per_page=10,
        info_credits=5,
    )
    assert plan.min_check_credits == 12
    assert plan.estimated_credits == 120 * 10 + 12 + 5
    text = str(plan)
    assert "120 of 120 pages to xlsx in 6 parts (0-19, 20-39, 40-59, 60-79, ...)" in text
    assert "at least 1217 credits" in text
    unpriced = SplitPlan(OutputFormat.CSV, 3, ("0-2",), 3, None, 5)
    assert unpriced.estimated_credits is None
    assert "pass credits_per_page" in str(unpriced)


def test_a_refused_plan_converts_nothing_and_cleans_up(tmp_path: Path) -> None:
    parts = FakeParts()
    with pytest.raises(ConversionCancelledError) as caught:
        run(parts, tmp_path, confirm=lambda plan: False)
    assert parts.converted == []
    assert parts.cleaned == [URL]
    assert caught.value.credits_spent == 7 + 5 + 7
    assert not (tmp_path / "out.csv").exists()


def test_a_plan_over_budget_is_refused_before_converting(tmp_path: Path) -> None:
    parts = FakeParts(page_count=10)
    with pytest.raises(InputValidationError, match="at least 111 credits, over max_credits=100"):
        run(parts, tmp_path, credits_per_page=10, max_credits=100)
    assert parts.converted == []
    assert run(FakeParts(), tmp_path, credits_per_page=10, max_credits=111).plan.pages == 10


def test_a_failing_part_stops_the_others_and_nothing_is_written(tmp_path: Path) -> None:
    parts = FakeParts(page_count=10, fail="4-7")
    with pytest.raises(JobFailedError) as caught:
        run(parts, tmp_path)
    assert caught.value.job_id == "JOB-4-7"  # the cause, not a part it stopped
    assert sorted(parts.stopped) == ["0-3", "8-9"]
    assert caught.value.credits_spent == 7 + 5 + 3 + 7
    assert list(tmp_path.iterdir()) == []
    assert parts.cleaned == [URL]


def test_a_bad_page_range_for_the_document_is_an_input_error(tmp_path: Path) -> None:
    parts = FakeParts(page_count=5)
    with pytest.raises(InputValidationError, match="outside the document") as caught:
        run(parts, tmp_path, pages="3-9")
    assert caught.value.parameter == "pages"
    assert parts.cleaned == [URL]


@pytest.mark.parametrize(
    ("options", "parameter"),
    [
        ({"to": "xls"}, "to"),
        ({"pages_per_part": 0}, "pages_per_part"),
        ({"max_workers": True}, "max_workers"),
        ({"max_credits": 100}, "max_credits"),
        ({"credits_per_page": -1}, "credits_per_page"),
        ({"pages": "9-2"}, "pages"),
    ],
)
def test_the_client_refuses_bad_options_before_any_request(
    client: PdfCoClient, tmp_path: Path, options: dict[str, Any], parameter: str
) -> None:
    arguments: dict[str, Any] = {"to": "csv", **options}
    with pytest.raises(InputValidationError) as caught:
        client.convert_in_parts("https://example.com/big.pdf", output=tmp_path / "out", **arguments)
    assert caught.value.parameter == parameter
