"""The public surface: ``pdfco_client.__all__`` pinned, every name importable, typed."""

from __future__ import annotations

import builtins
import importlib
import inspect
from pathlib import Path

import pdfco_client

EXPECTED = [
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
    "DEFAULT_BASE_URL",
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
