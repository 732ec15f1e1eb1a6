"""The call record: every request the model answered, for tests to inspect.

The emulator's log is a bounded ring and never keeps the API key's value (a record says whether
``x-api-key`` was present and whether it was the right key) nor bodies; the in-process mock keeps
everything, since the test that reads it owns the data anyway. Storage requests that carried the
header are the "key leaks" a client must not commit (the storage host is a third party on the real
service).
"""

from __future__ import annotations

import collections
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Optional

__all__ = ["RecordedRequest", "RequestLog"]

_MASK = "***"


@dataclass(frozen=True)
class RecordedRequest:
    server: str
    """``api`` or ``storage`` (``""`` for a request to neither, which only the mock sees)."""
    method: str
    path: str
    endpoint: str
    """The request's name as fault rules see it (``job/check``, ``storage-put``, ...)."""
    host: str
    headers: Mapping[str, str]
    """Request headers, names lower-cased; the emulator replaces an ``x-api-key`` with ``***``."""
    api_key_present: bool
    api_key_valid: bool
    status: Optional[int] = field(default=None, compare=False)
    """HTTP status sent back, or ``None`` when the exchange failed instead (an exception)."""
    url: str = field(default="", compare=False)
    """The full URL, when the log keeps bodies."""
    body: bytes = field(default=b"", repr=False, compare=False)
    """The request body, when the log keeps bodies (the mock's does)."""
    response_body: bytes = field(default=b"", repr=False, compare=False)


class RequestLog:
    """Thread-safe log of :class:`RecordedRequest` plus the storage key leaks.

    ``capacity`` bounds it (``None``: unbounded); ``keep_bodies`` keeps request and response
    bodies and the key's value, for the in-process mock.
    """

    def __init__(self, capacity: Optional[int] = 1000, *, keep_bodies: bool = False) -> None:
        self._lock = threading.Lock()
        self._keep = keep_bodies
        self._requests: collections.deque[RecordedRequest] = collections.deque(maxlen=capacity)
        self._leaks: collections.deque[RecordedRequest] = collections.deque(maxlen=capacity)

    def record(
        self,
        *,
        server: str,
        method: str,
        path: str,
        endpoint: str,
        host: str,
        headers: Mapping[str, str],
        api_key: Optional[str],
        status: Optional[int],
        url: str = "",
        body: bytes = b"",
        response_body: bytes = b"",
    ) -> RecordedRequest:
        sent_key = next((v for k, v in headers.items() if k.lower() == "x-api-key"), None)
        lowered = {k.lower(): v for k, v in headers.items()}
        if not self._keep and "x-api-key" in lowered:
            lowered["x-api-key"] = _MASK
        entry = RecordedRequest(
            server=server,
            method=method,
            path=path,
            endpoint=endpoint,
            host=host,
            headers=lowered,
            api_key_present=sent_key is not None,
            api_key_valid=sent_key is not None and sent_key == (api_key or sent_key),
            status=status,
            url=url if self._keep else "",  # a query can carry the key (``?x-api-key=``)
            body=body if self._keep else b"",
            response_body=response_body if self._keep else b"",
        )
        with self._lock:
            self._requests.append(entry)
            if server == "storage" and sent_key is not None:
                self._leaks.append(entry)
        return entry

    @property
    def keeps_bodies(self) -> bool:
        return self._keep

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    @property
    def leaks(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._leaks)

    def clear(self) -> None:
        with self._lock:
            self._requests.clear()
            self._leaks.clear()
