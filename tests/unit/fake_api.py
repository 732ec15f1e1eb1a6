"""A small, stateful fake of PDF.co and its S3 storage, built on ``responses`` callbacks.

It keeps uploaded and produced files in a dict, runs conversion jobs that answer ``working`` for a
few checks before they end, charges credits per call, and records every request (method, URL,
headers, body) so tests can check which host saw the API key. Like S3, the storage refuses a
chunked ``PUT`` and one whose ``Content-Type`` differs from the one the URL was signed for.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import Any, Callable, Optional, Protocol, Union
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses

from pdfco_client import PdfCoClient

API_KEY = "test-key-123"
API_URL = "https://api.pdf.co/v1"
API_HOST = "api.pdf.co"
STORAGE_URL = "https://pdf-temp-files.s3.us-west-2.amazonaws.com"
STORAGE_HOST = "pdf-temp-files.s3.us-west-2.amazonaws.com"
#: The query of every presigned URL: a signature that must never reach a log.
SIGNED_QUERY = "X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=5ec12e7deadbeef"
PDF_BYTES = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
#: Credits each call costs.
PRICES = {"presign": 1, "convert": 10, "check": 2, "delete": 1, "balance": 2, "upload_url": 1}

Reply = Union[tuple[int, dict[str, str], Union[str, bytes]], BaseException]
Handler = Callable[[requests.PreparedRequest], Reply]


class FakeClock:
    """A monotonic clock that only moves when something sleeps (or a test advances it)."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0, f"negative sleep {seconds}"
        self.sleeps.append(seconds)
        self.now += seconds

    def advance(self, seconds: float) -> None:
        self.now += seconds


class ClientFactory(Protocol):
    def __call__(self, **options: Any) -> PdfCoClient: ...


@dataclass(frozen=True)
class Seen:
    """One request as the fake received it."""

    method: str
    url: str
    headers: dict[str, str]
    body: bytes

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    @property
    def path(self) -> str:
        return urlsplit(self.url).path

    @property
    def query(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(urlsplit(self.url).query).items()}

    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.body)
        return data


@dataclass
class FakeJob:
    job_id: str
    result_path: str
    output: bytes
    checks: int = 0


@dataclass
class _Fault:
    method: str
    path: str
    reply: Reply
    times: int


def _json(status: int, body: Any) -> Reply:
    return status, {"Content-Type": "application/json"}, json.dumps(body)


def _s3_error(status: int, code: str, message: str) -> Reply:
    xml = f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
    return status, {"Content-Type": "application/xml"}, xml


class FakePdfCo:
    """PDF.co's endpoints used by the client, on ``https://api.pdf.co/v1``, plus S3 storage."""

    def __init__(
        self,
        mock: responses.RequestsMock,
        *,
        working_checks: int = 2,
        outcome: str = "success",
        credits: int = 1000,
        on_request: Optional[Callable[[Seen], None]] = None,
    ) -> None:
        self.working_checks = working_checks
        self.outcome = outcome
        self.balance = credits
        self.on_request = on_request
        self.storage: dict[str, bytes] = {}
        self.signed_types: dict[str, str] = {}
        self.jobs: dict[str, FakeJob] = {}
        self.seen: list[Seen] = []
        self._faults: list[_Fault] = []
        routes: list[tuple[str, Union[str, re.Pattern[str]], Handler]] = [
            ("GET", f"{API_URL}/file/upload/get-presigned-url", self._presign),
            ("POST", f"{API_URL}/file/upload/url", self._upload_url),
            (
                "POST",
                re.compile(re.escape(f"{API_URL}/pdf/convert/to/") + r"[\w-]+$"),
                self._convert,
            ),
            ("POST", f"{API_URL}/job/check", self._check),
            ("POST", f"{API_URL}/file/delete", self._delete),
            ("GET", f"{API_URL}/account/credit/balance", self._balance),
            ("PUT", re.compile(re.escape(STORAGE_URL) + r"/.*"), self._put),
            ("GET", re.compile(re.escape(STORAGE_URL) + r"/.*"), self._get),
        ]
        for method, url, handler in routes:
            mock.add_callback(method, url, callback=self._recording(handler))

    # -- test controls ------------------------------------------------------------------------

    def fail_next(self, method: str, path: str, reply: Reply, *, times: int = 1) -> None:
        """Answer the next ``times`` requests whose path ends with ``path`` with ``reply``."""
        self._faults.append(_Fault(method, path, reply, times))

    def requests_to(self, host: str) -> list[Seen]:
        return [seen for seen in self.seen if seen.host == host]

    def paths(self) -> list[str]:
        return [f"{seen.method} {seen.path}" for seen in self.seen]

    def add_job(self, job_id: str, output: bytes = b"result") -> FakeJob:
        job = FakeJob(job_id, f"/{job_id}/result.json", output)
        self.jobs[job_id] = job
        return job

    # -- plumbing -----------------------------------------------------------------------------

    def _recording(self, handler: Handler) -> Callable[[requests.PreparedRequest], Any]:
        def callback(request: requests.PreparedRequest) -> Any:
            body = request.body if isinstance(request.body, bytes) else (request.body or "")
            seen = Seen(
                method=request.method or "",
                url=request.url or "",
                headers={k.lower(): v for k, v in request.headers.items()},
                body=body if isinstance(body, bytes) else body.encode(),
            )
            self.seen.append(seen)
            if self.on_request is not None:
                self.on_request(seen)
            for fault in self._faults:
                if (
                    fault.times > 0
                    and fault.method == seen.method
                    and seen.path.endswith(fault.path)
                ):
                    fault.times -= 1
                    return fault.reply
            return handler(request)

        return callback

    def _charge(self, what: str) -> dict[str, int]:
        self.balance -= PRICES[what]
        return {"credits": PRICES[what], "remainingCredits": self.balance}

    def _storage_url(self, path: str) -> str:
        return f"{STORAGE_URL}{path}?{SIGNED_QUERY}"

    @staticmethod
    def _body(request: requests.PreparedRequest) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(request.body or b"{}")
        return data

    # -- the API ------------------------------------------------------------------------------

    def _presign(self, request: requests.PreparedRequest) -> Reply:
        query = parse_qs(urlsplit(request.url or "").query)
        name = query.get("name", ["file.pdf"])[0]
        path = f"/UP{len(self.seen):030d}/{name}"
        self.signed_types[path] = query.get("contenttype", ["application/octet-stream"])[0]
        answer = {"presignedUrl": self._storage_url(path), "url": self._storage_url(path)}
        return _json(
            200, {**answer, "name": name, "error": False, "status": 200, **self._charge("presign")}
        )

    def _upload_url(self, request: requests.PreparedRequest) -> Reply:
        body = self._body(request)
        name = body.get("name") or urlsplit(body["url"]).path.rsplit("/", 1)[-1]
        path = f"/URL{len(self.seen):029d}/{name}"
        self.storage[path] = PDF_BYTES
        answer = {"url": self._storage_url(path), "name": name, "error": False, "status": 200}
        return _json(200, {**answer, **self._charge("upload_url")})

    def _convert(self, request: requests.PreparedRequest) -> Reply:
        body = self._body(request)
        fmt = (request.path_url or "").rsplit("/", 1)[-1]
        source = urlsplit(body.get("url", ""))
        if source.hostname == STORAGE_HOST and source.path not in self.storage:
            return _json(404, {"error": True, "status": 404, "message": "input file not found"})
        data = self.storage.get(source.path, PDF_BYTES)
        job_id = f"JOB{len(self.jobs) + 1:029d}"
        job = FakeJob(
            job_id, f"/{job_id}/result.{fmt}", b"converted to " + fmt.encode() + b":" + data
        )
        self.jobs[job_id] = job
        answer = {"jobId": job_id, "url": self._storage_url(job.result_path), "pageCount": 3}
        return _json(
            200,
            {
                **answer,
                "name": f"result.{fmt}",
                "error": False,
                "status": 200,
                **self._charge("convert"),
            },
        )

    def _check(self, request: requests.PreparedRequest) -> Reply:
        body = self._body(request)
        job = self.jobs.get(body.get("jobid", ""))
        charge = self._charge("check")
        if job is None:
            return _json(200, {"status": "unknown" if body.get("force") else "working", **charge})
        job.checks += 1
        if job.checks <= self.working_checks:
            return _json(200, {"status": "working", "jobId": job.job_id, **charge})
        if self.outcome != "success":
            ended = {"status": self.outcome, "message": f"job {self.outcome}", "jobId": job.job_id}
            return _json(200, {**ended, **charge})
        self.storage[job.result_path] = job.output
        answer: dict[str, Any] = {
            "status": "success",
            "message": "Success",
            "jobId": job.job_id,
            "url": self._storage_url(job.result_path),
            "pageCount": 3,
            "duration": 1200,
        }
        return _json(200, {**answer, **charge})

    def _delete(self, request: requests.PreparedRequest) -> Reply:
        path = urlsplit(self._body(request).get("url", "")).path
        if self.storage.pop(path, None) is None:
            return _json(404, {"error": True, "status": 404, "message": "file not found"})
        return _json(200, {"error": False, "status": 200, **self._charge("delete")})

    def _balance(self, request: requests.PreparedRequest) -> Reply:
        self._charge("balance")
        return _json(200, {"remainingCredits": self.balance})

    # -- storage ------------------------------------------------------------------------------

    def _put(self, request: requests.PreparedRequest) -> Reply:
        path = urlsplit(request.url or "").path
        if "Transfer-Encoding" in request.headers:
            return _s3_error(501, "NotImplemented", "Transfer-Encoding header is not supported")
        if request.headers.get("Content-Type") != self.signed_types.get(path):
            return _s3_error(403, "SignatureDoesNotMatch", "The signature does not match")
        body = request.body
        self.storage[path] = body if isinstance(body, bytes) else (body or "").encode()
        return 200, {"ETag": '"etag"'}, b""

    def _get(self, request: requests.PreparedRequest) -> Reply:
        data = self.storage.get(urlsplit(request.url or "").path)
        if data is None:
            return _s3_error(404, "NoSuchKey", "The specified key does not exist.")
        return 200, {"Content-Length": str(len(data))}, data


class LogCapture:
    """The records of the ``pdfco_client`` logger, at DEBUG."""

    def __init__(self, caplog: pytest.LogCaptureFixture) -> None:
        self._caplog = caplog

    @property
    def records(self) -> list[logging.LogRecord]:
        return [r for r in self._caplog.records if r.name.startswith("pdfco_client")]

    @property
    def messages(self) -> list[str]:
        return [r.getMessage() for r in self.records]

    @property
    def text(self) -> str:
        return "\n".join(self.messages)
