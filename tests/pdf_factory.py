"""Test PDFs with known content, generated in memory with reportlab.

Every ``make_*`` function returns the PDF's bytes and is deterministic (reportlab's ``invariant``
mode fixes the dates and the document id), except the encrypted variants, whose cipher salts are
random by design. The module-level constants hold the cells a correct conversion must produce, so
tests compare against them instead of against strings copied from an output.
"""

from __future__ import annotations

import io
from typing import Optional

from pypdf import PdfReader, PdfWriter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, letter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

__all__ = [
    "LONG_TABLE_HEADER",
    "LONG_TABLE_ROWS",
    "MULTI_PAGE_CLOSING",
    "MULTI_PAGE_INTRO",
    "MULTI_PAGE_TITLE",
    "NOT_A_PDF",
    "NUMBERS_TABLE",
    "NUMBERS_VALUES",
    "RULED_TABLE",
    "RULED_TITLE",
    "UNRULED_TABLE",
    "UNRULED_TITLE",
    "USER_PASSWORD",
    "encrypt_pdf",
    "make_encrypted_pdf",
    "make_large_pdf",
    "make_multi_page_pdf",
    "make_numbers_pdf",
    "make_ruled_table_pdf",
    "make_table_pdf",
    "make_unruled_table_pdf",
]

USER_PASSWORD = "s3cret"

NOT_A_PDF = b"PK\x03\x04 this is a zip header, not a PDF document at all\n"

RULED_TITLE = "Regional sales"
RULED_TABLE: list[list[str]] = [
    ["Region", "Units", "Revenue"],
    ["North", "1,505", "12,040.50"],
    ["South", "980", "7,840.00"],
    ["East", "2,210", "17,680.25"],
]

UNRULED_TITLE = "Inventory"
UNRULED_TABLE: list[list[str]] = [
    ["Item", "Warehouse", "Qty", "Price"],
    ["Bolts", "Leeds", "1,200", "0.15"],
    ["Nuts", "York", "950", "0.10"],
    ["Washers", "Hull", "3,400", "0.05"],
    ["Brackets", "Derby", "75", "4.20"],
]

# Printed text and the value a spreadsheet cell must hold (``str`` when it must stay text).
NUMBERS_VALUES: list[tuple[str, object]] = [
    ("1,505", 1505),
    ("1 234.5", 1234.5),
    ("-12.5", -12.5),
    ("+18", 18),
    ("(35.8)", -35.8),
    ("$4,700.00", 4700),
    ("1.393,4", 1393.4),
    ("00123", "00123"),
    ("1.2.3", "1.2.3"),
    ("12%", "12%"),
    ("2013-05-01", "2013-05-01"),
]
NUMBERS_TABLE: list[list[str]] = [["Label", "Printed"]] + [
    [f"v{index}", printed] for index, (printed, _) in enumerate(NUMBERS_VALUES)
]

MULTI_PAGE_TITLE = "Annual ledger"
MULTI_PAGE_INTRO = "This ledger lists every account with its opening balance."
MULTI_PAGE_CLOSING = "End of ledger."
LONG_TABLE_HEADER = ["Account", "Owner", "Balance"]
LONG_TABLE_ROWS: list[list[str]] = [
    [f"ACC-{index:03d}", f"Owner {index}", f"{index * 1000 + 250:,}"] for index in range(1, 71)
]


def _grid_style(header_rows: int = 1) -> TableStyle:
    return TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("FONTNAME", (0, 0), (-1, header_rows - 1), "Helvetica-Bold"),
            ("FONTNAME", (0, header_rows), (-1, -1), "Helvetica"),
            ("FONTSIZE", (0, 0), (-1, -1), 10),
        ]
    )


def _build(story: list[object], *, pagesize: tuple[float, float] = A4, title: str = "") -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        invariant=True,
        title=title,
        author="pdfco-client tests",
        subject="test document",
        creator="tests/pdf_factory.py",
    )
    document.build(story)
    return buffer.getvalue()


def make_ruled_table_pdf() -> bytes:
    """One page: a heading, then :data:`RULED_TABLE` drawn with a full grid of lines."""
    styles = getSampleStyleSheet()
    table = Table(RULED_TABLE, style=_grid_style())
    return _build([Paragraph(RULED_TITLE, styles["Heading1"]), table], title="Ruled table")


def make_table_pdf(rows: list[list[str]]) -> bytes:
    """One page holding ``rows`` as a ruled table, nothing else."""
    return _build([Table(rows, style=_grid_style())], title="Table")


def make_numbers_pdf() -> bytes:
    """One page: a ruled two-column table whose second column holds :data:`NUMBERS_VALUES`."""
    styles = getSampleStyleSheet()
    table = Table(NUMBERS_TABLE, style=_grid_style())
    return _build([Paragraph("Number formats", styles["Heading1"]), table], title="Numbers")


def make_unruled_table_pdf() -> bytes:
    """One page: a heading, then :data:`UNRULED_TABLE` aligned by whitespace only (no lines)."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=letter, invariant=True)
    pdf.setTitle("Unruled table")
    height = letter[1]
    pdf.setFont("Helvetica-Bold", 16)
    pdf.drawString(72, height - 72, UNRULED_TITLE)
    lefts = (72, 190)
    rights = (380, 480)
    top = height - 120
    for row_index, row in enumerate(UNRULED_TABLE):
        y = top - row_index * 18
        pdf.setFont("Helvetica-Bold" if row_index == 0 else "Helvetica", 10)
        for column, text in enumerate(row):
            if column < len(lefts):
                pdf.drawString(lefts[column], y, text)
            else:
                pdf.drawRightString(rights[column - len(lefts)], y, text)
    pdf.setFont("Helvetica", 10)
    pdf.drawString(72, top - len(UNRULED_TABLE) * 18 - 24, "Counted on the first Monday.")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def make_multi_page_pdf() -> bytes:
    """Several pages: title and intro, :data:`LONG_TABLE_ROWS` in a ruled table that continues
    across pages (header repeated on each page), then a closing paragraph."""
    styles = getSampleStyleSheet()
    table = Table([LONG_TABLE_HEADER, *LONG_TABLE_ROWS], style=_grid_style(), repeatRows=1)
    story: list[object] = [
        Paragraph(MULTI_PAGE_TITLE, styles["Heading1"]),
        Paragraph(MULTI_PAGE_INTRO, styles["Normal"]),
        Spacer(1, 12),
        table,
        Spacer(1, 12),
        Paragraph(MULTI_PAGE_CLOSING, styles["Normal"]),
    ]
    return _build(story, title="Multi-page ledger")


def encrypt_pdf(
    data: bytes,
    user_password: str = USER_PASSWORD,
    *,
    algorithm: str = "RC4-128",
    owner_password: Optional[str] = None,
) -> bytes:
    """``data`` encrypted by pypdf with ``RC4-40``, ``RC4-128``, ``AES-128`` or ``AES-256``."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password, owner_password or "owner-" + user_password, algorithm=algorithm)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def make_encrypted_pdf(algorithm: str = "RC4-128", user_password: str = USER_PASSWORD) -> bytes:
    """:func:`make_ruled_table_pdf` protected with ``user_password``."""
    return encrypt_pdf(make_ruled_table_pdf(), user_password, algorithm=algorithm)


def make_large_pdf(pages: int) -> bytes:
    """``pages`` pages, each with a heading and a 40-row ruled table, for benchmarks."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=letter, invariant=True)
    height = letter[1]
    for page in range(pages):
        pdf.setFont("Helvetica-Bold", 14)
        pdf.drawString(72, height - 60, f"Page {page + 1} of {pages}")
        pdf.setFont("Helvetica", 9)
        top = height - 90
        xs = (72, 200, 330, 460, 540)
        for row in range(41):
            y = top - row * 15
            pdf.line(xs[0], y, xs[-1], y)
            if row == 40:
                break
            cells = (f"R{page}-{row}", f"Item {row}", f"{(page * 41 + row) * 37:,}", f"{row}.50")
            for column, text in enumerate(cells):
                pdf.drawString(xs[column] + 3, y - 11, text)
        bottom = top - 40 * 15
        for x in xs:
            pdf.line(x, top, x, bottom)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()
