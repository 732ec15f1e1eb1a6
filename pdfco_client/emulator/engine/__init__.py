"""Engines: what turns an input document into a result (no HTTP, no state, no prices here).

An :data:`Engine` is a table of functions by work name (``"convert"``, ``"info"``; the model's
endpoint table names the work each endpoint does). Each takes a :class:`Task` and returns a
:class:`Product`, or raises :class:`EngineError` with PDF.co's code for the input. Two engines:

- ``canned`` (:mod:`.canned`, stdlib only): small valid files of the right type holding a fixed
  table, with the real engine's shapes and cell types; the in-process mock's default.
- ``real`` (:mod:`.real`, pdfplumber and openpyxl): real conversions; the emulator's.

:func:`load_engine` imports the real one only when asked, so the mock never loads pdfplumber.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Optional, Union

if TYPE_CHECKING:
    from pdfco_client.emulator.model._params import Params

__all__ = ["ENGINES", "Engine", "EngineError", "Product", "Task", "load_engine", "pdfco_info"]

#: The engines :func:`load_engine` knows by name.
ENGINES = ("canned", "real")


class EngineError(Exception):
    """An input the engine refuses; ``code`` is PDF.co's error code (441, 442, 449, 400...)."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Task:
    """One piece of work: an input document and the request's parameters."""

    source: bytes
    source_name: str
    params: Params
    """The request's parameters, as the model reads them (any casing, PDF.co's booleans)."""
    fmt: Optional[str] = None
    """The output format of a conversion (``xlsx``, ``csv``...)."""


@dataclass(frozen=True)
class Product:
    """What the work produced: a result file, and for ``info`` PDF.co's ``info`` object."""

    content: bytes
    media_type: str
    extension: str
    page_count: int
    info: Optional[dict[str, Any]] = None


Engine = Mapping[str, Callable[[Task], Product]]


def load_engine(name: str, **options: Any) -> Engine:
    """The engine called ``name`` (one of :data:`ENGINES`), built with ``options``."""
    if name == "canned":
        from .canned import canned_engine

        return canned_engine(**options)
    if name == "real":
        from .real import real_engine

        return real_engine(**options)
    raise ValueError(f"unknown engine {name!r}; expected one of {', '.join(ENGINES)}")


_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})")
# ByteScout's PDFEncryptionAlgorithm enum, which PDF.co serialises as a number: its documented
# example shows 0 for an unencrypted file. The order is the SDK's (RC4 40 bit first); PDF.co does
# not document it, so a client should read any value (ours accepts a number or a string).
_ALGORITHMS = {"RC4 40-bit": 0, "RC4 128-bit": 1, "AES 128-bit": 2, "AES 256-bit": 3}


def _number(value: float) -> Union[int, float]:
    rounded = round(value, 2)
    return int(rounded) if rounded == int(rounded) else rounded


def _dotnet_date(iso: Optional[str]) -> str:
    """``2001-08-15T14:50:36...`` as PDF.co (.NET's US format) prints it: ``8/15/2001 2:50:36 PM``.

    The time stays the document's own clock time (PDF.co's example shows no offset); text that
    is no ISO date passes through unchanged.
    """
    match = _ISO.match(iso or "")
    if match is None:
        return iso or ""
    year, month, day, hour, minute, second = (int(part) for part in match.groups())
    clock = f"{(hour % 12) or 12}:{minute:02d}:{second:02d} {'PM' if hour >= 12 else 'AM'}"
    return f"{month}/{day}/{year} {clock}"


def pdfco_info(
    *,
    page_count: int,
    width: float,
    height: float,
    encrypted: bool = False,
    encryption_algorithm: Optional[str] = None,
    permission_flags: int = -1,
    creation_date: Optional[str] = None,
    modification_date: Optional[str] = None,
    **text: Optional[str],
) -> dict[str, Any]:
    """PDF.co's ``info`` object in the documented example's keys, order and value formats.

    ``text`` holds ``title``, ``author``, ``subject``, ``keywords``, ``creator``, ``producer``;
    dates are ISO 8601 (printed the .NET way); ``permission_flags`` are the PDF's ``/P`` bits.
    """

    def allowed(bit: int) -> bool:
        # PDF permission bits are 1-based in the spec (ISO 32000 table 22).
        return bool(permission_flags & (1 << (bit - 1)))

    w, h = _number(width), _number(height)
    return {
        "PageCount": page_count,
        "Author": text.get("author") or "",
        "Title": text.get("title") or "",
        "Producer": text.get("producer") or "",
        "Subject": text.get("subject") or "",
        "CreationDate": _dotnet_date(creation_date),
        "Bookmarks": "",
        "Keywords": text.get("keywords") or "",
        "Creator": text.get("creator") or "",
        "Encrypted": encrypted,
        # As in the documented example: Location an object, Size the string "w, h".
        "PageRectangle": {
            "Location": {"IsEmpty": True, "X": 0, "Y": 0},
            "Size": f"{w}, {h}",
            "X": 0,
            "Y": 0,
            "Width": w,
            "Height": h,
            "Left": 0,
            "Top": 0,
            "Right": w,
            "Bottom": h,
            "IsEmpty": False,
        },
        "ModificationDate": _dotnet_date(modification_date),
        "EncryptionAlgorithm": _ALGORITHMS.get(encryption_algorithm or "", 0),
        "PermissionPrinting": allowed(3),
        "PermissionModifyDocument": allowed(4),
        "PermissionContentExtraction": allowed(5),
        "PermissionModifyAnnotations": allowed(6),
        "PermissionFillForms": allowed(9),
        "PermissionAccessibility": allowed(10),
        "PermissionAssemble": allowed(11),
        "PermissionHighQualityPrint": allowed(12),
    }
