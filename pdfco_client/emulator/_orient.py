"""Text direction per character, and the page model turned so that a direction reads left to right.

pdfminer gives every character its text matrix: the direction of its baseline is the matrix's
first column ``(a, b)``. A table drawn sideways (turned 90° on a portrait page, or on a page with
``/Rotate``) has characters whose baseline runs up or down the page; read as they lie, the digits
of "1739" come out one per line, or reversed ("9371"), and the table transposed. So a page is split
by direction (in quarter turns) and each part is turned, characters, rulings and fills together,
until its text runs left to right; the table finders then see an ordinary page.

The turned page is a pdfplumber page (a ``FilteredPage`` whose objects are replaced), so
``find_tables`` and ``extract_words`` work on it unchanged.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

__all__ = ["char_direction", "directions", "turned_page"]

_BOX_KINDS = ("char", "rect", "line", "curve")


def char_direction(char: dict[str, Any]) -> int:
    """The character's baseline direction in quarter turns counter-clockwise (0 = left to right).

    ``1`` is text running up the page, ``2`` upside down, ``3`` running down.
    """
    matrix = char.get("matrix")
    if not matrix:
        return 0 if char.get("upright", True) else 1
    a, b = float(matrix[0]), float(matrix[1])
    if a == 0 and b == 0:
        return 0
    angle = math.degrees(math.atan2(b, a))
    return round(angle / 90) % 4


def directions(chars: Sequence[dict[str, Any]]) -> list[int]:
    """The directions present on a page, left-to-right text first, then by number of chars."""
    counts = Counter(char_direction(char) for char in chars if str(char.get("text", "")).strip())
    return sorted(counts, key=lambda turn: (turn != 0, -counts[turn]))


def _frame(page: Any) -> tuple[float, float, float, float]:
    # pdfplumber keeps the unrotated page box for a /Rotate page while its objects are laid out
    # rotated, so the frame is the union of the box and of every object's extent.
    x0, top, x1, bottom = (float(v) for v in page.bbox)
    for kind in _BOX_KINDS:
        for obj in page.objects.get(kind, ()):
            x0, x1 = min(x0, float(obj["x0"])), max(x1, float(obj["x1"]))
            top, bottom = min(top, float(obj["top"])), max(bottom, float(obj["bottom"]))
    return x0, top, x1, bottom


def _point(
    turn: int, x: float, y: float, frame: tuple[float, float, float, float]
) -> tuple[float, float]:
    x0, top, x1, bottom = frame
    if turn == 1:  # text running up: what was up becomes right
        return bottom - y, x - x0
    if turn == 3:  # running down
        return y - top, x1 - x
    return x1 - x, bottom - y  # upside down


def _turn_object(
    obj: dict[str, Any], turn: int, frame: tuple[float, float, float, float], height: float
) -> dict[str, Any]:
    ax, ay = _point(turn, float(obj["x0"]), float(obj["top"]), frame)
    bx, by = _point(turn, float(obj["x1"]), float(obj["bottom"]), frame)
    new = dict(obj)
    x0, x1, top, bottom = min(ax, bx), max(ax, bx), min(ay, by), max(ay, by)
    offset = float(obj.get("doctop", obj["top"])) - float(obj["top"])
    new.update(
        x0=x0,
        x1=x1,
        top=top,
        bottom=bottom,
        width=x1 - x0,
        height=bottom - top,
        doctop=top + offset,
        y0=height - bottom,
        y1=height - top,
    )
    if "pts" in obj:
        new["pts"] = [_point(turn, float(px), float(py), frame) for px, py in obj["pts"]]
    if obj.get("object_type") == "char":
        new["upright"] = True
        # pdfminer's size of a turned glyph is its extent along the page's y axis, which is
        # its advance once turned; the font size is the turned box's height.
        new["size"] = bottom - top
    return new


def turned_page(page: Any, turn: int, keep: Any = None) -> Any:
    """``page`` with its chars of direction ``turn`` (and every ruling and fill) turned upright.

    ``turn == 0`` keeps the page's geometry and only drops the characters of other directions.
    ``keep``, if given, is a predicate objects must satisfy to stay (the caller drops
    background fills with it).
    """
    derived = page.filter(lambda obj: True)
    objects: dict[str, list[dict[str, Any]]] = {}
    frame = _frame(page)
    width = frame[3] - frame[1] if turn in (1, 3) else frame[2] - frame[0]
    height = frame[2] - frame[0] if turn in (1, 3) else frame[3] - frame[1]
    for kind, items in page.objects.items():
        chosen = [
            obj
            for obj in items
            if (kind != "char" or char_direction(obj) == turn) and (keep is None or keep(obj))
        ]
        objects[kind] = (
            chosen if turn == 0 else [_turn_object(obj, turn, frame, height) for obj in chosen]
        )
    derived._objects = objects
    if turn != 0:
        derived.bbox = (0.0, 0.0, width, height)
    return derived
