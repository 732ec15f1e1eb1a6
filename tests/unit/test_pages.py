"""PDF.co's page-range syntax: parsing in the client, resolving to page indices."""

from __future__ import annotations

from typing import Any, Optional

import pytest

from pdfco_client._pages import PageRangeSyntaxError, parse_page_range, resolve_page_range


@pytest.mark.parametrize(
    ("spec", "normalised"),
    [
        ("0", ["0"]),
        ("0,2-5,7-", ["0", "2-5", "7-"]),
        (" 1 - 3 ", ["1-3"]),
        ("!0", ["!0"]),
        ("!2-!0", ["!2-!0"]),
        ("2-!0", ["2-!0"]),
        ("3-3", ["3-3"]),
        ("10 ,  0", ["10", "0"]),
        ("007", ["7"]),
    ],
)
def test_valid_ranges_parse(spec: str, normalised: list[str]) -> None:
    assert [str(span) for span in parse_page_range(spec)] == normalised


@pytest.mark.parametrize(
    "spec",
    [
        "",
        "   ",
        "0,,2",
        "a-b",
        "5-2",
        "-1",
        "1-2-3",
        "!",
        "!-1",
        "1.5",
        "0;1",
        "1,",
        ",1",
        "--",
        "1 2",
    ],
)
def test_invalid_ranges_are_refused(spec: str) -> None:
    with pytest.raises(PageRangeSyntaxError):
        parse_page_range(spec)


@pytest.mark.parametrize("spec", [None, 3, b"0-1"])
def test_a_range_must_be_a_string(spec: Any) -> None:
    with pytest.raises(PageRangeSyntaxError, match="string"):
        parse_page_range(spec)


def test_the_error_names_the_bad_item() -> None:
    with pytest.raises(PageRangeSyntaxError, match="'a-b'"):
        parse_page_range("0, a-b ,3")


def test_syntax_error_is_a_value_error() -> None:
    assert issubclass(PageRangeSyntaxError, ValueError)


@pytest.mark.parametrize(
    ("spec", "count", "pages"),
    [
        (None, 4, [0, 1, 2, 3]),
        ("", 3, [0, 1, 2]),
        ("0", 5, [0]),
        ("0,2-5,7-", 10, [0, 2, 3, 4, 5, 7, 8, 9]),
        ("!0", 5, [4]),
        ("!2-!0", 5, [2, 3, 4]),
        ("2-!0", 5, [2, 3, 4]),
        ("3-", 4, [3]),
        ("4,0-1", 5, [4, 0, 1]),
        ("1-3,2-4,1", 6, [1, 2, 3, 4]),
        ("!0,0", 1, [0]),
    ],
)
def test_resolve_keeps_order_and_drops_repeats(
    spec: Optional[str], count: int, pages: list[int]
) -> None:
    assert resolve_page_range(spec, count) == pages


@pytest.mark.parametrize(
    ("spec", "count"),
    [("5", 5), ("3-7", 5), ("!5", 5), ("6-", 5), ("!0-2", 5), ("0", 0), ("!1", 1)],
)
def test_resolve_refuses_pages_outside_the_document(spec: str, count: int) -> None:
    with pytest.raises(PageRangeSyntaxError, match="outside"):
        resolve_page_range(spec, count)


@pytest.mark.parametrize("spec", ["9" * 100_000, "0-" + "9" * 5000, "!" + "1" * 10])
def test_a_page_number_with_too_many_digits_is_a_syntax_error(spec: str) -> None:
    # int() of 100,000 digits is a bare ValueError (Python's int-digit limit).
    with pytest.raises(PageRangeSyntaxError, match="digits"):
        parse_page_range(spec)
