"""pdfco_client: a typed, synchronous client for the PDF.co Web API.

>>> from pdfco_client import PdfCoClient
>>> with PdfCoClient() as client:  # doctest: +SKIP
...     result = client.convert_pdf_to_xlsx("report.pdf", output="report.xlsx")
"""

from ._batch import BatchResult, BatchRun, OutputPlanner
from ._client import ConversionOptions, PdfCoClient
from ._config import (
    DEFAULT_BASE_URL,
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
    ServerError,
)
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
from ._schedule import PollPolicy, PollPreset
from ._version import __version__

__all__ = [
    "DEFAULT_BASE_URL",
    "ENV_API_KEY",
    "ENV_BASE_URL",
    "ENV_LOG",
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AuthenticationError",
    "BatchResult",
    "BatchRun",
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
    "PdfCoClient",
    "PdfCoError",
    "PdfInfo",
    "PollPolicy",
    "PollPreset",
    "ProcessingTimeoutError",
    "ProgressCallback",
    "ProgressEvent",
    "RateLimitError",
    "RetryScheduled",
    "ServerError",
    "UploadProgress",
    "UploadedFile",
    "__version__",
]
