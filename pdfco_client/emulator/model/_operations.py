"""The document pipeline every :class:`Operation` goes through, job checks and the balance.

Billing follows PDF.co's pricing notes: a sync call pays every page; an async call pays its first
page up front and the rest when a job check first reports success; a failed or aborted job gives
the first page back. Input problems found cheaply (missing ``url``, page-range syntax, ``inline``
on xlsx) are answered at once; problems found by the engine (441, 442, 449) are answered by a sync
call, or reported by the job of an async one, as on the real service.
"""

from __future__ import annotations

import json
import logging
import time
from typing import TYPE_CHECKING, Any, Optional

from pdfco_client._models import OutputFormat
from pdfco_client.emulator.engine import EngineError, Product, Task

from ._callbacks import deliver
from ._endpoints import Call, Operation
from ._faults import Fault
from ._params import ParamError
from ._state import Job, JobTableFullError, new_id
from ._storage import safe_name
from ._wire import Response, json_response

if TYPE_CHECKING:
    from ._model import PdfCoModel

__all__ = ["balance", "finished_body", "job_check", "new_job", "run_operation"]

logger = logging.getLogger("pdfco_client.emulator")

_JSON_FORMATS = frozenset({"json", "json2"})


def run_operation(model: PdfCoModel, call: Call, operation: Operation) -> Response:
    """Run ``operation`` on the request's ``url``: synchronously, or as a job (``async``)."""
    params = call.params
    source = model.source(params)
    for check in operation.checks:
        check(params)
    inline = params.get_bool("inline")
    if inline and not operation.inline:
        raise ParamError(f"Parameter 'inline' is not supported for {call.name}")
    ttl = model.expiration(params)
    extension = OutputFormat(operation.fmt).extension if operation.fmt else "json"
    name = safe_name(params.get_str("name"), f"{source.stem}.{extension}")
    task = Task(source.data, source.name, params, operation.fmt)
    if params.get_bool("async"):
        return _submit(model, call, operation, task, name, ttl)
    if model.state.credits < operation.first_unit:
        raise ParamError("Not enough credits", 402)
    product = model.work(operation.work, task)
    if time.monotonic() - call.start > model.settings.sync_time_limit:
        raise ParamError(
            "Timeout error: the document is too large to process synchronously; "
            "use async=true and/or pages",
            445,
        )
    cost = operation.per_page * product.page_count if operation.per_page else operation.per_call
    remaining = model.charge(cost)
    tail = {"credits": cost, "remainingCredits": remaining, "duration": model.ms(call.start)}
    if operation.answer == "info":
        # The documented answer (§3.10): the info object and the envelope, no result file.
        return json_response({"info": product.info, "error": False, "status": 200, **tail})
    object_id = new_id()
    expired = model.faults().result_expired(call.name, call.request.path)
    model.state.store_bytes(
        object_id, name, product.media_type, product.content, ttl=ttl, expired=expired
    )
    body: dict[str, Any] = {
        "url": model.signer.url("GET", object_id, name, ttl),
        "pageCount": product.page_count,
        "error": False,
        "status": 200,
        "name": name,
        **tail,
        "outputLinkValidTill": model.iso_in(ttl),
    }
    if inline:
        text = product.content.decode("utf-8", errors="replace")
        body["body"] = _json_or_text(text) if operation.fmt in _JSON_FORMATS else text
    return json_response(body)


def _json_or_text(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def new_job(
    model: PdfCoModel,
    job_id: str,
    name: str,
    ttl: int,
    *,
    working_checks: Optional[int] = None,
    endpoint: str = "",
    operation: Optional[Operation] = None,
) -> Job:
    """A job of ``operation`` (``None``: a job the mock seeds), its result to be ``name``."""
    now = model.state.clock.now()
    return Job(
        job_id=job_id,
        endpoint=endpoint,
        fmt=operation.fmt if operation else None,
        name=name,
        url=model.signer.url("GET", job_id, name, ttl),
        output_valid_till=model.iso_in(ttl),
        created_at=now,
        expires_at=now + ttl,
        visible_after=time.monotonic() + model.settings.job_min_duration,
        page_rate=operation.per_page if operation else 0,
        first_page_credits=operation.first_unit if operation else 0,
        working_checks=model.settings.working_checks if working_checks is None else working_checks,
    )


def _submit(
    model: PdfCoModel, call: Call, operation: Operation, task: Task, name: str, ttl: int
) -> Response:
    callback = model.callback(call.params)
    first = operation.first_unit
    remaining = model.charge(first)
    job_id = new_id()
    outcome = model.faults().for_job(call.name, call.request.path)
    checks = outcome.checks if outcome is not None else None
    job = new_job(
        model, job_id, name, ttl, working_checks=checks, endpoint=call.name, operation=operation
    )
    expired = model.faults().result_expired(call.name, call.request.path)
    try:
        model.state.add_job(job)
        model.runner.submit(
            lambda: _work(model, job, operation, task, outcome, expired, ttl, callback)
        )
    except JobTableFullError as exc:
        model.state.refund(first)
        raise ParamError(f"Too many requests: {exc}", 429) from exc
    return json_response(
        {
            "jobId": job_id,
            "url": job.url,
            # How many pages the job converts is known once it ran: a job check reports it.
            "pageCount": 0,
            "error": False,
            "status": 200,
            "name": name,
            "credits": first,
            "remainingCredits": remaining,
            "duration": model.ms(call.start),
            "outputLinkValidTill": job.output_valid_till,
        }
    )


def _work(
    model: PdfCoModel,
    job: Job,
    operation: Operation,
    task: Task,
    outcome: Optional[Fault],
    expired: bool,
    ttl: int,
    callback: Optional[str],
) -> None:
    """Run one job, record how it ended, and call its webhook."""
    state = model.state
    if outcome is not None and outcome.outcome in ("stuck", "aborted", "failed"):
        ends, stuck = ("working", True) if outcome.outcome == "stuck" else (outcome.outcome, False)
        code = outcome.error_code if ends == "failed" else 0
        message = outcome.message or (
            "The job failed" if ends == "failed" else "The job was aborted"
        )
        state.finish_job(job, ends, error_code=code, message=message, stuck=stuck)
    else:
        try:
            product: Product = model.work(operation.work, task)
            state.store_bytes(
                job.job_id,
                job.name,
                product.media_type,
                product.content,
                ttl=ttl,
                job=job,
                expired=expired,
            )
            state.finish_job(job, "success", page_count=product.page_count)
        except (EngineError, ParamError) as exc:
            code = exc.code if isinstance(exc, EngineError) else exc.status
            state.finish_job(job, "failed", error_code=code, message=exc.message)
        except Exception:
            logger.exception("job %s failed unexpectedly", job.job_id)
            state.finish_job(job, "failed", error_code=500, message="Internal error")
    if callback is None or job.stuck:
        return
    # Clients see a job end no sooner than job_min_duration: neither does its webhook.
    if model.runner.stopping.wait(max(0.0, job.visible_after - time.monotonic())):
        return
    deliver(callback, finished_body(model, job, job.status), model.runner.stopping)


def job_check(model: PdfCoModel, call: Call) -> Response:
    """``GET|POST /v1/job/check``: ``jobid`` (any casing), ``force``."""
    job_id = call.params.require_str("jobid").strip()
    force = call.params.get_bool("force")
    remaining = model.charge(call.price)
    job = model.state.get_job(job_id)
    if job is None:
        # PDF.co cannot tell an unknown id from a job still queued, unless asked to (force).
        if force:
            return json_response(
                {"status": "unknown", "jobId": job_id, "remainingCredits": remaining}
            )
        return json_response({"status": "working", "remainingCredits": remaining})
    status = model.state.check_job(job)
    if status == "working":
        # Exactly the documented example (§3.11): no credits field, though the check cost some.
        return json_response({"status": "working", "remainingCredits": remaining})
    settled = model.state.settle_job(job)
    body = finished_body(model, job, status)
    body.update(
        {
            # A failed job's refund of its first page shows as negative credits, as in PDF.co's
            # logs, so a client summing "credits" gets what the job really cost.
            "credits": call.price + settled,
            "remainingCredits": model.state.credits,
            "duration": model.ms(call.start),
        }
    )
    return json_response(body)


def finished_body(model: PdfCoModel, job: Job, status: str) -> dict[str, Any]:
    """What a job check (and a webhook) says of a job that has ended, credits aside."""
    finished = job.finished_monotonic or time.monotonic()
    started = job.visible_after - model.settings.job_min_duration
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
    body["jobDuration"] = max(int((finished - started) * 1000), 0)
    return body


def balance(model: PdfCoModel, call: Call) -> Response:
    """``GET /v1/account/credit/balance``; it still answers when the account cannot pay."""
    remaining = model.state.charge(call.price)
    if remaining is None:
        remaining = model.state.credits
    return json_response({"remainingCredits": remaining})
