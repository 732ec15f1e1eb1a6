"""Read a PDF with pdfplumber into a neutral page model: rows of positioned text cells.

A page becomes a :class:`PageGrid`: its rows in reading order (top to bottom). A row is either a
line of text outside any table (one cell) or a table row (one cell per column, ``None`` where the
table has no text; a merged cell keeps its text in its top-left position and says how many
columns and rows it covers).

The page is first split by text direction and each part turned upright (``_orient``), so a
sideways table reads as an ordinary one. Filled rectangles are sorted by what they are: a thin one
is a ruling, a wider one a background (a shaded row or header), which is never a cell border.
Tables then come from two detectors:

* ruled tables: pdfplumber's ``lines`` strategy on the rulings, which follows the drawn cell
  borders; a "table" whose cells hold whole columns of aligned text (a frame around an unruled
  table) is left to the other detector;
* unruled (stream) tables, found from the text's alignment (``_stream``), which also puts free
  text in reading order.

Every way a PDF can fail to open is translated here, once, into :class:`ConversionError` with
PDF.co's code (441 password, 442 not a PDF or damaged).
"""

from __future__ import annotations

import bisect
import io
import re
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Optional

import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfplumber.utils.exceptions import PdfminerException

from pdfco_client._numbers import parse_number
from pdfco_client.emulator._orient import directions, turned_page
from pdfco_client.emulator._stream import (
    StreamLayout,
    group_lines,
    looks_like_figure,
    space_ratio,
)

__all__ = [
    "ConversionError",
    "PageGrid",
    "PageRow",
    "PdfDocumentInfo",
    "PdfSource",
    "TextBox",
    "parse_rect",
]

# pdfminer also accepts a header after leading junk, as Acrobat does; 1 KiB is the spec's limit.
_HEADER_WINDOW = 1024

_RULED_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "join_tolerance": 3,
    "intersection_tolerance": 3,
}

# Word breaks relative to the font size: many generators omit space glyphs and leave only a gap
# of ~0.2 em, which pdfplumber's fixed 3 pt default glues into one word at small sizes.
_TEXT_SETTINGS: dict[str, Any] = {"x_tolerance_ratio": 0.15, "y_tolerance": 3}

# A gap wider than this many font sizes between two words starts a new column; a space is ~0.3.
_COLUMN_GAP_EM = 0.5
# A filled rectangle thinner than this (points) is a ruling; a wider one is a background.
_RULING_THICKNESS = 2.0


class ConversionError(Exception):
    """A document the engine refuses; ``code`` is PDF.co's error code for it.

    441 wrong or missing password; 442 not a PDF or damaged; 449 page index out of range; 450 page
    range syntax; 400 any other bad parameter (unknown output format, malformed ``rect``).
    """

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True)
class PdfDocumentInfo:
    """What ``/v1/pdf/info`` reports about a document. Dates are ISO 8601 strings."""

    page_count: int
    encrypted: bool
    title: Optional[str]
    author: Optional[str]
    subject: Optional[str]
    keywords: Optional[str]
    creator: Optional[str]
    producer: Optional[str]
    creation_date: Optional[str]
    modification_date: Optional[str]
    page_width: float
    page_height: float
    encryption_algorithm: Optional[str] = None
    permission_flags: int = -1

    def to_pdfco_info(self) -> dict[str, object]:
        """PDF.co's ``info`` object (PascalCase keys, page rectangle as .NET serialises it)."""

        def allowed(bit: int) -> bool:
            # PDF permission bits are 1-based in the spec (ISO 32000 table 22).
            return bool(self.permission_flags & (1 << (bit - 1)))

        width, height = round(self.page_width, 2), round(self.page_height, 2)
        return {
            "PageCount": self.page_count,
            "Author": self.author or "",
            "Title": self.title or "",
            "Producer": self.producer or "",
            "Subject": self.subject or "",
            "CreationDate": self.creation_date or "",
            "ModificationDate": self.modification_date or "",
            "Bookmarks": "",
            "Keywords": self.keywords or "",
            "Creator": self.creator or "",
            "Encrypted": self.encrypted,
            "EncryptionAlgorithm": self.encryption_algorithm or "",
            "PageRectangle": {
                "Location": {"IsEmpty": True, "X": 0.0, "Y": 0.0},
                "Size": {"IsEmpty": False, "Width": width, "Height": height},
                "X": 0.0,
                "Y": 0.0,
                "Width": width,
                "Height": height,
                "Left": 0.0,
                "Top": 0.0,
                "Right": width,
                "Bottom": height,
                "IsEmpty": False,
            },
            "PermissionPrinting": allowed(3),
            "PermissionModifyDocument": allowed(4),
            "PermissionContentExtraction": allowed(5),
            "PermissionModifyAnnotations": allowed(6),
            "PermissionFillForms": allowed(9),
            "PermissionAccessibility": allowed(10),
            "PermissionAssemble": allowed(11),
            "PermissionHighQualityPrint": allowed(12),
        }


@dataclass(frozen=True)
class TextBox:
    """Text of one cell and where it sits on the page (points, origin at the top left)."""

    text: str
    x: float
    y: float
    width: float
    height: float
    font_name: Optional[str] = None
    font_size: Optional[float] = None
    bold: bool = False
    col_span: int = 1
    """Columns a merged cell covers (its text sits in the leftmost)."""
    row_span: int = 1
    """Rows a merged cell covers (its text sits in the top one)."""


@dataclass(frozen=True)
class PageRow:
    """One output row; ``in_table`` tells a table row from a free line of text."""

    cells: tuple[Optional[TextBox], ...]
    in_table: bool


@dataclass(frozen=True)
class PageGrid:
    """A converted page: ``index`` is the 0-based page number in the source document."""

    index: int
    width: float
    height: float
    rows: tuple[PageRow, ...]


def parse_rect(rect: Optional[str]) -> Optional[tuple[float, float, float, float]]:
    """Parse PDF.co's ``rect``: ``"x y width height"``, or comma-separated as older docs have it."""
    if rect is None or not rect.strip():
        return None
    parts = [part for part in re.split(r"[\s,]+", rect.strip()) if part]
    try:
        values = [float(part) for part in parts]
    except ValueError:
        values = []
    if len(values) != 4 or values[2] <= 0 or values[3] <= 0:
        raise ConversionError(
            400,
            f"invalid rect {rect!r}: expected four numbers 'x y width height' with positive "
            "width and height",
        )
    return values[0], values[1], values[2], values[3]


def _decode(value: object) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, bytes):
        # pdfminer leaves undecodable metadata as bytes: UTF-16 with a BOM, else PDFDocEncoding,
        # which latin-1 approximates and which never fails.
        raw = value
        value = (
            raw.decode("utf-16")
            if raw.startswith((b"\xfe\xff", b"\xff\xfe"))
            else raw.decode("latin-1")
        )
    text = str(value).strip()
    return text or None


_PDF_DATE = re.compile(
    r"^D?:?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:([Zz+\-])(\d{2})?'?(\d{2})?'?)?"
)


def _iso_date(value: object) -> Optional[str]:
    """``D:20140521203533-05'00'`` → ``2014-05-21T20:35:33-05:00``; other text passes through."""
    text = _decode(value)
    if text is None:
        return None
    match = _PDF_DATE.match(text)
    if match is None:
        return text
    year, month, day, hour, minute, second, sign, tz_h, tz_m = match.groups()
    iso = f"{year}-{month or '01'}-{day or '01'}T{hour or '00'}:{minute or '00'}:{second or '00'}"
    if sign in ("Z", "z"):
        return iso + "Z"
    if sign:
        return f"{iso}{sign}{tz_h or '00'}:{tz_m or '00'}"
    return iso


def _encryption_algorithm(encryption: object) -> Optional[str]:
    if not isinstance(encryption, tuple) or len(encryption) != 2:
        return None
    params = encryption[1]
    if not isinstance(params, dict):
        return None
    version = int(params.get("V", 0) or 0)
    length = int(params.get("Length", 40) or 40)
    if version >= 5:
        return "AES 256-bit"
    if version == 4:
        filters = repr(params.get("CF", ""))
        return "AES 128-bit" if "AESV2" in filters else "RC4 128-bit"
    return f"RC4 {length}-bit"


def _translate_open_error(exc: Exception) -> ConversionError:
    cause = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
    if isinstance(cause, PDFPasswordIncorrect):
        return ConversionError(
            441, "the PDF is password-protected and the password is missing or wrong"
        )
    detail = str(cause) or type(cause).__name__
    return ConversionError(442, f"the file is damaged or not a valid PDF ({detail})")


class PdfSource:
    """An open PDF. Use :meth:`open`; pages are read one at a time and released after use."""

    def __init__(self, pdf: Any) -> None:
        self._pdf = pdf

    @classmethod
    @contextmanager
    def open(cls, data: bytes, password: Optional[str] = None) -> Iterator[PdfSource]:
        """Open ``data``, raising :class:`ConversionError` 441/442 for locked or broken files."""
        if not isinstance(data, (bytes, bytearray)) or b"%PDF-" not in data[:_HEADER_WINDOW]:
            raise ConversionError(442, "the file is not a PDF (no %PDF- header)")
        try:
            pdf = pdfplumber.open(io.BytesIO(data), password=password or "")
            page_count = len(pdf.pages)
        # pdfminer reports broken files with many exception types (PSEOF, PDFSyntaxError,
        # KeyError, ...); each one is the same answer for a caller: the input is damaged.
        except Exception as exc:
            raise _translate_open_error(exc) from exc
        try:
            if page_count == 0:
                raise ConversionError(442, "the PDF has no pages")
            yield cls(pdf)
        finally:
            pdf.close()

    @property
    def page_count(self) -> int:
        """Number of pages in the document."""
        return len(self._pdf.pages)

    def info(self) -> PdfDocumentInfo:
        """Document metadata, encryption and the first page's size."""
        meta = self._pdf.metadata or {}
        doc = self._pdf.doc
        encryption = getattr(doc, "encryption", None)
        flags = -1
        if isinstance(encryption, tuple) and isinstance(encryption[1], dict):
            flags = int(encryption[1].get("P", -1))
        first = self._pdf.pages[0]
        return PdfDocumentInfo(
            page_count=self.page_count,
            encrypted=encryption is not None,
            title=_decode(meta.get("Title")),
            author=_decode(meta.get("Author")),
            subject=_decode(meta.get("Subject")),
            keywords=_decode(meta.get("Keywords")),
            creator=_decode(meta.get("Creator")),
            producer=_decode(meta.get("Producer")),
            creation_date=_iso_date(meta.get("CreationDate")),
            modification_date=_iso_date(meta.get("ModDate")),
            page_width=float(first.width),
            page_height=float(first.height),
            encryption_algorithm=_encryption_algorithm(encryption),
            permission_flags=flags,
        )

    @contextmanager
    def _page(self, index: int, rect: Optional[tuple[float, float, float, float]]) -> Iterator[Any]:
        page = self._pdf.pages[index]
        try:
            if rect is None:
                yield page
                return
            x0, top, x1, bottom = page.bbox
            x, y, width, height = rect
            box = (
                max(x0, x0 + x),
                max(top, top + y),
                min(x1, x0 + x + width),
                min(bottom, top + y + height),
            )
            if box[0] >= box[2] or box[1] >= box[3]:
                yield None
            else:
                yield page.crop(box, relative=False, strict=False)
        finally:
            # Drop the parsed layout so memory stays flat across long documents.
            page.close()

    def text(
        self, index: int, *, layout: bool, rect: Optional[tuple[float, float, float, float]]
    ) -> str:
        """The page's text; ``layout=True`` keeps horizontal positions with spaces."""
        with self._page(index, rect) as page:
            if page is None:
                return ""
            text = page.extract_text(layout=layout) if layout else page.extract_text()
            lines = [line.rstrip() for line in str(text or "").splitlines()]
            while lines and not lines[-1]:
                lines.pop()
            while lines and not lines[0]:
                lines.pop(0)
            return "\n".join(lines)

    def grid(
        self,
        index: int,
        *,
        rect: Optional[tuple[float, float, float, float]] = None,
        unwrap: bool = False,
    ) -> PageGrid:
        """The page as rows of cells in reading order (see the module docstring)."""
        with self._page(index, rect) as page:
            base = self._pdf.pages[index]
            width, height = float(base.width), float(base.height)
            if page is None:
                return PageGrid(index=index, width=width, height=height, rows=())
            rows: list[PageRow] = []
            for turn in directions(page.chars) or [0]:
                rows += _page_rows(turned_page(page, turn), unwrap=unwrap)
            return PageGrid(index=index, width=width, height=height, rows=tuple(rows))


def _is_background(obj: dict[str, Any]) -> bool:
    """A filled, unstroked shape wider than a ruling: shading behind text, not a border."""
    if obj.get("object_type") not in ("rect", "curve") or not obj.get("fill"):
        return False
    if obj.get("stroke"):
        return False
    return min(float(obj["width"]), float(obj["height"])) > _RULING_THICKNESS


def _page_rows(page: Any, *, unwrap: bool) -> list[PageRow]:
    """The rows of one upright page model: ruled tables, then stream tables and free text."""
    bands = [
        (float(o["x0"]), float(o["top"]), float(o["x1"]), float(o["bottom"]))
        for kind in ("rect", "curve")
        for o in page.objects.get(kind, ())
        if _is_background(o)
    ]
    ruled = page.filter(lambda obj: not _is_background(obj))
    words = ruled.extract_words(**_TEXT_SETTINGS, extra_attrs=["fontname", "size"])
    placed: list[tuple[float, int, PageRow]] = []
    found = [
        table
        for table in _innermost(ruled.find_tables(_RULED_SETTINGS))
        if _filled_cells(table.extract(**_TEXT_SETTINGS)) >= 2 and not _holds_columns(table, words)
    ]
    tables: list[Any] = []
    beside: list[_Beside] = []
    absorbed: set[int] = set()
    for table in found:
        others = [other for other in found if other is not table]
        side = _beside(table, [w for w in words if not _inside_any(w, others)])
        if side is None:
            continue
        tables.append(table)
        beside.append(side)
        absorbed.update(id(word) for word in side.words)
    index_of_words = _WordIndex(words)
    for order, (table, side) in enumerate(zip(tables, beside)):
        for row in _ruled_rows(table, index_of_words, side, unwrap=unwrap):
            placed.append((table.bbox[1], order, row))
    free_words = [
        word for word in words if not _inside_any(word, tables) and id(word) not in absorbed
    ]
    rulings = [
        (float(edge["top"]), float(edge["x0"]), float(edge["x1"]))
        for edge in ruled.edges
        if edge.get("orientation") == "h"
    ]
    stream = StreamLayout(
        free_words,
        rulings=rulings,
        bands=bands,
        is_number=_is_number,
        space=space_ratio(ruled.chars),
        make_cell=lambda cell_words, span, rows: _cell_box(
            cell_words, unwrap=unwrap, col_span=span, row_span=rows
        ),
    )
    for top, in_table, cells in stream.rows():
        placed.append((top, len(tables), PageRow(cells=tuple(cells), in_table=in_table)))
    placed.sort(key=lambda item: (item[0], item[1]))
    return [row for *_, row in placed]


def _is_number(text: str) -> bool:
    return parse_number(text) is not None


def _holds_columns(table: Any, words: Sequence[dict[str, Any]]) -> bool:
    """A ruled "table" one of whose cells holds several lines split into columns of text.

    A frame drawn around an unruled table (and nothing else), or a box around a block of
    figures, is found by the ``lines`` strategy as one cell holding the whole table; its real
    columns come from the text's alignment instead.
    """
    for row in table.rows:
        for bbox in row.cells:
            if bbox is None:
                continue
            inside = [
                w
                for w in words
                if bbox[0] <= (w["x0"] + w["x1"]) / 2 <= bbox[2]
                and bbox[1] <= (w["top"] + w["bottom"]) / 2 <= bbox[3]
            ]
            if len(inside) < 4:
                continue
            split = 0
            for line in group_lines(inside):
                gaps = [b["x0"] - a["x1"] for a, b in zip(line.words, line.words[1:])]
                em = max(float(line.words[0].get("size") or 1.0), 1.0)
                split += any(gap > 2 * _COLUMN_GAP_EM * em for gap in gaps)
            if split >= 2:
                return True
    return False


def _innermost(tables: Sequence[Any]) -> list[Any]:
    """Drop tables that enclose another table: a page frame or box drawn around real tables."""

    def encloses(outer: Any, inner: Any) -> bool:
        a, b = outer.bbox, inner.bbox
        return outer is not inner and (
            a[0] - 1 <= b[0] and a[1] - 1 <= b[1] and b[2] <= a[2] + 1 and b[3] <= a[3] + 1
        )

    return [table for table in tables if not any(encloses(table, other) for other in tables)]


# How far (points) a word beside a ruled table may stick out of its row's span and still belong to
# that row: glyph boxes overhang the rulings a little.
_ROW_OVERHANG = 1.5


@dataclass
class _Beside:
    """Text beside a ruled table, on its rows: extra cells before and after each row's cells.

    ``left[r]`` / ``right[r]`` hold one cell (a list of words, or ``None``) per extra column.
    """

    left: list[list[Optional[list[dict[str, Any]]]]]
    right: list[list[Optional[list[dict[str, Any]]]]]
    words: list[dict[str, Any]]


def _beside(table: Any, words: Sequence[dict[str, Any]]) -> Optional[_Beside]:
    """Text to the left and right of the table on its rows, or ``None`` to drop the table.

    A ruled grid often has a column without rulings beside it (row labels left of ruled figures,
    a spreadsheet printed without its outer frame). That text is part of the table's rows: it
    becomes extra columns. When text beside the table straddles its row borders, it is not laid
    out on the table's rows (shading or partial rulings that make the ``lines`` strategy report a
    "table" covering only some columns, or a paragraph beside the table); reading the rulings as
    a table would then cut rows in two, so the table is dropped and stream detection reads the
    region instead. Text beside only a few rows (a caption, a page number) is left as free text.
    """
    x0, top, x1, bottom = table.bbox
    # A row runs from its top ruling to the next row's: a row's bbox also covers its cells that
    # span further rows.
    tops = [row.bbox[1] for row in table.rows]
    spans = list(zip(tops, [*tops[1:], bottom]))
    cells = [cell for row in table.rows for cell in row.cells if cell is not None]
    per_row: list[list[dict[str, Any]]] = [[] for _ in spans]
    left_words: set[int] = set()
    straddles = False
    for word in words:
        cx = (word["x0"] + word["x1"]) / 2
        cy = (word["top"] + word["bottom"]) / 2
        if not top < cy < bottom:
            continue
        on_left = cx < x0 - 1
        if not on_left and cx <= x1 + 1:
            # Inside the frame. A word that crosses the border from a merged region (its centre
            # in no cell, so no cell holds it) is read as text beside the table; others are the
            # table's own.
            crossing = word["x0"] < x0 - 1 or word["x1"] > x1 + 1
            if not crossing or any(c[0] <= cx <= c[2] and c[1] <= cy <= c[3] for c in cells):
                continue
            on_left = word["x0"] < x0 - 1
        if on_left:
            left_words.add(id(word))
        for position, (row_top, row_bottom) in enumerate(spans):
            if row_top <= cy <= row_bottom:
                per_row[position].append(word)
                fits = (
                    word["top"] >= row_top - _ROW_OVERHANG
                    and word["bottom"] <= row_bottom + _ROW_OVERHANG
                )
                straddles = straddles or not fits
                break
    rows_with_text = sum(1 for row in per_row if row)
    if rows_with_text < max(2, len(spans) / 2):
        return _Beside([[] for _ in spans], [[] for _ in spans], [])
    if straddles:
        return None
    left = [[w for w in row if id(w) in left_words] for row in per_row]
    right = [[w for w in row if id(w) not in left_words] for row in per_row]
    return _Beside(_side_cells(left), _side_cells(right), [w for row in per_row for w in row])


def _side_cells(
    rows: Sequence[Sequence[dict[str, Any]]],
) -> list[list[Optional[list[dict[str, Any]]]]]:
    """Each row's words split into columns found as in a stream table (gaps shared by the rows)."""
    segmented = [
        [seg for line in group_lines(row) for seg in line.segments(_word_gap)] for row in rows
    ]
    if not any(segmented):
        return [[] for _ in rows]
    # Every segment defines the columns (not only rows with the typical count, as `_columns`
    # does): beside a grid, a row label often sits alone on its row.
    intervals = sorted(
        (min(w["x0"] for w in seg), max(w["x1"] for w in seg)) for segs in segmented for seg in segs
    )
    columns: list[list[float]] = []
    for a, b in intervals:
        if columns and a <= columns[-1][1]:
            columns[-1][1] = max(columns[-1][1], b)
        else:
            columns.append([a, b])
    spans = [(a, b) for a, b in columns]
    cells: list[list[Optional[list[dict[str, Any]]]]] = []
    for segs in segmented:
        row: list[Optional[list[dict[str, Any]]]] = [None] * len(spans)
        for seg in segs:
            slot = _column_of(seg, spans)
            row[slot] = [*(row[slot] or []), *seg]
        cells.append(row)
    return cells


_RTL = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
_LTR = re.compile(r"[A-Za-z0-9\u00c0-\u024f]")


def _logical_order(text: str) -> str:
    """Right-to-left script back in reading order.

    pdfplumber reads glyphs left to right, so Arabic and Hebrew come out reversed and, for Arabic,
    as presentation-form glyphs. Each RTL word is reversed, the words of a mostly-RTL line are
    reversed, and NFKC turns presentation forms back into letters. Latin and digit runs inside
    the line keep their order. A simplification of the Unicode bidi algorithm, enough for cells.
    """
    if not _RTL.search(text):
        return text
    lines: list[str] = []
    marks = ""
    for line in text.split("\n"):
        if line and all(unicodedata.combining(ch) for ch in line):
            # A raised diacritic lands on a "line" of its own; it belongs to the word below.
            marks += line
            continue
        words = line.split(" ")
        fixed = [w[::-1] if _RTL.search(w) and not _LTR.search(w) else w for w in words]
        rtl = sum(len(_RTL.findall(word)) for word in words)
        ltr = sum(len(_LTR.findall(word)) for word in words)
        if rtl > ltr:
            fixed.reverse()
        lines.append(unicodedata.normalize("NFKC", " ".join(fixed) + marks))
        marks = ""
    return "\n".join(lines) + marks


def _filled_cells(rows: Sequence[Sequence[Optional[str]]]) -> int:
    return sum(1 for row in rows for cell in row if cell and cell.strip())


def _inside_any(word: dict[str, Any], tables: Sequence[Any]) -> bool:
    cx = (word["x0"] + word["x1"]) / 2
    cy = (word["top"] + word["bottom"]) / 2
    return any(t.bbox[0] <= cx <= t.bbox[2] and t.bbox[1] <= cy <= t.bbox[3] for t in tables)


def _font(word: Optional[dict[str, Any]]) -> tuple[Optional[str], Optional[float], bool]:
    if word is None:
        return None, None, False
    raw = str(word.get("fontname") or "")
    # Embedded subsets are named "ABCDEF+Family-Style"; PDF.co reports the family.
    name = raw.split("+", 1)[-1]
    family = re.split(r"[-,]", name, maxsplit=1)[0] or None
    size = word.get("size")
    return family, (round(float(size), 1) if size else None), "bold" in name.lower()


class _WordIndex:
    """Words sorted by top, to find the first word inside a cell without scanning the page."""

    def __init__(self, words: Sequence[dict[str, Any]]) -> None:
        self._words = sorted(words, key=lambda word: word["top"])
        self._tops = [word["top"] for word in self._words]

    def inside(self, bbox: tuple[float, float, float, float]) -> list[dict[str, Any]]:
        """Every word whose centre lies in ``bbox``."""
        x0, top, x1, bottom = bbox
        start = bisect.bisect_left(self._tops, top - 1)
        found = []
        for word in self._words[start:]:
            if word["top"] > bottom:
                break
            cx = (word["x0"] + word["x1"]) / 2
            cy = (word["top"] + word["bottom"]) / 2
            if x0 <= cx <= x1 and top <= cy <= bottom:
                found.append(word)
        return found

    def first_in(self, bbox: tuple[float, float, float, float]) -> Optional[dict[str, Any]]:
        x0, top, x1, bottom = bbox
        start = bisect.bisect_left(self._tops, top - 1)
        for word in self._words[start:]:
            if word["top"] > bottom:
                break
            cx = (word["x0"] + word["x1"]) / 2
            if x0 <= cx <= x1:
                return word
        return None


def _ruled_rows(
    table: Any, words: _WordIndex, beside: _Beside, *, unwrap: bool
) -> Iterator[PageRow]:
    texts = table.extract(**_TEXT_SETTINGS)
    boxes = [cell for row in table.rows for cell in row.cells if cell is not None]
    # Cell borders of the grid: a merged cell covers every border inside its box.
    xs = sorted({round(cell[0], 1) for cell in boxes})
    tops = sorted({round(cell[1], 1) for cell in boxes})

    def covered(edges: Sequence[float], start: float, stop: float) -> int:
        return max(1, sum(1 for edge in edges if start - 0.5 <= edge < stop - 0.5))

    for position, (row, row_texts) in enumerate(zip(table.rows, texts)):
        left = [_cell_box(c, unwrap=unwrap) if c else None for c in beside.left[position]]
        right = [_cell_box(c, unwrap=unwrap) if c else None for c in beside.right[position]]
        split = _collapsed_row(row, xs, words, unwrap=unwrap)
        if split is not None:
            for number, sub in enumerate(split):
                before = left if number == 0 else [None] * len(left)
                after = right if number == 0 else [None] * len(right)
                yield PageRow(cells=(*before, *sub, *after), in_table=True)
            continue
        cells: list[Optional[TextBox]] = list(left)
        for bbox, text in zip(row.cells, row_texts):
            if bbox is None or not text or not text.strip():
                cells.append(None)
                continue
            value = _logical_order(text.strip())
            if unwrap:
                value = " ".join(value.split())
            family, size, bold = _font(words.first_in(bbox))
            cells.append(
                TextBox(
                    text=value,
                    x=bbox[0],
                    y=bbox[1],
                    width=bbox[2] - bbox[0],
                    height=bbox[3] - bbox[1],
                    font_name=family,
                    font_size=size,
                    bold=bold,
                    col_span=covered(xs, bbox[0], bbox[2]),
                    row_span=covered(tops, bbox[1], bbox[3]),
                )
            )
        cells += right
        if any(cells):
            yield PageRow(cells=tuple(cells), in_table=True)


def _collapsed_row(
    row: Any, xs: Sequence[float], words: _WordIndex, *, unwrap: bool
) -> Optional[list[tuple[Optional[TextBox], ...]]]:
    """A ruled row that holds several table rows (columns ruled, rows not), split into them.

    The sign: cells with two or more lines that are each a number. Figures do not wrap, so each
    line is a row of its own; the text beside them is split at the same heights, wrapped lines
    joined (see ``_stream``).
    """
    boxes = [cell for cell in row.cells if cell is not None]
    if len(boxes) < 2 or len(xs) != len(row.cells):
        return None
    # Lines of figures per cell: two cells of stacked figures, or one with three or more (a
    # single cell may hold two amounts, as "62,785,105" over "11,200" in two currencies).
    stacked = []
    for bbox in boxes:
        lines = group_lines(words.inside(bbox))
        texts = [" ".join(str(w["text"]) for w in line.words) for line in lines]
        # Percentages and dates stay text in the sheet but, like amounts, never wrap.
        stacked.append(sum(1 for text in texts if _is_number(text) or looks_like_figure(text)))
    if not (sum(1 for count in stacked if count >= 2) >= 2 or max(stacked) >= 3):
        return None
    x0, top, x1, bottom = row.bbox
    inside = words.inside((x0, top, x1, bottom))
    layout = StreamLayout(
        inside,
        is_number=_is_number,
        make_cell=lambda cell_words, span, rows: _cell_box(
            cell_words, unwrap=unwrap, col_span=span, row_span=rows
        ),
    )
    return [tuple(cells) for cells in layout.rows_in_columns(list(xs[1:]))]


def _word_gap(left: dict[str, Any], right: dict[str, Any]) -> float:
    em = max(float(left.get("size") or 0), float(right.get("size") or 0), 1.0)
    return _COLUMN_GAP_EM * em


def _box(words: Sequence[dict[str, Any]]) -> TextBox:
    family, size, bold = _font(words[0])
    x0 = min(w["x0"] for w in words)
    x1 = max(w["x1"] for w in words)
    top = min(w["top"] for w in words)
    bottom = max(w["bottom"] for w in words)
    text = _logical_order(" ".join(str(w["text"]) for w in words))
    return TextBox(text, x0, top, x1 - x0, bottom - top, family, size, bold)


def _cell_box(
    words: Sequence[dict[str, Any]], *, unwrap: bool, col_span: int = 1, row_span: int = 1
) -> TextBox:
    """One cell from words on one or more lines; lines join with a newline, as in ruled cells."""
    box = _box(words)
    lines = [" ".join(str(w["text"]) for w in line.words) for line in group_lines(words)]
    text = _logical_order(("\n" if not unwrap else " ").join(lines))
    return TextBox(
        text,
        box.x,
        box.y,
        box.width,
        box.height,
        box.font_name,
        box.font_size,
        box.bold,
        col_span=col_span,
        row_span=row_span,
    )


def _column_of(seg: Sequence[dict[str, Any]], columns: Sequence[tuple[float, float]]) -> int:
    x0 = min(w["x0"] for w in seg)
    x1 = max(w["x1"] for w in seg)
    centre = (x0 + x1) / 2
    best, best_distance = 0, float("inf")
    for slot, (left, right) in enumerate(columns):
        distance = 0.0 if left <= centre <= right else min(abs(centre - left), abs(centre - right))
        if distance < best_distance:
            best, best_distance = slot, distance
    return best
