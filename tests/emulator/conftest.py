"""Fixtures for the emulator's server tests: a running emulator and sample-style helpers."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from pdfco_client.emulator import Emulator
from tests.pdf_factory import make_ruled_table_pdf

TIMEOUT = 10.0


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(job_min_duration=0.05) as emulator:
        yield emulator


@pytest.fixture(scope="session")
def pdf_bytes() -> bytes:
    return make_ruled_table_pdf()


def api(emu: Emulator, method: str, path: str, **kwargs: Any) -> requests.Response:
    """One API call the way the official samples make it: the key in ``x-api-key``."""
    headers = {"x-api-key": emu.api_key, **kwargs.pop("headers", {})}
    with requests.request(
        method, f"{emu.base_url}/{path}", headers=headers, timeout=TIMEOUT, **kwargs
    ) as response:
        response.content  # noqa: B018 - read the body before the connection is released
        return response


def upload(emu: Emulator, data: bytes, name: str = "input.pdf") -> str:
    """Presigned upload as the samples do it; returns the file's GET URL."""
    presigned = api(
        emu,
        "GET",
        "file/upload/get-presigned-url",
        params={"name": name, "contenttype": "application/octet-stream"},
    ).json()
    put = requests.put(
        presigned["presignedUrl"],
        data=data,
        headers={"Content-Type": "application/octet-stream"},
        timeout=TIMEOUT,
    )
    put.close()
    assert put.status_code == 200, put.text
    url: str = presigned["url"]
    return url


def wait_job(emu: Emulator, job_id: str, *, limit: float = 10.0) -> dict[str, Any]:
    """Poll ``job/check`` until the job leaves ``working`` (bounded)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        body: dict[str, Any] = api(emu, "GET", "job/check", params={"jobid": job_id}).json()
        if body["status"] != "working":
            return body
        time.sleep(0.02)
    raise AssertionError(f"job {job_id} still working after {limit} s")


def download(url: str) -> requests.Response:
    with requests.get(url, timeout=TIMEOUT) as response:
        response.content  # noqa: B018
        return response
