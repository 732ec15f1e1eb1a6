"""The seam between the HTTP layer and the conversion engine (``_convert``).

Only this module imports the engine, so the API code deals with one small result type and the
engine's :class:`ConversionError` (whose ``code`` is already a PDF.co status).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Optional

from ._convert import SUPPORTED_FORMATS, ConversionError, convert_pdf, read_pdf_info

__all__ = ["SUPPORTED_FORMATS", "ConversionError", "Operation", "OperationResult"]

# Formats PDF.co can return in the response's `body` with inline=true (never xls/xlsx).
INLINE_FORMATS = frozenset({"csv", "json", "json2", "text", "text-simple", "html", "xml"})
JSON_FORMATS = frozenset({"json", "json2"})


@dataclass(frozen=True)
class OperationResult:
    content: bytes
    media_type: str
    extension: str
    page_count: int
    info: Optional[dict[str, object]] = None
    """PDF.co's ``info`` object, for ``pdf/info``."""


@dataclass(frozen=True)
class Operation:
    """One conversion (``fmt`` set) or an info read (``fmt`` is ``None``) of a source PDF."""

    source: bytes
    fmt: Optional[str] = None
    pages: Optional[str] = None
    password: Optional[str] = None
    line_grouping: Optional[str] = None
    unwrap: bool = False
    rect: Optional[str] = None
    lang: str = "eng"

    @property
    def extension(self) -> str:
        if self.fmt is None:
            return "json"
        return {"text": "txt", "text-simple": "txt", "json2": "json"}.get(self.fmt, self.fmt)

    def run(self) -> OperationResult:
        """Do the work; raises :class:`ConversionError` with a PDF.co code on bad input."""
        if self.fmt is None:
            info = read_pdf_info(self.source, password=self.password)
            pdfco_info = info.to_pdfco_info()
            return OperationResult(
                content=json.dumps({"info": pdfco_info}).encode(),
                media_type="application/json",
                extension="json",
                page_count=info.page_count,
                info=pdfco_info,
            )
        document = convert_pdf(
            self.source,
            self.fmt,
            pages=self.pages,
            password=self.password,
            line_grouping=self.line_grouping,
            unwrap=self.unwrap,
            rect=self.rect,
            lang=self.lang,
        )
        return OperationResult(
            content=document.content,
            media_type=document.media_type,
            extension=document.extension,
            page_count=document.page_count,
        )


def inline_body(result: OperationResult, fmt: str) -> object:
    """The response ``body`` for inline=true: a JSON value for json/json2, else text."""
    text = result.content.decode("utf-8", errors="replace")
    if fmt in JSON_FORMATS:
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text
