"""How PDF.co's own published Python samples fare against the emulator, run (almost) unchanged.

Run from the repository root::

    .venv/bin/python -m benchmarks.official_samples --samples /work/samples [--report out.json]

``--samples`` is a folder holding a copy of ``bytescout/pdf-co-api-samples`` (only its ``.py``
files under a ``Python`` folder are run; nothing of it is in this repository). Each script is
copied into a fresh temporary folder and run with this interpreter, under a timeout, against an
:class:`~pdfco_client.emulator.Emulator` on loopback. Only three things are changed in the copy:

- the base URL ``https://api.pdf.co/v1`` (in any string) becomes the emulator's;
- the API key: the value assigned to ``API_KEY``/``api_key`` or given as the ``x-api-key``
  header literal (``'{{x-api-key}}'``, ``'ADD_YOUR_API_KEY'``...) becomes the emulator's key;
- local file names: paths such as ``".\\\\sample.pdf"``, ``".//result.pdf"``, ``"/path/to/file"``
  become ``./<name>`` (the samples are written for Windows), and every input among them gets a
  generated stand-in of its type (a real PDF built from ``tests/pdf_factory.py``, CSV, HTML, PNG,
  JPG, DOCX, XLSX, EML...), or a copy of the file of that name found in the samples folder.

Networking is held to loopback: the child's proxy variables point at a closed loopback port and
``NO_PROXY`` names only loopback, so any request a sample makes to the internet fails at once
instead of leaving the machine or hanging. The emulator itself refuses non-loopback input URLs.

Each run ends in one class:

- **clean**: exit status 0, no error printed, at least one API call, and no 4xx/5xx answer from
  the API or the storage host;
- **unknown endpoint**: the emulator answered 404 "Unknown endpoint" (read from its request log,
  then confirmed by asking the emulator for the same method and path again, so a 404 such as
  "File not found" does not count);
- **needs remote input**: the run failed because it passes a public demo file or web page URL
  (``https://pdfco-test-files.s3...``, ``filetoken://...``) that an offline emulator cannot read;
- **other failure**: anything else, with the first error line (a timeout included).

Counts are printed per script and per task. A task is a sample folder and script name: the
repository's history holds 165 Python scripts, 141 tasks once the copies kept under a renamed
top folder (``PDF To XLSX`` and ``PDF To Excel API``, ``PDF From CSV`` and ``CSV To PDF API``...)
are folded together; a task takes the worst class of its scripts (unknown endpoint, then other
failure, then needs remote input, then clean).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tokenize
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional

import requests

from benchmarks._common import print_table
from pdfco_client.emulator import Emulator

__all__ = [
    "CLASSES",
    "CLEAN",
    "FAILURE",
    "REMOTE_INPUT",
    "UNKNOWN_ENDPOINT",
    "ApiCall",
    "LocalFile",
    "Rewrite",
    "RunOutcome",
    "classify",
    "discover_samples",
    "first_error_line",
    "main",
    "remote_urls",
    "rewrite_source",
    "task_key",
    "worst_class",
]

OFFICIAL_BASE_URL = "https://api.pdf.co/v1"

CLEAN = "clean"
UNKNOWN_ENDPOINT = "unknown endpoint"
REMOTE_INPUT = "needs remote input"
FAILURE = "other failure"
CLASSES = (CLEAN, UNKNOWN_ENDPOINT, REMOTE_INPUT, FAILURE)
# Worst first: a task with any script in an earlier class is counted in that class.
_SEVERITY = (UNKNOWN_ENDPOINT, FAILURE, REMOTE_INPUT, CLEAN)

DEFAULT_TIMEOUT = 60.0
DEFAULT_JOBS = 2
# Where the child's proxies point: nothing listens on port 1, so a non-loopback request is
# refused at once by the local kernel.
_DEAD_PROXY = "http://127.0.0.1:1"
_LOOPBACK_NAMES = "127.0.0.1,localhost,::1"
_MAX_KEPT_OUTPUT = 20_000

# A local path in a string literal: Windows-relative (".\\x", ".//x"), POSIX-relative ("./x"),
# or a placeholder the reader is meant to replace ("/path/to/file", "/Users/me/Downloads/...").
_LOCAL_PATH = re.compile(r"^(?:\.[\\/]+|/path/to/|/Users/|[A-Za-z]:\\)")
_OUTPUT_NAME = re.compile(r"(?i)(destination|result|output)")
_KEY_NAME = re.compile(r"(?i)^api_?key$")
_URL = re.compile(r"(?:https?|filetoken)://[^\s\"'<>\\]+|\b[\w.-]+\.amazonaws\.com/[^\s\"'<>\\]+")
# Hosts the samples only link to (documentation, licences, form fields' links), never read.
_LINK_HOSTS = frozenset(
    {
        "api.pdf.co",
        "apidocs.pdf.co",
        "app.pdf.co",
        "bytescout.com",
        "cdn.bytescout.com",
        "developer.pdf.co",
        "docs.microsoft.com",
        "docs.pdf.co",
        "example.com",
        "github.com",
        "pdf.co",
        "support.google.com",
        "webhook.site",
        "www.pdf.co",
    }
)

# Printed lines that mean the sample saw an error (its own messages, a printed error body).
_ERROR_LINE = re.compile(
    r"^(?:Request error|Error\b|API Error|Job failed|Failed|File upload failed|"
    r"Job submission failed|No result found|Result file URL not found)"
    r"|\"error\"\s*:\s*true|Unknown endpoint|only accepts loopback"
    r"|^(?:failed|aborted|unknown)$",
)
_REMOTE_SIGNS = (
    "only accepts loopback",
    "Could not download the file from the url",
    "ProxyError",
)


# -- discovering and rewriting ---------------------------------------------------------------


def discover_samples(root: Path) -> list[Path]:
    """The sample scripts under ``root``: ``*.py`` in a ``Python`` folder, sorted, relative."""
    found = []
    for path in root.rglob("*.py"):
        rel = path.relative_to(root)
        if "Python" in rel.parts[:-1] and not any(part.startswith("_") for part in rel.parts):
            found.append(rel)
    return sorted(found, key=lambda p: p.as_posix())


def task_key(rel: str) -> str:
    """The task a script belongs to: its folder under ``Python`` (else the one above) and name.

    The repository keeps some samples twice, under an old and a new top folder; those share a
    task key, which is how 165 scripts make the issue's 141 tasks.
    """
    parts = rel.replace("\\", "/").split("/")
    if "Python" not in parts[:-1]:
        return rel
    at = parts.index("Python")
    folder = parts[at + 1 : -1]
    if not folder and at > 0:
        folder = [parts[at - 1]]
    return "/".join([*folder, parts[-1]])


@dataclass(frozen=True)
class LocalFile:
    """A local path a sample names: its name in the run folder and whether the sample writes it."""

    name: str
    output: bool


@dataclass(frozen=True)
class Rewrite:
    text: str
    local_files: tuple[LocalFile, ...]
    base_urls: int
    """How many strings had the official base URL replaced."""
    api_keys: int
    """How many API key literals were replaced."""


def _literal_value(token_text: str) -> Optional[str]:
    """The value of a plain (not f-, not bytes) string literal, else ``None``."""
    prefix = re.match(r"^[A-Za-z]*", token_text)
    letters = prefix.group(0).lower() if prefix else ""
    if "f" in letters or "b" in letters:
        return None
    try:
        value = eval(token_text, {"__builtins__": {}}, {})  # noqa: S307 - a single literal token
    except (SyntaxError, ValueError):
        return None
    return value if isinstance(value, str) else None


def _local_name(value: str) -> str:
    name = re.split(r"[\\/]+", value)[-1]
    return name or "input"


def rewrite_source(source: str, *, base_url: str, api_key: str) -> Rewrite:
    """``source`` with the base URL, the API key and local file names changed (nothing else).

    Works on tokens, so comments, f-strings and code are left as they were.
    """
    tokens = [
        tok
        for tok in tokenize.generate_tokens(io.StringIO(source).readline)
        if tok.type not in (tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT)
    ]
    fstring_middle = getattr(tokenize, "FSTRING_MIDDLE", None)
    edits: list[tuple[tuple[int, int], tuple[int, int], str]] = []
    local: dict[str, LocalFile] = {}
    base_urls = api_keys = 0
    for index, tok in enumerate(tokens):
        if tok.type == fstring_middle and OFFICIAL_BASE_URL in tok.string:
            edits.append((tok.start, tok.end, tok.string.replace(OFFICIAL_BASE_URL, base_url)))
            base_urls += 1
            continue
        if tok.type != tokenize.STRING:
            continue
        value = _literal_value(tok.string)
        if value is None:
            continue
        before = tokens[index - 2 : index]
        if _is_key_literal(before):
            edits.append((tok.start, tok.end, repr(api_key)))
            api_keys += 1
        elif OFFICIAL_BASE_URL in tok.string:
            edits.append((tok.start, tok.end, tok.string.replace(OFFICIAL_BASE_URL, base_url)))
            base_urls += 1
        elif _LOCAL_PATH.match(value):
            name = _local_name(value)
            assigned = before[0].string if len(before) == 2 and before[1].string == "=" else ""
            output = bool(_OUTPUT_NAME.search(assigned))
            known = local.get(name)
            local[name] = LocalFile(name, output and (known is None or known.output))
            edits.append((tok.start, tok.end, repr("./" + name)))
    return Rewrite(
        text=_apply_edits(source, edits),
        local_files=tuple(local.values()),
        base_urls=base_urls,
        api_keys=api_keys,
    )


def _is_key_literal(before: Sequence[tokenize.TokenInfo]) -> bool:
    if len(before) != 2:
        return False
    name, op = before
    if op.string == "=" and name.type == tokenize.NAME and _KEY_NAME.match(name.string):
        return True
    if op.string == ":" and name.type == tokenize.STRING:
        return (_literal_value(name.string) or "").lower() == "x-api-key"
    return False


def _apply_edits(source: str, edits: list[tuple[tuple[int, int], tuple[int, int], str]]) -> str:
    lines = source.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    out = source
    for (srow, scol), (erow, ecol), text in sorted(edits, reverse=True):
        begin = starts[srow - 1] + scol
        end = starts[erow - 1] + ecol
        out = out[:begin] + text + out[end:]
    return out


def remote_urls(source: str) -> list[str]:
    """Public URLs in the script's string literals that it hands to the API as inputs."""
    found: list[str] = []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return found
    fstring_middle = getattr(tokenize, "FSTRING_MIDDLE", None)
    for tok in tokens:
        if tok.type == tokenize.STRING:
            text = _literal_value(tok.string) or ""
        elif tok.type == fstring_middle:
            text = tok.string
        else:
            continue
        for url in _urls_in(text):
            if url not in found:
                found.append(url)
    return found


def _urls_in(text: str) -> Iterator[str]:
    """Non-link URLs in ``text``, including one nested in another's query (``?file=https://``)."""
    for url in _URL.findall(text):
        url = url.rstrip(".,;)")
        host = re.sub(r"^[a-z]+://", "", url).split("/", 1)[0].split("?", 1)[0].lower()
        if host not in _LINK_HOSTS:
            yield url
        elif "://" in url.split("://", 1)[1]:
            yield from _urls_in(url.split("://", 1)[1])


# -- stand-in inputs ---------------------------------------------------------------------------

_STAND_IN_TEXT = (
    "Sample document with multi-page table",
    "Your Company Name  Client Name  Item  Notes",
    "The most conspicuous feature of the page is this sentence.",
    "Invoice number INV-1001   Invoice Date: 2024-01-15   Due Date: 2024-02-15",
    "Subtotal 100.00   Tax 20.00   TOTAL 120.00",
    "Licence: /creativecommons.org/licenses/by-sa/3.0/",
    "Signature: [CLIENT-SIGNATURE]",
)


@lru_cache(maxsize=2)
def stand_in_pdf(rotated: bool = False) -> bytes:
    """A real, deterministic PDF of 6 pages: a page with the phrases the samples search for,
    QR code "bytescout.com" and a link, then ``tests/pdf_factory.py``'s multi-page ledger and
    ruled table. ``rotated`` turns every page by 90 degrees."""
    from pypdf import PdfReader, PdfWriter
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    from tests.pdf_factory import make_multi_page_pdf, make_ruled_table_pdf

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=letter, invariant=True)
    for number in (1, 2):
        pdf.setFont("Helvetica", 12)
        for line, text in enumerate(_STAND_IN_TEXT):
            pdf.drawString(72, 720 - 24 * line, text)
        pdf.linkURL("https://example.com/", (72, 540, 300, 560))
        pdf.drawString(72, 545, "https://example.com/ (a hyperlink)")
        widget = QrCodeWidget("https://bytescout.com")
        drawing = Drawing(120, 120)
        drawing.add(widget)
        renderPDF.draw(drawing, pdf, 72, 380)
        pdf.drawString(72, 360, f"Page {number} of the stand-in input")
        pdf.showPage()
    pdf.save()
    writer = PdfWriter()
    for data in (buffer.getvalue(), make_multi_page_pdf(), make_ruled_table_pdf()):
        for page in PdfReader(io.BytesIO(data)).pages:
            writer.add_page(page)
    while len(writer.pages) < 6:
        writer.add_page(PdfReader(io.BytesIO(make_ruled_table_pdf())).pages[0])
    if rotated:
        for page in writer.pages:
            page.rotate(90)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _image(fmt: str) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 120), "white")
    ImageDraw.Draw(image).text((10, 50), "pdfco-client stand-in image", fill="black")
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.'
            'org/package/2006/content-types"><Default Extension="rels" ContentType="application'
            '/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentTyp'
            'e="application/xml"/><Override PartName="/word/document.xml" ContentType="applicat'
            'ion/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxml'
            'formats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schem'
            'as.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="wo'
            'rd/document.xml"/></Relationships>',
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlf'
            'ormats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>pdfco-client stand-i'
            "n document</w:t></w:r></w:p></w:body></w:document>",
        )
    return out.getvalue()


def _xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in (["Item", "Qty", "Price"], ["Bolts", 1200, 0.15], ["Nuts", 950, 0.1]):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


_TEXT_STAND_INS: Mapping[str, str] = {
    ".csv": "Item,Qty,Price\nBolts,1200,0.15\nNuts,950,0.10\nWashers,3400,0.05\n",
    ".html": "<!DOCTYPE html><html><head><title>Stand-in</title></head><body><h1>Invoice "
    "{{number}}</h1><p>From {{from}} to {{to}}</p><table>{{#lines}}<tr><td>{{title}}</td>"
    "<td>{{quantity}}</td><td>{{price}}</td></tr>{{/lines}}</table></body></html>\n",
    ".json": "{}\n",
    ".txt": "pdfco-client stand-in text\n",
    ".eml": "From: a@example.com\r\nTo: b@example.com\r\nSubject: Stand-in\r\n"
    "Date: Mon, 15 Jan 2024 10:00:00 +0000\r\n\r\nStand-in message.\r\n",
}


def stand_in_bytes(name: str) -> bytes:
    """Generated content for an input named ``name``, chosen by its extension (PDF otherwise)."""
    ext = os.path.splitext(name)[1].lower()
    if ext in _TEXT_STAND_INS:
        return _TEXT_STAND_INS[ext].encode()
    if ext in (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff"):
        fmt = {".jpg": "JPEG", ".jpeg": "JPEG", ".tif": "TIFF"}.get(ext, ext[1:].upper())
        return _image(fmt)
    if ext in (".doc", ".docx"):
        return _docx()
    if ext in (".xls", ".xlsx"):
        return _xlsx()
    return stand_in_pdf(rotated="rotated" in name.lower())


def _find_published(name: str, sample_dir: Path, samples_root: Path) -> Optional[Path]:
    """A text input the repository ships (template.json, *.yml...): beside the sample first."""
    if os.path.splitext(name)[1].lower() not in (".json", ".yml", ".yaml", ".html", ".csv"):
        return None
    beside = sample_dir / name
    if beside.is_file():
        return beside
    matches = sorted(p for p in samples_root.rglob(name) if p.is_file())
    return matches[0] if matches else None


# -- running ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiCall:
    server: str
    method: str
    path: str
    status: Optional[int]


@dataclass(frozen=True)
class RunOutcome:
    """What one run produced, the input of :func:`classify`."""

    exit_code: Optional[int]
    timed_out: bool
    stdout: str
    stderr: str
    calls: tuple[ApiCall, ...]
    unknown_endpoints: tuple[str, ...]
    """``METHOD /path`` the emulator confirmed it does not serve."""
    remote_inputs: tuple[str, ...]
    timeout: float = DEFAULT_TIMEOUT


@dataclass
class SampleResult:
    sample: str
    task: str
    outcome: str
    detail: str
    seconds: float
    exit_code: Optional[int]
    calls: list[dict[str, object]] = field(default_factory=list)
    remote_inputs: list[str] = field(default_factory=list)
    local_inputs: list[str] = field(default_factory=list)
    stdout_tail: str = ""


def first_error_line(stdout: str, stderr: str) -> Optional[str]:
    """The line that best says what went wrong: a traceback's last line, else the first printed
    error; ``None`` when the output shows no error."""
    if "Traceback (most recent call last)" in stderr:
        lines = [line.strip() for line in stderr.splitlines() if line.strip()]
        return lines[-1] if lines else "Traceback"
    for line in (*stdout.splitlines(), *stderr.splitlines()):
        text = line.strip()
        if text.startswith(("b'", 'b"')):
            text = text[2:]
        if _ERROR_LINE.search(text):
            return line.strip()
    return None


def classify(run: RunOutcome) -> tuple[str, str]:
    """The class of a run and a one-line detail (see the module docstring for the rules)."""
    if run.unknown_endpoints:
        return UNKNOWN_ENDPOINT, ", ".join(run.unknown_endpoints)
    error = first_error_line(run.stdout, run.stderr)
    failed_calls = [c for c in run.calls if c.status is not None and c.status >= 400]
    api_calls = [c for c in run.calls if c.server == "api"]
    problem: str
    if run.timed_out:
        problem = f"timed out after {run.timeout:.0f} s"
    elif run.exit_code != 0:
        problem = error or f"exit status {run.exit_code}"
    elif error is not None:
        problem = error
    elif failed_calls:
        call = failed_calls[0]
        problem = f"{call.server} answered {call.status} to {call.method} {call.path}"
    elif not api_calls:
        problem = "made no API call"
    else:
        return CLEAN, ""
    output = run.stdout + run.stderr
    if any(sign in output for sign in _REMOTE_SIGNS) or (
        run.remote_inputs and any(c.server == "api" and c.status == 400 for c in failed_calls)
    ):
        return REMOTE_INPUT, f"{problem} (inputs: {', '.join(run.remote_inputs) or '?'})"
    return FAILURE, problem


def worst_class(classes: Iterable[str]) -> str:
    present = set(classes)
    return next(name for name in _SEVERITY if name in present)


def child_environment() -> dict[str, str]:
    """The sample's environment: loopback only (dead proxies), no PDFCO_* or PYTHONPATH."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.upper().startswith(("PDFCO_", "PYTHON")) and "PROXY" not in k.upper()
    }
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        env[name] = env[name.lower()] = _DEAD_PROXY
    env["NO_PROXY"] = env["no_proxy"] = _LOOPBACK_NAMES
    env.update(PYTHONDONTWRITEBYTECODE="1", PYTHONUNBUFFERED="1", PYTHONIOENCODING="utf-8")
    return env


def _run_child(script: Path, cwd: Path, timeout: float) -> tuple[Optional[int], bool, str, str]:
    with subprocess.Popen(
        [sys.executable, script.name],
        cwd=cwd,
        env=child_environment(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    ) as proc:
        try:
            out, err = proc.communicate(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the sample's own process group, nothing else
            out, err = proc.communicate()
            timed_out = True
    return (None if timed_out else proc.returncode), timed_out, _text(out), _text(err)


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")[-_MAX_KEPT_OUTPUT:]


def _confirm_unknown(emulator: Emulator, calls: Sequence[ApiCall]) -> tuple[str, ...]:
    """Ask the emulator again, without parameters, for each API call it answered 404."""
    base = emulator.base_url.rsplit("/v1", 1)[0]
    key = emulator.api_key
    unknown: list[str] = []
    with requests.Session() as session:
        session.trust_env = False
        for call in calls:
            label = f"{call.method} {call.path}"
            if call.server != "api" or call.status != 404 or label in unknown:
                continue
            answer = session.request(
                call.method, base + call.path, headers={"x-api-key": key}, timeout=10
            )
            try:
                message = str(answer.json().get("message", ""))
            except ValueError:
                message = ""
            if answer.status_code == 404 and message.startswith("Unknown endpoint"):
                unknown.append(label)
    return tuple(unknown)


def run_sample(rel: Path, samples_root: Path, emulator: Emulator, timeout: float) -> SampleResult:
    """Copy, rewrite, provide inputs, run and classify one sample against ``emulator``."""
    source_path = samples_root / rel
    source = source_path.read_text(encoding="utf-8", errors="replace")
    rewrite = rewrite_source(source, base_url=emulator.base_url, api_key=emulator.api_key)
    remote = remote_urls(source)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="pdfco-sample-") as tmp:
        work = Path(tmp)
        script = work / rel.name
        script.write_text(rewrite.text, encoding="utf-8")
        inputs = []
        for local in rewrite.local_files:
            if local.output:
                continue
            published = _find_published(local.name, source_path.parent, samples_root)
            target = work / local.name
            if published is not None:
                shutil.copyfile(published, target)
            else:
                target.write_bytes(stand_in_bytes(local.name))
            inputs.append(local.name)
        emulator.clear_requests()
        exit_code, timed_out, out, err = _run_child(script, work, timeout)
        records = emulator.requests
    calls = tuple(ApiCall(r.server, r.method, r.path, r.status) for r in records)
    outcome = RunOutcome(
        exit_code=exit_code,
        timed_out=timed_out,
        stdout=out,
        stderr=err,
        calls=calls,
        unknown_endpoints=_confirm_unknown(emulator, calls),
        remote_inputs=tuple(remote),
        timeout=timeout,
    )
    kind, detail = classify(outcome)
    return SampleResult(
        sample=rel.as_posix(),
        task=task_key(rel.as_posix()),
        outcome=kind,
        detail=detail,
        seconds=round(time.monotonic() - started, 2),
        exit_code=exit_code,
        calls=[asdict(c) for c in calls],
        remote_inputs=remote,
        local_inputs=inputs,
        stdout_tail=(out + err)[-2000:],
    )


@dataclass
class _Pool:
    """One emulator per worker, so each request log belongs to one running sample."""

    emulators: queue.Queue[Emulator]

    def run(self, rel: Path, root: Path, timeout: float) -> SampleResult:
        emulator = self.emulators.get()
        try:
            return run_sample(rel, root, emulator, timeout)
        finally:
            self.emulators.put(emulator)


def run_all(
    samples: Sequence[Path], root: Path, *, jobs: int, timeout: float
) -> Iterator[SampleResult]:
    emulators = [Emulator(job_min_duration=0.0).start() for _ in range(max(1, jobs))]
    pool = _Pool(queue.Queue())
    for emulator in emulators:
        pool.emulators.put(emulator)
    try:
        with ThreadPoolExecutor(max_workers=len(emulators)) as executor:
            yield from executor.map(lambda rel: pool.run(rel, root, timeout), samples)
    finally:
        for emulator in emulators:
            emulator.close()


@dataclass(frozen=True)
class Summary:
    scripts: int
    tasks: int
    per_script: dict[str, int]
    per_task: dict[str, int]
    task_outcomes: dict[str, str]


def summarize(results: Sequence[SampleResult]) -> Summary:
    """Counts per class, per script and per task (a task takes its worst script's class)."""
    by_task: dict[str, list[str]] = {}
    for result in results:
        by_task.setdefault(result.task, []).append(result.outcome)
    task_outcomes = {task: worst_class(classes) for task, classes in sorted(by_task.items())}
    per_script = Counter(r.outcome for r in results)
    per_task = Counter(task_outcomes.values())
    return Summary(
        scripts=len(results),
        tasks=len(by_task),
        per_script={name: per_script.get(name, 0) for name in CLASSES},
        per_task={name: per_task.get(name, 0) for name in CLASSES},
        task_outcomes=task_outcomes,
    )


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.official_samples",
        description="Run PDF.co's official Python samples against the emulator and count outcomes.",
    )
    parser.add_argument("--samples", type=Path, required=True, help="copy of pdf-co-api-samples")
    parser.add_argument("--report", type=Path, help="write a JSON report here")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds a sample")
    parser.add_argument("--jobs", type=int, default=DEFAULT_JOBS, help="samples run at once")
    parser.add_argument("--only", default="", help="run only samples whose path contains this")
    args = parser.parse_args(argv)
    root: Path = args.samples
    samples = (
        [s for s in discover_samples(root) if args.only in s.as_posix()] if root.is_dir() else []
    )
    if not samples:
        print(f"no Python samples found under {root}", file=sys.stderr)
        return 2
    started = time.monotonic()
    results = []
    for result in run_all(samples, root, jobs=args.jobs, timeout=args.timeout):
        results.append(result)
        print(f"[{len(results):3d}/{len(samples)}] {result.outcome:18} {result.sample}", flush=True)
    summary = summarize(results)
    elapsed = time.monotonic() - started
    print(f"\n{summary.scripts} scripts, {summary.tasks} tasks, {elapsed:.0f} s\n")
    print_table(
        ["outcome", "scripts", "tasks"],
        [[name, str(summary.per_script[name]), str(summary.per_task[name])] for name in CLASSES],
    )
    print()
    print_table(
        ["sample", "outcome", "detail"],
        [[r.sample, r.outcome, r.detail[:120]] for r in results],
    )
    if args.report is not None:
        args.report.write_text(
            json.dumps(
                {"summary": asdict(summary), "samples": [asdict(r) for r in results]}, indent=2
            )
        )
        print(f"\nreport written to {args.report}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
