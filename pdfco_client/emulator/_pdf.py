"""PDF endpoints: conversions, info, background jobs, job check and the credit balance.

Billing follows PDF.co's pricing notes: a sync call pays every page; an async call pays its first
page up front and the rest when a job check first reports success; a failed or aborted job gives
the first page back. Input problems found cheaply (missing ``url``, page-range syntax, ``inline``
on xlsx) are answered at once; problems found by the engine (441, 442, 449) are answered by a sync
call, or reported by the job of an async one, as on the real service.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Optional

from werkzeug.wrappers import Request, Response

from pdfco_client._pages import PageRangeSyntaxError, parse_page_range

from ._callbacks import check_callback, deliver
from ._context import Context, iso, ms
from ._faults import Fault
from ._operations import (
    INLINE_FORMATS,
    SUPPORTED_FORMATS,
    ConversionError,
    Operation,
    OperationResult,
    inline_body,
)
from ._params import ParamError, Params
from ._state import CREDIT_COSTS, PAGE_CREDITS, Job, JobTableFullError, new_id
from ._storage import safe_name

__all__ = ["balance", "convert", "info", "job_check"]

logger = logging.getLogger("pdfco_client.emulator")


def _operation(params: Params, source: bytes, fmt: Optional[str]) -> Operation:
    pages = params.get_str("pages")
    if pages is not None:
        try:
            parse_page_range(pages)
        except PageRangeSyntaxError as exc:
            raise ParamError(f"Invalid page range: {exc}", 450) from exc
    return Operation(
        source=source,
        fmt=fmt,
        pages=pages,
        password=params.get_str("password"),
        line_grouping=params.get_str("lineGrouping"),
        unwrap=params.get_bool("unwrap"),
        rect=params.get_str("rect"),
        lang=params.get_str("lang") or "eng",
    )


def convert(ctx: Context, request: Request, params: Params, start: float, fmt: str) -> Response:
    """``POST /v1/pdf/convert/to/{fmt}``, sync or async."""
    if fmt not in SUPPORTED_FORMATS:
        raise ParamError(
            f"Unknown endpoint: the emulator converts to {', '.join(SUPPORTED_FORMATS)}", 404
        )
    inline = params.get_bool("inline")
    if inline and fmt not in INLINE_FORMATS:
        raise ParamError(f"Parameter 'inline' is not supported for {fmt} output")
    return _run(
        ctx, request, params, start, f"pdf/convert/to/{fmt}", fmt, PAGE_CREDITS[fmt], inline
    )


def info(ctx: Context, request: Request, params: Params, start: float) -> Response:
    """``POST /v1/pdf/info``: PDF.co's ``info`` object, sync or async."""
    return _run(ctx, request, params, start, "pdf/info", None, CREDIT_COSTS["pdf/info"], False)


def _run(
    ctx: Context,
    request: Request,
    params: Params,
    start: float,
    endpoint: str,
    fmt: Optional[str],
    rate: int,
    inline: bool,
) -> Response:
    source = ctx.source(params)
    operation = _operation(params, source.data, fmt)
    ttl = ctx.expiration(params)
    name = safe_name(params.get_str("name"), f"{source.stem}.{operation.extension}")
    if params.get_bool("async"):
        callback = check_callback(params.get_str("callback"))
        return _submit(ctx, request, operation, start, endpoint, rate, name, ttl, callback)
    if ctx.state.credits < rate:
        raise ParamError("Not enough credits", 402)
    result = operation.run()
    if time.monotonic() - start > ctx.settings.sync_time_limit:
        raise ParamError(
            "Timeout error: the document is too large to process synchronously; "
            "use async=true and/or pages",
            445,
        )
    cost = rate if fmt is None else rate * result.page_count
    remaining = ctx.charge(cost)
    object_id = new_id()
    ctx.state.store_bytes(
        object_id,
        name,
        result.media_type,
        result.content,
        ttl=ttl,
        expired=ctx.faults().result_expired(endpoint, request.path),
    )
    body: dict[str, Any] = {}
    if result.info is not None:
        body["info"] = result.info
    body.update(
        {
            "url": ctx.signer.url("GET", object_id, name, ttl),
            "pageCount": result.page_count,
            "error": False,
            "status": 200,
            "name": name,
            "credits": cost,
            "remainingCredits": remaining,
            "duration": ms(start),
            "outputLinkValidTill": iso(ctx.state.clock.now() + ttl),
        }
    )
    if inline and fmt is not None:
        body["body"] = inline_body(result, fmt)
    return ctx.json(body)


def _submit(
    ctx: Context,
    request: Request,
    operation: Operation,
    start: float,
    endpoint: str,
    rate: int,
    name: str,
    ttl: int,
    callback: Optional[str] = None,
) -> Response:
    remaining = ctx.charge(rate)
    job_id = new_id()
    now = ctx.state.clock.now()
    job = Job(
        job_id=job_id,
        endpoint=endpoint,
        url=ctx.signer.url("GET", job_id, name, ttl),
        name=name,
        output_valid_till=iso(now + ttl),
        created_at=now,
        expires_at=now + ttl,
        visible_after=time.monotonic() + ctx.settings.job_min_duration,
        page_rate=rate if operation.fmt is not None else 0,
        first_page_credits=rate,
    )
    outcome = ctx.faults().for_job(endpoint, request.path)
    expired = ctx.faults().result_expired(endpoint, request.path)
    try:
        ctx.state.add_job(job)
        ctx.runner.submit(lambda: _work(ctx, job, operation, outcome, expired, ttl, callback))
    except JobTableFullError as exc:
        ctx.state.refund(rate)
        raise ParamError(f"Too many requests: {exc}", 429) from exc
    return ctx.json(
        {
            "jobId": job_id,
            "url": job.url,
            "pageCount": 0,
            "error": False,
            "status": 200,
            "name": name,
            "credits": rate,
            "remainingCredits": remaining,
            "duration": ms(start),
            "outputLinkValidTill": job.output_valid_till,
        }
    )


def _work(
    ctx: Context,
    job: Job,
    operation: Operation,
    outcome: Optional[Fault],
    expired: bool,
    ttl: int,
    callback: Optional[str] = None,
) -> None:
    """Run one async job on the worker pool, record how it ended, and call its webhook."""
    _run_job(ctx, job, operation, outcome, expired, ttl)
    if callback is None or job.stuck:
        return
    # Clients see a job end no sooner than job_min_duration: neither does its webhook.
    if ctx.runner.stopping.wait(max(0.0, job.visible_after - time.monotonic())):
        return
    deliver(callback, _finished_body(job, job.status, ctx), ctx.runner.stopping)


def _run_job(
    ctx: Context, job: Job, operation: Operation, outcome: Optional[Fault], expired: bool, ttl: int
) -> None:
    if outcome is not None and outcome.outcome == "stuck":
        ctx.state.finish_job(job, "working", stuck=True)
        return
    if outcome is not None and outcome.outcome == "aborted":
        ctx.state.finish_job(job, "aborted", message=outcome.message or "Job was aborted")
        return
    if outcome is not None:
        message = outcome.message or "Emulated job failure"
        ctx.state.finish_job(job, "failed", error_code=outcome.error_code, message=message)
        return
    try:
        result: OperationResult = operation.run()
        ctx.state.store_bytes(
            job.job_id,
            job.name,
            result.media_type,
            result.content,
            ttl=ttl,
            available_after=job.visible_after,
            expired=expired,
        )
    except ConversionError as exc:
        ctx.state.finish_job(job, "failed", error_code=exc.code, message=exc.message)
        return
    except Exception:
        logger.exception("job %s failed unexpectedly", job.job_id)
        ctx.state.finish_job(job, "failed", error_code=500, message="Internal error")
        return
    ctx.state.finish_job(job, "success", page_count=result.page_count)


def job_check(ctx: Context, request: Request, params: Params, start: float) -> Response:
    """``GET|POST /v1/job/check``: ``jobid`` (any casing), ``force``."""
    job_id = params.require_str("jobid").strip()
    force = params.get_bool("force")
    cost = CREDIT_COSTS["job/check"]
    remaining = ctx.charge(cost)
    job = ctx.state.get_job(job_id)
    if job is None:
        # PDF.co cannot tell an unknown id from a job still queued, unless asked to (force).
        if force:
            return ctx.json({"status": "unknown", "jobId": job_id, "remainingCredits": remaining})
        return ctx.json({"status": "working", "remainingCredits": remaining})
    status = job.visible_status(time.monotonic())
    if status == "working":
        return ctx.json({"status": "working", "remainingCredits": remaining})
    settled = ctx.state.settle_job(job)
    body = _finished_body(job, status, ctx)
    body.update(
        {
            # A failed job's refund of its first page shows as negative credits, as in PDF.co's
            # logs, so a client summing "credits" gets what the job really cost.
            "credits": cost + settled,
            "remainingCredits": ctx.state.credits,
            "duration": ms(start),
        }
    )
    return ctx.json(body)


def _finished_body(job: Job, status: str, ctx: Context) -> dict[str, Any]:
    """What a job check (and a webhook) says of a job that has ended, credits aside."""
    finished = job.finished_monotonic or time.monotonic()
    job_duration = int((finished - (job.visible_after - ctx.settings.job_min_duration)) * 1000)
    body: dict[str, Any] = {"status": status, "jobId": job.job_id}
    if status == "success":
        body.update(
            {
                "message": "Success",
                "url": job.url,
                "pageCount": job.page_count,
                "error": False,
                "outputLinkValidTill": job.output_valid_till,
            }
        )
    else:
        body.update(
            {
                "message": job.message,
                "error": True,
                "errorCode": job.error_code or (500 if status == "failed" else 0),
            }
        )
    body["jobDuration"] = max(job_duration, 0)
    return body


def balance(ctx: Context, request: Request, params: Params, start: float) -> Response:
    """``GET /v1/account/credit/balance``; it still answers when the account cannot pay."""
    remaining = ctx.state.charge(CREDIT_COSTS["account/credit/balance"])
    if remaining is None:
        remaining = ctx.state.credits
    return ctx.json({"remainingCredits": remaining})
