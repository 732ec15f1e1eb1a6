"""The emulator's conversion engine: PDF bytes in, PDF.co-shaped output bytes out.

The HTTP server calls :func:`read_pdf_info` for ``/v1/pdf/info`` and :func:`convert_pdf` for
``/v1/pdf/convert/to/<format>``. Reading the PDF lives in ``_extract`` (pdfplumber → page grids),
writing formats in ``_render``; this module validates parameters, selects pages and streams pages
from one to the other, so a long document is never held in memory as parsed pages.

Every failure is a :class:`ConversionError` carrying PDF.co's error code and a message that names
the problem; no other exception escapes for any input bytes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import Callable, Optional, TypeVar

from pdfco_client._models import OutputFormat
from pdfco_client._pages import PageRangeSyntaxError, parse_page_range, resolve_page_range
from pdfco_client.emulator._extract import (
    ConversionError,
    PageGrid,
    PdfDocumentInfo,
    PdfSource,
    parse_rect,
)
from pdfco_client.emulator._render import (
    render_csv,
    render_html,
    render_json,
    render_text,
    render_xlsx,
    render_xml,
)

__all__ = [
    "SUPPORTED_FORMATS",
    "ConversionError",
    "ConvertedDocument",
    "PdfDocumentInfo",
    "convert_pdf",
    "read_pdf_info",
]

_T = TypeVar("_T")

SUPPORTED_FORMATS: tuple[str, ...] = (
    "xlsx",
    "csv",
    "json",
    "json2",
    "text",
    "text-simple",
    "html",
    "xml",
)

# format -> (media type, file extension), from the client's own table of formats (no XLS: the
# emulator has no legacy-Excel writer).
_OUTPUT_TYPES: dict[str, tuple[str, str]] = {
    fmt.value: (fmt.media_type, fmt.extension)
    for fmt in OutputFormat
    if fmt is not OutputFormat.XLS
}

_GRID_RENDERERS: dict[str, Callable[[Iterator[PageGrid]], tuple[bytes, int]]] = {
    "xlsx": render_xlsx,
    "csv": render_csv,
    "json": render_json,
    "json2": render_json,
    "html": render_html,
    "xml": render_xml,
}


@dataclass(frozen=True)
class ConvertedDocument:
    """One conversion's output file."""

    content: bytes
    """The output file's bytes (UTF-8 for the text formats)."""
    media_type: str
    """MIME type to serve the file with."""
    extension: str
    """File extension without the dot: ``xlsx``, ``csv``, ``json``, ``txt``, ``html``, ``xml``."""
    page_count: int
    """Number of pages converted."""


def read_pdf_info(data: bytes, *, password: Optional[str] = None) -> PdfDocumentInfo:
    """Return what ``/v1/pdf/info`` reports about ``data``.

    Raises :class:`ConversionError` 441 if the PDF needs a password that is missing or wrong, 442
    if ``data`` is not a readable PDF.
    """
    with PdfSource.open(data, password) as source:
        return _guarded(source.info)


def convert_pdf(
    data: bytes,
    to: str,
    *,
    pages: Optional[str] = None,
    password: Optional[str] = None,
    line_grouping: Optional[str] = None,
    unwrap: bool = False,
    rect: Optional[str] = None,
    lang: str = "eng",
) -> ConvertedDocument:
    """Convert the PDF ``data`` to the format ``to`` (one of :data:`SUPPORTED_FORMATS`).

    ``pages`` is PDF.co's 0-based range (``"0,2-5,7-"``, ``"!0"``), ``rect`` an extraction area
    ``"x y width height"`` in points from the top left (commas accepted as separators), ``unwrap``
    joins a table cell's wrapped lines with a space instead of a newline. ``line_grouping`` and
    ``lang`` are accepted for compatibility: the engine always groups a ruled cell's lines, and it
    reads only text layers (no OCR), so the OCR language changes nothing.

    Raises :class:`ConversionError`: 400 unknown format or malformed ``rect``, 441 password, 442 not
    a PDF or damaged, 449 page index outside the document, 450 page range syntax.
    """
    del line_grouping, lang
    output = _OUTPUT_TYPES.get(to)
    if output is None:
        raise ConversionError(
            400, f"unsupported output format {to!r}; expected one of {', '.join(SUPPORTED_FORMATS)}"
        )
    area = parse_rect(rect)
    if pages is not None and pages.strip():
        try:
            parse_page_range(pages)
        except PageRangeSyntaxError as exc:
            raise ConversionError(450, f"invalid page range: {exc}") from exc
    with PdfSource.open(data, password) as source:
        try:
            indices = resolve_page_range(pages, source.page_count)
        except PageRangeSyntaxError as exc:
            raise ConversionError(
                449, f"invalid index range: {exc} (the first page is 0; see /pdf/info)"
            ) from exc
        renderer = _GRID_RENDERERS.get(to)
        if renderer is not None:
            grids = (_guarded(partial(source.grid, i, rect=area, unwrap=unwrap)) for i in indices)
            content, converted = _guarded(lambda: renderer(grids))
        else:
            layout = to == "text"
            texts = (_guarded(partial(source.text, i, layout=layout, rect=area)) for i in indices)
            content, converted = render_text(texts)
    media_type, extension = output
    return ConvertedDocument(
        content=content, media_type=media_type, extension=extension, page_count=converted
    )


def _guarded(work: Callable[[], _T]) -> _T:
    try:
        return work()
    except ConversionError:
        raise
    # A content stream can be broken in ways pdfminer only finds while parsing a page, with any
    # exception type; for the caller each one means the same thing: the input is damaged.
    except Exception as exc:
        raise ConversionError(
            442, f"the PDF is damaged and could not be converted ({type(exc).__name__}: {exc})"
        ) from exc
