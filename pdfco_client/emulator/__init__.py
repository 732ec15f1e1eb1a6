"""A local, stateful PDF.co v1 API for tests and offline runs.

Install with ``pip install pdfco-client[emulator]``.

``with Emulator() as emu:`` serves the API on ``emu.base_url`` (loopback, a free port) with an
S3-like storage host beside it; :class:`FaultPlan` and :class:`Fault` script failures. The
``pdfco-emulator`` command runs the same server from a shell.

The package is three layers: ``model`` (PDF.co itself: accounts, files, jobs, endpoints, faults,
the call record; no sockets), ``engine`` (what converts: ``canned`` or ``real``) and
``transports`` (the loopback WSGI server). The testing mock (``pdfco_client.testing``) serves the
same model in process. Importing this package loads neither werkzeug nor a PDF library: the
emulator imports them when it starts.
"""

from ._server import Emulator
from .model import (
    CALL_CREDITS,
    PAGE_CREDITS,
    Fault,
    FaultPlan,
    FaultSpecError,
    RecordedRequest,
    parse_fault_spec,
)

#: The prices the emulator and the mock charge: credits per call, by endpoint.
CREDIT_COSTS = CALL_CREDITS

__all__ = [
    "CREDIT_COSTS",
    "PAGE_CREDITS",
    "Emulator",
    "Fault",
    "FaultPlan",
    "FaultSpecError",
    "RecordedRequest",
    "parse_fault_spec",
]
