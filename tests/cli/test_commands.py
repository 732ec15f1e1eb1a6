"""``pdfco job``, ``upload``, ``credits``, ``info``, ``emulator``, help and the key's handling."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from pdfco_client import PdfCoClient, __version__
from pdfco_client.emulator import Emulator

from .conftest import SECRET_KEY, run_cli

Env = dict[str, Optional[str]]


def _start_job(emu: Emulator, pdf: Path) -> str:
    with PdfCoClient(api_key=emu.api_key, base_url=emu.base_url) as client:
        uploaded = client.upload(pdf)
        return client.start_conversion(uploaded.url, "csv").job_id


def test_job_wait_downloads_and_job_check_reports(
    emu: Emulator, env: Env, good_dir: Path, tmp_path: Path
) -> None:
    job_id = _start_job(emu, good_dir / "a.pdf")
    target = tmp_path / "result.csv"
    run = run_cli(["job", "wait", job_id, "--download", str(target), "--json"], env)
    assert run.exit_code == 0, run.stderr
    document = run.json()
    assert document["status"] == "success"
    assert document["job_id"] == job_id
    assert document["output"] == str(target)
    assert target.read_text()
    again = run_cli(["job", "wait", job_id, "--download", str(target)], env)
    assert again.exit_code == 5  # the file exists: --overwrite replaces it
    assert "already exists" in again.stderr
    check = run_cli(["job", "check", job_id], env)
    assert check.exit_code == 0, check.stderr
    assert "success" in check.stdout
    assert job_id in check.stdout


def test_job_check_of_an_unknown_job_exits_6(env: Env) -> None:
    run = run_cli(["job", "check", "NOSUCHJOB123", "--force", "--json"], env)
    assert run.exit_code == 6
    assert run.json()["status"] == "unknown"


def test_upload_prints_the_url(env: Env, good_dir: Path) -> None:
    run = run_cli(["upload", str(good_dir / "a.pdf")], env)
    assert run.exit_code == 0, run.stderr
    assert run.stdout.startswith("http://127.0.0.1:")
    as_json = run_cli(["upload", str(good_dir / "a.pdf"), "--json"], env).json()
    assert as_json["name"] == "a.pdf"
    assert as_json["size"] == (good_dir / "a.pdf").stat().st_size


def test_credits(emu: Emulator, env: Env) -> None:
    emu.credits = 1234
    run = run_cli(["credits"], env)
    assert run.exit_code == 0, run.stderr
    assert int(run.stdout) <= 1234
    assert run_cli(["credits", "--json"], env).json()["remaining_credits"] <= 1234


def test_info_uploads_then_deletes(emu: Emulator, env: Env, good_dir: Path) -> None:
    run = run_cli(["info", str(good_dir / "b.PDF"), "--json"], env)
    assert run.exit_code == 0, run.stderr
    assert run.json()["page_count"] == 3
    assert any(r.path.endswith("/file/delete") for r in emu.requests)
    plain = run_cli(["info", str(good_dir / "b.PDF")], env)
    assert "page_count" in plain.stdout


def test_help_lists_commands_and_exit_codes() -> None:
    run = run_cli(["--help"])
    assert run.exit_code == 0
    for command in ("convert", "job", "upload", "credits", "info", "emulator"):
        assert command in run.stdout
    assert "Exit codes:" in run.stdout
    assert "130" in run.stdout
    assert run_cli(["--version"]).stdout.strip() == f"pdfco {__version__}"


def test_emulator_command_delegates_to_the_emulators_own() -> None:
    run = run_cli(["emulator", "--help"])
    assert run.exit_code == 0
    assert "--job-min-duration" in run.stdout
    assert run_cli(["emulator", "--no-such-option"]).exit_code == 2


def test_api_key_file_warns_when_others_can_read_it(emu: Emulator, tmp_path: Path) -> None:
    key_file = tmp_path / "key"
    key_file.write_text(f"  {emu.api_key}\n")
    env: Env = {"PDFCO_API_KEY": None, "PDFCO_BASE_URL": emu.base_url}
    os.chmod(key_file, 0o644)
    run = run_cli(["--api-key-file", str(key_file), "credits"], env)
    assert run.exit_code == 0, run.stderr
    assert "readable by other users" in run.stderr
    os.chmod(key_file, 0o600)
    run = run_cli(["credits", "--api-key-file", str(key_file)], env)
    assert run.exit_code == 0
    assert run.stderr == ""


def test_the_key_is_never_printed(env: Env, mixed_dir: Path, tmp_path: Path) -> None:
    runs = [
        run_cli(["-vv", "convert", str(mixed_dir), "--to", "xlsx", "-o", str(tmp_path)], env),
        run_cli(["-vv", "--json", "credits"], env),
        run_cli(["-vv", "job", "check", "NOSUCHJOB123", "--force"], env),
    ]
    for run in runs:
        assert SECRET_KEY not in run.stdout + run.stderr


def test_emulator_flag_refuses_a_key_file_or_base_url(tmp_path: Path) -> None:
    run = run_cli(["--emulator", "--base-url", "https://api.pdf.co/v1", "credits"])
    assert run.exit_code == 2
    assert "--emulator" in run.stderr
