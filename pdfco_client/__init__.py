"""pdfco_client: a typed, synchronous client for the PDF.co Web API.

>>> from pdfco_client import PdfCoClient
>>> with PdfCoClient() as client:  # doctest: +SKIP
...     result = client.convert_pdf_to_xlsx("report.pdf", output="report.xlsx")

``import pdfco_client`` loads only the exceptions and the named constants: each other public
name is imported from its module the first time it is used (``from pdfco_client import X``
included), so a program that imports the package and never converts does not pay for requests,
pydantic and tenacity. Type checkers see ordinary imports (the ``TYPE_CHECKING`` block).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._config import (
    DEFAULT_BASE_URL,
    DEFAULT_MAX_API_RESPONSE_BYTES,
    DEFAULT_MAX_DOWNLOAD_BYTES,
    ENV_API_KEY,
    ENV_BASE_URL,
    ENV_LOG,
)
from ._exceptions import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    ConfigurationError,
    ConversionCancelledError,
    IncompleteDownloadError,
    InputValidationError,
    InsufficientCreditsError,
    InvalidInputError,
    InvalidPasswordError,
    JobFailedError,
    JobTimeoutError,
    MalformedResponseError,
    NotFoundError,
    OutcomeUnknownError,
    OutputWriteError,
    PdfCoError,
    ProcessingTimeoutError,
    RateLimitError,
    ResponseTooLargeError,
    ServerError,
    UnsafeURLError,
)
from ._schedule import PollPolicy, PollPreset
from ._version import __version__

if TYPE_CHECKING:
    from ._batch import BatchResult, BatchRun, OutputPlanner
    from ._client import ConversionOptions, PdfCoClient
    from ._models import (
        ConversionJob,
        ConversionResult,
        JobState,
        JobStatus,
        OutputFormat,
        PdfInfo,
        UploadedFile,
    )
    from ._progress import (
        DownloadProgress,
        JobStarted,
        JobStateChanged,
        ProgressCallback,
        ProgressEvent,
        RetryScheduled,
        UploadProgress,
    )
    from ._split import SplitPlan, SplitResult
    from ._tables import CellRange, CellValue, PageTable, read_tables, to_dataframes

#: The public names imported on first use, and the module each one lives in.
_LAZY = {
    "BatchResult": "._batch",
    "BatchRun": "._batch",
    "OutputPlanner": "._batch",
    "ConversionOptions": "._client",
    "PdfCoClient": "._client",
    "ConversionJob": "._models",
    "ConversionResult": "._models",
    "JobState": "._models",
    "JobStatus": "._models",
    "OutputFormat": "._models",
    "PdfInfo": "._models",
    "UploadedFile": "._models",
    "DownloadProgress": "._progress",
    "JobStarted": "._progress",
    "JobStateChanged": "._progress",
    "ProgressCallback": "._progress",
    "ProgressEvent": "._progress",
    "RetryScheduled": "._progress",
    "UploadProgress": "._progress",
    "SplitPlan": "._split",
    "SplitResult": "._split",
    "CellRange": "._tables",
    "CellValue": "._tables",
    "PageTable": "._tables",
    "read_tables": "._tables",
    "to_dataframes": "._tables",
}


def __getattr__(name: str) -> Any:
    # PEP 562. The one piece of module magic in the package, kept to this lookup: it makes the
    # import cheap without changing what any name is.
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_API_RESPONSE_BYTES",
    "DEFAULT_MAX_DOWNLOAD_BYTES",
    "ENV_API_KEY",
    "ENV_BASE_URL",
    "ENV_LOG",
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AuthenticationError",
    "BatchResult",
    "BatchRun",
    "CellRange",
    "CellValue",
    "ConfigurationError",
    "ConversionCancelledError",
    "ConversionJob",
    "ConversionOptions",
    "ConversionResult",
    "DownloadProgress",
    "IncompleteDownloadError",
    "InputValidationError",
    "InsufficientCreditsError",
    "InvalidInputError",
    "InvalidPasswordError",
    "JobFailedError",
    "JobStarted",
    "JobState",
    "JobStateChanged",
    "JobStatus",
    "JobTimeoutError",
    "MalformedResponseError",
    "NotFoundError",
    "OutcomeUnknownError",
    "OutputFormat",
    "OutputPlanner",
    "OutputWriteError",
    "PageTable",
    "PdfCoClient",
    "PdfCoError",
    "PdfInfo",
    "PollPolicy",
    "PollPreset",
    "ProcessingTimeoutError",
    "ProgressCallback",
    "ProgressEvent",
    "RateLimitError",
    "ResponseTooLargeError",
    "RetryScheduled",
    "ServerError",
    "SplitPlan",
    "SplitResult",
    "UnsafeURLError",
    "UploadProgress",
    "UploadedFile",
    "__version__",
    "read_tables",
    "to_dataframes",
]
