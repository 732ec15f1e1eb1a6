"""PDF.co's credit prices, shared by the emulator and the in-memory mock (the client needs none).

From PDF.co's pricing page as summarised in ``pdfco-api.md`` §1 where it gives a number:
presigned URL 7, upload 11, base64 upload 21, upload from URL 11, delete 7, job check 2,
balance 2; per page csv 28, legacy json 28, html 21. The others are not published, so these are
plausible choices (``text-simple`` is "cheaper than text"; ``pdf/info`` 5).
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["CALL_CREDITS", "PAGE_CREDITS"]

#: Credits per call, by endpoint path below ``/v1/``.
CALL_CREDITS: Mapping[str, int] = {
    "file/upload/get-presigned-url": 7,
    "file/upload": 11,
    "file/upload/base64": 21,
    "file/upload/url": 11,
    "file/delete": 7,
    "job/check": 2,
    "account/credit/balance": 2,
    "pdf/info": 5,
}

#: Credits per converted page, by output format.
PAGE_CREDITS: Mapping[str, int] = {
    "xlsx": 10,
    "xls": 10,
    "csv": 28,
    "json": 28,
    "json2": 10,
    "text": 10,
    "text-simple": 5,
    "html": 21,
    "xml": 10,
}
