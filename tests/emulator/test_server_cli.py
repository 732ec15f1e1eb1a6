"""``pdfco-emulator`` / ``python -m pdfco_client.emulator`` as a real subprocess."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
import requests

from pdfco_client.emulator._cli import build_parser, main

TIMEOUT = 10.0


def _read_settings(process: subprocess.Popen[str]) -> dict[str, str]:
    assert process.stdout is not None
    settings: dict[str, str] = {}
    deadline = time.monotonic() + 20
    while len(settings) < 3 and time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        key, _, value = line.strip().partition("=")
        settings[key] = value
    return settings


def test_cli_serves_until_sigterm() -> None:
    env = {**os.environ, "PDFCO_EMULATOR_API_KEY": "cli-key"}
    with subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pdfco_client.emulator",
            "--port",
            "0",
            "--credits",
            "50",
            "--fault",
            "status=503,endpoint=job/check,times=1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    ) as process:
        try:
            settings = _read_settings(process)
            base_url = settings["PDFCO_BASE_URL"]
            assert base_url.startswith("http://127.0.0.1:")
            assert base_url.endswith("/v1")
            assert settings["PDFCO_API_KEY"] == "cli-key"
            headers = {"x-api-key": "cli-key"}
            with requests.get(
                f"{base_url}/account/credit/balance", headers=headers, timeout=TIMEOUT
            ) as r:
                assert r.json() == {"remainingCredits": 48}
            with requests.get(
                f"{base_url}/job/check?jobid=X", headers=headers, timeout=TIMEOUT
            ) as r:
                assert r.status_code == 503
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=20) == 0
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)


def test_help_documents_the_fault_syntax(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(["--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert "status=503,endpoint=job/check,times=3" in out
    assert "probability" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["--host", "0.0.0.0"],  # noqa: S104 - refused, never bound
        ["--fault", "kind=explode"],
        ["--faults", "/nonexistent/plan.json"],
    ],
)
def test_bad_arguments_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    assert "error" in capsys.readouterr().err
