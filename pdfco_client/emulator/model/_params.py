"""Request parameters as PDF.co reads them: query string, JSON or form body, any name casing.

The official samples send the same parameter as ``jobid`` and ``jobId``, and booleans as Python's
``True``; the service accepts all of it, so names are matched case-insensitively and booleans are
read from JSON booleans or the strings ``true``/``false``/``1``/``0`` in any case.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Optional
from urllib.parse import parse_qsl

from ._wire import Request

__all__ = ["ParamError", "Params"]

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}


class ParamError(Exception):
    """A request the emulator refuses with a PDF.co error body (400 unless told otherwise)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class Params:
    """Case-insensitive, read-only view of a request's parameters (body wins over query)."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._values = {str(key).lower(): value for key, value in values.items()}

    @classmethod
    def from_request(cls, request: Request) -> Params:
        """Merge the query string with a JSON, form-encoded or multipart body.

        Raises :class:`ParamError` for a body that is not valid JSON or not a JSON object.
        """
        values: dict[str, Any] = {key.lower(): value for key, value in request.query.items()}
        if request.method in ("POST", "PUT"):
            kind = request.content_type
            if kind == "application/json" or kind.endswith("+json"):
                if request.body.strip():
                    try:
                        body = json.loads(request.body)
                    except ValueError as exc:  # also Python's int-digit limit
                        raise ParamError(f"Malformed JSON body: {exc}") from exc
                    except RecursionError:
                        raise ParamError("Malformed JSON body: nested too deeply") from None
                    if not isinstance(body, dict):
                        raise ParamError("The JSON body must be an object")
                    values.update({str(key).lower(): value for key, value in body.items()})
            elif kind == "application/x-www-form-urlencoded":
                text = request.body.decode("utf-8", "replace")
                values.update({k.lower(): v for k, v in parse_qsl(text, keep_blank_values=True)})
            else:
                values.update({key.lower(): value for key, value in request.form.items()})
        return cls(values)

    def __contains__(self, name: str) -> bool:
        return name.lower() in self._values

    def get_str(self, name: str, default: Optional[str] = None) -> Optional[str]:
        """The parameter as text; ``None`` and empty strings count as absent."""
        value = self._values.get(name.lower())
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (dict, list)):
            return json.dumps(value)
        return str(value)

    def require_str(self, name: str) -> str:
        value = self.get_str(name)
        if value is None:
            raise ParamError(f"Parameter '{name}' is required")
        return value

    def get_bool(self, name: str, default: bool = False) -> bool:
        value = self._values.get(name.lower())
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)):
            return value != 0
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False if text else default
        raise ParamError(f"Parameter '{name}' must be a boolean (true or false), not {value!r}")

    def get_int(self, name: str, default: int, *, minimum: int, maximum: int) -> int:
        """An integer parameter, clamped to ``maximum``; below ``minimum`` is an error."""
        value = self._values.get(name.lower())
        if value is None or value == "":
            return default
        try:
            number = int(str(value).strip()) if not isinstance(value, int) else value
        except ValueError as exc:
            raise ParamError(f"Parameter '{name}' must be an integer, not {value!r}") from exc
        if isinstance(number, bool) or number < minimum:
            raise ParamError(f"Parameter '{name}' must be at least {minimum}")
        return min(number, maximum)
