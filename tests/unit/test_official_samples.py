"""The official-samples harness (benchmarks/official_samples.py): rewriting, stand-ins, classes.

The scripts here are written for these tests in the samples' style; no sample code is used.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from pypdf import PdfReader

from benchmarks.official_samples import (
    CLEAN,
    FAILURE,
    REMOTE_INPUT,
    UNKNOWN_ENDPOINT,
    ApiCall,
    RunOutcome,
    classify,
    first_error_line,
    remote_urls,
    rewrite_source,
    stand_in_bytes,
    summarize,
    task_key,
    worst_class,
)

BASE = "http://127.0.0.1:5000/v1"
KEY = "emu-key"

SCRIPT = """\
import requests
# Docs: https://github.com/example/docs and https://api.pdf.co/v1 in a comment stay as they are
API_KEY = "************"
BASE_URL = "https://api.pdf.co/v1"
SourceFile = ".\\\\input.pdf"
Images = [".\\\\one.png", ".//two.jpg"]
DestinationFile = ".\\\\result.pdf"
SourceUrl = "https://demo-bucket.s3.amazonaws.com/files/sample.pdf"
url = "https://api.pdf.co/v1/pdf/info"
headers = {'x-api-key': '{{x-api-key}}', "content-type": "application/json"}
other = f"{BASE_URL}/job/check"
link = "https://pdf.co"
upload = open("/path/to/file", "rb")
"""


def _run(**overrides: object) -> RunOutcome:
    fields: dict[str, object] = {
        "exit_code": 0,
        "timed_out": False,
        "stdout": 'Result file saved as "result.pdf" file.\n',
        "stderr": "",
        "calls": (ApiCall("api", "POST", "/v1/pdf/info", 200),),
        "unknown_endpoints": (),
        "remote_inputs": (),
    }
    fields.update(overrides)
    return RunOutcome(**fields)  # type: ignore[arg-type]


def test_rewrite_changes_key_base_url_and_local_paths_only() -> None:
    rewrite = rewrite_source(SCRIPT, base_url=BASE, api_key=KEY)
    text = rewrite.text
    assert f"API_KEY = {KEY!r}" in text
    assert f"'x-api-key': {KEY!r}" in text
    assert f'BASE_URL = "{BASE}"' in text
    assert f'url = "{BASE}/pdf/info"' in text
    # Comments, f-strings without the URL and unrelated literals are untouched.
    assert "# Docs: https://github.com/example/docs and https://api.pdf.co/v1 in a comment" in text
    assert 'other = f"{BASE_URL}/job/check"' in text
    assert '"content-type": "application/json"' in text
    assert 'SourceUrl = "https://demo-bucket.s3.amazonaws.com/files/sample.pdf"' in text
    assert "SourceFile = './input.pdf'" in text
    assert "Images = ['./one.png', './two.jpg']" in text
    assert "DestinationFile = './result.pdf'" in text
    assert "open('./file', \"rb\")" in text
    assert (rewrite.base_urls, rewrite.api_keys) == (2, 2)
    local = {f.name: f.output for f in rewrite.local_files}
    assert local == {
        "input.pdf": False,
        "one.png": False,
        "two.jpg": False,
        "result.pdf": True,
        "file": False,
    }
    compile(text, "rewritten.py", "exec")


def test_rewrite_leaves_a_script_without_those_strings_alone() -> None:
    source = 'import requests\nprint(requests.get("http://127.0.0.1:1/x").text)\n'
    rewrite = rewrite_source(source, base_url=BASE, api_key=KEY)
    assert rewrite.text == source
    assert rewrite.local_files == ()


def test_remote_urls_are_inputs_not_documentation_links() -> None:
    assert remote_urls(SCRIPT) == ["https://demo-bucket.s3.amazonaws.com/files/sample.pdf"]
    payload = 'p = "{\\"url\\": \\"bucket.s3-us-west-2.amazonaws.com/a/logo.png\\"}"\n'
    assert remote_urls(payload) == ["bucket.s3-us-west-2.amazonaws.com/a/logo.png"]
    assert remote_urls('u = "filetoken://abc123"\n') == ["filetoken://abc123"]
    nested = 'u = "https://api.pdf.co/v1/file/delete?file=https://temp.s3.amazonaws.com/x.pdf"\n'
    assert remote_urls(nested) == ["https://temp.s3.amazonaws.com/x.pdf"]


def test_task_key_folds_renamed_top_folders() -> None:
    old = "PDF To XLSX/Python/Convert PDF To Excel/Convert.py"
    new = "PDF To Excel API/Python/Convert PDF To Excel/Convert.py"
    assert task_key(old) == task_key(new) == "Convert PDF To Excel/Convert.py"
    # No folder under Python: the folder above names the task.
    assert task_key("Get Email Information/Python/GetEmailInfo.py") == (
        "Get Email Information/GetEmailInfo.py"
    )


def test_first_error_line() -> None:
    assert first_error_line("all good\n", "") is None
    traceback = "Traceback (most recent call last):\n  File \"x.py\"\nKeyError: 'url'\n"
    assert first_error_line("", traceback) == "KeyError: 'url'"
    assert first_error_line("x\nRequest error: 404 NOT FOUND\n", "") == (
        "Request error: 404 NOT FOUND"
    )
    printed = 'b\'{"error":true,"status":400,"message":"bad"}\'\n'
    assert first_error_line(printed, "") == printed.strip()
    assert first_error_line("12:00.01: failed\nfailed\n", "") == "failed"


def test_classify_clean() -> None:
    assert classify(_run()) == (CLEAN, "")


def test_unknown_endpoint_wins_over_everything() -> None:
    run = _run(
        unknown_endpoints=("POST /v1/pdf/merge",),
        exit_code=1,
        stderr="Traceback (most recent call last):\nKeyError: 'url'\n",
        remote_inputs=("https://demo/x.pdf",),
    )
    assert classify(run) == (UNKNOWN_ENDPOINT, "POST /v1/pdf/merge")


def test_remote_input_needed() -> None:
    run = _run(
        stdout="Request error: 400 BAD REQUEST\n",
        calls=(ApiCall("api", "POST", "/v1/pdf/info", 400),),
        remote_inputs=("https://demo/x.pdf",),
    )
    kind, detail = classify(run)
    assert kind == REMOTE_INPUT
    assert "https://demo/x.pdf" in detail
    refused = _run(stdout="The emulator only accepts loopback URLs (127.0.0.1, localhost, ::1)\n")
    assert classify(refused)[0] == REMOTE_INPUT


def test_failures() -> None:
    assert classify(_run(timed_out=True, exit_code=None, timeout=30)) == (
        FAILURE,
        "timed out after 30 s",
    )
    crash = _run(exit_code=1, stderr="Traceback (most recent call last):\nNameError: x\n")
    assert classify(crash) == (FAILURE, "NameError: x")
    assert classify(_run(calls=())) == (FAILURE, "made no API call")
    bad_download = _run(
        calls=(ApiCall("api", "POST", "/v1/pdf/info", 200), ApiCall("storage", "GET", "/f", 404))
    )
    assert classify(bad_download) == (FAILURE, "storage answered 404 to GET /f")
    # A 400 without any remote input is the sample's or the emulator's fault, not the network's.
    bad = _run(stdout="Request error: 400\n", calls=(ApiCall("api", "POST", "/v1/x", 400),))
    assert classify(bad) == (FAILURE, "Request error: 400")


def test_worst_class_and_task_counts() -> None:
    assert worst_class([CLEAN, REMOTE_INPUT]) == REMOTE_INPUT
    assert worst_class([CLEAN, FAILURE, REMOTE_INPUT]) == FAILURE
    assert worst_class([FAILURE, UNKNOWN_ENDPOINT]) == UNKNOWN_ENDPOINT
    assert worst_class([CLEAN]) == CLEAN


@pytest.mark.parametrize(
    ("name", "magic"),
    [
        ("sample.png", b"\x89PNG"),
        ("image2.jpg", b"\xff\xd8\xff"),
        ("sample.docx", b"PK\x03\x04"),
        ("Input.xls", b"PK\x03\x04"),
        ("sample.csv", b"Item,Qty"),
    ],
)
def test_stand_ins_have_the_right_type(name: str, magic: bytes) -> None:
    data = stand_in_bytes(name)
    assert data.startswith(magic)
    if name.endswith(".docx"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert "word/document.xml" in archive.namelist()


def test_stand_in_pdf_is_real_and_holds_what_samples_look_for() -> None:
    reader = PdfReader(io.BytesIO(stand_in_bytes("sample.pdf")))
    assert len(reader.pages) >= 6  # samples split "1-2,3-" and rotate pages "0-2,4"
    text = reader.pages[0].extract_text()
    for phrase in ("Your Company Name", "conspicuous", "[CLIENT-SIGNATURE]", "INV-1001"):
        assert phrase in text
    rotated = PdfReader(io.BytesIO(stand_in_bytes("sample-rotated.pdf")))
    assert rotated.pages[0].rotation == 90
    assert stand_in_bytes("file").startswith(b"%PDF-")


def test_summarize_counts_scripts_and_tasks() -> None:
    from benchmarks.official_samples import SampleResult

    def result(sample: str, outcome: str) -> SampleResult:
        return SampleResult(sample, task_key(sample), outcome, "", 0.0, 0)

    summary = summarize(
        [
            result("A/Python/T/s.py", CLEAN),
            result("B/Python/T/s.py", UNKNOWN_ENDPOINT),
            result("A/Python/U/u.py", CLEAN),
        ]
    )
    assert (summary.scripts, summary.tasks) == (3, 2)
    assert summary.per_script[CLEAN] == 2
    assert summary.per_task == {CLEAN: 1, UNKNOWN_ENDPOINT: 1, REMOTE_INPUT: 0, FAILURE: 0}
