"""The pydantic models of PDF.co's answers, and of what the one-call helpers return.

Models from the API share one configuration: snake_case attributes read from PDF.co's camelCase
fields, unknown fields kept (PDF.co adds fields over time), and loose about types where the
service is (``status`` is a number in some bodies and a string in others).
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel, to_pascal

from ._exceptions import InputValidationError
from ._logging import redact_url

if TYPE_CHECKING:  # pragma: no cover - typing only
    import pandas

    from ._tables import PageTable

__all__ = [
    "ConversionJob",
    "ConversionResult",
    "JobState",
    "JobStatus",
    "OutputFormat",
    "PdfCoModel",
    "PdfInfo",
    "PresignedUpload",
    "UploadedFile",
]


def _lenient(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    # A timestamp in a format we cannot read must not fail a whole, paid-for conversion.
    try:
        return handler(value)
    except ValidationError:
        return None


LenientDatetime = Annotated[Optional[datetime], WrapValidator(_lenient)]


class _RedactedURLRepr(BaseModel):
    """A model whose ``repr()``/``str()`` show URL fields as the logs do (:func:`redact_url`).

    Presigned URLs carry a signature that grants access to the file until it expires; a repr
    ends up in logs, tracebacks and bug reports. The fields themselves (attribute access,
    ``model_dump()``) keep the whole URL: they are for use.
    """

    def __repr_args__(self) -> Iterator[tuple[Optional[str], Any]]:
        for name, value in super().__repr_args__():
            if name is not None and name.lower().endswith("url") and isinstance(value, str):
                yield name, redact_url(value)
            else:
                yield name, value


class PdfCoModel(_RedactedURLRepr):
    """Base of every model read from a PDF.co answer."""

    # Validators are built when this module is imported (``import pdfco_client`` does not import
    # it; ``PdfCoClient`` does), not deferred with ``defer_build``: deferring moved pydantic's
    # one-time set-up (plugin discovery, schema machinery, ~5-10 ms) into the first API call.
    model_config = ConfigDict(alias_generator=to_camel, extra="allow", frozen=True)


class OutputFormat(str, enum.Enum):
    """Formats a PDF converts to: the last segment of ``/v1/pdf/convert/to/{format}``."""

    XLSX = "xlsx"
    XLS = "xls"
    CSV = "csv"
    JSON = "json"
    JSON2 = "json2"
    TEXT = "text"
    TEXT_SIMPLE = "text-simple"
    HTML = "html"
    XML = "xml"

    @property
    def supports_inline(self) -> bool:
        """PDF.co returns binary spreadsheets only as a link, never inline in ``body``."""
        return self not in (OutputFormat.XLSX, OutputFormat.XLS)

    @property
    def extension(self) -> str:
        """The usual file extension of this format's output."""
        return {"json2": "json", "text": "txt", "text-simple": "txt"}.get(self.value, self.value)

    @property
    def media_type(self) -> str:
        """The MIME type of this format's output."""
        return _MEDIA_TYPES[self.value]


_MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xls": "application/vnd.ms-excel",
    "csv": "text/csv",
    "json": "application/json",
    "json2": "application/json",
    "text": "text/plain",
    "text-simple": "text/plain",
    "html": "text/html",
    "xml": "application/xml",
}


class JobState(str, enum.Enum):
    """The states ``/v1/job/check`` reports."""

    WORKING = "working"
    SUCCESS = "success"
    FAILED = "failed"
    ABORTED = "aborted"
    #: Only reported with ``force=true`` for a job id PDF.co does not know.
    UNKNOWN = "unknown"

    @property
    def is_terminal(self) -> bool:
        """True once the job will not change any more."""
        return self is not JobState.WORKING


_KNOWN_STATES = frozenset(state.value for state in JobState)


class PresignedUpload(PdfCoModel):
    """Answer of ``GET /v1/file/upload/get-presigned-url``."""

    presigned_url: str
    """Where to ``PUT`` the bytes: a storage host, which must never see the API key."""
    url: str
    """Where the uploaded file will be readable; pass it to conversions."""
    name: Optional[str] = None
    credits: Optional[int] = None
    remaining_credits: Optional[int] = None


class UploadedFile(PdfCoModel):
    """A file stored in PDF.co's temporary storage, ready to be converted."""

    url: str
    """The file's URL, to pass as ``url`` to a conversion."""
    name: Optional[str] = None
    """The file name PDF.co stored it under."""
    size: Optional[int] = None
    """Bytes uploaded, when the client knows it."""
    remaining_credits: Optional[int] = None
    """The account balance after the upload."""
    credits: Optional[int] = None
    """Credits this call cost, when PDF.co says."""


class ConversionJob(PdfCoModel):
    """Answer to starting a conversion with ``async=true``."""

    job_id: str
    """The background job's id, for :meth:`~pdfco_client.PdfCoClient.check_job`."""
    url: Optional[str] = None
    """Where the output will be once the job succeeds (404 until then)."""
    name: Optional[str] = None
    page_count: Optional[int] = None
    credits: Optional[int] = None
    """Credits charged so far (the first page; the rest is charged when the job succeeds)."""
    remaining_credits: Optional[int] = None
    duration: Optional[float] = None
    """Milliseconds PDF.co spent on the request."""
    output_link_valid_till: LenientDatetime = None


class JobStatus(PdfCoModel):
    """Answer of ``/v1/job/check``."""

    status: JobState
    """The state, with any state this client does not know read as ``working``."""
    status_text: str = ""
    """The state exactly as PDF.co spelled it."""
    job_id: Optional[str] = None
    message: Optional[str] = None
    url: Optional[str] = None
    """The result's URL, on success."""
    page_count: Optional[int] = None
    credits: Optional[int] = None
    remaining_credits: Optional[int] = None
    duration: Optional[float] = None
    job_duration: Optional[float] = None
    output_link_valid_till: LenientDatetime = None
    error: Optional[bool] = None
    error_code: Optional[int] = None

    @model_validator(mode="before")
    @classmethod
    def _keep_raw_status(cls, data: Any) -> Any:
        if isinstance(data, dict) and "status" in data and "statusText" not in data:
            return {**data, "statusText": str(data["status"])}
        return data

    @field_validator("status", mode="before")
    @classmethod
    def _tolerate_new_states(cls, value: Any) -> Any:
        # PDF.co may add states (a queue, say). Reading one as "working" keeps the wait going
        # until the deadline instead of crashing on a job that is most likely still running.
        if isinstance(value, str):
            normalised = value.strip().lower()
            return normalised if normalised in _KNOWN_STATES else JobState.WORKING.value
        return value


class PdfInfo(BaseModel):
    """The ``info`` object of ``/v1/pdf/info``: PascalCase fields, kept as PDF.co sends them."""

    model_config = ConfigDict(alias_generator=to_pascal, extra="allow", frozen=True)

    page_count: int
    encrypted: Optional[bool] = None
    author: Optional[str] = None
    title: Optional[str] = None
    subject: Optional[str] = None
    keywords: Optional[str] = None
    creator: Optional[str] = None
    producer: Optional[str] = None
    creation_date: Optional[str] = None
    """As PDF.co prints it (``8/15/2001 2:50:36 PM`` in its documented example), unparsed."""
    modification_date: Optional[str] = None
    encryption_algorithm: Optional[Union[int, str]] = None
    """A number in PDF.co's documented example (``0`` when not encrypted; the enum behind it is
    undocumented), a name in older answers: kept as sent."""
    page_rectangle: Optional[dict[str, Any]] = None
    """``Width``, ``Height`` and the rest as PDF.co sends them (``Size`` is a ``"612, 792"``
    string in its documented example)."""

    @field_validator(
        "author",
        "title",
        "subject",
        "keywords",
        "creator",
        "producer",
        "creation_date",
        "modification_date",
        mode="before",
    )
    @classmethod
    def _text(cls, value: Any) -> Any:
        # A number where text is expected (a bare year as a title, say) is still that text.
        return (
            str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value
        )


class ConversionResult(_RedactedURLRepr):
    """What a one-call conversion (``convert_pdf_to_xlsx`` and friends) returns."""

    model_config = ConfigDict(frozen=True)

    output_path: Optional[Path]
    """Where the result was written, or ``None`` when no ``output`` was asked for."""
    url: str
    """The result's URL on PDF.co's storage (valid for ``expiration`` minutes)."""
    job_id: str
    page_count: Optional[int]
    credits: int
    """Credits spent by the calls this conversion made, as PDF.co reported them in ``credits``
    fields (PDF.co's ``working`` job-check answers report none, though each costs 2)."""
    remaining_credits: Optional[int]
    """The account balance after the last call."""
    duration: float
    """Seconds the whole call took."""
    output_format: OutputFormat

    def tables(self) -> list[PageTable]:
        """The tables of the result written to ``output_path`` (CSV, JSON or XLSX), one per page,
        numbers parsed; see :func:`pdfco_client.read_tables`.

        Raises :class:`InputValidationError` when nothing was written (no ``output=``) or the
        format holds no tables (text, HTML, XML).
        """
        from ._tables import read_tables

        if self.output_path is None:
            raise InputValidationError(
                "the result was not downloaded (no output=): read it with read_tables(bytes)",
                parameter="output",
            )
        return read_tables(self.output_path, format=self.output_format.extension)

    def to_dataframes(self, *, header: bool = False) -> list[pandas.DataFrame]:
        """:meth:`tables` as pandas DataFrames (needs the ``pandas`` extra)."""
        from ._tables import to_dataframes

        return to_dataframes(self.tables(), header=header)
