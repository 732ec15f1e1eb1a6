"""PDF.co's answers as its documentation and captured samples show them.

Each body cites the source in the project's API notes (``shared/reference/pdfco-api.md``) by its
tag: **[S9]** is PDF.co's own test mocks holding captured production answers, **[S11]** the
endpoint docs' examples, **[S6b]** the upload docs, **[S2]/[S12]** the error envelope and codes,
**[S4]** the typed models of PDF.co's certified connector. The sources shorten ids and URL
signatures (``<id>``, ``…``); the values filling them here are placeholders of the same shape.
Bodies marked *inferred* have no published example: their fields are the documented ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

__all__ = ["RECORDED_RESPONSES"]

_ID = "4E5B9C2A0D7F41B3A86E2C1D9F0B7A63"
_JOB_ID = "6YSZD3U872ZYYFEDMQCQSGEEO8YSF5WA--151-300"  # the id of the docs' example [S11][S16]
_S3 = "https://pdf-temp-files.s3.us-west-2.amazonaws.com"
_S3_DASH = "https://pdf-temp-files.s3-us-west-2.amazonaws.com"
_SIGNED_PUT = (
    "X-Amz-Expires=900&X-Amz-Algorithm=AWS4-HMAC-SHA256"
    "&X-Amz-Credential=ASIA4XAMPLE%2F20240611%2Fus-west-2%2Fs3%2Faws4_request"
    "&X-Amz-Date=20240611T120000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=5ec12e7d"
)
_SIGNED_GET = (
    "X-Amz-Expires=3600&x-amz-security-token=FwoGZXIvYXdzEXAMPLE"
    "&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20240611T120000Z"
    "&X-Amz-SignedHeaders=host&X-Amz-Signature=9a1f2b3c"
)

_BODIES: dict[str, dict[str, Any]] = {
    # [S9] GET /v1/file/upload/get-presigned-url, captured (pdfco-api.md §3.1).
    "presigned_url": {
        "presignedUrl": f"{_S3_DASH}/{_ID}/test.pdf?{_SIGNED_PUT}",
        "url": f"{_S3_DASH}/{_ID}/test.pdf?{_SIGNED_GET}",
        "error": False,
        "status": 200,
        "name": "test.pdf",
        "remainingCredits": 98145,
    },
    # [S9] A synchronous conversion, captured (pdfco-api.md §2.7): the common success envelope.
    "convert_sync": {
        "url": f"{_S3}/{_ID}/newDocument.pdf?{_SIGNED_GET}",
        "pageCount": 1,
        "error": False,
        "status": 200,
        "name": "newDocument.pdf",
        "credits": 9,
        "duration": 3001,
        "remainingCredits": 1165546,
    },
    # [S4][S11] POST /v1/pdf/convert/to/xlsx without async: the fields of §3.7, in the
    # envelope of [S9] above.
    "convert_xlsx_sync": {
        "url": f"{_S3}/{_ID}/report.xlsx?{_SIGNED_GET}",
        "pageCount": 3,
        "error": False,
        "status": 200,
        "name": "report.xlsx",
        "credits": 30,
        "duration": 2471,
        "remainingCredits": 1165516,
        "outputLinkValidTill": "2025-08-11T17:09:13.263623+00:00",
    },
    # [S7][S11] POST /v1/pdf/convert/to/xlsx with async=true: the envelope plus jobId; the url
    # is the result's final place, 404 until the job succeeds (§3.7, §4).
    "convert_async_start": {
        "jobId": _JOB_ID,
        "url": f"{_S3}/{_JOB_ID}/report.xlsx?{_SIGNED_GET}",
        "pageCount": 3,
        "error": False,
        "status": 200,
        "name": "report.xlsx",
        "credits": 10,
        "duration": 192,
        "remainingCredits": 1165536,
        "outputLinkValidTill": "2025-08-11T17:09:13.263623+00:00",
    },
    # [S11] POST /v1/job/check while the job runs (§3.11): exactly this small.
    "job_check_working": {"status": "working", "remainingCredits": 60227},
    # [S11][S16] POST /v1/job/check once the job succeeded (§3.11).
    "job_check_success": {
        "status": "success",
        "message": "Success",
        "url": f"{_S3}/{_JOB_ID}/7QXJ2M4N9B8V6C5Z1L3K0H2G4F6D8S0A.json?{_SIGNED_GET}",
        "jobId": _JOB_ID,
        "pageCount": 3,
        "credits": 2,
        "remainingCredits": 1480582,
        "duration": 35,
        "jobDuration": 2120,
        "outputLinkValidTill": "2025-08-11T17:09:13.263623+00:00",
    },
    # Inferred from [S4]'s JobCheckResponse (error, errorCode) and [S11]'s states (§3.11): no
    # failed body is published.
    "job_check_failed": {
        "status": "failed",
        "message": "Invalid password",
        "jobId": _JOB_ID,
        "error": True,
        "errorCode": 441,
        "credits": 2,
        "remainingCredits": 1480580,
    },
    # [S11] job/check with force=true for an id PDF.co does not know (§3.11).
    "job_check_unknown": {"status": "unknown", "remainingCredits": 60225},
    # [S11][S12] GET /v1/account/credit/balance (§3.12).
    "credit_balance": {"remainingCredits": 99795868},
    # [S6b] POST /v1/file/upload/url (§3.5).
    "upload_url": {
        "url": f"https://pdf-temp-files.s3.amazonaws.com/{_ID.lower()}/sample.pdf",
        "error": False,
        "status": 200,
        "name": "sample.pdf",
        "remainingCredits": 77765,
    },
    # [S6b] POST /v1/file/upload/base64 (§3.4).
    "upload_base64": {
        "url": f"https://pdf-temp-files.s3.amazonaws.com/{_ID.lower()}/uploadfile.txt",
        "error": False,
        "status": 200,
        "remainingCredits": 77769,
    },
    # [S6b] POST /v1/file/delete (§3.6).
    "file_delete": {"error": False, "status": 200, "remainingCredits": 9999986},
    # [S11] POST /v1/pdf/info: the docs' example (§3.10), with its values' formats: dates as
    # .NET prints them, Size a "w, h" string, EncryptionAlgorithm a number.
    "pdf_info": {
        "info": {
            "PageCount": 1,
            "Author": "Alice V. Knox",
            "Title": "Kid's News 1",
            "Producer": "Acrobat Distiller 4.0 for Windows",
            "Subject": "Kid's News 1",
            "CreationDate": "8/15/2001 2:50:36 PM",
            "Bookmarks": "",
            "Keywords": "",
            "Creator": "Adobe PageMaker 6.52",
            "Encrypted": False,
            "PageRectangle": {
                "Location": {"IsEmpty": True, "X": 0, "Y": 0},
                "Size": "612, 792",
                "X": 0,
                "Y": 0,
                "Width": 612,
                "Height": 792,
                "Left": 0,
                "Top": 0,
                "Right": 612,
                "Bottom": 792,
                "IsEmpty": False,
            },
            "ModificationDate": "9/20/2001 6:23:02 PM",
            "EncryptionAlgorithm": 0,
            "PermissionPrinting": True,
            "PermissionModifyDocument": True,
            "PermissionContentExtraction": True,
            "PermissionModifyAnnotations": True,
            "PermissionFillForms": True,
            "PermissionAccessibility": True,
            "PermissionAssemble": True,
            "PermissionHighQualityPrint": True,
        },
        "error": False,
        "status": 200,
        "credits": 5,
        "remainingCredits": 1165531,
        "duration": 140,
    },
    # [S2][S12] The error envelope {error, status, message} (§7.1) with each code's documented
    # meaning (§7.2) as its message. Whether PDF.co also sends the code as the HTTP status is
    # not settled (§12.3): serve them both ways.
    "error_400": {"error": True, "status": 400, "message": "Bad request: invalid parameters"},
    "error_401": {"error": True, "status": 401, "message": "Unauthorized: invalid API key"},
    "error_402": {"error": True, "status": 402, "message": "Not enough credits"},
    "error_404": {"error": True, "status": 404, "message": "Resource not found"},
    "error_429": {"error": True, "status": 429, "message": "Too many requests"},
    "error_441": {"error": True, "status": 441, "message": "Invalid password"},
    "error_442": {"error": True, "status": 442, "message": "Input damaged or of incorrect type"},
    "error_445": {
        "error": True,
        "status": 445,
        "message": "Timeout error: use async=true and pages to process large documents",
    },
    "error_449": {
        "error": True,
        "status": 449,
        "message": "Invalid index range: page index out of range, the first page is 0",
    },
    "error_500": {
        "error": True,
        "status": 500,
        "message": "Internal error, try again or contact support",
    },
    # [S1][S13] The legacy "not enough credits" answer: 403 with a credits message (§7.2).
    "error_403_legacy_credits": {"error": True, "status": 403, "message": "Not enough credits"},
}

#: PDF.co's documented answers by name (``"presigned_url"``, ``"job_check_success"``,
#: ``"error_402"``, ...), read-only: copy one (``dict(...)``) to change it.
RECORDED_RESPONSES: Mapping[str, Mapping[str, Any]] = MappingProxyType(
    {name: MappingProxyType(body) for name, body in _BODIES.items()}
)
