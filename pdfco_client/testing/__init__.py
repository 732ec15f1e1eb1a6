"""Test applications that use ``PdfCoClient`` without an account or a network.

Install with ``pip install 'pdfco-client[testing]'``.

- :func:`mock_pdfco` fakes the whole API in memory, statefully, on ``responses``: presigned
  uploads, conversions, jobs that go ``working`` then ``success``, downloads of small real
  result files, credits; and failures on demand (:meth:`PdfCoMock.fail_next`,
  :meth:`PdfCoMock.job_outcome`). It records every call and never lets one reach the network.
- :data:`RECORDED_RESPONSES` holds PDF.co's documented answers, for tests of your own.
- The pytest plugin (loaded automatically once the package is installed) provides the fixtures
  ``pdfco_mock`` (the mock) and ``pdfco_emulator`` (the real emulator on loopback, for the
  whole session; it needs ``pdfco-client[emulator]``).

``responses`` is imported only when a mock starts, so this package imports without it.
"""

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
from ._results import RESULT_TABLE

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
