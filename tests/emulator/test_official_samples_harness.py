"""The official-samples harness end to end: sample-style scripts (written here) against a real
emulator, checking that its classes come from the emulator's log and that the network stays shut.
"""

from __future__ import annotations

import time
from pathlib import Path

from benchmarks.official_samples import (
    CLEAN,
    FAILURE,
    REMOTE_INPUT,
    UNKNOWN_ENDPOINT,
    discover_samples,
    run_sample,
)
from pdfco_client.emulator import Emulator

HEADER = 'import requests\nAPI_KEY = "xxx"\nBASE_URL = "https://api.pdf.co/v1"\n'


def _write(root: Path, task: str, body: str) -> Path:
    path = root / "Family" / "Python" / task / "sample.py"
    path.parent.mkdir(parents=True)
    path.write_text(HEADER + body)
    return path.relative_to(root)


def test_harness_classifies_against_the_emulator(emu: Emulator, tmp_path: Path) -> None:
    clean = _write(
        tmp_path,
        "Balance",
        'r = requests.get(BASE_URL + "/account/credit/balance", headers={"x-api-key": API_KEY})\n'
        "print(r.json()['remainingCredits'])\n",
    )
    unknown = _write(
        tmp_path,
        "Merge",
        'r = requests.post(BASE_URL + "/pdf/not-an-endpoint", headers={"x-api-key": API_KEY})\n'
        "print(r.status_code)\n",
    )
    # A 404 that is not "Unknown endpoint": deleting the same uploaded file twice.
    missing = _write(
        tmp_path,
        "Delete",
        "h = {'x-api-key': API_KEY}\n"
        'u = BASE_URL + "/file/upload/get-presigned-url?name=a.pdf"\n'
        "j = requests.get(u, headers=h).json()\n"
        "requests.put(j['presignedUrl'], data=b'%PDF-1.4')\n"
        "for _ in range(2):\n"
        '    r = requests.post(BASE_URL + "/file/delete", headers=h, data={"url": j["url"]})\n'
        "print(r.status_code)\n",
    )
    internet = _write(
        tmp_path,
        "Internet",
        'requests.get(BASE_URL + "/account/credit/balance", headers={"x-api-key": API_KEY})\n'
        'requests.get("http://pdfco-test-files.example.com/sample.pdf", timeout=30)\n',
    )
    assert discover_samples(tmp_path) == sorted([clean, unknown, missing, internet])

    assert run_sample(clean, tmp_path, emu, timeout=60).outcome == CLEAN
    result = run_sample(unknown, tmp_path, emu, timeout=60)
    assert (result.outcome, result.detail) == (UNKNOWN_ENDPOINT, "POST /v1/pdf/not-an-endpoint")
    result = run_sample(missing, tmp_path, emu, timeout=60)
    assert (result.outcome, result.detail) == (FAILURE, "api answered 404 to POST /v1/file/delete")
    started = time.monotonic()
    result = run_sample(internet, tmp_path, emu, timeout=60)
    # The dead loopback proxy refuses at once: no request leaves the machine, nothing hangs.
    assert time.monotonic() - started < 30
    assert result.outcome == REMOTE_INPUT
    assert "ProxyError" in result.stdout_tail
