"""pdfco_client: a typed, synchronous client for the PDF.co Web API.

>>> from pdfco_client import PdfCoClient
>>> with PdfCoClient() as client:  # doctest: +SKIP
...     result = client.convert_pdf_to_xlsx("report.pdf", output="report.xlsx")
"""

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
    "ConfigurationError",
    "ConversionJob",
    "ConversionOptions",
    "ConversionResult",
    "IncompleteDownloadError",
    "InputValidationError",
    "InsufficientCreditsError",
    "InvalidInputError",
    "InvalidPasswordError",
    "JobFailedError",
    "JobState",
    "JobStatus",
    "JobTimeoutError",
    "MalformedResponseError",
    "NotFoundError",
    "OutcomeUnknownError",
    "OutputFormat",
    "PdfCoClient",
    "PdfCoError",
    "PdfInfo",
    "ProcessingTimeoutError",
    "RateLimitError",
    "ServerError",
    "UploadedFile",
    "__version__",
]
