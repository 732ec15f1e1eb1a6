"""Fault injection: a seeded, thread-safe plan of failures the emulator produces on demand.

A :class:`FaultPlan` holds :class:`Fault` rules. Each rule has a *kind* (what goes wrong) and a
*target* (which requests it hits):

- ``endpoint``: a request name (``job/check``, ``pdf/convert/to/xlsx``, ``storage-get``,
  ``storage-put``, or ``storage`` for both), a prefix of one on a segment boundary
  (``pdf/convert`` for every conversion) or a path suffix (``xlsx``); ``None`` matches every
  request.
- ``method``: only requests with this HTTP method (``None``: any).
- ``nth``: the rule starts firing at the n-th matching request (1-based); earlier ones pass.
- ``times``: it fires at most this many times (default 1 when ``nth`` is set, else no limit).
- ``probability``: each eligible request fires with this chance, drawn from the plan's
  ``random.Random(seed)`` under a lock, so a sequential run is reproducible.

Request faults (``http_error``, ``rate_limited``, ``error_body_200``, ``answer``, ``reset``,
``truncate``, ``slow``) act on the HTTP exchange; job faults (``job_outcome``) are consulted when an
async job is created and ``expired_result`` when a conversion result is stored. The in-process
mock builds its ``fail_next`` and ``job_outcome`` scripts from the same rules.

Command-line spec syntax (``pdfco-emulator --fault SPEC``): comma-separated ``key=value`` items,
optionally starting with a bare kind name::

    status=503,endpoint=job/check,times=3          -> Fault.http_error(503, ...)
    rate-limited,retry_after=2,nth=5               -> Fault.rate_limited(retry_after=2, nth=5)
    error-200,status=441,endpoint=pdf/convert/to/xlsx
    reset,endpoint=storage-get,probability=0.1
    truncate,endpoint=storage-get
    slow,seconds=2,endpoint=job/check
    job,outcome=failed,error_code=500               (outcome: failed | aborted | stuck | success)
    job,outcome=success,checks=5                    (5 checks answer working first)
    expired-result,endpoint=pdf/convert/to/csv

Keys: kind, status, retry_after, seconds, outcome, error_code, checks, message, endpoint,
method, nth, times, probability (and ``body``, a JSON object, for ``answer`` in a plan file).
Without a kind, ``status`` means http-error, ``retry_after`` rate-limited, ``seconds`` slow and
``outcome`` job. A JSON plan file (``--faults plan.json``) is
``{"seed": 7, "faults": [{"kind": "http_error", "status": 503, "times": 3}, ...]}``.
"""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Optional

__all__ = [
    "FAULT_KINDS",
    "JOB_OUTCOMES",
    "REQUEST_FAULT_KINDS",
    "Fault",
    "FaultPlan",
    "FaultSpecError",
    "load_fault_plan",
    "parse_fault_spec",
]

REQUEST_FAULT_KINDS = (
    "http_error",
    "rate_limited",
    "error_body_200",
    "answer",
    "reset",
    "truncate",
    "slow",
)
FAULT_KINDS = (*REQUEST_FAULT_KINDS, "job_outcome", "expired_result")
JOB_OUTCOMES = ("failed", "aborted", "stuck", "success")

# Spellings accepted on the command line, mapped to the canonical kind.
_KIND_ALIASES = {
    "http-error": "http_error",
    "error": "http_error",
    "rate-limited": "rate_limited",
    "rate-limit": "rate_limited",
    "error-200": "error_body_200",
    "error-body-200": "error_body_200",
    "reset": "reset",
    "truncate": "truncate",
    "slow": "slow",
    "job": "job_outcome",
    "job-outcome": "job_outcome",
    "expired-result": "expired_result",
    "expired": "expired_result",
    "answer": "answer",
}


class FaultSpecError(ValueError):
    """A fault specification (command line or JSON) that cannot be understood."""


@dataclass(frozen=True)
class Fault:
    """One rule of a :class:`FaultPlan`: what goes wrong, and on which requests.

    Build rules with the class methods (``Fault.http_error(503, endpoint="job/check", times=3)``);
    the fields are public so a plan can be printed and compared.
    """

    kind: str
    status: int = 0
    """HTTP/PDF.co status for ``http_error``, ``error_body_200`` and ``answer``."""
    retry_after: Optional[float] = None
    """Seconds sent in ``Retry-After`` by an error answer; ``None`` sends no header."""
    seconds: float = 0.0
    """Delay added by ``slow`` before the request is handled."""
    outcome: str = ""
    """``failed``, ``aborted``, ``stuck`` (stays ``working`` forever) or ``success``."""
    error_code: int = 500
    """``errorCode`` of a job failed by ``job_outcome``."""
    checks: Optional[int] = None
    """Job checks a ``job_outcome`` job answers ``working`` before it ends."""
    message: Optional[str] = None
    """Error message to send instead of the default one."""
    body: Any = field(default=None, compare=False)
    """What ``answer`` sends: a JSON object, or text (sent as XML when it starts with ``<``)."""
    exception: Optional[Exception] = field(default=None, compare=False)
    """What the in-process mock raises for a ``reset`` instead of a ``ConnectionError``."""
    endpoint: Optional[str] = None
    method: Optional[str] = None
    nth: Optional[int] = None
    times: Optional[int] = None
    probability: Optional[float] = None

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise FaultSpecError(f"unknown fault kind {self.kind!r}; expected one of {FAULT_KINDS}")
        if self.kind == "job_outcome" and self.outcome not in JOB_OUTCOMES:
            raise FaultSpecError(f"job outcome must be one of {JOB_OUTCOMES}, not {self.outcome!r}")
        if self.kind in ("http_error", "error_body_200") and not 400 <= self.status <= 599:
            raise FaultSpecError(f"fault status must be 400-599, not {self.status}")
        if self.kind == "answer" and not 100 <= self.status <= 599:
            raise FaultSpecError(f"an answer's status must be 100-599, not {self.status}")
        if self.checks is not None and self.checks < 0:
            raise FaultSpecError("checks must not be negative")
        if self.nth is not None and self.nth < 1:
            raise FaultSpecError("nth counts from 1")
        if self.times is not None and self.times < 1:
            raise FaultSpecError("times must be at least 1")
        if self.probability is not None and not 0.0 <= self.probability <= 1.0:
            raise FaultSpecError("probability must be between 0 and 1")
        if self.seconds < 0 or (self.retry_after is not None and self.retry_after < 0):
            raise FaultSpecError("durations cannot be negative")

    # Constructors, one per kind; the targeting keywords are the same for all of them.
    @classmethod
    def http_error(cls, status: int = 503, **target: Any) -> Fault:
        """Answer with ``status`` (a JSON error on the API, an S3 XML error on storage)."""
        return cls("http_error", status=status, **target)

    @classmethod
    def rate_limited(cls, retry_after: Optional[float] = None, **target: Any) -> Fault:
        """Answer 429, with a ``Retry-After`` header when ``retry_after`` is given."""
        return cls("rate_limited", retry_after=retry_after, **target)

    @classmethod
    def error_body_200(cls, status: int = 500, **target: Any) -> Fault:
        """Answer HTTP 200 with PDF.co's error body ``{"error": true, "status": status}``."""
        return cls("error_body_200", status=status, **target)

    @classmethod
    def answer(cls, status: int, body: Any, **target: Any) -> Fault:
        """Answer with ``body`` (a JSON object or text) and HTTP ``status``."""
        return cls("answer", status=status, body=body, **target)

    @classmethod
    def reset(cls, **target: Any) -> Fault:
        """Send the headers and part of the body, then reset the connection (TCP RST)."""
        return cls("reset", **target)

    @classmethod
    def truncate(cls, **target: Any) -> Fault:
        """Send a body shorter than its ``Content-Length``, then close the connection."""
        return cls("truncate", **target)

    @classmethod
    def slow(cls, seconds: float = 2.0, **target: Any) -> Fault:
        """Wait ``seconds`` before handling the request (other faults may still apply)."""
        return cls("slow", seconds=seconds, **target)

    @classmethod
    def job_outcome(cls, outcome: str, *, error_code: int = 500, **target: Any) -> Fault:
        """Make the next async job(s) end ``failed``, ``aborted``, ``success`` (after
        ``checks=N`` working checks) or stay ``working`` forever (``stuck``)."""
        return cls("job_outcome", outcome=outcome, error_code=error_code, **target)

    @classmethod
    def expired_result(cls, **target: Any) -> Fault:
        """Store the next conversion result(s) already expired: its URL answers 403."""
        return cls("expired_result", **target)

    def matches(self, name: str, path: str, method: str = "") -> bool:
        """Whether the rule targets a ``method`` request called ``name`` with URL path ``path``."""
        if self.method is not None and method and self.method.upper() != method.upper():
            return False
        if self.endpoint is None:
            return True
        wanted = self.endpoint.strip("/")
        if wanted in (name, path.strip("/")) or name.startswith(wanted + "/"):
            return True
        if wanted == "storage" and name.startswith("storage-"):
            return True
        return path.rstrip("/").endswith("/" + wanted)


@dataclass
class _RuleState:
    seen: int = 0
    fired: int = 0


@dataclass
class FaultPlan:
    """An ordered list of :class:`Fault` rules with their counters and a seeded random source.

    Thread-safe: the emulator consults it from many request threads. ``fired`` records
    ``(rule index, request name)`` for each firing, for tests that want to know what happened.
    """

    rules: Sequence[Fault] = ()
    seed: Optional[int] = None
    fired: list[tuple[int, str]] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        self.rules = tuple(self.rules)
        self._lock = threading.Lock()
        self._random = random.Random(self.seed)
        self._states = [_RuleState() for _ in self.rules]

    def add(self, rule: Fault) -> None:
        """Append a rule while the plan is in use (the mock's ``fail_next`` does)."""
        with self._lock:
            self.rules = (*self.rules, rule)
            self._states.append(_RuleState())

    def _fire(self, index: int, rule: Fault, name: str) -> bool:
        state = self._states[index]
        state.seen += 1
        start = rule.nth or 1
        limit = rule.times if rule.times is not None else (1 if rule.nth is not None else None)
        if state.seen < start or (limit is not None and state.fired >= limit):
            return False
        if rule.probability is not None and self._random.random() >= rule.probability:
            return False
        state.fired += 1
        if len(self.fired) < 10_000:  # bounded: a plan can live for hours
            self.fired.append((index, name))
        return True

    def _select(
        self, kinds: Sequence[str], name: str, path: str, method: str = "", first: bool = False
    ) -> list[Fault]:
        chosen = []
        with self._lock:
            for index, rule in enumerate(self.rules):
                if (
                    rule.kind in kinds
                    and rule.matches(name, path, method)
                    and self._fire(index, rule, name)
                ):
                    chosen.append(rule)
                    if first:
                        break
        return chosen

    def for_request(self, name: str, path: str, method: str = "") -> list[Fault]:
        """The request faults that fire for this request, in plan order."""
        return self._select(REQUEST_FAULT_KINDS, name, path, method)

    def for_job(self, name: str, path: str) -> Optional[Fault]:
        """The first ``job_outcome`` fault that fires for a new async job, if any."""
        chosen = self._select(("job_outcome",), name, path, first=True)
        return chosen[0] if chosen else None

    def result_expired(self, name: str, path: str) -> bool:
        """Whether a result produced by this request must be stored already expired."""
        return bool(self._select(("expired_result",), name, path))


_INT_KEYS = {"status", "error_code", "checks", "nth", "times"}
_FLOAT_KEYS = {"retry_after", "seconds", "probability"}
_FIELD_NAMES = {f.name for f in fields(Fault)}


def _fault_from_mapping(values: dict[str, Any]) -> Fault:
    values = {key.strip().lower().replace("-", "_"): value for key, value in values.items()}
    unknown = set(values) - _FIELD_NAMES
    if unknown:
        raise FaultSpecError(f"unknown fault key(s): {', '.join(sorted(unknown))}")
    kind = values.pop("kind", None)
    if kind is None:
        inferred = [
            ("outcome", "job_outcome"),
            ("seconds", "slow"),
            ("retry_after", "rate_limited"),
            ("status", "http_error"),
        ]
        kind = next((k for key, k in inferred if key in values), None)
        if kind is None:
            raise FaultSpecError("a fault needs a kind (e.g. reset, truncate, slow) or a status")
    kind = _KIND_ALIASES.get(str(kind).lower(), str(kind).lower())
    converted: dict[str, Any] = {}
    for key, value in values.items():
        try:
            if key in _INT_KEYS:
                converted[key] = int(value)
            elif key in _FLOAT_KEYS:
                converted[key] = float(value)
            elif key in ("body", "exception"):
                converted[key] = value
            else:
                converted[key] = str(value)
        except (TypeError, ValueError) as exc:
            raise FaultSpecError(f"fault key {key!r} has a bad value {value!r}") from exc
    if kind == "rate_limited":
        converted.setdefault("status", 429)
    return Fault(kind, **converted)


def parse_fault_spec(spec: str) -> Fault:
    """Parse a command-line fault spec such as ``status=503,endpoint=job/check,times=3``."""
    values: dict[str, Any] = {}
    for position, item in enumerate(part.strip() for part in spec.split(",")):
        if not item:
            continue
        key, sep, value = item.partition("=")
        if not sep:
            if position != 0:
                raise FaultSpecError(f"expected key=value in fault spec {spec!r}, got {item!r}")
            values["kind"] = key
        else:
            values[key] = value.strip()
    return _fault_from_mapping(values)


def load_fault_plan(
    path: Path, extra: Sequence[Fault] = (), seed: Optional[int] = None
) -> FaultPlan:
    """Read a JSON plan file (``{"seed": 7, "faults": [...]}``) and append ``extra`` rules."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FaultSpecError(f"cannot read fault plan {path}: {exc}") from exc
    if not isinstance(document, dict) or not isinstance(document.get("faults", []), list):
        raise FaultSpecError('a fault plan file is {"seed": N, "faults": [{...}, ...]}')
    rules = []
    for entry in document.get("faults", []):
        if not isinstance(entry, dict):
            raise FaultSpecError(f"each fault in {path} must be a JSON object")
        rules.append(_fault_from_mapping(entry))
    file_seed = document.get("seed")
    return FaultPlan(
        rules=[*rules, *extra],
        seed=seed if seed is not None else (int(file_seed) if file_seed is not None else None),
    )
