"""Bad input never reaches a 500: hostile bodies get PDF.co's JSON 4xx (issue 10 part 6)."""

from __future__ import annotations

import pytest

from pdfco_client.emulator import Emulator
from tests.emulator.conftest import api, upload

DEEP_ARRAY = b"[" * 100_000 + b"]" * 100_000
DEEP_VALUE = b'{"url": "x", "pages": ' + b'{"a": ' * 50_000 + b"1" + b"}" * 50_001


@pytest.mark.parametrize("body", [DEEP_ARRAY, DEEP_VALUE], ids=["deep-body", "deep-value"])
def test_a_deeply_nested_json_body_is_a_400(emu: Emulator, body: bytes) -> None:
    response = api(
        emu,
        "POST",
        "pdf/convert/to/csv",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400, response.text
    answer = response.json()
    assert answer["error"] is True
    assert answer["status"] == 400


@pytest.mark.parametrize("as_json", [True, False], ids=["json-number", "form-text"])
def test_a_100_kb_number_as_pages_is_a_json_4xx(
    emu: Emulator, pdf_bytes: bytes, as_json: bool
) -> None:
    url = upload(emu, pdf_bytes)
    digits = "9" * 100_000
    if as_json:
        response = api(
            emu,
            "POST",
            "pdf/convert/to/csv",
            data=b'{"url": "%s", "pages": %s}' % (url.encode(), digits.encode()),
            headers={"Content-Type": "application/json"},
        )
    else:
        response = api(emu, "POST", "pdf/convert/to/csv", data={"url": url, "pages": digits})
    # 400 for the JSON number (the body itself is refused), PDF.co's 450 for a page range.
    assert response.status_code in (400, 450), response.text[:300]
    assert response.json()["error"] is True
    # The API still answers.
    assert api(emu, "GET", "account/credit/balance").status_code == 200
