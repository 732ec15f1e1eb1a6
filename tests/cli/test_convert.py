"""``pdfco convert`` in this process against the emulator."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import openpyxl

from pdfco_client.emulator import Emulator

from .conftest import SECRET_KEY, by_name, run_cli

Env = dict[str, Optional[str]]


def test_a_folder_converts_with_plain_lines_and_a_summary(
    env: Env, good_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    run = run_cli(["convert", str(good_dir), "--to", "xlsx", "-o", str(out)], env)
    assert run.exit_code == 0, run.stderr
    assert sorted(p.name for p in out.iterdir()) == ["a.xlsx", "b.xlsx"]
    assert openpyxl.load_workbook(out / "a.xlsx").active is not None
    assert f"converted {good_dir / 'a.pdf'} -> {out / 'a.xlsx'} (1 page," in run.stdout
    assert "started " in run.stdout
    assert "notes.txt" not in run.stdout  # a folder gives its *.pdf files only
    assert "2 converted; " in run.stdout
    assert "| file " in run.stdout  # the summary table


def test_mixed_folder_json(env: Env, mixed_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = run_cli(["convert", str(mixed_dir), "--to", "csv", "-o", str(out), "--json"], env)
    assert run.exit_code == 1, run.stderr  # some converted, some failed on their own
    document = run.json()
    assert [Path(item["source"]).name for item in document] == [
        "a.pdf",
        "b.PDF",
        "c-not-a-pdf.pdf",
        "d-empty.pdf",
        "e-protected.pdf",
    ]
    items = by_name(document)
    good = items["b.PDF"]
    assert good["ok"] is True
    assert good["status"] == "converted"
    assert good["pages"] == 3
    assert good["credits"] > 0
    assert good["seconds"] > 0
    assert good["job_id"]
    assert good["output"] == str(out / "b.csv")
    assert good["error"] is None
    assert Path(good["output"]).read_text()
    assert items["c-not-a-pdf.pdf"]["error"]["type"] == "InputValidationError"
    assert items["c-not-a-pdf.pdf"]["error"]["exit_code"] == 5
    assert items["d-empty.pdf"]["error"]["type"] == "InputValidationError"
    protected = items["e-protected.pdf"]
    assert protected["ok"] is False
    assert protected["error"]["exit_code"] == 5
    assert protected["job_id"]  # the job ran and failed on the password
    assert not (out / "e-protected.csv").exists()
    assert SECRET_KEY not in run.stdout + run.stderr


def test_existing_outputs_are_skipped_unless_overwrite(
    env: Env, good_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.json").write_text("old")
    args = ["convert", str(good_dir), "--to", "json", "-o", str(out), "--json"]
    run = run_cli(args, env)
    assert run.exit_code == 0, run.stderr
    items = by_name(run.json())
    assert items["a.pdf"]["status"] == "skipped"
    assert items["a.pdf"]["ok"] is True
    assert items["b.PDF"]["status"] == "converted"
    assert (out / "a.json").read_text() == "old"
    run = run_cli([*args, "--overwrite"], env)
    assert run.exit_code == 0, run.stderr
    assert {item["status"] for item in run.json()} == {"converted"}
    assert (out / "a.json").read_text() != "old"


def test_explicit_files_keep_any_extension_and_duplicates_run_once(
    env: Env, good_dir: Path, tmp_path: Path
) -> None:
    renamed = tmp_path / "report.bin"
    renamed.write_bytes((good_dir / "a.pdf").read_bytes())
    a = good_dir / "a.pdf"
    args = [str(renamed), str(a), str(a), "--to", "text", "-o", str(tmp_path), "--json"]
    run = run_cli(["convert", *args], env)
    assert run.exit_code == 0, run.stderr
    outputs = sorted(Path(item["output"]).name for item in run.json())
    assert outputs == ["a.txt", "report.txt"]


def test_recursive_and_same_names_get_distinct_outputs(
    env: Env, good_dir: Path, tmp_path: Path
) -> None:
    nested = good_dir / "sub"
    nested.mkdir()
    (nested / "a.pdf").write_bytes((good_dir / "a.pdf").read_bytes())
    out = tmp_path / "out"
    flat = run_cli(["convert", str(good_dir), "--to", "html", "-o", str(out), "--json"], env)
    assert len(flat.json()) == 2
    deep = run_cli(
        ["convert", str(good_dir), "-r", "--to", "html", "-o", str(out / "r"), "--json"], env
    )
    assert deep.exit_code == 0, deep.stderr
    assert sorted(Path(i["output"]).name for i in deep.json()) == ["a-2.html", "a.html", "b.html"]


def test_global_options_go_before_or_after_the_command(good_dir: Path, tmp_path: Path) -> None:
    a = str(good_dir / "a.pdf")
    before = run_cli(["--emulator", "--json", "convert", a, "--to", "xml", "-o", str(tmp_path)])
    assert before.exit_code == 0, before.stderr
    assert before.json()[0]["status"] == "converted"
    after = run_cli(
        ["convert", a, "--to", "xml", "-o", str(tmp_path / "2"), "--emulator", "--json"],
        {"PDFCO_API_KEY": None},
    )
    assert after.exit_code == 0, after.stderr
    assert Path(after.json()[0]["output"]).is_file()


def test_pages_password_and_keep_input(
    emu: Emulator, env: Env, tmp_path: Path, pdfs: dict[str, bytes]
) -> None:
    protected = tmp_path / "p.pdf"
    protected.write_bytes(pdfs["encrypted"])
    run = run_cli(
        [
            "convert",
            str(protected),
            "--to",
            "csv",
            "-o",
            str(tmp_path),
            "--password",
            "s3cret",
            "--pages",
            "0",
            "--keep-input",
            "--json",
            "--workers",
            "1",
        ],
        env,
    )
    assert run.exit_code == 0, run.stderr
    assert run.json()[0]["pages"] == 1
    assert "s3cret" not in run.stdout
    uploads = [r for r in emu.requests if r.path.endswith("file/delete")]
    assert uploads == []  # --keep-input: no delete


def test_password_alone_is_asked_for(env: Env, tmp_path: Path, pdfs: dict[str, bytes]) -> None:
    protected = tmp_path / "p.pdf"
    protected.write_bytes(pdfs["encrypted"])
    from click.testing import CliRunner

    from pdfco_client.cli._app import cli

    result = CliRunner().invoke(
        cli,
        ["convert", str(protected), "--to", "csv", "-o", str(tmp_path), "--json", "--password"],
        input="s3cret\n",
        env=env,
    )
    assert result.exit_code == 0, result.output
    assert "s3cret" not in result.output


def test_a_folder_without_pdfs_is_a_usage_error(env: Env, tmp_path: Path) -> None:
    run = run_cli(["convert", str(tmp_path), "--to", "xlsx"], env)
    assert run.exit_code == 2
    assert "no PDF files found" in run.stderr
