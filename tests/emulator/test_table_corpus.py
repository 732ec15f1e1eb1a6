"""The converter on generated PDFs of each failure class (benchmarks/table_corpus.py).

A small sample runs here (one case per kind and split, about a second); the benchmark scores all
of them: ``.venv/bin/python -m benchmarks.table_quality``. Floors sit a little under the scores
measured when they were set, so a change that loses cells fails.
"""

from __future__ import annotations

import io
from typing import Callable

import pytest
from openpyxl import load_workbook
from reportlab.pdfgen import canvas

from benchmarks.table_corpus import DEV, KINDS, GeneratedCase, make_case, sample
from benchmarks.table_quality import emulator_rows, score_generated
from pdfco_client import read_tables
from pdfco_client._numbers import parse_number
from pdfco_client.emulator._convert import convert_pdf

# (cell recall, row fidelity) floors per case of the sample; measured 1.0 / 1.0 except
# dev-banded-0-ja (0.861 / 0.833: its header joins its first row between two bands).
FLOOR = (0.97, 0.97)
FLOORS = {"dev-banded-0-ja": (0.84, 0.81)}


def _cases() -> list[GeneratedCase]:
    return [*sample("dev"), *sample("held-out"), *sample("fresh")]


@pytest.mark.parametrize("case", _cases(), ids=lambda case: case.name)
def test_generated_case_stays_above_its_floor(case: GeneratedCase) -> None:
    score = score_generated(case)
    recall, fidelity = FLOORS.get(case.name, FLOOR)
    detail = f"{case.name}: {score.matched}, {score.strict_matched} of {score.expected}"
    assert score.expected > 0
    assert score.score >= recall, detail
    assert score.strict >= fidelity, detail


def test_the_sample_covers_every_kind() -> None:
    assert {case.kind for case in sample("dev")} == set(KINDS)


def test_sideways_digits_read_in_order() -> None:
    case = make_case(DEV, "rotated", 0, "dev")
    got = {cell for row in emulator_rows(case.pdf, 0, None) for cell in row if cell is not None}
    label = next(row[0] for row in case.tables[0].rows[1:] if len(row[0]) > 3)
    assert label in got
    assert label[::-1] not in got
    printed = [cell for row in case.tables[0].rows for cell in row if parse_number(cell)]
    values = {parse_number(text)[0] for text in printed}  # type: ignore[index]
    assert len(values & got) >= 0.9 * len(values)


def test_a_group_header_is_one_merged_range_holding_its_text() -> None:
    case = make_case(DEV, "spanning", 0, "dev")
    result = convert_pdf(case.pdf, "xlsx")
    (table,) = read_tables(result.content)
    group = case.tables[0].rows[0]
    assert table.merged, "the spanning header should be merged"
    first = table.merged[0]
    assert table.rows[first.first_row][first.first_column] == group[first.first_column]
    sheet = load_workbook(io.BytesIO(result.content)).worksheets[0]
    assert sheet.merged_cells.ranges


def test_a_shaded_row_is_not_one_cell() -> None:
    case = make_case(DEV, "banded", 1, "dev")
    rows = emulator_rows(case.pdf, 0, None)
    width = len(case.tables[0].rows[0])
    table_rows = [row for row in rows if sum(cell is not None for cell in row) >= width - 1]
    assert len(table_rows) >= len(case.tables[0].rows) - 1


def test_two_columns_of_prose_are_read_column_by_column() -> None:
    case = make_case(DEV, "textcolumns", 0, "dev")
    rows = emulator_rows(case.pdf, 0, None)
    assert all(sum(cell is not None for cell in row) == 1 for row in rows)
    lines = [row[0] for row in rows]
    expected = [row[0] for row in case.tables[0].rows]
    assert [line for line in lines if line in expected] == expected


def _draw(draw: Callable[[canvas.Canvas], None]) -> bytes:
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=(595, 842))
    draw(c)
    c.showPage()
    c.save()
    return out.getvalue()


_ROWS = [
    ["Region", "Orders", "Share", "Cost"],
    ["North Ridge", "4,320", "12.5%", "(35.8)"],
    ["South", "739", "7.0%", "1,015.4"],
    ["East Valley", "6,952", "32.0%", "7.2"],
    ["West", "9", "84.9%", "31.1"],
]


def _sheet(pdf: bytes) -> list[list[object]]:
    result = convert_pdf(pdf, "xlsx")
    sheet = load_workbook(io.BytesIO(result.content)).worksheets[0]
    return [
        [cell for cell in row if cell is not None]
        for row in sheet.iter_rows(values_only=True)
        if any(cell is not None for cell in row)
    ]


def test_a_monospaced_table_with_padded_rows_is_one_table() -> None:
    # Courier's word space (0.6 em) is wider than the half-em a proportional font's column gap
    # needs, and rows set two line heights apart still make one table.
    xs = [60, 170, 230, 290]

    def draw(c: canvas.Canvas) -> None:
        c.setFont("Courier", 9)
        for number, row in enumerate(_ROWS):
            y = 760 - number * 24
            for x, text in zip(xs, row):
                c.drawString(x, y, text)

    rows = _sheet(_draw(draw))
    assert rows[0] == ["Region", "Orders", "Share", "Cost"]
    assert rows[1] == ["North Ridge", 4320, "12.5%", -35.8]
    assert len(rows) == len(_ROWS)


def test_a_framed_table_without_row_rules_is_split_into_rows() -> None:
    # A frame and one column rule: pdfplumber finds one row of two cells holding every line.
    def draw(c: canvas.Canvas) -> None:
        c.setFont("Helvetica", 9)
        c.rect(50, 650, 200, 130)
        c.line(150, 650, 150, 780)
        for number, row in enumerate(_ROWS):
            y = 765 - number * 14
            c.drawString(55, y, row[0])
            c.drawRightString(245, y, row[2])

    rows = _sheet(_draw(draw))
    assert rows == [[row[0], row[2]] for row in _ROWS]
