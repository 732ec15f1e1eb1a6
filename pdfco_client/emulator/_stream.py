"""Tables without cell borders, found from the text's alignment, and free text in reading order.

Input: the words of a page outside its ruled tables (pdfplumber word dicts), its horizontal
rulings and its background fills. Output: positioned :class:`PageRow` s.

1. **Lines** are words overlapping vertically; a line splits into **segments** at gaps wider than
   a word space (relative to the font: half an em, or 1.5 spaces for wide fonts such as Courier).
2. **Blocks**: runs of lines with several segments (single-segment lines between them stay in the
   block) are table candidates; two such lines may be set further apart (row padding) than a
   line and a single-segment one.
3. **Columns** come from alignment: an x-run that no word covers on (nearly) every multi-segment
   line of the block is a gutter, so one line with two cells set tightly together, or a header
   spanning two columns, does not merge the columns. Words go to the column their centre falls
   in, except that a phrase crossing a gutter with only word spaces inside is one cell spanning
   the columns it covers (a group header), placed in its leftmost column.
4. **Prose is not a table**: a block whose every column holds long runs of words filling the
   column (two columns of text) is given back as free text.
5. **Rows**: rulings and background bands across the block are row borders. Between them, a line
   continues the row above when the text in a shared column would not have fitted on the line
   above (the test a typesetter's line breaking makes true), no shared column holds two separate
   values or a number, and the lines are set at line spacing: so wrapped cells stay one cell
   whether the other cells sit at the top, the middle or the bottom of the row.
6. **Free text** is read in column order: where a vertical gutter runs through several lines of
   text, the left column is read before the right.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

__all__ = ["Line", "StreamLayout", "group_lines", "looks_like_figure", "space_ratio"]

Word = dict[str, Any]
# Builds a cell box from words joined with the given separator between lines.
CellMaker = Callable[[Sequence[Word], int, int], Any]

# A gap of at least this many font sizes between two words starts a new segment...
_SEGMENT_GAP_EM = 0.5
# ...or this many word spaces, for fonts whose space is wide (monospaced).
_SEGMENT_GAP_SPACES = 1.5
# A line stays in a block if the gap above it is at most this many line heights...
_BLOCK_LINE_GAP = 1.6
# ...or this many, between two lines that both hold several cells (rows set with padding).
_BLOCK_ROW_GAP = 3.0
# Lines continue a cell only when set this close (gap over line height).
_CONTINUATION_GAP = 0.9
# Share of a block's multi-segment lines allowed to cross a gutter (tight cells, spanning text).
_GUTTER_CROSSING = 0.12
# A prose column: fragments of at least this many words, filling this share of the column.
_PROSE_WORDS = 4
_PROSE_FILL = 0.7
# A horizontal ruling or band is a row border of a block it spans this share of.
_BORDER_SPAN = 0.6


_FIGURE = re.compile(r"^[\s(+\-\u2212$€£¥]*\d[\d\s.,:/%()\-\u2212$€£¥]*$")


def looks_like_figure(text: str) -> bool:
    """Printed like a figure (amounts, 12%, dates, codes): text that never wraps in a cell."""
    return bool(_FIGURE.match(text))


@dataclass
class Line:
    """Words on one text line, and the line's vertical extent."""

    words: list[Word]
    top: float
    bottom: float

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 1.0)

    def segments(self, gap: Callable[[Word, Word], float]) -> list[list[Word]]:
        """The line's words split where two neighbours are further apart than ``gap``."""
        groups: list[list[Word]] = []
        for word in sorted(self.words, key=lambda w: w["x0"]):
            if groups:
                previous = groups[-1][-1]
                if word["x0"] - previous["x1"] <= gap(previous, word):
                    groups[-1].append(word)
                    continue
            groups.append([word])
        return groups


def group_lines(words: Sequence[Word]) -> list[Line]:
    """Words grouped into lines: a word joins the line it overlaps by half its height."""
    lines: list[Line] = []
    for word in sorted(words, key=lambda w: (w["top"], w["x0"])):
        height = word["bottom"] - word["top"]
        if lines:
            line = lines[-1]
            overlap = min(line.bottom, word["bottom"]) - max(line.top, word["top"])
            if overlap >= 0.5 * min(height, line.bottom - line.top):
                line.words.append(word)
                line.bottom = max(line.bottom, word["bottom"])
                continue
        lines.append(Line(words=[word], top=word["top"], bottom=word["bottom"]))
    for line in lines:
        line.words.sort(key=lambda w: w["x0"])
    return lines


def _size(word: Word) -> float:
    return max(float(word.get("size") or 0.0), 1.0)


def space_ratio(chars: Sequence[dict[str, Any]]) -> Optional[float]:
    """The word space of the page's fonts as a share of the font size, from its space glyphs.

    ``None`` when the page draws fewer than five spaces (words placed apart by positioning
    alone): the gaps between words are then the only evidence.
    """
    ratios = [
        float(char["width"]) / _size(char)
        for char in chars
        if char.get("text") == " " and float(char.get("width") or 0.0) > 0
    ]
    return statistics.median(ratios) if len(ratios) >= 5 else None


def _space_ratio(lines: Sequence[Line]) -> float:
    """Typical word space as a share of the font size (about 0.28 in Helvetica, 0.6 in Courier),
    from the gaps between words: in a dense table most gaps are column gaps, so prefer
    :func:`space_ratio` where the page has space glyphs."""
    gaps = []
    for line in lines:
        for left, right in zip(line.words, line.words[1:]):
            gap = (right["x0"] - left["x1"]) / _size(left)
            if 0.05 < gap < 1.0:
                gaps.append(gap)
    return statistics.median(gaps) if len(gaps) >= 5 else 0.28


@dataclass
class _Fragment:
    """The words of one line that fall in one column (or span several)."""

    words: list[Word]
    column: int
    span: int = 1

    @property
    def x0(self) -> float:
        return float(min(w["x0"] for w in self.words))

    @property
    def x1(self) -> float:
        return float(max(w["x1"] for w in self.words))

    @property
    def text(self) -> str:
        return " ".join(str(w["text"]) for w in self.words)

    @property
    def top(self) -> float:
        return float(min(w["top"] for w in self.words))

    @property
    def bottom(self) -> float:
        return float(max(w["bottom"] for w in self.words))


@dataclass(frozen=True)
class _Spacing:
    """How tightly a block sets the lines of one cell, and whether its rows are set looser."""

    tight: float
    tolerance: float
    loose: bool

    @classmethod
    def of(cls, block: Sequence[dict[int, _Fragment]]) -> _Spacing:
        gaps: list[float] = []
        sizes: list[float] = []
        last: dict[int, _Fragment] = {}
        for line in block:
            for col, frag in line.items():
                sizes += [_size(w) for w in frag.words]
                if col in last:
                    gaps.append(frag.top - last[col].bottom)
                last[col] = frag
        gaps = [gap for gap in gaps if gap > -0.5]
        tolerance = max(1.0, 0.12 * statistics.median(sizes)) if sizes else 1.0
        if not gaps:
            return cls(0.0, tolerance, False)
        tight = min(gaps)
        return cls(tight, tolerance, max(gaps) > tight + tolerance)


@dataclass
class _Row:
    lines: list[dict[int, _Fragment]] = field(default_factory=list)
    top: float = 0.0
    bottom: float = 0.0

    def columns(self) -> set[int]:
        return {col for line in self.lines for col in line}

    def last(self, column: int) -> Optional[_Fragment]:
        for line in reversed(self.lines):
            if column in line:
                return line[column]
        return None


class StreamLayout:
    """Unruled tables and free text of one page region (see the module docstring)."""

    def __init__(
        self,
        words: Sequence[Word],
        *,
        rulings: Sequence[tuple[float, float, float]] = (),
        bands: Sequence[tuple[float, float, float, float]] = (),
        is_number: Callable[[str], bool],
        make_cell: CellMaker,
        space: Optional[float] = None,
    ) -> None:
        self._lines = group_lines(words)
        # The word space as a share of the font size: the page's own (see space_ratio) or the
        # typical gap between words.
        self._space = space if space is not None else _space_ratio(self._lines)
        # Horizontal rulings (y, x0, x1) and fills (x0, top, x1, bottom).
        self._rulings = list(rulings)
        self._bands = list(bands)
        self._is_number = is_number
        self._make_cell = make_cell

    def _gap(self, left: Word, right: Word) -> float:
        em = max(_size(left), _size(right))
        return max(_SEGMENT_GAP_EM, _SEGMENT_GAP_SPACES * self._space) * em

    def rows(self) -> Iterator[tuple[float, bool, list[Any]]]:
        """``(top, in_table, cells)`` per output row, tables first, then free text."""
        lines = self._lines
        segmented = [line.segments(self._gap) for line in lines]
        used: set[int] = set()
        for start, stop in _blocks(lines, segmented):
            table = self._table(lines, segmented, start, stop)
            if table is None:
                continue
            first, last, rows = table
            used.update(range(first, last))
            yield from rows
        free = [line for index, line in enumerate(lines) if index not in used]
        for top, line_words in _reading_order(free, self._space):
            yield top, False, [self._make_cell(line_words, 1, 1)]

    # -- one block ------------------------------------------------------------------------

    def _table(
        self, lines: Sequence[Line], segmented: Sequence[list[list[Word]]], start: int, stop: int
    ) -> Optional[tuple[int, int, list[tuple[float, bool, list[Any]]]]]:
        multi = [i for i in range(start, stop) if len(segmented[i]) >= 2]
        em = statistics.median(_size(w) for i in multi for w in lines[i].words)
        # Lines with the typical number of cells or more define the gutters: a header line
        # with fewer, wider cells would otherwise cross them.
        typical = statistics.median_high(len(segmented[i]) for i in multi)
        separators = self._gutters(
            [lines[i] for i in multi if len(segmented[i]) >= min(typical, 3) or typical <= 2], em
        )
        if not separators:
            return None
        block = [self._fragments(lines[i], segmented[i], separators) for i in range(start, stop)]
        ncols = len(separators) + 1
        if self._is_prose(block, ncols):
            return None
        widths = _column_widths(block, ncols)
        # Lines just before and after the block that continue its first or last row.
        while start > 0 and len(segmented[start - 1]) == 1:
            above = self._fragments(lines[start - 1], segmented[start - 1], separators)
            if not self._continues(lines[start - 1], above, lines[start], block[0], widths):
                break
            start -= 1
            block.insert(0, above)
        while stop < len(lines) and len(segmented[stop]) == 1:
            below = self._fragments(lines[stop], segmented[stop], separators)
            if not self._continues(lines[stop - 1], block[-1], lines[stop], below, widths):
                break
            block.append(below)
            stop += 1
        rows = self._rows(list(lines[start:stop]), block, widths)
        return start, stop, [(row.top, True, self._cells(row, ncols)) for row in rows]

    def rows_in_columns(self, separators: Sequence[float]) -> list[list[Any]]:
        """All the words as one table with the given column borders (x positions): the rows of
        a ruled table whose row borders are missing, wrapped cells joined."""
        lines = self._lines
        if not lines:
            return []
        ncols = len(separators) + 1
        block = [self._fragments(line, line.segments(self._gap), separators) for line in lines]
        widths = _column_widths(block, ncols)
        return [self._cells(row, ncols) for row in self._rows(list(lines), block, widths)]

    def _cells(self, row: _Row, ncols: int) -> list[Any]:
        cells: list[Any] = [None] * ncols
        for col in sorted(row.columns()):
            parts = [line[col] for line in row.lines if col in line]
            words = [w for part in parts for w in part.words]
            span = max(part.span for part in parts)
            cells[col] = self._make_cell(words, span, 1)
        return cells

    def _gutters(self, lines: Sequence[Line], em: float) -> list[float]:
        """x positions between columns: runs no word covers on (nearly) every line."""
        if len(lines) < 2:
            return []
        left = min(w["x0"] for line in lines for w in line.words)
        right = max(w["x1"] for line in lines for w in line.words)
        step = 0.5
        size = int((right - left) / step) + 2
        cover = [0] * size
        for line in lines:
            marks = [0] * size
            for word in line.words:
                a = int((word["x0"] - left) / step)
                b = int((word["x1"] - left) / step)
                for k in range(max(a, 0), min(b + 1, size)):
                    marks[k] = 1
            for k in range(size):
                cover[k] += marks[k]
        allowed = int(_GUTTER_CROSSING * len(lines))
        minimum = max(_SEGMENT_GAP_EM, _SEGMENT_GAP_SPACES * self._space) * em * 0.9
        separators: list[float] = []
        k = 0
        while k < size:
            if cover[k] > allowed:
                k += 1
                continue
            run = k
            while k < size and cover[k] <= allowed:
                k += 1
            if run == 0 or k >= size:
                continue
            if (k - run) * step >= minimum:
                low = min(cover[run:k])
                best = [j for j in range(run, k) if cover[j] == low]
                middle = (best[0] + best[-1]) / 2
                separators.append(left + middle * step)
        return separators

    def _fragments(
        self, line: Line, segments: Sequence[list[Word]], separators: Sequence[float]
    ) -> dict[int, _Fragment]:
        def column(x: float) -> int:
            return sum(1 for s in separators if x > s)

        out: dict[int, _Fragment] = {}
        for segment in segments:
            for piece in self._split(segment, separators):
                first = column(min(w["x0"] for w in piece))
                last = column(max(w["x1"] for w in piece))
                if len(piece) == 1 and first != last:
                    # One word overflowing a gutter belongs where its middle is.
                    first = last = column((piece[0]["x0"] + piece[0]["x1"]) / 2)
                slot = out.get(first)
                if slot is None:
                    out[first] = _Fragment(list(piece), first, last - first + 1)
                else:
                    slot.words += piece
                    slot.span = max(slot.span, last - first + 1)
        return out

    def _split(self, segment: list[Word], separators: Sequence[float]) -> list[list[Word]]:
        """A segment cut at each gutter between two of its words, unless the words there are
        only a word space apart (a phrase spanning columns)."""
        pieces = [[segment[0]]]
        for left, right in zip(segment, segment[1:]):
            crossing = any(left["x1"] <= s <= right["x0"] for s in separators)
            gap = right["x0"] - left["x1"]
            if crossing and gap > 1.6 * self._space * _size(left):
                pieces.append([right])
            else:
                pieces[-1].append(right)
        return pieces

    def _is_prose(self, block: Sequence[dict[int, _Fragment]], ncols: int) -> bool:
        for col in range(ncols):
            frags = [line[col] for line in block if col in line]
            if not frags:
                return False
            widest = max(f.x1 - f.x0 for f in frags)
            words = statistics.median(len(f.words) for f in frags)
            full = sum(1 for f in frags if f.x1 - f.x0 >= _PROSE_FILL * widest)
            if words < _PROSE_WORDS or full < 0.6 * len(frags):
                return False
        return True

    # -- rows -----------------------------------------------------------------------------

    def _borders(self, lines: Sequence[Line]) -> list[float]:
        left = min(w["x0"] for line in lines for w in line.words)
        right = max(w["x1"] for line in lines for w in line.words)
        top, bottom = lines[0].top, lines[-1].bottom
        need = _BORDER_SPAN * (right - left)
        ys: list[float] = []
        for y, x0, x1 in self._rulings:
            if top < y < bottom and min(x1, right) - max(x0, left) >= need:
                ys.append(y)
        for x0, band_top, x1, band_bottom in self._bands:
            if min(x1, right) - max(x0, left) >= need:
                ys += [y for y in (band_top, band_bottom) if top < y < bottom]
        return sorted(ys)

    def _rows(
        self, lines: list[Line], block: list[dict[int, _Fragment]], widths: dict[int, float]
    ) -> list[_Row]:
        borders = self._borders(lines)
        # Enough borders inside the block to draw every row: each band between them is a row.
        ruled_rows = len(borders) >= 2
        spacing = _Spacing.of(block)
        rows: list[_Row] = []
        previous: Optional[Line] = None
        for line, frags in zip(lines, block):
            if not frags:
                continue
            centre = (line.top + line.bottom) / 2
            new = True
            if rows and previous is not None:
                above = (previous.top + previous.bottom) / 2
                crossed = any(above < y < centre for y in borders)
                if not crossed:
                    # Between borders drawn for every row, lines join unless they clash.
                    new = not self._joins(
                        rows[-1], previous, line, frags, widths, spacing, banded=ruled_rows
                    )
            if new:
                rows.append(_Row([frags], line.top, line.bottom))
            else:
                rows[-1].lines.append(frags)
                rows[-1].bottom = max(rows[-1].bottom, line.bottom)
            previous = line
        return rows

    def _joins(
        self,
        row: _Row,
        above: Line,
        line: Line,
        frags: dict[int, _Fragment],
        widths: dict[int, float],
        spacing: _Spacing,
        *,
        banded: bool = False,
    ) -> bool:
        close = line.top - above.bottom <= _CONTINUATION_GAP * min(line.height, above.height)
        if not close and not banded:
            return False
        shared = row.columns() & set(frags)
        if not shared and banded:
            return True
        if not shared:
            # Cells set at another height in the same row (numbers centred beside wrapped text):
            # join a row that holds only text so far, when this line is set within its height.
            within = line.top <= row.bottom + spacing.tight + spacing.tolerance
            return within and self._open(row, widths)
        if set(frags) == set(row.lines[-1]) and not spacing.loose:
            # The same cells filled again, in a table whose rows are set as tight as its lines:
            # a new row, even when every value looks "full".
            return False
        for col in shared:
            upper = row.last(col)
            if upper is None or not self._continued(upper, frags[col], widths):
                return False
            if spacing.loose and frags[col].top - upper.bottom > spacing.tight + spacing.tolerance:
                # Further apart than the lines of a cell: the padding between two rows.
                return False
        return True

    def _open(self, row: _Row, widths: dict[int, float]) -> bool:
        # A row whose cells are all wrapped text (one filling its column at least): it is
        # waiting for the figures set beside the middle of its lines.
        frags = [frag for line in row.lines for frag in line.values()]
        return all(not self._figure(f.text) and f.span == 1 for f in frags) and any(
            f.x1 - f.x0 >= 0.8 * widths[f.column] for f in frags
        )

    def _continues(
        self,
        above: Line,
        upper: dict[int, _Fragment],
        below: Line,
        lower: dict[int, _Fragment],
        widths: dict[int, float],
    ) -> bool:
        if below.top - above.bottom > _CONTINUATION_GAP * min(below.height, above.height):
            return False
        shared = set(upper) & set(lower)
        return bool(shared) and all(
            self._continued(upper[col], lower[col], widths) for col in shared
        )

    def _figure(self, text: str) -> bool:
        # Figures never wrap: amounts, and also what stays text in a sheet (12%, dates, codes).
        return self._is_number(text) or looks_like_figure(text)

    def _continued(self, upper: _Fragment, lower: _Fragment, widths: dict[int, float]) -> bool:
        """Would the first word below not have fitted at the end of the text above?"""
        if upper.span > 1 or lower.span > 1:
            return False
        if self._figure(upper.text) or self._figure(lower.text):
            return False
        first = lower.words[0]
        space = self._space * _size(first)
        needed = (upper.x1 - upper.x0) + space + float(first["x1"] - first["x0"])
        return needed > widths[upper.column] + 0.5


def _column_widths(block: Sequence[dict[int, _Fragment]], ncols: int) -> dict[int, float]:
    widths = {col: 0.0 for col in range(ncols)}
    for line in block:
        for col, frag in line.items():
            if frag.span == 1:
                widths[col] = max(widths[col], frag.x1 - frag.x0)
    return widths


def _blocks(lines: Sequence[Line], segmented: Sequence[list[list[Word]]]) -> list[tuple[int, int]]:
    """Runs of at least two multi-segment lines, single-segment lines inside them allowed."""
    blocks: list[tuple[int, int]] = []
    multi = [len(segs) >= 2 for segs in segmented]
    position = 0
    while position < len(lines):
        if not multi[position]:
            position += 1
            continue
        start = end = position
        end += 1
        cursor = position + 1
        while cursor < len(lines):
            previous, line = lines[cursor - 1], lines[cursor]
            reach = _BLOCK_ROW_GAP if multi[cursor] and multi[cursor - 1] else _BLOCK_LINE_GAP
            if line.top - previous.bottom > reach * previous.height:
                break
            if multi[cursor]:
                end = cursor + 1
            cursor += 1
        if sum(multi[start:end]) >= 2:
            blocks.append((start, end))
        position = end
    return blocks


def _reading_order(lines: Sequence[Line], space: float) -> list[tuple[float, list[Word]]]:
    """Free lines as ``(top, words)``, a multi-column stretch read column by column."""
    out: list[tuple[float, list[Word]]] = []
    index = 0
    while index < len(lines):
        found = _column_run(lines, index, space)
        if found is None:
            out.append((lines[index].top, list(lines[index].words)))
            index += 1
            continue
        stop, gutter = found
        run = lines[index:stop]
        left = [[w for w in line.words if w["x1"] <= gutter] for line in run]
        right = [[w for w in line.words if w["x0"] >= gutter] for line in run]
        top = run[0].top
        for side in (left, right):
            words = [w for part in side for w in part]
            for line in _reading_order(group_lines(words), space):
                out.append((top, line[1]))
        index = stop
    return out


def _column_run(lines: Sequence[Line], start: int, space: float) -> Optional[tuple[int, float]]:
    """A gutter through ``lines[start:]``: (end of the run, x of the gutter), or ``None``.

    The gutter must have text on both sides on at least three lines, no word crossing it, and be
    wider than an em; the run ends at a line crossing it or a wide vertical gap.
    """
    line = lines[start]
    em = statistics.median(_size(w) for w in line.words)
    candidates = [
        (a["x1"] + b["x0"]) / 2
        for a, b in zip(line.words, line.words[1:])
        if b["x0"] - a["x1"] >= max(1.0, 2.5 * space) * em
    ]
    for gutter in candidates:
        both = 0
        stop = start
        while stop < len(lines):
            current = lines[stop]
            if stop > start and current.top - lines[stop - 1].bottom > 3 * current.height:
                break
            if any(w["x0"] < gutter < w["x1"] for w in current.words):
                break
            sides = {w["x1"] <= gutter for w in current.words}
            both += len(sides) == 2
            stop += 1
        if both >= 3:
            return stop, gutter
    return None
