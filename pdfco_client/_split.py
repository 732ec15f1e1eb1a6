"""One large document converted in parts: page ranges as parallel background jobs, then joined.

:meth:`PdfCoClient.convert_in_parts` uploads the document once, counts its pages
(``POST /v1/pdf/info``), cuts the pages to convert into ranges of ``pages_per_part``, and hands
the :class:`SplitPlan` (with its credit estimate) to ``confirm`` and ``max_credits`` before any
conversion starts. The parts then run as concurrent one-call conversions of the uploaded file
(each with ``pages=``), their results go to a scratch folder beside the output, and
:mod:`._join` writes them into the output atomically.

The client reaches PDF.co only through :class:`SplitSeam`: four calls, so that this module does
not depend on how a one-call conversion is built.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from ._atomic import atomic_write
from ._exceptions import ConversionCancelledError, InputValidationError, PdfCoError
from ._join import check_joinable, join_parts
from ._models import ConversionResult, OutputFormat
from ._pages import PageRangeSyntaxError, resolve_page_range
from ._policies import Deadline

__all__ = ["SplitPlan", "SplitResult", "SplitSeam", "convert_in_parts", "plan_ranges"]

logger = logging.getLogger("pdfco_client")

#: Pages per part when the caller does not say: small enough that a part's job is quick and
#: several run at once, large enough that a 200-page document is ten jobs, not two hundred.
DEFAULT_PAGES_PER_PART = 20
#: The credits of one job check (PDF.co's pricing page), the least each part's job costs.
CHECK_CREDITS = 2


@dataclass(frozen=True)
class SplitPlan:
    """What :meth:`~pdfco_client.PdfCoClient.convert_in_parts` will convert, and its cost.

    PDF.co bills conversions per page, so the pages cost what one unsplit job would; what
    splitting adds is each part's job checks (2 credits each, at least one per part) and the
    ``pdf/info`` call that counted the pages (already spent when the plan is made).
    """

    output_format: OutputFormat
    page_count: int
    """Pages in the document."""
    parts: tuple[str, ...]
    """The page range (PDF.co syntax, 0-based) of each part, in page order: one job each."""
    pages: int
    """Pages to convert, all parts together."""
    credits_per_page: Optional[int]
    """The caller's price of a page of this format (``credits_per_page=``), if given."""
    info_credits: int
    """Credits PDF.co reported for counting the pages."""

    @property
    def min_check_credits(self) -> int:
        """Credits of one check per part, the least the parts' checks cost."""
        return CHECK_CREDITS * len(self.parts)

    @property
    def estimated_credits(self) -> Optional[int]:
        """Pages times ``credits_per_page``, one check per part and the page count: the least
        the conversion costs (each further check adds 2). ``None`` without a page price."""
        if self.credits_per_page is None:
            return None
        return self.pages * self.credits_per_page + self.min_check_credits + self.info_credits

    def __str__(self) -> str:
        shown = ", ".join(self.parts[:4]) + (", ..." if len(self.parts) > 4 else "")
        if self.credits_per_page is None:
            pages = "page credits as for one job (pass credits_per_page for a total)"
            total = ""
        else:
            pages = f"{self.pages} x {self.credits_per_page} page credits"
            total = f"; at least {self.estimated_credits} credits in all"
        return (
            f"{self.pages} of {self.page_count} pages to {self.output_format.value} in "
            f"{len(self.parts)} parts ({shown}): {pages}, plus {self.min_check_credits}+ "
            f"credits of job checks (2 a check, at least one per part) and "
            f"{self.info_credits} spent counting the pages{total}"
        )


@dataclass(frozen=True)
class SplitResult:
    """What :meth:`~pdfco_client.PdfCoClient.convert_in_parts` returns."""

    output_path: Path
    """The joined result."""
    output_format: OutputFormat
    plan: SplitPlan
    """What was planned, with the estimate made before any conversion started."""
    parts: tuple[ConversionResult, ...]
    """Each part's conversion, in page order (its ``job_id``, ``credits`` and ``duration``)."""
    credits: int
    """Credits of every call (upload, page count, the parts' jobs and checks, cleanup), as
    PDF.co reported them."""
    remaining_credits: Optional[int]
    """The account balance after the last call that reported one."""
    duration: float
    """Seconds the whole call took."""

    @property
    def page_count(self) -> int:
        """Pages converted."""
        return self.plan.pages


@dataclass(frozen=True)
class SplitSeam:
    """How this module reaches PDF.co: the client's own calls, each returning what it cost.

    - ``upload(deadline)``: put the document where PDF.co can read it; ``(url, credits)``
      (``credits`` 0 for a URL source, which is not uploaded).
    - ``count_pages(url, deadline)``: ``(page count, credits)``.
    - ``convert_part(url, pages, output, deadline, cancel)``: convert ``pages`` of ``url`` to the
      file ``output``, stopping at its next step once ``cancel`` is set.
    - ``cleanup(url)``: delete the uploaded document (never raises); credits.
    """

    upload: Callable[[Deadline], tuple[str, int]]
    count_pages: Callable[[str, Deadline], tuple[int, int]]
    convert_part: Callable[[str, str, Path, Deadline, threading.Event], ConversionResult]
    cleanup: Callable[[str], int]
    uploads: bool
    """Whether ``upload`` stores a copy that ``cleanup`` should remove."""


def plan_ranges(selected: Sequence[int], pages_per_part: int) -> tuple[str, ...]:
    """Cut 0-based page indices, in order, into ranges of at most ``pages_per_part`` pages.

    A part holds consecutive pages only (``0-19``, ``20-39``; ``5,2`` becomes ``5`` and ``2``),
    so that each part's range means the same to PDF.co as the pages it stands for.
    """
    parts: list[str] = []
    run: list[int] = []
    for page in selected:
        if run and (page != run[-1] + 1 or len(run) == pages_per_part):
            parts.append(_range(run))
            run = []
        run.append(page)
    if run:
        parts.append(_range(run))
    return tuple(parts)


def _range(run: Sequence[int]) -> str:
    return str(run[0]) if len(run) == 1 else f"{run[0]}-{run[-1]}"


def convert_in_parts(
    seam: SplitSeam,
    fmt: OutputFormat,
    destination: Path,
    deadline: Deadline,
    *,
    pages: Optional[str],
    pages_per_part: int,
    max_workers: int,
    credits_per_page: Optional[int],
    max_credits: Optional[int],
    confirm: Optional[Callable[[SplitPlan], bool]],
    keep_input: bool,
    overwrite: bool,
    clock: Callable[[], float] = time.monotonic,
) -> SplitResult:
    """Plan, convert the parts concurrently, join; see the module docstring."""
    started = clock()
    check_joinable(fmt)
    spent = 0
    url: Optional[str] = None
    try:
        url, spent = seam.upload(deadline)
        page_count, info_credits = seam.count_pages(url, deadline)
        spent += info_credits
        try:
            selected = resolve_page_range(pages, page_count)
        except PageRangeSyntaxError as exc:
            raise InputValidationError(str(exc), parameter="pages") from None
        plan = SplitPlan(
            output_format=fmt,
            page_count=page_count,
            parts=plan_ranges(selected, pages_per_part),
            pages=len(selected),
            credits_per_page=credits_per_page,
            info_credits=info_credits,
        )
        logger.info("converting in parts: %s", plan)
        estimate = plan.estimated_credits
        if max_credits is not None and estimate is not None and estimate > max_credits:
            raise InputValidationError(
                f"converting in parts would cost at least {estimate} credits, over "
                f"max_credits={max_credits} ({plan})",
                parameter="max_credits",
            )
        if confirm is not None and not confirm(plan):
            raise ConversionCancelledError()
        results = _run_parts(seam, url, plan, destination, deadline, max_workers, overwrite)
    except PdfCoError as exc:
        if url is not None and seam.uploads and not keep_input:
            spent += seam.cleanup(url)
        exc.credits_spent = spent + (exc.credits_spent or 0)
        raise
    spent += sum(result.credits for result in results)
    if seam.uploads and not keep_input:
        spent += seam.cleanup(url)
    balances = [r.remaining_credits for r in results if r.remaining_credits is not None]
    return SplitResult(
        output_path=destination,
        output_format=fmt,
        plan=plan,
        parts=results,
        credits=spent,
        remaining_credits=balances[-1] if balances else None,
        duration=clock() - started,
    )


def _run_parts(
    seam: SplitSeam,
    url: str,
    plan: SplitPlan,
    destination: Path,
    deadline: Deadline,
    max_workers: int,
    overwrite: bool,
) -> tuple[ConversionResult, ...]:
    destination.parent.mkdir(parents=True, exist_ok=True)
    # Beside the output: the parts are large, and on the same file system the join is local.
    scratch = Path(tempfile.mkdtemp(prefix=f".{destination.name[:100]}.", dir=destination.parent))
    cancel = threading.Event()
    extension = plan.output_format.extension
    try:
        files = [scratch / f"part-{index:04d}.{extension}" for index in range(len(plan.parts))]

        def convert(index: int) -> ConversionResult:
            return seam.convert_part(url, plan.parts[index], files[index], deadline, cancel)

        results, failure = _in_parallel(convert, len(plan.parts), max_workers, cancel)
        if failure is not None:
            raise failure
        with atomic_write(destination, overwrite=overwrite) as out:
            if len(files) == 1:
                out.write(files[0].read_bytes())
            else:
                join_parts(plan.output_format, files, out)
        return tuple(r for r in results if r is not None)
    finally:
        cancel.set()
        shutil.rmtree(scratch, ignore_errors=True)


def _in_parallel(
    call: Callable[[int], ConversionResult], count: int, max_workers: int, cancel: threading.Event
) -> tuple[list[Optional[ConversionResult]], Optional[PdfCoError]]:
    """Run ``call(i)`` for each part on a pool; on the first failure, stop the others.

    Returns the results by part (``None`` where a part did not finish) and the first failure,
    carrying in ``credits_spent`` what every part had cost.
    """
    results: list[Optional[ConversionResult]] = [None] * count
    failures: list[PdfCoError] = []
    causes = 0  # failures[:causes] failed on their own, in the order they did
    with ThreadPoolExecutor(
        max_workers=min(max_workers, count), thread_name_prefix="pdfco-part"
    ) as pool:
        futures = {pool.submit(call, index): index for index in range(count)}
        try:
            for future in as_completed(futures):
                try:
                    results[futures[future]] = future.result()
                except PdfCoError as exc:
                    # A part stopped because another failed is not the failure to report.
                    if isinstance(exc, ConversionCancelledError) and cancel.is_set():
                        failures.append(exc)
                    else:
                        failures.insert(causes, exc)
                        causes += 1
                    cancel.set()  # the other parts stop at their next step
        except BaseException:
            cancel.set()  # Ctrl-C: stop the parts, then let it through
            raise
    if not failures:
        return results, None
    first = failures[0]
    first.credits_spent = sum(r.credits for r in results if r is not None) + sum(
        failure.credits_spent or 0 for failure in failures
    )
    logger.warning("a part failed, the others were stopped: %s", first)
    return results, first
