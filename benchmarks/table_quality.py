"""Measure the emulator's PDF → XLSX table quality on the real PDFs in ``../shared/tables``.

Run from the repository root: ``.venv/bin/python -m benchmarks.table_quality``.

Metric (per case, 0..1): the share of the ground truth's non-empty cells that the converted
worksheet holds in the right row. Each expected table is scored against the worksheet of its page;
for each expected row the best worksheet row is the one containing most of that row's cells, and a
cell counts when a cell of that worksheet row matches it. Matching is tolerant of layout: columns
are ignored (a cell may sit in any column of its row), rows may be shifted, split tables and extra
rows cost nothing. Two cells match when their normalised texts are equal (NFKC, Arabic diacritics
removed, whitespace collapsed, trimmed) or when the expected text reads as the same number the
worksheet stores (``"1,505"`` and 1505). A wrapped expected cell also matches if its lines appear
as consecutive-row cells, since the engine may keep a wrapped stream cell on two rows.

``tabula-encrypted-partial`` has no cells: it scores 1.0 when the right password opens it with
"FLA Audit Profile" as the first row's text and a wrong or missing password is refused with 441.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from openpyxl import load_workbook

from pdfco_client.emulator._convert import ConversionError, convert_pdf
from pdfco_client.emulator._render import parse_number

__all__ = ["CaseScore", "find_tables_dir", "main", "normalise", "score_case", "score_all"]

TABLES_ENV = "PDFCO_SHARED_TABLES"


def find_tables_dir() -> Optional[Path]:
    """``$PDFCO_SHARED_TABLES`` or ``../shared/tables`` beside the repository, if it exists."""
    override = os.environ.get(TABLES_ENV)
    candidate = (
        Path(override) if override else Path(__file__).resolve().parents[1] / ".." / "shared"
    )
    candidate = candidate if override else candidate / "tables"
    return candidate.resolve() if candidate.is_dir() else None


def normalise(text: object) -> str:
    """Text as compared: NFKC, no combining marks (Arabic diacritics), single spaces, trimmed."""
    value = unicodedata.normalize("NFKC", str(text))
    value = "".join(ch for ch in value if not unicodedata.combining(ch))
    return " ".join(value.split())


@dataclass(frozen=True)
class CaseScore:
    """One case's result: ``matched`` of ``expected`` cells found (``score`` = their ratio)."""

    case: str
    matched: int
    expected: int
    note: str = ""

    @property
    def score(self) -> float:
        """Matched share of the expected cells (1.0 for a case with nothing to match)."""
        return self.matched / self.expected if self.expected else 1.0


def _cell_keys(value: object) -> set[str]:
    if value is None:
        return set()
    if isinstance(value, bool):
        return {normalise(value)}
    if isinstance(value, (int, float)):
        return {f"#{float(value):.6g}"}
    text = normalise(value)
    return {text} if text else set()


def _expected_key(text: str) -> str:
    parsed = parse_number(text)
    return f"#{float(parsed[0]):.6g}" if parsed else normalise(text)


def _row_bags(rows: Sequence[Sequence[object]]) -> list[Counter[str]]:
    bags: list[Counter[str]] = []
    for row in rows:
        bag: Counter[str] = Counter()
        for value in row:
            bag.update(_cell_keys(value))
        bags.append(bag)
    return bags


def _match_row(expected: Sequence[str], bags: Sequence[Counter[str]], index: int) -> int:
    bag = Counter(bags[index])
    matched = 0
    for text in expected:
        key = _expected_key(text)
        if bag[key] > 0:
            bag[key] -= 1
            matched += 1
            continue
        parts = [normalise(part) for part in text.split("\n") if normalise(part)]
        # A wrapped cell kept as one line per row: every line in this or the following rows.
        if len(parts) > 1 and all(
            any(bags[j][part] > 0 for j in range(index, min(index + len(parts) + 1, len(bags))))
            for part in parts
        ):
            matched += 1
    return matched


def score_table(
    expected_rows: Sequence[Sequence[str]], sheet_rows: Sequence[Sequence[object]]
) -> tuple[int, int]:
    """``(matched, expected)`` non-empty cells of one expected table against one worksheet."""
    bags = _row_bags(sheet_rows)
    matched = total = 0
    for row in expected_rows:
        cells = [cell for cell in row if normalise(cell)]
        if not cells:
            continue
        total += len(cells)
        if bags:
            matched += max(_match_row(cells, bags, index) for index in range(len(bags)))
    return matched, total


def _sheet_rows(pdf: bytes, page: int, password: Optional[str]) -> list[list[object]]:
    result = convert_pdf(pdf, "xlsx", pages=str(page), password=password)
    workbook = load_workbook(io.BytesIO(result.content), read_only=True)
    try:
        return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()


def _score_partial(case_dir: Path, meta: dict[str, object]) -> CaseScore:
    partial = json.loads((case_dir / "expected-partial.json").read_text(encoding="utf-8"))
    pdf = (case_dir / "source.pdf").read_bytes()
    password_info = meta.get("password")
    password = password_info.get("user") if isinstance(password_info, dict) else None
    first_cell = str(partial["first_csv_line"]).split(",")[0]
    rows = _sheet_rows(pdf, 0, password)
    first_text = next((normalise(c) for row in rows for c in row if c is not None), "")
    refused = 0
    for wrong in (None, "wrongpassword"):
        try:
            convert_pdf(pdf, "xlsx", password=wrong)
        except ConversionError as exc:
            refused += exc.code == 441
    matched = int(first_text == normalise(first_cell)) + int(refused == 2)
    return CaseScore(case_dir.name, matched, 2, note=f"first text {first_text[:30]!r}")


def score_case(case_dir: Path) -> CaseScore:
    """Convert the case's pages to XLSX and score every expected table (see module docstring)."""
    meta = json.loads((case_dir / "meta.json").read_text(encoding="utf-8"))
    if (case_dir / "expected-partial.json").exists() and not meta.get("tables"):
        return _score_partial(case_dir, meta)
    pdf = (case_dir / "source.pdf").read_bytes()
    password_info = meta.get("password")
    password = password_info.get("user") if isinstance(password_info, dict) else None
    matched = total = 0
    sheets: dict[int, list[list[object]]] = {}
    for table in meta["tables"]:
        page = int(table["page"])
        if page not in sheets:
            sheets[page] = _sheet_rows(pdf, page, password)
        text = (case_dir / table["file"]).read_text(encoding="utf-8")
        expected = list(csv.reader(io.StringIO(text)))
        got, count = score_table(expected, sheets[page])
        matched += got
        total += count
    return CaseScore(case_dir.name, matched, total)


def score_all(tables_dir: Path) -> list[CaseScore]:
    """Scores of every case folder in ``tables_dir``, by case name."""
    return [score_case(path) for path in sorted(tables_dir.iterdir()) if path.is_dir()]


def main() -> int:
    """Print a table of per-case scores and their mean."""
    tables_dir = find_tables_dir()
    if tables_dir is None:
        print(f"no ../shared/tables folder (set ${TABLES_ENV})", file=sys.stderr)
        return 2
    scores = score_all(tables_dir)
    width = max(len(score.case) for score in scores)
    print(f"{'case'.ljust(width)}  score  cells")
    for score in scores:
        print(f"{score.case.ljust(width)}  {score.score:5.3f}  {score.matched}/{score.expected}")
    mean = sum(score.score for score in scores) / len(scores)
    print(f"{'mean'.ljust(width)}  {mean:5.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
