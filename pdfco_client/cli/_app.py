"""The ``pdfco`` command: the click group, its global options and its commands."""

from __future__ import annotations

import logging
import os
import stat
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional, TypeVar

import click

from pdfco_client import (
    ENV_API_KEY,
    ConfigurationError,
    JobState,
    JobTimeoutError,
    PdfCoClient,
    PdfCoError,
    ProgressCallback,
    __version__,
)

from ._convert import FORMATS, expand_inputs, run_batch
from ._exit import EXIT_CODES_HELP, ExitCode, exit_code_for
from ._output import (
    BatchView,
    Masker,
    PlainView,
    RichView,
    error_dict,
    make_console,
    print_json,
    render_summary,
)

__all__ = ["cli"]

F = TypeVar("F", bound=Callable[..., Any])

_EMULATOR_MISSING = "the emulator is not installed: pip install 'pdfco-client[cli,emulator]'"


@dataclass
class Settings:
    """The global options, wherever on the command line they were given."""

    api_key_file: Optional[Path] = None
    base_url: Optional[str] = None
    emulator: bool = False
    timeout: Optional[float] = None
    requests_per_second: Optional[float] = None
    verbose: int = 0
    json: bool = False


@dataclass
class AppState:
    """What the commands share: the settings, the secrets to mask, and how to get a client."""

    settings: Settings = field(default_factory=Settings)
    masker: Masker = field(default_factory=Masker)

    def client(self, on_progress: Optional[ProgressCallback] = None) -> PdfCoClient:
        """A client for this command, closed (with any in-process emulator) when it ends."""
        ctx = click.get_current_context().find_root()
        settings = self.settings
        _configure_logging(settings.verbose, self.masker)
        if settings.emulator:
            if settings.api_key_file is not None or settings.base_url is not None:
                raise click.UsageError(
                    "--emulator cannot be combined with --api-key-file or --base-url"
                )
            emulator = _start_emulator()
            ctx.call_on_close(emulator.close)
            api_key: Optional[str] = emulator.api_key
            base_url: Optional[str] = emulator.base_url
        else:
            api_key = _read_key_file(settings.api_key_file) if settings.api_key_file else None
            base_url = settings.base_url
        key = api_key if api_key is not None else os.environ.get(ENV_API_KEY, "")
        self.masker.add(key.strip())
        client = PdfCoClient(
            api_key=api_key,
            base_url=base_url,
            requests_per_second=settings.requests_per_second,
            on_progress=on_progress,
        )
        ctx.call_on_close(client.close)
        return client


def _start_emulator() -> Any:
    try:
        from pdfco_client.emulator import Emulator
    except ImportError as exc:
        raise ConfigurationError(_EMULATOR_MISSING) from exc
    return Emulator().start()


def _read_key_file(path: Path) -> str:
    try:
        mode = path.stat().st_mode
        key = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"cannot read the API key file {path}: {exc}") from None
    if os.name == "posix" and mode & (stat.S_IRGRP | stat.S_IROTH):
        click.echo(f"pdfco: warning: {path} is readable by other users; chmod 600 it", err=True)
    if not key:
        raise ConfigurationError(f"the API key file {path} is empty")
    return key


class _MaskingFormatter(logging.Formatter):
    def __init__(self, masker: Masker) -> None:
        super().__init__("%(asctime)s %(name)s %(levelname)s %(message)s")
        self._masker = masker

    def format(self, record: logging.LogRecord) -> str:
        return self._masker.mask(super().format(record))


def _configure_logging(verbose: int, masker: Masker) -> None:
    if verbose <= 0:
        return
    logger = logging.getLogger("pdfco_client")
    logger.setLevel(logging.DEBUG if verbose > 1 else logging.INFO)
    if not any(getattr(h, "_pdfco_cli", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(_MaskingFormatter(masker))
        handler._pdfco_cli = True  # type: ignore[attr-defined]
        logger.addHandler(handler)


def _state(ctx: click.Context) -> AppState:
    return ctx.ensure_object(AppState)


def _store(name: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    # Global options may come before or after the command; a value given later wins.
    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if value is not None and value != param.default and value != 0:
            setattr(_state(ctx).settings, name, value)
        return value

    return callback


def global_options(*, root: bool = False) -> Callable[[F], F]:
    """The options every command takes; shown in full on ``pdfco --help`` only."""
    hide = not root
    positive = click.FloatRange(min=0, min_open=True)

    def decorate(function: F) -> F:
        options = [
            click.option(
                "--api-key-file",
                type=click.Path(exists=True, dir_okay=False, path_type=Path),
                expose_value=False,
                hidden=hide,
                callback=_store("api_key_file"),
                help=f"Read the API key from this file (default: ${ENV_API_KEY}).",
            ),
            click.option(
                "--base-url",
                metavar="URL",
                expose_value=False,
                hidden=hide,
                callback=_store("base_url"),
                help="The API's base URL (default: $PDFCO_BASE_URL, else https://api.pdf.co/v1).",
            ),
            click.option(
                "--emulator",
                is_flag=True,
                default=False,
                expose_value=False,
                hidden=hide,
                callback=_store("emulator"),
                help="Run against an in-process emulator: no key, no network.",
            ),
            click.option(
                "--timeout",
                type=positive,
                metavar="SECONDS",
                expose_value=False,
                callback=_store("timeout"),
                help="Give up after this many seconds (convert: per file).",
            ),
            click.option(
                "--requests-per-second",
                type=positive,
                metavar="N",
                expose_value=False,
                hidden=hide,
                callback=_store("requests_per_second"),
                help="Space API calls evenly (PDF.co allows 2/s on free plans).",
            ),
            click.option(
                "-v",
                "--verbose",
                count=True,
                expose_value=False,
                hidden=hide,
                callback=_store("verbose"),
                help="Log requests and job states to stderr (-vv: debug).",
            ),
            click.option(
                "--json",
                "as_json",
                is_flag=True,
                default=False,
                expose_value=False,
                callback=_store("json"),
                help="Print one JSON document on stdout, and nothing else.",
            ),
        ]
        for option in reversed(options):
            function = option(function)
        return function

    return decorate


class PdfCoGroup(click.Group):
    """Turns the package's errors and Ctrl-C into exit codes and one clear message."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # The shared state must exist before any option callback, the subcommand's included.
        ctx.ensure_object(AppState)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PdfCoError as exc:
            _report(ctx, exc)
            ctx.exit(int(exit_code_for(exc)))
        except OSError as exc:
            _report(ctx, exc)
            ctx.exit(int(ExitCode.BAD_INPUT))
        except KeyboardInterrupt:
            click.echo("pdfco: interrupted", err=True)
            ctx.exit(int(ExitCode.INTERRUPTED))


def _report(ctx: click.Context, error: BaseException) -> None:
    state = _state(ctx)
    if state.settings.json:
        print_json({"ok": False, "error": error_dict(error, state.masker)}, state.masker)
    message = state.masker.mask(str(error))
    click.echo(f"pdfco: error: {type(error).__name__}: {message}", err=True)
    if isinstance(error, JobTimeoutError):
        click.echo(f"pdfco: resume with: pdfco job wait {error.job_id}", err=True)


@click.group(
    cls=PdfCoGroup,
    epilog=EXIT_CODES_HELP,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, "--version", prog_name="pdfco", message="%(prog)s %(version)s")
@global_options(root=True)
def cli() -> None:
    """Convert PDFs with PDF.co: to Excel, CSV, JSON, text, HTML or XML.

    The API key comes from $PDFCO_API_KEY or --api-key-file; it is never printed. Global
    options may also follow the command (pdfco convert --emulator ...).
    """


# -- convert -------------------------------------------------------------------------------------


@cli.command()
@click.argument("inputs", metavar="FILE_OR_DIR...", nargs=-1, required=True)
@click.option(
    "--to",
    "to",
    type=click.Choice(sorted(FORMATS), case_sensitive=False),
    required=True,
    help="Output format.",
)
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Where to write the results, named after each input.",
)
@click.option(
    "--pages", metavar="RANGE", help="Pages to convert, PDF.co's syntax: 0,2-5,!0 (0-based)."
)
@click.option(
    "--password",
    metavar="PASSWORD",
    prompt="PDF password",
    prompt_required=False,
    hide_input=True,
    default=None,
    help="Password of protected PDFs; --password alone asks for it without echo.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1, max=64),
    default=4,
    show_default=True,
    help="Files converted at once.",
)
@click.option("--keep-input", is_flag=True, help="Keep the uploaded PDFs on PDF.co (about 1 h).")
@click.option("--overwrite", is_flag=True, help="Replace outputs that exist (default: skip them).")
@click.option("-r", "--recursive", is_flag=True, help="Look for PDFs in sub-directories too.")
@global_options()
@click.pass_context
def convert(
    ctx: click.Context,
    inputs: Sequence[str],
    to: str,
    output_dir: Path,
    pages: Optional[str],
    password: Optional[str],
    workers: int,
    keep_input: bool,
    overwrite: bool,
    recursive: bool,
) -> None:
    """Convert PDFs, or the *.pdf files of directories, concurrently.

    Outputs go to --output-dir under each input's name with the format's extension. A summary
    table ends the run; with --json, one list of per-file objects is printed instead.
    Ctrl-C stops cleanly: no partial files, and the jobs already started are listed.
    """
    state = _state(ctx)
    settings = state.settings
    paths = expand_inputs(inputs, recursive=recursive)
    if not paths:
        raise click.UsageError("no PDF files found in " + ", ".join(inputs))
    options: dict[str, Any] = {"keep_input": keep_input}
    if pages is not None:
        options["pages"] = pages
    if password is not None:
        state.masker.add(password)
        options["password"] = password
    if settings.timeout is not None:
        options["timeout"] = settings.timeout
    terminal = not settings.json and sys.stdout.isatty()
    console = make_console(sys.stdout, terminal=terminal)
    view: BatchView
    if settings.json:
        view = BatchView(state.masker)
    elif terminal:
        view = RichView(state.masker, console)
    else:
        view = PlainView(state.masker, sys.stdout)
    with view:
        outcome = run_batch(
            state.client,
            paths,
            FORMATS[to.lower()],
            output_dir,
            view,
            workers=workers,
            overwrite=overwrite,
            options=options,
        )
    if settings.json:
        print_json([record.to_json(state.masker) for record in outcome.records], state.masker)
    else:
        render_summary(console, outcome.records, state.masker)
    if outcome.interrupted:
        click.echo("pdfco: interrupted; no partial files were written.", err=True)
        if outcome.unfinished_jobs:
            click.echo(
                "pdfco: these jobs were started and may still finish at PDF.co; resume with:",
                err=True,
            )
            for record in outcome.unfinished_jobs:
                click.echo(f"  pdfco job wait {record.job_id} --download {record.output}", err=True)
    ctx.exit(int(outcome.exit_code))


# -- jobs ----------------------------------------------------------------------------------------


@cli.group()
def job() -> None:
    """Check or resume a background job by its id."""


@job.command("check")
@click.argument("job_id")
@click.option("--force", is_flag=True, help="Ask PDF.co to answer 'unknown' for unknown ids.")
@global_options()
@click.pass_context
def job_check(ctx: click.Context, job_id: str, force: bool) -> None:
    """Show a job's state once (exit 6 if it failed, was aborted or is unknown)."""
    state = _state(ctx)
    status = state.client().check_job(job_id, force=force, timeout=state.settings.timeout)
    data = status.model_dump(mode="json")
    data["job_id"] = data.get("job_id") or job_id
    if state.settings.json:
        print_json(data, state.masker)
    else:
        _print_fields(data, state.masker)
    failed = status.status in (JobState.FAILED, JobState.ABORTED, JobState.UNKNOWN)
    ctx.exit(int(ExitCode.JOB_FAILED if failed else ExitCode.OK))


@job.command("wait")
@click.argument("job_id")
@click.option(
    "--download",
    type=click.Path(path_type=Path),
    metavar="PATH",
    help="Download the result to this file (or into this directory).",
)
@click.option("--overwrite", is_flag=True, help="Replace the --download file if it exists.")
@global_options()
@click.pass_context
def job_wait(ctx: click.Context, job_id: str, download: Optional[Path], overwrite: bool) -> None:
    """Wait for a job to end, after a timeout or a crash, and download its result."""
    state = _state(ctx)
    settings = state.settings
    client = state.client()
    terminal = not settings.json and sys.stderr.isatty()
    try:
        with _spinner(terminal, f"waiting for job {job_id}"):
            status = client.wait_for_job(job_id, timeout=settings.timeout)
            data = status.model_dump(mode="json")
            data["job_id"] = data.get("job_id") or job_id
            if download is not None and status.url:
                written = client.download(
                    status.url, download, overwrite=overwrite, timeout=settings.timeout
                )
                data["output"] = str(written)
    except KeyboardInterrupt:
        click.echo(f"pdfco: interrupted; resume with: pdfco job wait {job_id}", err=True)
        ctx.exit(int(ExitCode.INTERRUPTED))
    if settings.json:
        print_json(data, state.masker)
    else:
        _print_fields(data, state.masker)


class _NoSpinner:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc_info: object) -> None:
        return None


def _spinner(terminal: bool, text: str) -> Any:
    if not terminal:
        return _NoSpinner()
    return make_console(sys.stderr, terminal=True).status(text)


# -- files and account ---------------------------------------------------------------------------


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@global_options()
@click.pass_context
def upload(ctx: click.Context, file: Path) -> None:
    """Upload a file to PDF.co's temporary storage (kept about 1 h) and print its URL."""
    state = _state(ctx)
    uploaded = state.client().upload(file, timeout=state.settings.timeout)
    if state.settings.json:
        print_json(uploaded.model_dump(mode="json"), state.masker)
    else:
        click.echo(uploaded.url)


@cli.command()
@global_options()
@click.pass_context
def credits(ctx: click.Context) -> None:
    """Print the account's remaining credits."""
    state = _state(ctx)
    balance = state.client().get_credit_balance(timeout=state.settings.timeout)
    if state.settings.json:
        print_json({"remaining_credits": balance}, state.masker)
    else:
        click.echo(str(balance))


@cli.command()
@click.argument("source", metavar="FILE_OR_URL")
@click.option(
    "--password",
    metavar="PASSWORD",
    prompt="PDF password",
    prompt_required=False,
    hide_input=True,
    default=None,
    help="The PDF's password; --password alone asks for it without echo.",
)
@global_options()
@click.pass_context
def info(ctx: click.Context, source: str, password: Optional[str]) -> None:
    """Page count, encryption and metadata of a PDF (a local file is uploaded, then deleted)."""
    state = _state(ctx)
    if password is not None:
        state.masker.add(password)
    client = state.client()
    timeout = state.settings.timeout
    if source.lower().startswith(("http://", "https://")):
        details = client.get_pdf_info(source, password=password, timeout=timeout)
    else:
        uploaded = client.upload(Path(source), timeout=timeout)
        try:
            details = client.get_pdf_info(uploaded.url, password=password, timeout=timeout)
        finally:
            try:
                client.delete_file(uploaded.url, timeout=timeout)
            except PdfCoError as exc:
                warning = f"pdfco: warning: could not delete the upload: {exc}"
                click.echo(state.masker.mask(warning), err=True)
    data = {"source": source, **details.model_dump(mode="json")}
    if state.settings.json:
        print_json(data, state.masker)
    else:
        _print_fields(data, state.masker)


@cli.command(
    context_settings={
        "ignore_unknown_options": True,
        "allow_extra_args": True,
        "help_option_names": [],
    },
    add_help_option=False,
)
@click.argument("arguments", nargs=-1, type=click.UNPROCESSED)
@click.pass_context
def emulator(ctx: click.Context, arguments: Sequence[str]) -> None:
    """Start the local PDF.co emulator (pdfco emulator --help lists its options)."""
    try:
        from pdfco_client.emulator._cli import main as emulator_main
    except ImportError as exc:
        raise ConfigurationError(_EMULATOR_MISSING) from exc
    ctx.exit(emulator_main(list(arguments)))


def _print_fields(data: dict[str, Any], masker: Masker) -> None:
    width = max((len(key) for key in data), default=0)
    for key, value in data.items():
        if value is None or value == {}:
            continue
        click.echo(masker.mask(f"{key.ljust(width)}  {value}"))
