"""Logging: the PDFCO_LOG switch, one line per request, retries and job states, redacted URLs."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import requests

from pdfco_client import PdfCoClient
from pdfco_client._logging import redact_url
from pdfco_client.testing import PdfCoMock
from tests.unit.conftest import API_URL, ClientFactory, LogCapture

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent(
    """
    import responses
    from pdfco_client import PdfCoClient

    with responses.RequestsMock() as mock:
        url = "https://api.pdf.co/v1/account/credit/balance"
        mock.add("GET", url, json={"remainingCredits": 3})
        first = PdfCoClient("log-test-key")
        second = PdfCoClient("log-test-key")
        second.get_credit_balance()
        first.close()
        second.close()
    """
)


def run_with_log_level(level: str | None) -> list[str]:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    if level is not None:
        env["PDFCO_LOG"] = level
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "log-test-key" not in done.stderr
    return done.stderr.splitlines()


def test_pdfco_log_debug_adds_one_handler_however_many_clients() -> None:
    lines = run_with_log_level("debug")
    requests = [
        line for line in lines if "GET https://api.pdf.co/v1/account/credit/balance" in line
    ]
    assert len(requests) == 1, lines
    assert "pdfco_client DEBUG" in requests[0]
    assert "-> 200 in" in requests[0]


def test_pdfco_log_info_hides_request_lines() -> None:
    assert not any("credit/balance" in line for line in run_with_log_level("INFO"))


@pytest.mark.parametrize("level", [None, "", "verbose"])
def test_without_pdfco_log_nothing_is_printed(level: str | None) -> None:
    assert run_with_log_level(level) == []


def test_one_debug_line_per_request(client: PdfCoClient, fake: PdfCoMock, logs: LogCapture) -> None:
    client.get_credit_balance()
    client.get_credit_balance()
    lines = [m for m in logs.messages if "/account/credit/balance" in m]
    assert len(lines) == 2
    assert all(m.startswith(f"GET {API_URL}/account/credit/balance -> 200 in ") for m in lines)


def test_retries_are_logged(make_client: ClientFactory, fake: PdfCoMock, logs: LogCapture) -> None:
    fake.fail_next("account/credit/balance", status=503, body="busy", times=2)
    make_client(max_retries=3).get_credit_balance()
    retries = [m for m in logs.messages if m.startswith("retry ")]
    assert len(retries) == 2
    assert retries[0].startswith("retry 1/3 in ")
    assert "ServerError" in retries[0]
    assert retries[1].startswith("retry 2/3 in ")


def test_failed_requests_are_logged_by_kind(
    client: PdfCoClient, fake: PdfCoMock, logs: LogCapture
) -> None:
    fake.fail_next("account/credit/balance", exception=requests.ConnectionError("reset"))
    client.get_credit_balance()
    failed = [m for m in logs.messages if m.endswith("failed: ConnectionError")]
    assert failed == [f"GET {API_URL}/account/credit/balance failed: ConnectionError"]


def test_job_state_changes_are_logged_once_each(
    client: PdfCoClient, fake: PdfCoMock, logs: LogCapture
) -> None:
    fake.add_job("JOBLOG")
    client.wait_for_job("JOBLOG")
    states = [m for m in logs.messages if m.startswith("job JOBLOG is ")]
    assert len(states) == 2
    assert states[0].startswith("job JOBLOG is working after")
    assert states[1].startswith("job JOBLOG is success after")
    assert "(3 checks)" in states[1]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://h.example/a/b.pdf?X-Amz-Signature=abc&x=1", "https://h.example/a/b.pdf?…"),
        ("https://h.example/a/b.pdf", "https://h.example/a/b.pdf"),
        ("https://user:pw@h.example:8443/p#frag", "https://h.example:8443/p"),
        ("https://h.example/p?#", "https://h.example/p"),
        ("http://[::1]:8080/v1/x?t=1", "http://[::1]:8080/v1/x?…"),
        ("", ""),
    ],
)
def test_redact_url(url: str, expected: str) -> None:
    assert redact_url(url) == expected


def test_redact_url_survives_garbage() -> None:
    assert redact_url("http://[::1") == "<unparseable URL>"
