"""Build ``pdfco_client/testing/_data/result.xlsx``, the workbook the mock serves.

Run it after changing ``RESULT_TABLE``: ``.venv/bin/python -m tests.testing.build_result_files``.
The file is committed, so the mock needs no openpyxl at run time.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from openpyxl import Workbook

from pdfco_client.testing._results import RESULT_TABLE, XLSX_FILE_NAME

TARGET = Path(__file__).resolve().parents[2] / "pdfco_client" / "testing" / "_data" / XLSX_FILE_NAME
#: A fixed timestamp for every zip entry, so the file only changes when its content does.
_EPOCH = (2024, 1, 1, 0, 0, 0)


def build() -> bytes:
    """The workbook: one sheet, ``Page 1``, holding ``RESULT_TABLE`` as text cells."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Page 1"
    for row in RESULT_TABLE:
        sheet.append(list(row))
    raw = io.BytesIO()
    book.save(raw)
    # openpyxl stamps the save time into each zip entry; rewrite them with a fixed one.
    fixed = io.BytesIO()
    src = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    dst = zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED)
    with src, dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, src.read(info.filename))
    return fixed.getvalue()


def main() -> None:
    TARGET.write_bytes(build())
    print(f"wrote {TARGET} ({TARGET.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
