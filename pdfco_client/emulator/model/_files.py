"""File endpoints: presigned upload URL, multipart/base64/URL uploads, delete."""

from __future__ import annotations

import base64
import binascii
import io
from typing import TYPE_CHECKING, Any

from ._endpoints import Call
from ._params import ParamError
from ._settings import FILE_LIFETIME, PUT_URL_LIFETIME
from ._storage import safe_name
from ._wire import Response, json_response

if TYPE_CHECKING:
    from ._model import PdfCoModel

__all__ = ["delete", "presigned", "upload", "upload_base64", "upload_url"]


def _envelope(model: PdfCoModel, call: Call, remaining: int) -> dict[str, Any]:
    """The fields every file answer ends with, as PDF.co documents them (§3.1-3.6)."""
    return {
        "error": False,
        "status": 200,
        "credits": call.price,
        "remainingCredits": remaining,
        "duration": model.ms(call.start),
    }


def _stored(model: PdfCoModel, call: Call, name: str, object_id: str, ttl: int) -> Response:
    # Charged once stored: a file that cannot be stored (413, 507) costs nothing, and one the
    # account cannot pay for is not kept.
    try:
        remaining = model.charge(call.price)
    except ParamError:
        model.state.delete_object(object_id)
        raise
    return json_response(
        {
            "url": model.signer.url("GET", object_id, name, ttl),
            "name": name,
            **_envelope(model, call, remaining),
            "outputLinkValidTill": model.iso_in(ttl),
        }
    )


def presigned(model: PdfCoModel, call: Call) -> Response:
    """``GET /v1/file/upload/get-presigned-url``: a PUT URL and the GET URL of the same object."""
    name = safe_name(call.params.get_str("name"), "file")
    remaining = model.charge(call.price)
    slot = model.state.reserve_upload(
        name, call.params.get_str("contenttype"), PUT_URL_LIFETIME, FILE_LIFETIME
    )
    # The documented fields (§3.1): the captured example lacks credits, duration and
    # outputLinkValidTill, which the docs list; a client may read any of them.
    return json_response(
        {
            "presignedUrl": model.signer.url("PUT", slot.object_id, name, PUT_URL_LIFETIME),
            "url": model.signer.url("GET", slot.object_id, name, FILE_LIFETIME),
            "name": name,
            **_envelope(model, call, remaining),
            "outputLinkValidTill": model.iso_in(FILE_LIFETIME),
        }
    )


def upload(model: PdfCoModel, call: Call) -> Response:
    """``POST /v1/file/upload``: multipart field ``file``."""
    part = next((f for key, f in call.request.files.items() if key.lower() == "file"), None)
    if part is None:
        raise ParamError("Multipart field 'file' is required")
    name = safe_name(call.params.get_str("name") or part.filename, "file")
    object_id = model.store(name, part.content_type, part.stream, None, FILE_LIFETIME)
    return _stored(model, call, name, object_id, FILE_LIFETIME)


def upload_base64(model: PdfCoModel, call: Call) -> Response:
    """``POST /v1/file/upload/base64``: ``file`` as base64 or a data URI."""
    encoded = call.params.require_str("file")
    if encoded.startswith("data:") and "," in encoded:
        encoded = encoded.split(",", 1)[1]
    try:
        data = base64.b64decode("".join(encoded.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ParamError("Parameter 'file' is not valid base64") from exc
    if len(data) > model.settings.max_upload_bytes:
        raise ParamError("File is too large", 413)
    ttl = model.expiration(call.params)
    name = safe_name(call.params.get_str("name"), "file")
    object_id = model.store(name, "application/octet-stream", io.BytesIO(data), len(data), ttl)
    return _stored(model, call, name, object_id, ttl)


def upload_url(model: PdfCoModel, call: Call) -> Response:
    """``GET|POST /v1/file/upload/url``: copy a file from storage or a URL the face can read."""
    source = model.source(call.params)
    name = safe_name(call.params.get_str("name"), source.name)
    data = io.BytesIO(source.data)
    object_id = model.store(name, "application/octet-stream", data, len(source.data), FILE_LIFETIME)
    return _stored(model, call, name, object_id, FILE_LIFETIME)


def delete(model: PdfCoModel, call: Call) -> Response:
    """``POST /v1/file/delete``: ``url`` (or, as one official sample sends it, ``file``)."""
    url = call.params.get_str("url") or call.params.require_str("file")
    target = model.signer.object_of(url)
    if target is None:
        raise ParamError("Parameter 'url' is not a temporary file URL of this service")
    if model.state.get_object(target[0]) is None:
        raise ParamError("File not found", 404)
    remaining = model.charge(call.price)
    model.state.delete_object(target[0])
    return json_response(_envelope(model, call, remaining))
