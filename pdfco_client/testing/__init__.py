"""Test applications that use ``PdfCoClient`` without an account or a network.

Install with ``pip install 'pdfco-client[testing]'``.

- :func:`mock_pdfco` serves PDF.co in process, statefully, on ``responses``: the same model of
  PDF.co as the emulator (presigned uploads, conversions, jobs that go ``working`` then
  ``success``, downloads, credits), with small real result files from the canned engine (or your
  own bytes, or the real engine), and failures on demand (:meth:`PdfCoMock.fail_next`,
  :meth:`PdfCoMock.job_outcome`). It records every call and never lets one reach the network.
- :data:`RECORDED_RESPONSES` holds PDF.co's documented answers, for tests of your own.
- The pytest plugin (loaded automatically once the package is installed) provides the fixtures
  ``pdfco_mock`` (the mock) and ``pdfco_emulator`` (the real emulator on loopback, for the
  whole session; it needs ``pdfco-client[emulator]``).

``responses`` is imported only when a mock starts, so this package imports without it; neither
werkzeug nor a PDF library is ever imported for the mock.
"""

from pdfco_client.emulator.engine.canned import RESULT_TABLE

from ._mock import (
    DEFAULT_MOCK_CREDITS,
    DEFAULT_SLOW_CHECKS,
    DEFAULT_STORAGE_URL,
    DEFAULT_WORKING_CHECKS,
    MOCK_CALL_CREDITS,
    MOCK_PAGE_CREDITS,
    MockCall,
    MockJob,
    PdfCoMock,
    StoredFile,
    UnexpectedRequestError,
    mock_pdfco,
)
from ._recorded import RECORDED_RESPONSES

__all__ = [
    "DEFAULT_MOCK_CREDITS",
    "DEFAULT_SLOW_CHECKS",
    "DEFAULT_STORAGE_URL",
    "DEFAULT_WORKING_CHECKS",
    "MOCK_CALL_CREDITS",
    "MOCK_PAGE_CREDITS",
    "RECORDED_RESPONSES",
    "RESULT_TABLE",
    "MockCall",
    "MockJob",
    "PdfCoMock",
    "StoredFile",
    "UnexpectedRequestError",
    "mock_pdfco",
]
