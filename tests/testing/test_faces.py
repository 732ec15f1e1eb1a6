"""The two faces of the one model, driven by the same raw session, give the same answers.

The session is what an app (or PDF.co's own samples) does with plain ``requests``: upload,
async and sync conversions, job checks to the end, the download, inline CSV and JSON, info,
balance, delete, and the error paths. Every answer's HTTP status and JSON keys must be the same
from the emulator (over loopback) and from ``mock_pdfco`` (in process), whatever its engine;
values may differ where the engine's content does (page counts, table cells, metadata).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any, Callable

import pytest
import requests

from pdfco_client.emulator import Emulator
from pdfco_client.testing import mock_pdfco
from tests.testing.conftest import SAMPLE_PDF

Answer = tuple[str, int, tuple[str, ...]]
#: One face: (base URL, API key), live for the duration of the ``with`` block.
Face = Callable[[], Iterator[tuple[str, str]]]


def _shape(value: Any) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, dict) else ()  # in order: byte-for-byte keys


def run_session(base_url: str, api_key: str) -> list[Answer]:
    """The scripted session; returns each step's (name, HTTP status, JSON keys in order)."""
    answers: list[Answer] = []
    key = {"x-api-key": api_key}

    def call(step: str, method: str, url: str, **options: Any) -> Any:
        with requests.request(method, url, timeout=10, **options) as response:
            kind = response.headers.get("Content-Type", "")
            body = response.json() if kind.startswith("application/json") else None
        answers.append((step, response.status_code, _shape(body)))
        return body

    def api(step: str, method: str, path: str, **options: Any) -> Any:
        headers = {**key, **options.pop("headers", {})}
        return call(step, method, f"{base_url}/{path}", headers=headers, **options)

    name = {"name": "report.pdf", "contenttype": "application/pdf"}
    slot = api("presigned upload", "GET", "file/upload/get-presigned-url", params=name)
    put = {"data": SAMPLE_PDF.read_bytes(), "headers": {"Content-Type": "application/pdf"}}
    call("upload PUT", "PUT", slot["presignedUrl"], **put)
    url = slot["url"]
    job = api("async start", "POST", "pdf/convert/to/xlsx", json={"url": url, "async": True})
    seen: list[Answer] = []
    for _ in range(400):  # bounded: about 20 s on a slow machine
        check = api("job check", "POST", "job/check", json={"jobid": job["jobId"]})
        step = answers.pop()
        if not seen or seen[-1] != step:  # the number of `working` answers is the face's
            seen.append(step)
        if check["status"] != "working":
            break
        time.sleep(0.05)
    answers.extend(seen)
    call("download", "GET", job["url"])
    api("sync csv inline", "POST", "pdf/convert/to/csv", json={"url": url, "inline": True})
    api("sync json inline", "POST", "pdf/convert/to/json2", json={"url": url, "inline": True})
    info = api("info", "POST", "pdf/info", json={"url": url})
    answers.append(("info object", 200, _shape(info["info"])))
    types = tuple(f"{k}:{type(v).__name__}" for k, v in sorted(info["info"].items()))
    answers.append(("info value types", 200, types))
    api("balance", "GET", "account/credit/balance")
    api("bad pages", "POST", "pdf/convert/to/csv", json={"url": url, "pages": "a-b"})
    api("missing url", "POST", "pdf/convert/to/csv", json={})
    api("unknown job", "GET", "job/check", params={"jobid": "NOSUCHJOB"})
    api("unknown job forced", "POST", "job/check", json={"jobid": "NOSUCHJOB", "force": True})
    api("wrong key", "GET", "account/credit/balance", headers={"x-api-key": "wrong-key"})
    api("unknown endpoint", "POST", "pdf/convert/to/docx", json={"url": url})
    api("delete", "POST", "file/delete", json={"url": url})
    api("delete again", "POST", "file/delete", json={"url": url})
    return answers


@pytest.fixture(scope="module")
def emulator_answers() -> list[Answer]:
    # A job reports `working` for a second, so the session sees a `working` answer as it does
    # from the mock (whose jobs answer one `working` check first).
    with Emulator(job_min_duration=1.0) as emulator:
        return run_session(emulator.base_url, emulator.api_key)


@pytest.mark.parametrize("engine", ["canned", "real"])
def test_the_mock_answers_as_the_emulator_does(emulator_answers: list[Answer], engine: str) -> None:
    pdfco = mock_pdfco(base_url="https://api.pdf.co/v1", api_key="mock-key", engine=engine)
    pdfco.start()
    try:
        answers = run_session(pdfco.base_url, "mock-key")
    finally:
        pdfco.stop(check=False)
    assert [c.endpoint for c in pdfco.unexpected] == ["pdf/convert/to/docx"]
    assert answers == emulator_answers


def test_the_session_covers_each_path(emulator_answers: list[Answer]) -> None:
    statuses = {step: status for step, status, _ in emulator_answers}
    assert statuses["bad pages"] == 450
    assert statuses["missing url"] == 400
    assert statuses["wrong key"] == 401
    assert statuses["unknown endpoint"] == statuses["delete again"] == 404
    checks = [keys for step, _, keys in emulator_answers if step == "job check"]
    assert checks[0] == ("status", "remainingCredits")  # working: PDF.co's documented answer
    assert "url" in checks[-1]
    inline = {step: keys for step, _, keys in emulator_answers if "inline" in step}
    assert all("body" in keys for keys in inline.values())
