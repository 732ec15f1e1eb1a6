"""PDF.co page-range syntax: validate it in the client, resolve it to page indices in the emulator.

PDF.co numbers pages from 0. A range is a comma-separated list of items: ``N``, ``N-M``, ``N-`` (to
the last page) and ``!N`` (counting from the end: ``!0`` is the last page). Whitespace is allowed
around items. The docs do not say whether ``!N`` may end a range (``2-!0``); we accept it, since
being tolerant of the real service is cheaper than refusing a request it would have served.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

__all__ = ["PageRangeSyntaxError", "PageSpan", "parse_page_range", "resolve_page_range"]

_ENDPOINT = r"(!?\d+)"
_ITEM = re.compile(rf"^{_ENDPOINT}(?:\s*(-)\s*{_ENDPOINT}?)?$")


class PageRangeSyntaxError(ValueError):
    """A page range that is not in PDF.co's syntax, or that selects no page of a document."""


@dataclass(frozen=True)
class _Endpoint:
    index: int
    from_end: bool

    def resolve(self, page_count: int) -> int:
        return page_count - 1 - self.index if self.from_end else self.index

    def __str__(self) -> str:
        return f"!{self.index}" if self.from_end else str(self.index)


@dataclass(frozen=True)
class PageSpan:
    """One item of a page range: ``first`` to ``last`` inclusive; ``last=None`` means to the end."""

    first: _Endpoint
    last: Optional[_Endpoint]
    open_ended: bool

    def resolve(self, page_count: int) -> range:
        start = self.first.resolve(page_count)
        if self.open_ended:
            stop = page_count - 1
        elif self.last is None:
            stop = start
        else:
            stop = self.last.resolve(page_count)
        return range(start, stop + 1)

    def __str__(self) -> str:
        if self.open_ended:
            return f"{self.first}-"
        if self.last is None:
            return str(self.first)
        return f"{self.first}-{self.last}"


#: More digits than any page index can have; also keeps ``int()`` far from Python's digit limit.
_MAX_INDEX_DIGITS = 9


def _endpoint(token: str) -> _Endpoint:
    digits = token[1:] if token.startswith("!") else token
    if len(digits.lstrip("0")) > _MAX_INDEX_DIGITS:
        raise PageRangeSyntaxError(
            f"page number {digits[:20]}... has more than {_MAX_INDEX_DIGITS} digits"
        )
    return _Endpoint(int(digits), from_end=token.startswith("!"))


def parse_page_range(spec: str) -> tuple[PageSpan, ...]:
    """Parse a PDF.co page range such as ``"0,2-5,7-"`` or ``"!0"``.

    Raises :class:`PageRangeSyntaxError` naming the offending item. A range whose bounds are both
    plain indices must not run backwards (``5-2``), since it could never select a page.
    """
    if not isinstance(spec, str):
        raise PageRangeSyntaxError(f"page range must be a string, not {type(spec).__name__}")
    if not spec.strip():
        raise PageRangeSyntaxError("page range is empty; pass None to convert every page")
    spans = []
    for raw in spec.split(","):
        item = raw.strip()
        match = _ITEM.match(item)
        if match is None:
            raise PageRangeSyntaxError(
                f"invalid page range item {item!r} in {spec!r}: expected N, N-M, N- or !N "
                "with 0-based page numbers"
            )
        first = _endpoint(match.group(1))
        dash = match.group(2) is not None
        last = _endpoint(match.group(3)) if match.group(3) else None
        if (
            last is not None
            and not first.from_end
            and not last.from_end
            and last.index < first.index
        ):
            raise PageRangeSyntaxError(
                f"invalid page range item {item!r} in {spec!r}: it ends before it starts"
            )
        spans.append(PageSpan(first=first, last=last, open_ended=dash and last is None))
    return tuple(spans)


def resolve_page_range(spec: Optional[str], page_count: int) -> list[int]:
    """Return the 0-based page indices that ``spec`` selects in a document of ``page_count`` pages.

    ``None`` selects every page. Pages keep the order in which the range names them; a page named
    twice is kept once. An index outside the document raises :class:`PageRangeSyntaxError` (the
    emulator answers it with PDF.co's 449, "invalid index range").
    """
    if spec is None or not spec.strip():
        return list(range(page_count))
    selected: list[int] = []
    seen: set[int] = set()
    for span in parse_page_range(spec):
        pages = span.resolve(page_count)
        if len(pages) == 0 or pages.start < 0 or pages.stop > page_count:
            raise PageRangeSyntaxError(
                f"page range item {str(span)!r} is outside the document's pages 0-{page_count - 1}"
            )
        for page in pages:
            if page not in seen:
                seen.add(page)
                selected.append(page)
    return selected
