"""A local, stateful PDF.co v1 API for tests and offline runs.

Install with ``pip install pdfco-client[emulator]``.

``with Emulator() as emu:`` serves the API on ``emu.base_url`` (loopback, a free port) with an
S3-like storage host beside it; :class:`FaultPlan` and :class:`Fault` script failures. The
``pdfco-emulator`` command runs the same server from a shell.
"""

from ._faults import Fault, FaultPlan, FaultSpecError, parse_fault_spec
from ._recording import RecordedRequest
from ._server import Emulator
from ._state import CREDIT_COSTS, PAGE_CREDITS

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
