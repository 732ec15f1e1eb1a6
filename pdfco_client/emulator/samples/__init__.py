"""Sample documents shipped with the emulator (regenerate with ``scripts/make_sample_pdf.py``)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["SAMPLE_PDF", "sample_pdf_path"]

# A plain path is enough: the package is installed unzipped (hatchling wheel), and callers such as
# the emulator's CLI need a real file to upload.
SAMPLE_PDF: Path = Path(__file__).resolve().parent / "quarterly-report.pdf"


def sample_pdf_path() -> Path:
    """Path of ``quarterly-report.pdf``: a 2-page report with a ruled and an unruled table."""
    return SAMPLE_PDF
