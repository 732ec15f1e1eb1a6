"""Printed numbers read as values: ``"1,505"`` is 1505, ``"(35,8)"`` is -35.8.

One reader for the emulator's XLSX writer (numbers stored as numbers) and for the client's table
reader (numbers in CSV and JSON results parsed), so both agree on what is a number.

Recognition is deliberately conservative: a value that could be read two ways stays text.
Recognised: ``1,505`` ``1 234.5`` ``-12.5`` ``+18`` (shown with its sign) ``(35.8)`` ``△525``
(Japanese negative) ``$4,700.00`` ``1.393,4`` ``0,2885``. Kept as text: ``00123`` (leading zero),
``1.2.3``, ``12%`` (percentages stay as printed), dates, and ``1.393`` (decimal or grouped:
ambiguous, read as the decimal 1.393 only because that is how every spreadsheet reads it).
"""

from __future__ import annotations

import re
from typing import Optional, Union

__all__ = ["Number", "parse_number"]

Number = Union[int, float]

_CURRENCY = "$€£¥"
_NEGATIVE_PREFIX = ("-", "\u2212", "\u25b3", "\u25b2")  # minus, minus sign, △, ▲
_GROUP_SPACES = " \u00a0\u202f"
_PLAIN = re.compile(r"^(0|[1-9]\d*)(?:\.(\d+))?$|^0?\.(\d+)$")
_COMMA_GROUPS = re.compile(r"^[1-9]\d{0,2}(?:,\d{3})+(?:\.(\d+))?$")
_DOT_GROUPS = re.compile(r"^[1-9]\d{0,2}(?:\.\d{3})+,(\d+)$|^[1-9]\d{0,2}(?:\.\d{3}){2,}$")
_SPACE_GROUPS = re.compile(r"^[1-9]\d{0,2}(?:[ \u00a0\u202f]\d{3})+(?:[.,](\d+))?$")
_DECIMAL_COMMA = re.compile(r"^(0|[1-9]\d*),(\d+)$")


def parse_number(text: str) -> Optional[tuple[Number, str]]:
    """Read printed ``text`` as a number; return ``(value, excel_number_format)`` or ``None``.

    ``None`` means "keep it as text": anything ambiguous or not a plain amount (see module doc).
    """
    value = text.strip()
    if not value or len(value) > 40:
        return None
    negative = False
    if value.startswith("(") and value.endswith(")"):
        negative, value = True, value[1:-1].strip()
    currency = ""
    if value and value[0] in _CURRENCY:
        currency, value = value[0], value[1:].strip()
    elif value and value[-1] in _CURRENCY:
        currency, value = value[-1], value[:-1].strip()
    explicit_plus = False
    if value.startswith(_NEGATIVE_PREFIX):
        if negative:
            return None
        negative, value = True, value[1:].strip()
    elif value.startswith("+") and not negative:
        # A change column ("+18", "-7"): a number, shown with its sign as printed.
        explicit_plus, value = True, value[1:].strip()
    if value and value[0] in _CURRENCY and not currency:
        currency, value = value[0], value[1:].strip()
    parsed = _unsigned(value)
    if parsed is None:
        return None
    number, decimals, grouped = parsed
    if negative:
        number = -number
    pattern = ("#,##0" if grouped else "0") + ("." + "0" * decimals if decimals else "")
    if currency:
        pattern = f'"{currency}"{pattern}'
    if explicit_plus:
        pattern = f"+{pattern};-{pattern};{pattern}"
    return number, pattern


def _unsigned(value: str) -> Optional[tuple[Number, int, bool]]:
    match = _PLAIN.match(value)
    if match:
        decimals = match.group(2) or match.group(3) or ""
        return _number(value), len(decimals), False
    match = _COMMA_GROUPS.match(value)
    if match:
        return _number(value.replace(",", "")), len(match.group(1) or ""), True
    match = _DOT_GROUPS.match(value)
    if match:
        digits = value.replace(".", "").replace(",", ".")
        return _number(digits), len(match.group(1) or ""), True
    match = _SPACE_GROUPS.match(value)
    if match:
        digits = "".join(ch for ch in value if ch not in _GROUP_SPACES).replace(",", ".")
        return _number(digits), len(match.group(1) or ""), True
    match = _DECIMAL_COMMA.match(value)
    # "1,505" is taken by _COMMA_GROUPS above; a comma before exactly three digits after a
    # leading zero ("0,288") or any other count ("0,2885", "12,5") can only be a decimal comma.
    if match:
        return _number(value.replace(",", ".")), len(match.group(2)), False
    return None


def _number(digits: str) -> Number:
    return float(digits) if "." in digits else int(digits)
