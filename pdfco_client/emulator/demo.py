"""The main job, end to end on one machine: the bundled sample PDF to XLSX through the emulator.

Run ``python -m pdfco_client.emulator.demo`` (or ``make demo``): no API key, no network. It starts
an emulator on loopback, converts the sample with :meth:`PdfCoClient.convert_pdf_to_xlsx` exactly
as an application would against the real PDF.co, and prints where the workbook is.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Optional

from openpyxl import load_workbook

from pdfco_client import PdfCoClient, PdfCoError
from pdfco_client.emulator import Emulator
from pdfco_client.emulator.samples import sample_pdf_path

PREVIEW_ROWS = 8


def _preview(path: Path) -> list[str]:
    workbook = load_workbook(path, read_only=True)
    try:
        lines = []
        for sheet in workbook.worksheets:
            lines.append(f"  sheet {sheet.title!r}:")
            for index, row in enumerate(sheet.iter_rows(values_only=True)):
                if index == PREVIEW_ROWS:
                    lines.append("    ...")
                    break
                cells = [repr(value) for value in row if value is not None]
                lines.append("    " + " | ".join(cells))
        return lines
    finally:
        workbook.close()


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Convert the sample (or ``--input``) to XLSX through an in-process emulator."""
    parser = argparse.ArgumentParser(
        prog="python -m pdfco_client.emulator.demo",
        description="Convert a PDF to XLSX with PdfCoClient against a local PDF.co emulator.",
    )
    parser.add_argument("--input", type=Path, default=None, help="PDF to convert (default: sample)")
    parser.add_argument(
        "--output", type=Path, default=Path("quarterly-report.xlsx"), help="XLSX to write"
    )
    args = parser.parse_args(argv)
    source = args.input or sample_pdf_path()
    emulator = Emulator()
    with emulator, PdfCoClient(api_key=emulator.api_key, base_url=emulator.base_url) as client:
        print(f"emulator: {emulator.base_url}")
        print(f"input:    {source}")
        try:
            result = client.convert_pdf_to_xlsx(source, output=args.output)
        except PdfCoError as exc:
            print(f"conversion failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            return 1
    assert result.output_path is not None
    output = result.output_path.resolve()
    print(
        f"output:   {output}\n"
        f"          {result.page_count} pages, {result.credits} credits, "
        f"{result.duration:.2f} s, job {result.job_id}"
    )
    print("\n".join(_preview(output)))
    print(f"\nThe XLSX is at {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
