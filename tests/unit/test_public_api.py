"""The public surface: ``pdfco_client.__all__`` pinned, every name importable, typed."""

from __future__ import annotations

import builtins
import importlib
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

import pdfco_client

EXPECTED = [
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
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_API_RESPONSE_BYTES",
    "DEFAULT_MAX_DOWNLOAD_BYTES",
    "DownloadProgress",
    "ENV_API_KEY",
    "ENV_BASE_URL",
    "ENV_LOG",
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


def test_all_is_pinned() -> None:
    assert sorted(pdfco_client.__all__) == EXPECTED
    assert len(set(pdfco_client.__all__)) == len(pdfco_client.__all__)


def test_every_public_name_is_importable() -> None:
    module = importlib.import_module("pdfco_client")
    for name in EXPECTED:
        assert getattr(module, name) is not None, name


def test_public_classes_say_they_are_public() -> None:
    for name in EXPECTED:
        value = getattr(pdfco_client, name)
        if inspect.isclass(value):
            assert value.__module__.startswith("pdfco_client"), name
            assert value.__doc__, name


def test_every_error_is_a_pdfco_error_and_none_shadows_a_builtin() -> None:
    errors = [getattr(pdfco_client, n) for n in EXPECTED if n.endswith("Error")]
    assert all(issubclass(error, pdfco_client.PdfCoError) for error in errors)
    assert not {error.__name__ for error in errors} & set(dir(builtins))


def test_constants() -> None:
    assert pdfco_client.DEFAULT_BASE_URL == "https://api.pdf.co/v1"
    assert (pdfco_client.ENV_API_KEY, pdfco_client.ENV_BASE_URL, pdfco_client.ENV_LOG) == (
        "PDFCO_API_KEY",
        "PDFCO_BASE_URL",
        "PDFCO_LOG",
    )
    assert isinstance(pdfco_client.__version__, str)
    assert pdfco_client.__version__


def test_the_package_is_marked_typed() -> None:
    assert (Path(pdfco_client.__file__).parent / "py.typed").is_file()


def test_importing_the_package_loads_no_dependency() -> None:
    # What `import pdfco_client` costs is what it loads: the client's dependencies come with the
    # first use of a name that needs them (checked in a fresh interpreter; nothing is timed).
    code = (
        "import sys, pdfco_client\n"
        "heavy = [m for m in ('requests', 'pydantic', 'tenacity', 'urllib3') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "from pdfco_client import PdfCoClient, JobState\n"
        "assert 'requests' in sys.modules and 'pydantic' in sys.modules\n"
        "assert pdfco_client.PdfCoClient is PdfCoClient\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_lazy_names_are_listed_and_unknown_names_are_attribute_errors() -> None:
    assert set(EXPECTED) <= set(dir(pdfco_client))
    with pytest.raises(AttributeError, match="no attribute 'NoSuchName'"):
        pdfco_client.NoSuchName  # noqa: B018
