"""Presigned URLs carry a signature: a model's ``repr()`` shows them as the logs do, redacted.

The field itself stays usable (``.url``, ``model_dump()``): the redaction is for eyes and logs.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from pdfco_client import (
    ConversionJob,
    ConversionResult,
    JobStatus,
    OutputFormat,
    UploadedFile,
)
from pdfco_client._models import PresignedUpload

SIGNED = (
    "https://pdf-temp-files.s3.amazonaws.com/U/in.pdf"
    "?X-Amz-Signature=deadbeefSECRET&X-Amz-Security-Token=TOKENSECRET"
)
SECRETS = ("deadbeefSECRET", "TOKENSECRET")


def _models() -> list[BaseModel]:
    return [
        PresignedUpload(presignedUrl=SIGNED, url=SIGNED),
        UploadedFile(url=SIGNED, name="in.pdf"),
        ConversionJob(jobId="J", url=SIGNED),
        JobStatus(status="success", url=SIGNED),
        ConversionResult(
            output_path=Path("out.xlsx"),
            url=SIGNED,
            job_id="J",
            page_count=1,
            credits=2,
            remaining_credits=5,
            duration=0.1,
            output_format=OutputFormat.XLSX,
        ),
        # An extra field PDF.co may add one day, named like a URL, is redacted too.
        UploadedFile(url="https://x.example/a", thumbnailUrl=SIGNED),
    ]


@pytest.mark.parametrize("model", _models(), ids=lambda m: type(m).__name__)
def test_repr_and_str_redact_the_signature(model: BaseModel) -> None:
    for text in (repr(model), str(model)):
        assert not any(secret in text for secret in SECRETS), text
        assert "pdf-temp-files.s3.amazonaws.com" in text or "x.example" in text


@pytest.mark.parametrize("model", _models(), ids=lambda m: type(m).__name__)
def test_the_field_stays_usable(model: BaseModel) -> None:
    dumped = model.model_dump()
    assert any(value == SIGNED for value in dumped.values())
    assert SIGNED in (getattr(model, "url", None), getattr(model, "presigned_url", None)) or (
        dumped.get("thumbnailUrl") == SIGNED
    )
