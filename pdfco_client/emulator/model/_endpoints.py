"""The endpoint table: every PDF.co endpoint the model serves, declared once, with its price.

An entry is either an :class:`Endpoint` answered by a handler of its own (the file, job and
account endpoints) or an :class:`Operation`: work on an input document (``url``), done by the
engine function it names, priced per page or per call, run synchronously or as a background job
(``async=true``), and answered in one of PDF.co's shapes. The pipeline of ``_operations`` does
the rest for every operation alike: reading the input, the cheap parameter checks (before any
credit is spent), billing, jobs, storing the result. Adding a document endpoint is one entry here
and a function of that name in each engine.

Prices are PDF.co's pricing page as summarised in ``pdfco-api.md`` §1 where it gives a number:
presigned URL 7, upload 11, base64 upload 21, upload from URL 11, delete 7, job check 2, balance
2; per page csv 28, legacy json 28, html 21. The others are not published, so these are plausible
choices (``text-simple`` is "cheaper than text"; ``pdf/info`` 5 a call).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Optional

from pdfco_client._pages import PageRangeSyntaxError, parse_page_range

from ._params import ParamError, Params
from ._wire import Request, Response

if TYPE_CHECKING:
    from ._model import PdfCoModel

__all__ = [
    "CALL_CREDITS",
    "CONVERSIONS",
    "ENDPOINTS",
    "PAGE_CREDITS",
    "Call",
    "Endpoint",
    "Operation",
    "check_pages",
]


def check_pages(params: Params) -> None:
    """``pages`` in PDF.co's syntax (450 otherwise); whether the pages exist is the engine's."""
    pages = params.get_str("pages")
    if pages is not None:
        try:
            parse_page_range(pages)
        except PageRangeSyntaxError as exc:
            raise ParamError(f"Invalid page range: {exc}", 450) from exc


@dataclass(frozen=True)
class Operation:
    """An endpoint that works on the document at ``url``."""

    work: str
    """The engine function that does it (``convert``, ``info``)."""
    per_page: int = 0
    """Credits per page processed; 0 for an operation priced per call."""
    per_call: int = 0
    fmt: Optional[str] = None
    """The output format of a conversion."""
    inline: bool = False
    """``inline=true`` may put the result in the answer's ``body``."""
    answer: str = "file"
    """``file``: the result's ``url``, ``name``, ``pageCount``...; ``info``: the engine's
    ``info`` object in the answer (synchronous calls; a job's result is that JSON as a file)."""
    checks: tuple[Callable[[Params], None], ...] = (check_pages,)
    """Cheap checks made before any credit is spent or any engine runs."""

    @property
    def first_unit(self) -> int:
        """What must be paid up front: the first page (async starts), or the call."""
        return self.per_page or self.per_call


@dataclass(frozen=True)
class Call:
    """One request on its way through an endpoint."""

    request: Request
    params: Params
    name: str
    """The endpoint's path below the API (``pdf/convert/to/xlsx``)."""
    price: int
    start: float
    """``time.monotonic()`` when it arrived: PDF.co's ``duration`` counts from here."""


Handler = Callable[["PdfCoModel", Call], Response]


@dataclass(frozen=True)
class Endpoint:
    methods: tuple[str, ...] = ("GET", "POST")
    price: int = 0
    """Credits per call (the handler charges them)."""
    handler: Optional[Handler] = None
    operation: Optional[Operation] = None


def _table() -> dict[str, Endpoint]:
    from . import _files, _operations

    pages = {
        "xlsx": 10,
        "xls": 10,
        "csv": 28,
        "json": 28,
        "json2": 10,
        "text": 10,
        "text-simple": 5,
        "html": 21,
        "xml": 10,
    }
    # Formats PDF.co can return in the answer's `body` with inline=true (never xls/xlsx).
    inline = {"csv", "json", "json2", "text", "text-simple", "html", "xml"}
    table = {
        "file/upload/get-presigned-url": Endpoint(price=7, handler=_files.presigned),
        "file/upload": Endpoint(("POST",), price=11, handler=_files.upload),
        "file/upload/base64": Endpoint(("POST",), price=21, handler=_files.upload_base64),
        "file/upload/url": Endpoint(price=11, handler=_files.upload_url),
        "file/delete": Endpoint(price=7, handler=_files.delete),
        "job/check": Endpoint(price=2, handler=_operations.job_check),
        "account/credit/balance": Endpoint(price=2, handler=_operations.balance),
        "pdf/info": Endpoint(operation=Operation("info", per_call=5, answer="info", checks=())),
    }
    for fmt, rate in pages.items():
        operation = Operation("convert", per_page=rate, fmt=fmt, inline=fmt in inline)
        table[f"pdf/convert/to/{fmt}"] = Endpoint(operation=operation)
    return table


#: Every endpoint by its path below ``/v1/``.
ENDPOINTS: Mapping[str, Endpoint] = _table()

#: The output formats of ``pdf/convert/to/{format}``.
CONVERSIONS: tuple[str, ...] = tuple(
    e.operation.fmt for e in ENDPOINTS.values() if e.operation and e.operation.fmt
)

#: Credits per call, by endpoint path below ``/v1/`` (the endpoints priced per call).
CALL_CREDITS: Mapping[str, int] = {
    name: e.price or (e.operation.per_call if e.operation else 0)
    for name, e in ENDPOINTS.items()
    if e.price or (e.operation and e.operation.per_call)
}

#: Credits per converted page, by output format.
PAGE_CREDITS: Mapping[str, int] = {
    e.operation.fmt: e.operation.per_page
    for e in ENDPOINTS.values()
    if e.operation and e.operation.fmt
}
