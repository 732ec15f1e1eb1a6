"""Measure the emulator's PDF → XLSX table quality on the real PDFs in ``../shared/tables``.

Run from the repository root: ``.venv/bin/python -m benchmarks.table_quality`` (add ``--misses`` to
list every expected cell the strict score misses, with what the worksheet holds there).

Each expected table is scored against the XLSX worksheet of its page (the whole page: extra rows
and columns around the table cost nothing). A ground truth written as several areas one after
another (``areas_top_left_bottom_right_pt``: two side-by-side blocks read as one list) is scored
against those areas converted with PDF.co's ``rect``, concatenated, because no conversion of the
whole page can have that row order. Both scores are, per case, the share (0..1) of the ground
truth's non-empty cells that count as found; the printed means are unweighted over cases.

Cell comparison (both scores): texts are normalised (NFKC, combining marks such as Arabic
diacritics removed, whitespace collapsed, trimmed); a text that :func:`parse_number` reads as a
number compares by value, so ``"1,505"``, ``"1505"`` and a stored 1505 are equal. Empty cells never
match, so rows and columns empty on both sides play no part.

Lenient score (columns ignored): for each expected row the best worksheet row is the one
containing most of that row's cells, and a cell counts when any cell of that worksheet row matches
it, in any column. Rows may be shifted or reordered, split tables cost nothing, and a wrapped
expected cell also counts if its lines appear as cells of that row and the next few.

Strict score (column-aware), per expected table:

1. Rows: expected rows are paired with worksheet rows by an order-preserving alignment (a weighted
   longest common subsequence, rows on either side may be skipped) that maximises the total row
   similarity, the number of the expected row's cells found anywhere in the worksheet row.
2. Columns: over those row pairs, the monotonic one-to-one mapping of expected columns to
   worksheet columns (columns on either side may stay unmapped, so an empty sliver column in the
   ground truth or an extra column in the output costs nothing by itself) that maximises the
   number of expected cells equal to the worksheet cell in the mapped column of the paired row.
3. Refinement: rows are re-aligned with the similarity "cells equal to their mapped cell" and the
   columns mapped again, while that raises the count (at most ``_REFINE_ROUNDS`` rounds).

An expected cell counts only when its row is paired, its column is mapped and the worksheet cell
at that (row, column) equals it. So a wrapped cell split over two rows, two cells merged into one,
a value in the wrong column, a lost cell or a table whose rows are out of order all cost cells.

``tabula-encrypted-partial`` has no cells: it scores 1.0 (both scores) when the right password
opens it with "FLA Audit Profile" as the first row's text and a wrong or missing password is
refused with 441.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import pdfplumber
from openpyxl import load_workbook

from pdfco_client.emulator._convert import ConversionError, convert_pdf
from pdfco_client.emulator._render import parse_number

from .table_corpus import FONT_NOTES, GeneratedCase, generate

__all__ = [
    "EXTRACTORS",
    "CaseScore",
    "Extractor",
    "find_tables_dir",
    "emulator_rows",
    "main",
    "normalise",
    "pdfplumber_rows",
    "score_all",
    "score_case",
    "score_generated",
    "score_set",
    "score_table",
    "strict_score_table",
]

TABLES_ENV = "PDFCO_SHARED_TABLES"
# Re-alignment rounds of the strict score; a round must raise the count, so this bounds the work.
_REFINE_ROUNDS = 3


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
    """One case's result: of ``expected`` cells, ``matched`` leniently, ``strict_matched`` strictly.

    ``score`` and ``strict`` are the two shares (1.0 for a case with nothing to match).
    """

    case: str
    matched: int
    expected: int
    strict_matched: int
    note: str = ""
    misses: tuple[str, ...] = ()

    @property
    def score(self) -> float:
        """Lenient score: matched share of the expected cells, columns ignored."""
        return self.matched / self.expected if self.expected else 1.0

    @property
    def strict(self) -> float:
        """Strict score: share of the expected cells found in their aligned row and column."""
        return self.strict_matched / self.expected if self.expected else 1.0


def _cell_keys(value: object) -> set[str]:
    # Text a number reads as compares by value, as in the strict score: "1,505" == 1505.
    key = _strict_key(value)
    return {key} if key else set()


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


def _strict_key(value: object) -> str:
    """One comparable key per cell: ``#<value>`` for anything that reads as a number, else text.

    Both sides go through :func:`parse_number`, so "1,505" (text), 1505 (stored number) and
    "1505" compare equal; "" means an empty cell, which never matches.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return normalise(value)
    if isinstance(value, (int, float)):
        return f"#{float(value):.6g}"
    text = normalise(value)
    parsed = parse_number(text) if text else None
    return f"#{float(parsed[0]):.6g}" if parsed else text


def _align_rows(
    expected: Sequence[Sequence[str]],
    sheet: Sequence[Sequence[str]],
    similarity: Callable[[int, int], int],
) -> list[tuple[int, int]]:
    """The order-preserving pairing of expected rows with sheet rows of greatest total similarity.

    A weighted LCS: either side may skip rows, and only pairs with a positive similarity are kept.
    """
    rows, cols = len(expected), len(sheet)
    best = [[0] * (cols + 1) for _ in range(rows + 1)]
    for i in range(rows - 1, -1, -1):
        for j in range(cols - 1, -1, -1):
            best[i][j] = max(best[i + 1][j], best[i][j + 1], best[i + 1][j + 1] + similarity(i, j))
    pairs: list[tuple[int, int]] = []
    i = j = 0
    while i < rows and j < cols:
        gain = similarity(i, j)
        if gain > 0 and best[i][j] == best[i + 1][j + 1] + gain:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


def _map_columns(
    expected: Sequence[Sequence[str]],
    sheet: Sequence[Sequence[str]],
    pairs: Sequence[tuple[int, int]],
) -> tuple[int, dict[int, int]]:
    """The monotonic expected → sheet column mapping with most equal cells over ``pairs``.

    Returns ``(matches, mapping)``. Columns may stay unmapped on either side, so an empty sliver
    column in the ground truth or an extra column in the output costs nothing by itself.
    """
    width_e = max((len(row) for row in expected), default=0)
    width_s = max((len(row) for row in sheet), default=0)
    weight = [[0] * width_s for _ in range(width_e)]
    for i, j in pairs:
        for k, key in enumerate(expected[i]):
            if key:
                for col, other in enumerate(sheet[j]):
                    if other == key:
                        weight[k][col] += 1
    best = [[0] * (width_s + 1) for _ in range(width_e + 1)]
    for k in range(width_e - 1, -1, -1):
        for col in range(width_s - 1, -1, -1):
            best[k][col] = max(
                best[k + 1][col], best[k][col + 1], best[k + 1][col + 1] + weight[k][col]
            )
    mapping: dict[int, int] = {}
    k = col = 0
    while k < width_e and col < width_s:
        gain = weight[k][col]
        if gain > 0 and best[k][col] == best[k + 1][col + 1] + gain:
            mapping[k] = col
            k, col = k + 1, col + 1
        elif best[k][col] == best[k + 1][col]:
            k += 1
        else:
            col += 1
    return best[0][0], mapping


def _in_column(
    expected: Sequence[Sequence[str]], sheet: Sequence[Sequence[str]], mapping: dict[int, int]
) -> Callable[[int, int], int]:
    """Row similarity under a column mapping: cells of expected row i equal to their mapped cell."""

    def similarity(i: int, j: int) -> int:
        row = sheet[j]
        return sum(
            1
            for k, key in enumerate(expected[i])
            if key and mapping.get(k, len(row)) < len(row) and row[mapping[k]] == key
        )

    return similarity


def strict_score_table(
    expected_rows: Sequence[Sequence[str]], sheet_rows: Sequence[Sequence[object]]
) -> tuple[int, int]:
    """``(matched, expected)`` non-empty cells, column-aware (see the module docstring)."""
    matched, total, _ = _strict_alignment(expected_rows, sheet_rows)
    return matched, total


def _strict_alignment(
    expected_rows: Sequence[Sequence[str]], sheet_rows: Sequence[Sequence[object]]
) -> tuple[int, int, list[str]]:
    """The strict score of one table and a line per missed expected cell (for ``--misses``)."""
    expected_all = [[_strict_key(cell) for cell in row] for row in expected_rows]
    kept_e = [i for i, row in enumerate(expected_all) if any(row)]
    expected = [expected_all[i] for i in kept_e]
    sheet = [[_strict_key(cell) for cell in row] for row in sheet_rows]
    sheet = [row for row in sheet if any(row)]
    total = sum(1 for row in expected for key in row if key)
    bags = [Counter(key for key in row if key) for row in sheet]

    def loose(i: int, j: int) -> int:
        # Cells of expected row i found anywhere in sheet row j, each sheet cell used once.
        return sum((Counter(key for key in expected[i] if key) & bags[j]).values())

    pairs = _align_rows(expected, sheet, loose)
    matched, mapping = _map_columns(expected, sheet, pairs)
    # Rows aligned on loose similarity can pair a row with a look-alike (same numbers in other
    # columns); re-align counting only cells in their mapped column, re-map, keep the better.
    for _ in range(_REFINE_ROUNDS):
        again_pairs = _align_rows(expected, sheet, _in_column(expected, sheet, mapping))
        again, again_mapping = _map_columns(expected, sheet, again_pairs)
        if again <= matched:
            break
        matched, pairs, mapping = again, again_pairs, again_mapping
    partner = dict(pairs)
    misses: list[str] = []
    for i, row in enumerate(expected):
        for k, key in enumerate(row):
            if not key:
                continue
            got = "(row not aligned)"
            if i in partner:
                out = sheet[partner[i]]
                col = mapping.get(k)
                got = (
                    "(column not mapped)"
                    if col is None
                    else repr(out[col] if col < len(out) else "")
                )
                if col is not None and col < len(out) and out[col] == key:
                    continue
            misses.append(f"row {kept_e[i] + 1} col {k + 1}: expected {key!r}, got {got}")
    return matched, total, misses


#: Reads one page of a PDF as worksheet rows: ``(pdf, page, password, rect) -> rows``.
Extractor = Callable[[bytes, int, Optional[str], Optional[str]], list[list[object]]]


def emulator_rows(
    pdf: bytes, page: int, password: Optional[str], rect: Optional[str] = None
) -> list[list[object]]:
    """The emulator's XLSX worksheet of ``page``, as rows of cell values."""
    result = convert_pdf(pdf, "xlsx", pages=str(page), password=password, rect=rect)
    workbook = load_workbook(io.BytesIO(result.content), read_only=True)
    try:
        return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()


def pdfplumber_rows(
    pdf: bytes, page: int, password: Optional[str], rect: Optional[str] = None
) -> list[list[object]]:
    """The floor: plain pdfplumber ``extract_tables()`` (default settings), tables one after
    another, as a user would get with no converter of ours."""
    with pdfplumber.open(io.BytesIO(pdf), password=password or "") as document:
        target = document.pages[page]
        if rect:
            x, y, width, height = (float(part) for part in rect.split())
            x0, top, x1, bottom = target.bbox
            box = (
                max(x0, x0 + x),
                max(top, top + y),
                min(x1, x0 + x + width),
                min(bottom, top + y + height),
            )
            target = target.crop(box, relative=False, strict=False)
        return [list(row) for table in target.extract_tables() for row in table]


EXTRACTORS: dict[str, Extractor] = {"emulator": emulator_rows, "pdfplumber": pdfplumber_rows}


def _score_partial(case_dir: Path, meta: dict[str, object], extract: Extractor) -> CaseScore:
    partial = json.loads((case_dir / "expected-partial.json").read_text(encoding="utf-8"))
    pdf = (case_dir / "source.pdf").read_bytes()
    password_info = meta.get("password")
    password = password_info.get("user") if isinstance(password_info, dict) else None
    first_cell = str(partial["first_csv_line"]).split(",")[0]
    rows = extract(pdf, 0, password, None)
    first_text = next((normalise(c) for row in rows for c in row if c is not None), "")
    refused = 0
    for wrong in (None, "wrongpassword"):
        try:
            extract(pdf, 0, wrong, None)
        except ConversionError as exc:
            refused += exc.code == 441
        # Plain pdfplumber refuses with pdfminer's own exceptions.
        except Exception:
            refused += 1
    matched = int(first_text == normalise(first_cell)) + int(refused == 2)
    # Both checks are exact already, so the strict score is the lenient one.
    note = f"first text {first_text[:30]!r}"
    return CaseScore(case_dir.name, matched, 2, strict_matched=matched, note=note)


def _areas(table: dict[str, Any]) -> list[str]:
    """PDF.co ``rect`` values for a ground truth written as several areas one after another.

    Such a table (two side-by-side blocks read as one list) has a row order no conversion of the
    whole page can have, so it is scored against the areas' conversions, concatenated, as the
    source tool produced it. A single area is not applied: the whole page is scored, its extra rows
    cost nothing.
    """
    settings = table.get("source_settings")
    areas = settings.get("areas_top_left_bottom_right_pt") if isinstance(settings, dict) else None
    if not isinstance(areas, list):
        return []
    return [f"{left} {top} {right - left} {bottom - top}" for top, left, bottom, right in areas]


def score_case(case_dir: Path, extract: Extractor = emulator_rows) -> CaseScore:
    """Convert the case's pages to XLSX and score every expected table (see module docstring)."""
    meta = json.loads((case_dir / "meta.json").read_text(encoding="utf-8"))
    if (case_dir / "expected-partial.json").exists() and not meta.get("tables"):
        return _score_partial(case_dir, meta, extract)
    pdf = (case_dir / "source.pdf").read_bytes()
    password_info = meta.get("password")
    password = password_info.get("user") if isinstance(password_info, dict) else None
    matched = strict = total = 0
    misses: list[str] = []
    sheets: dict[int, list[list[object]]] = {}
    for table in meta["tables"]:
        page = int(table["page"])
        if page not in sheets:
            sheets[page] = extract(pdf, page, password, None)
        sheet = sheets[page]
        areas = _areas(table)
        if areas:
            sheet = [row for rect in areas for row in extract(pdf, page, password, rect)]
        text = (case_dir / table["file"]).read_text(encoding="utf-8")
        expected = list(csv.reader(io.StringIO(text)))
        got, count = score_table(expected, sheet)
        matched += got
        total += count
        strict_got, _, table_misses = _strict_alignment(expected, sheet)
        strict += strict_got
        misses += [f"{table['file']} {miss}" for miss in table_misses]
    return CaseScore(case_dir.name, matched, total, strict_matched=strict, misses=tuple(misses))


def score_all(tables_dir: Path, extract: Extractor = emulator_rows) -> list[CaseScore]:
    """Scores of every case folder in ``tables_dir``, by case name."""
    return [score_case(path, extract) for path in sorted(tables_dir.iterdir()) if path.is_dir()]


def score_generated(case: GeneratedCase, extract: Extractor = emulator_rows) -> CaseScore:
    """Score one generated case (``benchmarks.table_corpus``) as a shared case is scored."""
    matched = strict = total = 0
    misses: list[str] = []
    sheets: dict[int, list[list[object]]] = {}
    for number, table in enumerate(case.tables, 1):
        if table.page not in sheets:
            sheets[table.page] = extract(case.pdf, table.page, None, None)
        expected = [list(row) for row in table.rows]
        got, count = score_table(expected, sheets[table.page])
        strict_got, _, table_misses = _strict_alignment(expected, sheets[table.page])
        matched, total, strict = matched + got, total + count, strict + strict_got
        misses += [f"table {number} (page {table.page}) {miss}" for miss in table_misses]
    return CaseScore(case.name, matched, total, strict_matched=strict, misses=tuple(misses))


def _mean(scores: Sequence[CaseScore]) -> tuple[float, float]:
    if not scores:
        return float("nan"), float("nan")
    return (
        sum(score.score for score in scores) / len(scores),
        sum(score.strict for score in scores) / len(scores),
    )


def score_set(name: str, extract: Extractor) -> list[CaseScore]:
    """Scores of one set: a generated split (``table_corpus.SPLITS``) or ``shared``."""
    if name == "shared":
        tables_dir = find_tables_dir()
        return [] if tables_dir is None else score_all(tables_dir, extract)
    return [score_generated(case, extract) for case in generate(name)]


def _kind(score: CaseScore) -> str:
    # Generated names are "<split>-<kind>-<index>-<language>".
    parts = score.case.split("-")
    return parts[-3] if len(parts) >= 4 else score.case


def _print_cases(scores: Sequence[CaseScore], floor: Sequence[CaseScore], misses: bool) -> None:
    width = max(len(score.case) for score in scores)
    print(f"| {'case'.ljust(width)} | cell recall | row fidelity | floor recall | floor fidelity |")
    print(f"| {'-' * width} | ---: | ---: | ---: | ---: |")
    for score, base in zip(scores, floor):
        print(
            f"| {score.case.ljust(width)} | {score.score:.3f} | {score.strict:.3f} | "
            f"{base.score:.3f} | {base.strict:.3f} |"
        )
        if misses:
            for miss in score.misses:
                print(f"    {miss}")


def _print_kinds(scores: Sequence[CaseScore], floor: Sequence[CaseScore]) -> None:
    kinds = sorted({_kind(score) for score in scores})
    print("| kind | cases | cell recall | row fidelity | floor recall | floor fidelity |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for kind in kinds:
        ours = [score for score in scores if _kind(score) == kind]
        base = [score for score in floor if _kind(score) == kind]
        (recall, fidelity), (base_recall, base_fidelity) = _mean(ours), _mean(base)
        print(
            f"| {kind} | {len(ours)} | {recall:.3f} | {fidelity:.3f} | {base_recall:.3f} | "
            f"{base_fidelity:.3f} |"
        )


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Print cell recall and row fidelity of the emulator and of plain pdfplumber on every set.

    Options: ``--sets dev,held-out,fresh,blind,shared`` (the default: all); ``--detail SET``
    also prints that set's cases and a table per kind (``dev`` by default; the ``fresh`` and
    ``blind`` details are for measuring, not for tuning); ``--misses`` lists the strict misses
    of the detailed set's cases.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    sets = ["dev", "held-out", "fresh", "blind", "shared"]
    detail = "dev"
    if "--sets" in args:
        sets = args[args.index("--sets") + 1].split(",")
    if "--detail" in args:
        detail = args[args.index("--detail") + 1]
    show_misses = "--misses" in args
    results: dict[str, tuple[list[CaseScore], list[CaseScore]]] = {}
    for name in sets:
        results[name] = (score_set(name, emulator_rows), score_set(name, pdfplumber_rows))
    if detail in results:
        ours, floor = results[detail]
        print(f"## {detail}: cases\n")
        _print_cases(ours, floor, show_misses)
        if detail != "shared":
            print(f"\n## {detail}: by kind\n")
            _print_kinds(ours, floor)
    print("\n## All sets (unweighted means over cases; floor = plain pdfplumber extract_tables)\n")
    print("| set | cases | cell recall | row fidelity | floor recall | floor fidelity |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, (ours, floor) in results.items():
        if not ours:
            print(f"| {name} | 0 | (no cases: ../shared/tables missing, set ${TABLES_ENV}) | | | |")
            continue
        (recall, fidelity), (base_recall, base_fidelity) = _mean(ours), _mean(floor)
        print(
            f"| {name} | {len(ours)} | {recall:.3f} | {fidelity:.3f} | {base_recall:.3f} | "
            f"{base_fidelity:.3f} |"
        )
    if FONT_NOTES:
        print("\n" + "\n".join(sorted(set(FONT_NOTES))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
