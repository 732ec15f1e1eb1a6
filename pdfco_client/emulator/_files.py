"""File endpoints: presigned upload URL, multipart/base64/URL uploads, delete."""

from __future__ import annotations

import base64
import binascii
import io

from werkzeug.wrappers import Request, Response

from ._context import Context, iso, ms
from ._params import ParamError, Params
from ._settings import FILE_LIFETIME, PUT_URL_LIFETIME
from ._state import CREDIT_COSTS
from ._storage import safe_name

__all__ = ["delete", "presigned", "upload", "upload_base64", "upload_url"]


def _stored(
    ctx: Context, name: str, object_id: str, ttl: int, cost: int, start: float, remaining: int
) -> Response:
    return ctx.json(
        {
            "url": ctx.signer.url("GET", object_id, name, ttl),
            "error": False,
            "status": 200,
            "name": name,
            "credits": cost,
            "remainingCredits": remaining,
            "duration": ms(start),
            "outputLinkValidTill": iso(ctx.state.clock.now() + ttl),
        }
    )


def presigned(ctx: Context, request: Request, params: Params, start: float) -> Response:
    """``GET /v1/file/upload/get-presigned-url``: a PUT URL and the GET URL of the same object."""
    name = safe_name(params.get_str("name"), "file")
    cost = CREDIT_COSTS["file/upload/get-presigned-url"]
    remaining = ctx.charge(cost)
    slot = ctx.state.reserve_upload(
        name, params.get_str("contenttype"), PUT_URL_LIFETIME, FILE_LIFETIME
    )
    return ctx.json(
        {
            "presignedUrl": ctx.signer.url("PUT", slot.object_id, name, PUT_URL_LIFETIME),
            "url": ctx.signer.url("GET", slot.object_id, name, FILE_LIFETIME),
            "error": False,
            "status": 200,
            "name": name,
            "credits": cost,
            "remainingCredits": remaining,
            "duration": ms(start),
        }
    )


def upload(ctx: Context, request: Request, params: Params, start: float) -> Response:
    """``POST /v1/file/upload``: multipart field ``file``."""
    upload = next((f for key, f in request.files.items() if key.lower() == "file"), None)
    if upload is None:
        raise ParamError("Multipart field 'file' is required")
    name = safe_name(params.get_str("name") or upload.filename, "file")
    cost = CREDIT_COSTS["file/upload"]
    remaining = ctx.charge(cost)
    try:
        object_id = ctx.store(name, upload.mimetype, upload.stream, None, FILE_LIFETIME)
    except ParamError:
        ctx.state.refund(cost)
        raise
    return _stored(ctx, name, object_id, FILE_LIFETIME, cost, start, remaining)


def upload_base64(ctx: Context, request: Request, params: Params, start: float) -> Response:
    """``POST /v1/file/upload/base64``: ``file`` as base64 or a data URI."""
    encoded = params.require_str("file")
    if encoded.startswith("data:") and "," in encoded:
        encoded = encoded.split(",", 1)[1]
    try:
        data = base64.b64decode("".join(encoded.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ParamError("Parameter 'file' is not valid base64") from exc
    if len(data) > ctx.settings.max_upload_bytes:
        raise ParamError("File is too large", 413)
    ttl = ctx.expiration(params)
    name = safe_name(params.get_str("name"), "file")
    cost = CREDIT_COSTS["file/upload/base64"]
    remaining = ctx.charge(cost)
    try:
        object_id = ctx.store(name, "application/octet-stream", io.BytesIO(data), len(data), ttl)
    except ParamError:
        ctx.state.refund(cost)
        raise
    return _stored(ctx, name, object_id, ttl, cost, start, remaining)


def upload_url(ctx: Context, request: Request, params: Params, start: float) -> Response:
    """``GET|POST /v1/file/upload/url``: copy a file from this emulator or a loopback URL."""
    source = ctx.source(params)
    name = safe_name(params.get_str("name"), source.name)
    cost = CREDIT_COSTS["file/upload/url"]
    remaining = ctx.charge(cost)
    try:
        object_id = ctx.store(
            name,
            "application/octet-stream",
            io.BytesIO(source.data),
            len(source.data),
            FILE_LIFETIME,
        )
    except ParamError:
        ctx.state.refund(cost)
        raise
    return _stored(ctx, name, object_id, FILE_LIFETIME, cost, start, remaining)


def delete(ctx: Context, request: Request, params: Params, start: float) -> Response:
    """``POST /v1/file/delete``: ``url`` (or, as one official sample sends it, ``file``)."""
    url = params.get_str("url") or params.require_str("file")
    target = ctx.signer.object_of(url)
    if target is None:
        raise ParamError("Parameter 'url' is not a file URL of this emulator")
    cost = CREDIT_COSTS["file/delete"]
    remaining = ctx.charge(cost)
    if not ctx.state.delete_object(target[0]):
        ctx.state.refund(cost)
        raise ParamError("File not found", 404)
    return ctx.json(
        {
            "error": False,
            "status": 200,
            "credits": cost,
            "remainingCredits": remaining,
            "duration": ms(start),
        }
    )
