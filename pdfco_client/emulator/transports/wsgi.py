"""The model as a WSGI app: one per host (``api`` or ``storage``), on werkzeug.

The app reads what the model needs from the WSGI request (a JSON or form body in memory, a
multipart body spooled to the emulator's private directory past 500 KB, a storage PUT as a
stream) and sends the model's answer: bytes, a stored file streamed with ``wrap_file``, or a
broken answer for fault injection (``_serving``).
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from typing import Any, Callable, Optional

from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wrappers import Request as WsgiRequest
from werkzeug.wrappers import Response as WsgiResponse
from werkzeug.wsgi import wrap_file

from pdfco_client.emulator.model import PdfCoModel, Request, Response, Upload
from pdfco_client.emulator.model._wire import REASONS

from ._serving import reset_response, truncated_response

__all__ = ["ModelApp"]


class _SpooledRequest(WsgiRequest):
    # Multipart uploads spill to disk past 500 KB: keep them inside the emulator's private dir.
    spool_dir: Optional[str] = None

    def _get_file_stream(
        self,
        total_content_length: Optional[int],
        content_type: Optional[str],
        filename: Optional[str] = None,
        content_length: Optional[int] = None,
    ) -> Any:
        return tempfile.TemporaryFile("wb+", dir=self.spool_dir)


class ModelApp:
    """WSGI app of one host of the model: ``server`` is ``"api"`` or ``"storage"``."""

    def __init__(self, model: PdfCoModel, server: str) -> None:
        self._model = model
        self._server = server

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = _SpooledRequest(environ)
        # Base64 bodies are 4/3 of the file; allow that plus room for the other fields.
        cap = self._model.settings.max_upload_bytes * 4 // 3 + 64 * 1024
        request.max_content_length = cap
        request.max_form_memory_size = cap
        root = self._model.state.root
        request.spool_dir = None if root is None else str(root)
        try:
            answer = self._model.handle(self._neutral(request), self._server)
        finally:
            request.close()  # closes spooled multipart files; the body was consumed already
        return _wsgi_response(answer, environ)(environ, start_response)

    def _neutral(self, request: WsgiRequest) -> Request:
        neutral = Request(
            request.method,
            request.path,
            query=dict(request.args.items()),
            headers={k.lower(): v for k, v in request.headers.items()},
            url=request.url,
            content_length=request.content_length,
        )
        if self._server == "storage":
            return replace(neutral, stream=request.stream)
        try:
            if request.mimetype == "multipart/form-data":
                files = {
                    key: Upload(
                        part.filename, part.mimetype or "application/octet-stream", part.stream
                    )
                    for key, part in request.files.items()
                }
                return replace(neutral, form=dict(request.form.items()), files=files)
            return replace(neutral, body=request.get_data(cache=True))
        except HTTPException as exc:  # werkzeug's 413 for oversized bodies and the like
            return replace(neutral, refused=(exc.code or 400, exc.description or exc.name))


def _wsgi_response(answer: Response, environ: dict[str, Any]) -> WsgiResponse:
    reason = REASONS.get(answer.status) or HTTP_STATUS_CODES.get(answer.status, "UNKNOWN")
    if answer.file is not None:
        response = WsgiResponse(
            wrap_file(environ, answer.file),
            status=f"{answer.status} {reason}",
            headers=list(answer.headers.items()),
            direct_passthrough=True,
        )
    else:
        response = WsgiResponse(
            answer.body, status=f"{answer.status} {reason}", headers=list(answer.headers.items())
        )
    if answer.broken == "truncate":
        return truncated_response(response)
    if answer.broken == "reset":
        return reset_response(response, environ)
    return response
