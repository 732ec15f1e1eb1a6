"""The real ``pdfco`` process: ``python -m pdfco_client.cli``, with Ctrl-C and all."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

from pdfco_client.emulator import Emulator

from .conftest import SECRET_KEY, by_name

TIMEOUT = 60


def _env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PDFCO_")}
    env.update(values)
    return env


def pdfco(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pdfco_client.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=TIMEOUT,
        check=False,
    )


def test_mixed_folder_json_from_a_real_process(
    emu: Emulator, mixed_dir: Path, tmp_path: Path
) -> None:
    env = _env(PDFCO_API_KEY=emu.api_key, PDFCO_BASE_URL=emu.base_url)
    out = tmp_path / "out"
    done = pdfco("convert", str(mixed_dir), "--to", "xlsx", "-o", str(out), "--json", env=env)
    assert done.returncode == 1, done.stderr
    items = by_name(json.loads(done.stdout))
    assert [name for name, item in items.items() if item["ok"]] == ["a.pdf", "b.PDF"]
    assert sorted(p.name for p in out.iterdir()) == ["a.xlsx", "b.xlsx"]
    assert SECRET_KEY not in done.stdout + done.stderr


def test_plain_lines_and_emulator_flag_in_a_real_process(good_dir: Path, tmp_path: Path) -> None:
    done = pdfco(
        "convert", str(good_dir), "--to", "csv", "-o", str(tmp_path), "--emulator", env=_env()
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert sum(line.startswith("started ") for line in lines) == 2
    assert sum(line.startswith("converted ") for line in lines) == 2
    assert "2 converted; " in done.stdout


def test_the_cli_does_not_import_the_emulator() -> None:
    code = (
        "import sys; import pdfco_client.cli._app; "
        "assert 'pdfco_client.emulator' not in sys.modules; "
        "assert 'werkzeug' not in sys.modules"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=TIMEOUT, check=False
    )
    assert done.returncode == 0, done.stderr


def _lines(stream: IO[str], into: queue.Queue[str]) -> None:
    for line in stream:
        into.put(line)


@pytest.fixture
def emulator_process() -> Iterator[dict[str, str]]:
    """``pdfco emulator`` in its own process with 3 s jobs; yields its PDFCO_* settings."""
    with subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pdfco_client.cli",
            "emulator",
            "--port",
            "0",
            "--job-min-duration",
            "3",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    ) as process:
        try:
            assert process.stdout is not None
            settings: dict[str, str] = {}
            deadline = time.monotonic() + 20
            while len(settings) < 3 and time.monotonic() < deadline:
                key, _, value = process.stdout.readline().strip().partition("=")
                settings[key] = value
            assert settings["PDFCO_BASE_URL"].startswith("http://127.0.0.1:")
            yield settings
            process.send_signal(signal.SIGINT)
            assert process.wait(timeout=20) == 0
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)


def test_ctrl_c_in_the_middle_of_a_batch(
    emulator_process: dict[str, str], pdfs: dict[str, bytes], tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for index in range(5):
        (folder / f"doc{index}.pdf").write_bytes(pdfs["ruled"])
    out = tmp_path / "out"
    env = _env(
        PDFCO_API_KEY=emulator_process["PDFCO_API_KEY"],
        PDFCO_BASE_URL=emulator_process["PDFCO_BASE_URL"],
    )
    lines: queue.Queue[str] = queue.Queue()
    with subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pdfco_client.cli",
            "convert",
            str(folder),
            "--to",
            "xlsx",
            "-o",
            str(out),
            "--workers",
            "2",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    ) as process:
        try:
            assert process.stdout is not None
            assert process.stderr is not None
            reader = threading.Thread(target=_lines, args=(process.stdout, lines), daemon=True)
            reader.start()
            seen: list[str] = []
            deadline = time.monotonic() + 30
            while not any(line.startswith("started ") for line in seen):
                seen.append(lines.get(timeout=max(0.1, deadline - time.monotonic())))
            process.send_signal(signal.SIGINT)
            assert process.wait(timeout=TIMEOUT) == 130
            reader.join(timeout=10)
            stderr = process.stderr.read()
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
    while not lines.empty():
        seen.append(lines.get_nowait())
    started = [m.group(1) for line in seen if (m := re.match(r"started .*: job (\S+)$", line))]
    assert started
    for job_id in started:
        assert f"pdfco job wait {job_id} --download " in stderr
    assert "interrupted" in stderr
    assert not list(out.glob("*.part"))
    assert not list(out.glob(".*"))
    assert not list(out.glob("*.xlsx"))  # 3 s jobs: none had finished
    stdout = "".join(seen)
    assert "interrupted" in stdout
    assert "cancelled" in stdout
