"""Every exit code, produced by the real command against the emulator (in this process)."""

from __future__ import annotations

import socket
import threading
from pathlib import Path
from typing import Optional

import pytest

from pdfco_client import OutputFormat, PdfCoClient, ProgressCallback
from pdfco_client.cli._convert import expand_inputs, run_batch
from pdfco_client.cli._exit import ExitCode
from pdfco_client.cli._output import BatchView, FileRecord, Masker
from pdfco_client.emulator import Emulator, Fault, FaultPlan

from .conftest import SECRET_KEY, run_cli

Env = dict[str, Optional[str]]


def _convert(pdf: Path, out: Path, *extra: str) -> list[str]:
    return ["convert", str(pdf), "--to", "xlsx", "-o", str(out), *extra]


def test_0_ok(env: Env, good_dir: Path, tmp_path: Path) -> None:
    assert run_cli(_convert(good_dir, tmp_path), env).exit_code == ExitCode.OK


def test_1_partial(env: Env, mixed_dir: Path, tmp_path: Path) -> None:
    assert run_cli(_convert(mixed_dir, tmp_path), env).exit_code == ExitCode.PARTIAL


@pytest.mark.parametrize(
    "args",
    [
        ["convert", "x.pdf", "--to", "docx"],
        ["convert", "x.pdf"],
        ["convert", "x.pdf", "--to", "xlsx", "--workers", "0"],
        ["nosuchcommand"],
        ["--timeout", "-1", "credits"],
        ["--api-key-file", "/nonexistent/key", "credits"],
    ],
)
def test_2_usage(env: Env, args: list[str]) -> None:
    run = run_cli(args, env)
    assert run.exit_code == ExitCode.USAGE
    assert run.stdout == ""


def test_3_authentication(emu: Emulator, good_dir: Path, tmp_path: Path) -> None:
    key_file = tmp_path / "key"
    key_file.write_text("wrong-key-do-not-print")
    key_file.chmod(0o600)
    env: Env = {"PDFCO_API_KEY": None, "PDFCO_BASE_URL": emu.base_url}
    single = run_cli(["--api-key-file", str(key_file), "credits", "--json"], env)
    assert single.exit_code == ExitCode.AUTHENTICATION
    assert single.json()["error"]["type"] == "AuthenticationError"
    batch = run_cli(["--api-key-file", str(key_file), *_convert(good_dir, tmp_path)], env)
    assert batch.exit_code == ExitCode.AUTHENTICATION
    for run in (single, batch):
        assert "wrong-key-do-not-print" not in run.stdout + run.stderr


def test_4_credits(good_dir: Path, tmp_path: Path) -> None:
    with Emulator(api_key=SECRET_KEY, credits=0, job_min_duration=0.05) as poor:
        env: Env = {"PDFCO_API_KEY": poor.api_key, "PDFCO_BASE_URL": poor.base_url}
        run = run_cli(_convert(good_dir, tmp_path, "--json"), env)
    assert run.exit_code == ExitCode.CREDITS
    assert {item["error"]["type"] for item in run.json()} == {"InsufficientCreditsError"}


@pytest.mark.parametrize(
    "name", ["c-not-a-pdf.pdf", "d-empty.pdf", "e-protected.pdf", "missing.pdf"]
)
def test_5_bad_input(env: Env, mixed_dir: Path, tmp_path: Path, name: str) -> None:
    assert run_cli(_convert(mixed_dir / name, tmp_path), env).exit_code == ExitCode.BAD_INPUT


def test_5_bad_input_in_a_single_command(env: Env) -> None:
    run = run_cli(["job", "check", "not a job id!"], env)
    assert run.exit_code == ExitCode.BAD_INPUT
    assert "InputValidationError" in run.stderr


def test_6_job_failed(emu: Emulator, env: Env, good_dir: Path, tmp_path: Path) -> None:
    emu.faults = FaultPlan(rules=[Fault.job_outcome("failed")])
    run = run_cli(_convert(good_dir / "a.pdf", tmp_path, "--json"), env)
    assert run.exit_code == ExitCode.JOB_FAILED
    assert run.json()[0]["error"]["type"] == "JobFailedError"


def test_7_timeout(emu: Emulator, env: Env, good_dir: Path, tmp_path: Path) -> None:
    emu.faults = FaultPlan(rules=[Fault.job_outcome("stuck")])
    run = run_cli(_convert(good_dir / "a.pdf", tmp_path, "--timeout", "1", "--json"), env)
    assert run.exit_code == ExitCode.TIMEOUT
    item = run.json()[0]
    assert item["error"]["type"] == "JobTimeoutError"
    assert item["job_id"]
    wait = run_cli(["job", "wait", item["job_id"], "--timeout", "1"], env)
    assert wait.exit_code == ExitCode.TIMEOUT
    assert f"pdfco job wait {item['job_id']}" in wait.stderr


def test_8_network(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env: Env = {"PDFCO_API_KEY": "k", "PDFCO_BASE_URL": f"http://127.0.0.1:{port}/v1"}
    run = run_cli(["credits", "--json", "--timeout", "1"], env)
    assert run.exit_code == ExitCode.NETWORK
    assert run.json()["error"]["type"] == "APIConnectionError"


@pytest.mark.parametrize(
    "env",
    [
        {"PDFCO_API_KEY": None},
        {"PDFCO_API_KEY": "k", "PDFCO_BASE_URL": "http://example.com/v1"},
    ],
)
def test_9_configuration(env: Env) -> None:
    run = run_cli(["credits"], env)
    assert run.exit_code == ExitCode.CONFIGURATION
    assert "ConfigurationError" in run.stderr


class _InterruptAfterJobStart(BatchView):
    """Presses Ctrl-C (in the main thread) once a job has started and another file ended."""

    def __init__(self) -> None:
        super().__init__(Masker())
        self.started = threading.Event()

    def job_started(self, record: FileRecord) -> None:
        self.started.set()

    def finished(self, record: FileRecord) -> None:
        assert self.started.wait(10)
        raise KeyboardInterrupt


def test_130_interrupted_batch_lists_started_jobs(good_dir: Path, tmp_path: Path) -> None:
    (good_dir / "0-bad.pdf").write_bytes(b"not a pdf")  # ends first, before any request
    out = tmp_path / "out"
    with Emulator(job_min_duration=3.0) as slow:
        clients: list[PdfCoClient] = []

        def make_client(on_progress: ProgressCallback) -> PdfCoClient:
            client = PdfCoClient(
                api_key=slow.api_key, base_url=slow.base_url, on_progress=on_progress
            )
            clients.append(client)
            return client

        outcome = run_batch(
            make_client,
            expand_inputs([str(good_dir)], recursive=False),
            OutputFormat.XLSX,
            out,
            _InterruptAfterJobStart(),
            workers=2,
            overwrite=False,
            options={},
        )
        clients[0].close()
    assert outcome.exit_code == ExitCode.INTERRUPTED
    assert outcome.unfinished_jobs
    assert all(record.job_id for record in outcome.unfinished_jobs)
    assert {r.status for r in outcome.records} <= {"failed", "interrupted", "cancelled"}
    assert not list(out.glob("*.part"))
    assert not list(out.glob(".*"))
    assert not list(out.glob("*.xlsx"))
