"""The real engine: PDFs really read (pdfplumber) and really written (openpyxl).

The work itself lives in ``pdfco_client.emulator._convert`` (with ``_extract`` and ``_render``);
this module is the seam that adapts it to the engine table and translates its
``ConversionError`` into :class:`EngineError`, so nothing else imports pdfplumber.
"""

from __future__ import annotations

import json

from pdfco_client._models import OutputFormat
from pdfco_client.emulator._convert import ConversionError, convert_pdf, read_pdf_info

from . import Engine, EngineError, Product, Task, pdfco_info

__all__ = ["real_engine"]


def _convert(task: Task) -> Product:
    params = task.params
    # No legacy-Excel writer yet: an xls result is the XLSX workbook, under xls's type and name.
    fmt = "xlsx" if task.fmt == "xls" else str(task.fmt)
    try:
        document = convert_pdf(
            task.source,
            fmt,
            pages=params.get_str("pages"),
            password=params.get_str("password"),
            line_grouping=params.get_str("lineGrouping"),
            unwrap=params.get_bool("unwrap"),
            rect=params.get_str("rect"),
            lang=params.get_str("lang") or "eng",
        )
    except ConversionError as exc:
        raise EngineError(exc.code, exc.message) from exc
    output = OutputFormat(task.fmt)
    return Product(document.content, output.media_type, output.extension, document.page_count)


def _info(task: Task) -> Product:
    try:
        found = read_pdf_info(task.source, password=task.params.get_str("password"))
    except ConversionError as exc:
        raise EngineError(exc.code, exc.message) from exc
    info = pdfco_info(
        page_count=found.page_count,
        width=found.page_width,
        height=found.page_height,
        encrypted=found.encrypted,
        encryption_algorithm=found.encryption_algorithm,
        permission_flags=found.permission_flags,
        creation_date=found.creation_date,
        modification_date=found.modification_date,
        title=found.title,
        author=found.author,
        subject=found.subject,
        keywords=found.keywords,
        creator=found.creator,
        producer=found.producer,
    )
    content = json.dumps({"info": info}).encode()
    return Product(content, "application/json", "json", found.page_count, info)


def real_engine() -> Engine:
    return {"convert": _convert, "info": _info}
