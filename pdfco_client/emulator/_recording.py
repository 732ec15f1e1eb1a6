"""A bounded log of the requests the emulator saw, for tests to inspect.

The API key's value is never kept: a record says whether ``x-api-key`` was present and whether it
was the emulator's key. Storage requests that carried the header are the "key leaks" a client
must not commit (the storage host is a third party on the real service).
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
    """``api`` or ``storage``."""
    method: str
    path: str
    endpoint: str
    """The request's name as fault rules see it (``job/check``, ``storage-put``, ...)."""
    host: str
    headers: Mapping[str, str]
    """Request headers, names lower-cased, any ``x-api-key`` value replaced by ``***``."""
    api_key_present: bool
    api_key_valid: bool
    status: Optional[int] = field(default=None, compare=False)
    """HTTP status sent back, when the request got that far."""


class RequestLog:
    """Thread-safe ring buffer of :class:`RecordedRequest` plus the storage key leaks."""

    def __init__(self, capacity: int = 1000) -> None:
        self._lock = threading.Lock()
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
        api_key: str,
        status: Optional[int],
    ) -> RecordedRequest:
        sent_key = next((v for k, v in headers.items() if k.lower() == "x-api-key"), None)
        masked = {k.lower(): (_MASK if k.lower() == "x-api-key" else v) for k, v in headers.items()}
        entry = RecordedRequest(
            server=server,
            method=method,
            path=path,
            endpoint=endpoint,
            host=host,
            headers=masked,
            api_key_present=sent_key is not None,
            api_key_valid=sent_key == api_key,
            status=status,
        )
        with self._lock:
            self._requests.append(entry)
            if server == "storage" and sent_key is not None:
                self._leaks.append(entry)
        return entry

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
