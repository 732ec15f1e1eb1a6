"""What every API endpoint shares: the emulator's parts and the PDF.co response envelopes."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import IO, Any, Callable, Optional

from werkzeug.datastructures import Headers
from werkzeug.wrappers import Response

from ._faults import FaultPlan
from ._jobs import JobRunner
from ._params import ParamError, Params
from ._settings import MAX_EXPIRATION_MINUTES, Settings
from ._sources import SourceFile, fetch_source
from ._state import ObjectTooLargeError, State, StorageFullError, new_id
from ._storage import Signer

__all__ = ["Context", "iso", "ms"]

# werkzeug would send "441 UNKNOWN"; give PDF.co's own codes readable reason phrases.
_REASONS = {
    441: "Invalid Password",
    442: "Damaged Input",
    445: "Timeout",
    449: "Invalid Index Range",
    450: "Invalid Page Range",
}


def iso(epoch: float) -> str:
    """PDF.co's ``outputLinkValidTill`` format: ISO-8601 with the UTC offset."""
    return datetime.fromtimestamp(epoch, timezone.utc).isoformat()


def ms(start: float) -> int:
    """Milliseconds since ``start`` (a ``time.monotonic()`` value), PDF.co's ``duration``."""
    return int((time.monotonic() - start) * 1000)


@dataclass(frozen=True)
class Context:
    settings: Settings
    state: State
    signer: Signer
    faults: Callable[[], FaultPlan]
    runner: JobRunner

    def json(
        self, body: dict[str, Any], status: int = 200, headers: Optional[Headers] = None
    ) -> Response:
        reason = _REASONS.get(status)
        return Response(
            json.dumps(body),
            status=f"{status} {reason}" if reason else status,
            headers=headers,
            mimetype="application/json",
        )

    def error(
        self,
        status: int,
        message: str,
        *,
        force_http: bool = False,
        headers: Optional[Headers] = None,
    ) -> Response:
        """PDF.co's error body; HTTP status ``status`` too unless error_status_in_http is off."""
        http_status = status if (force_http or self.settings.error_status_in_http) else 200
        return self.json(
            {"error": True, "status": status, "message": message}, http_status, headers
        )

    def charge(self, cost: int) -> int:
        """Take ``cost`` credits and return the balance; 402 when the account cannot pay."""
        remaining = self.state.charge(cost)
        if remaining is None:
            raise ParamError("Not enough credits", 402)
        return remaining

    def expiration(self, params: Params) -> int:
        """The ``expiration`` parameter (minutes, default 60, capped at 24 h) in seconds."""
        return params.get_int("expiration", 60, minimum=1, maximum=MAX_EXPIRATION_MINUTES) * 60

    def source(self, params: Params) -> SourceFile:
        return fetch_source(
            params.require_str("url"),
            state=self.state,
            signer=self.signer,
            max_bytes=self.settings.max_upload_bytes,
        )

    def store(
        self, name: str, content_type: str, stream: IO[bytes], length: Optional[int], ttl: int
    ) -> str:
        """Store an upload under a new id; 413 over the size cap, 507 when storage is full."""
        object_id = new_id()
        try:
            self.state.store_stream(
                object_id,
                name,
                content_type,
                stream,
                max_bytes=self.settings.max_upload_bytes,
                ttl=ttl,
                length=length,
            )
        except ObjectTooLargeError as exc:
            raise ParamError(f"File is too large: {exc}", 413) from exc
        except StorageFullError as exc:
            raise ParamError(str(exc), 507) from exc
        return object_id
