"""Converting in parts: the plan, its estimate, confirmation, failures and credits (a fake
seam, then the client against the mock), and joining the parts of each format."""

from __future__ import annotations

import codecs
import io
import json
import sys
import threading
from pathlib import Path
from typing import Any, Optional
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
import responses

from pdfco_client import (
    ConfigurationError,
    ConversionCancelledError,
    InputValidationError,
    JobFailedError,
    OutputFormat,
    PdfCoClient,
    SplitPlan,
)
from pdfco_client._join import check_joinable, join_parts
from pdfco_client._models import ConversionResult
from pdfco_client._policies import Deadline
from pdfco_client._split import SplitSeam, convert_in_parts, plan_ranges
from pdfco_client.emulator.engine.canned import canned_result
from pdfco_client.testing import PdfCoMock
from tests.unit.conftest import PDF_BYTES, PRICES, ClientFactory, attach

URL = "https://storage.example/doc.pdf"


@pytest.fixture
def pdf_path(tmp_path: Path) -> Path:
    path = tmp_path / "big.pdf"
    path.write_bytes(PDF_BYTES)
    return path


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


# -- the client against the mock: upload once, count, convert the parts, join, clean up ------


def test_the_client_converts_the_parts_of_an_upload_and_joins_them(
    make_client: ClientFactory, mock_http: responses.RequestsMock, pdf_path: Path, tmp_path: Path
) -> None:
    fake = attach(mock_http, page_count=5)
    seen: list[tuple[SplitPlan, list[str]]] = []

    def confirm(plan: SplitPlan) -> bool:
        seen.append((plan, [call.endpoint for call in fake.calls]))
        return True

    target = tmp_path / "big.csv"
    result = make_client().convert_in_parts(
        pdf_path, "csv", output=target, pages_per_part=2, max_workers=2, confirm=confirm
    )
    [(plan, before)] = seen
    # The plan is made after the upload and the page count, before any conversion.
    assert before == ["file/upload/get-presigned-url", "upload", "pdf/info"]
    assert plan.parts == ("0-1", "2-3", "4") == result.plan.parts
    converts = fake.calls_to("pdf/convert/to/csv")
    [upload] = fake.calls_to("upload")
    uploaded = urlsplit(upload.url).path
    assert sorted(call.params["pages"] for call in converts) == ["0-1", "2-3", "4"]
    assert {urlsplit(call.params["url"]).path for call in converts} == {uploaded}
    assert target.read_bytes() == canned_result("csv") * 3  # the canned table, once a part
    assert [part.page_count for part in result.parts] == [2, 2, 1]
    # One upload, deleted once, after the parts: the parts' own results stay with PDF.co.
    [delete] = fake.calls_to("file/delete")
    assert fake.calls.index(delete) > max(fake.calls.index(call) for call in converts)
    assert uploaded not in {urlsplit(url).path for url in fake.files}
    # What PDF.co reported: a working check's answer states no credits, though it costs 2.
    unreported = 3 * fake.working_checks * PRICES["check"]
    assert result.credits == 1000 - fake.credits - unreported
    assert result.remaining_credits is not None
    assert [p.name for p in tmp_path.iterdir() if p.name != pdf_path.name] == ["big.csv"]


def test_a_url_source_is_not_uploaded_nor_deleted(
    client: PdfCoClient, fake: PdfCoMock, tmp_path: Path
) -> None:
    url = fake.add_file("big.pdf", PDF_BYTES)
    result = client.convert_in_parts(url, "json", output=tmp_path / "big.json", pages_per_part=2)
    assert result.plan.parts == ("0-1", "2")
    assert fake.calls_to("upload") == []
    assert fake.calls_to("file/delete") == []
    joined = json.loads((tmp_path / "big.json").read_bytes())
    assert len(joined["document"]["page"]) == 2  # one canned page from each part


def test_a_part_that_fails_leaves_no_output_and_the_upload_deleted(
    make_client: ClientFactory, mock_http: responses.RequestsMock, pdf_path: Path, tmp_path: Path
) -> None:
    fake = attach(mock_http, page_count=4)
    fake.job_outcome("failed", message="damaged page", error_code=500)
    target = tmp_path / "big.csv"
    with pytest.raises(JobFailedError, match="damaged page") as caught:
        make_client().convert_in_parts(pdf_path, "csv", output=target, pages_per_part=2)
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir()] == [pdf_path.name]  # no scratch folder
    assert len(fake.calls_to("file/delete")) == 1
    assert caught.value.credits_spent is not None
    assert caught.value.credits_spent > 0


def test_a_refused_plan_starts_no_job(client: PdfCoClient, fake: PdfCoMock, pdf_path: Path) -> None:
    with pytest.raises(ConversionCancelledError):
        client.convert_in_parts(
            pdf_path, "csv", output=pdf_path.with_suffix(".csv"), confirm=lambda plan: False
        )
    assert fake.calls_to("pdf/convert") == []
    assert len(fake.calls_to("file/delete")) == 1


def test_not_a_pdf_is_refused_before_any_request(
    client: PdfCoClient, fake: PdfCoMock, tmp_path: Path
) -> None:
    source = tmp_path / "notes.txt"
    source.write_bytes(b"hello")
    with pytest.raises(InputValidationError, match="not a PDF"):
        client.convert_in_parts(source, "csv", output=tmp_path / "out.csv")
    assert fake.calls == []


# -- joining, per format ---------------------------------------------------------------------


def write_parts(tmp_path: Path, *contents: bytes) -> list[Path]:
    files = []
    for index, data in enumerate(contents):
        path = tmp_path / f"part-{index}"
        path.write_bytes(data)
        files.append(path)
    return files


def joined(fmt: OutputFormat, files: list[Path]) -> bytes:
    out = io.BytesIO()
    join_parts(fmt, files, out)
    return out.getvalue()


def test_csv_parts_follow_each_other_without_a_second_bom(tmp_path: Path) -> None:
    files = write_parts(tmp_path, codecs.BOM_UTF8 + b'"a"\r\n"b"', codecs.BOM_UTF8 + b'"c"\r\n')
    assert joined(OutputFormat.CSV, files) == codecs.BOM_UTF8 + b'"a"\r\n"b"\r\n"c"\r\n'


def test_text_parts_are_separated_like_pages(tmp_path: Path) -> None:
    files = write_parts(tmp_path, b"page one\r\n", b"page two\r\n")
    assert joined(OutputFormat.TEXT, files) == b"page one\r\n\fpage two\r\n"


def test_json_pages_are_gathered_in_one_document(tmp_path: Path) -> None:
    one = {"document": {"page": {"@index": "0"}}}
    two = {"document": {"page": [{"@index": "1"}, {"@index": "2"}]}}
    files = write_parts(tmp_path, json.dumps(one).encode(), json.dumps(two).encode())
    pages = json.loads(joined(OutputFormat.JSON2, files))["document"]["page"]
    assert [page["@index"] for page in pages] == ["0", "1", "2"]
    # Parts of another shape are kept whole, in order.
    odd = write_parts(tmp_path, b'{"rows": [1]}', b'{"rows": [2]}')
    assert json.loads(joined(OutputFormat.JSON, odd)) == [{"rows": [1]}, {"rows": [2]}]


def test_xml_pages_go_under_one_document(tmp_path: Path) -> None:
    files = write_parts(
        tmp_path,
        b'<?xml version="1.0" encoding="utf-8"?>\n<document><page index="0"/></document>',
        b'<?xml version="1.0" encoding="utf-8"?>\n<document><page index="1"/></document>',
    )
    root = ElementTree.fromstring(joined(OutputFormat.XML, files))  # noqa: S314 - our own bytes
    assert root.tag == "document"
    assert [page.get("index") for page in root] == ["0", "1"]


def test_html_bodies_go_into_the_first_document(tmp_path: Path) -> None:
    files = write_parts(
        tmp_path,
        b"<html><head><title>t</title></head><body>\n<table>1</table>\n</body></html>",
        b"<html><head><title>t</title></head><BODY class='x'>\n<table>2</table>\n</BODY></html>",
    )
    assert joined(OutputFormat.HTML, files) == (
        b"<html><head><title>t</title></head><body>\n<table>1</table>\n<table>2</table>\n"
        b"</body></html>"
    )


def test_xlsx_sheets_are_copied_in_order_with_their_styles(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    from openpyxl.styles import Font

    files = []
    for index, titles in enumerate([("Page 1", "Page 2"), ("Page 3", "Page 1")]):
        workbook = openpyxl.Workbook()
        workbook.remove(workbook.active)
        for title in titles:
            sheet = workbook.create_sheet(title)
            sheet["A1"] = f"{title} of part {index}"
            sheet["B2"] = 1204500
            sheet["B2"].number_format = "#,##0"
            sheet["A1"].font = Font(bold=True)
            sheet.merge_cells("A3:C3")
            sheet.column_dimensions["A"].width = 31
        files.append(tmp_path / f"part-{index}.xlsx")
        workbook.save(files[-1])
    out = tmp_path / "joined.xlsx"
    with out.open("wb") as stream:
        join_parts(OutputFormat.XLSX, files, stream)
    result = openpyxl.load_workbook(out)
    assert result.sheetnames == ["Page 1", "Page 2", "Page 3", "Page 1 (2)"]
    last = result["Page 1 (2)"]
    assert last["A1"].value == "Page 1 of part 1"
    assert last["A1"].font.bold
    assert (last["B2"].value, last["B2"].number_format) == (1204500, "#,##0")
    assert [str(cells) for cells in last.merged_cells.ranges] == ["A3:C3"]
    assert last.column_dimensions["A"].width == 31


def test_xls_cannot_be_joined_and_xlsx_needs_openpyxl(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(InputValidationError, match="xls results cannot be joined"):
        check_joinable(OutputFormat.XLS)
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # as if it were not installed
    with pytest.raises(ConfigurationError, match=r"pdfco-client\[xlsx\]"):
        check_joinable(OutputFormat.XLSX)
    check_joinable(OutputFormat.CSV)
