"""Generate ``pdfco_client/emulator/samples/quarterly-report.pdf`` (deterministic output).

Run from the repository root: ``.venv/bin/python scripts/make_sample_pdf.py``.
"""

from __future__ import annotations

import io
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

TARGET = Path(__file__).resolve().parents[1] / "pdfco_client/emulator/samples/quarterly-report.pdf"

SALES = [
    ["Region", "Q1", "Q2", "Q3", "Q4", "Total"],
    ["North America", "1,204,500", "1,310,250", "1,288,900", "1,455,010", "5,258,660"],
    ["Europe", "986,300", "1,002,750", "954,120", "1,120,400", "4,063,570"],
    ["Asia Pacific", "742,180", "801,900", "866,455", "930,010", "3,340,545"],
    ["Latin America", "210,400", "198,760", "225,300", "241,980", "876,440"],
    ["Total", "3,143,380", "3,313,660", "3,334,775", "3,747,400", "13,539,215"],
]

HEADCOUNT = [
    ["Department", "Staff", "Change", "Budget"],
    ["Engineering", "412", "+18", "$48,200,000.00"],
    ["Sales", "265", "(7)", "$21,750,000.00"],
    ["Support", "138", "+4", "$8,940,500.00"],
    ["Finance", "41", "0", "$5,120,000.00"],
]


def build() -> bytes:
    """The report's bytes."""
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        invariant=True,
        title="Quarterly Report FY2024",
        author="Example Corp Finance",
        subject="Sample document for the pdfco-client emulator",
        creator="scripts/make_sample_pdf.py",
    )
    ruled = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
            ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
            ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
        ]
    )
    # No lines at all: the engine must find the columns from whitespace alone.
    unruled = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
            ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
            ("LEFTPADDING", (0, 0), (-1, -1), 12),
        ]
    )
    story = [
        Paragraph("Example Corp: Quarterly Report FY2024", styles["Title"]),
        Paragraph(
            "Revenue grew in every region this year. The table below lists net sales by "
            "region and quarter, in US dollars.",
            styles["Normal"],
        ),
        Spacer(1, 12),
        Paragraph("Net sales by region", styles["Heading2"]),
        Table(SALES, style=ruled),
        Spacer(1, 12),
        Paragraph(
            "Totals include intercompany eliminations. Figures are unaudited.", styles["Normal"]
        ),
        PageBreak(),
        Paragraph("Headcount and budget", styles["Heading2"]),
        Table(HEADCOUNT, style=unruled),
        Spacer(1, 12),
        Paragraph("Total headcount at year end: 856.", styles["Normal"]),
    ]
    document.build(story)
    return buffer.getvalue()


def main() -> None:
    """Write the sample next to the package's ``samples/__init__.py``."""
    TARGET.write_bytes(build())
    print(f"wrote {TARGET} ({TARGET.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
