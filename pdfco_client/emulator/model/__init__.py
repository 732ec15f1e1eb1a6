"""The model of PDF.co: accounts and credits, files and storage, jobs, endpoints, faults, record.

It takes neutral requests and returns neutral responses (``_wire``) and never touches a socket,
so one model serves both faces: the emulator over loopback (``..transports``) and the testing
mock in process (``pdfco_client.testing``). Neither werkzeug nor any PDF library is imported
here; the engine that does the work is given to the model (``..engine``).

- ``_model``: :class:`PdfCoModel`, one request in, one answer out;
- ``_endpoints``: the endpoint table, with prices; ``_files`` and ``_operations`` answer them;
- ``_state``: credits, stored files, jobs; ``_storage``: the S3 look-alike host and its signer;
- ``_faults``: fault plans; ``_record``: the call record; ``_params``: PDF.co's parameters;
- ``_sources`` and ``_callbacks``: what the model fetches and calls, by each face's rules.
"""

from ._endpoints import CALL_CREDITS, CONVERSIONS, ENDPOINTS, PAGE_CREDITS, Endpoint, Operation
from ._faults import Fault, FaultPlan, FaultSpecError, load_fault_plan, parse_fault_spec
from ._jobs import InlineRunner, JobRunner
from ._model import PdfCoModel
from ._record import RecordedRequest, RequestLog
from ._settings import Settings
from ._sources import fetch_loopback, placeholder_source
from ._state import Clock, Job, State, StoredObject, new_id
from ._storage import Signer
from ._wire import Request, Response, Upload, parse_multipart

__all__ = [
    "CALL_CREDITS",
    "CONVERSIONS",
    "ENDPOINTS",
    "PAGE_CREDITS",
    "Clock",
    "Endpoint",
    "Fault",
    "FaultPlan",
    "FaultSpecError",
    "InlineRunner",
    "Job",
    "JobRunner",
    "Operation",
    "PdfCoModel",
    "RecordedRequest",
    "Request",
    "RequestLog",
    "Response",
    "Settings",
    "Signer",
    "State",
    "StoredObject",
    "Upload",
    "fetch_loopback",
    "load_fault_plan",
    "new_id",
    "parse_fault_spec",
    "parse_multipart",
    "placeholder_source",
]
