"""The emulator driven with plain ``requests`` the way PDF.co's official samples drive the API."""

from __future__ import annotations

import base64
import io
import re

import pytest
from openpyxl import load_workbook

from pdfco_client.emulator import Emulator
from pdfco_client.emulator.model import CONVERSIONS
from tests.emulator.conftest import api, download, upload, wait_job
from tests.pdf_factory import RULED_TABLE, make_large_pdf

JOB_ID = re.compile(r"^[A-Z0-9]{32}$")


def test_base_url_is_loopback_v1_and_storage_is_another_host(emu: Emulator) -> None:
    assert re.match(r"^http://127\.0\.0\.1:\d+/v1$", emu.base_url)
    assert emu.storage_url.startswith("http://127.0.0.1:")
    assert not emu.base_url.startswith(emu.storage_url)


def test_official_sample_async_flow(emu: Emulator, pdf_bytes: bytes) -> None:
    url = upload(emu, pdf_bytes, "sample.pdf")
    # The samples post form-encoded parameters with the Python string "True".
    started = api(
        emu,
        "POST",
        "pdf/convert/to/xlsx",
        data={"url": url, "async": "True", "name": "result.xlsx", "pages": "", "password": ""},
    )
    assert started.status_code == 200
    body = started.json()
    assert JOB_ID.match(body["jobId"])
    assert body["error"] is False
    assert body["status"] == 200
    assert body["name"] == "result.xlsx"
    assert download(body["url"]).status_code == 404  # not there before the job succeeds
    first = api(emu, "GET", "job/check", params={"jobid": body["jobId"]}).json()
    assert first == {"status": "working", "remainingCredits": first["remainingCredits"]}
    done = wait_job(emu, body["jobId"])
    assert done["status"] == "success"
    assert done["message"] == "Success"
    assert done["url"] == body["url"]
    assert done["jobId"] == body["jobId"]
    assert done["pageCount"] == 1
    assert done["error"] is False
    assert {"credits", "remainingCredits", "duration", "jobDuration", "outputLinkValidTill"} <= set(
        done
    )
    result = download(body["url"])
    assert result.status_code == 200
    assert int(result.headers["Content-Length"]) == len(result.content)
    sheet = load_workbook(io.BytesIO(result.content)).active
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert RULED_TABLE[1][0] in cells


def test_sync_json_body_and_envelope(emu: Emulator, pdf_bytes: bytes) -> None:
    url = upload(emu, pdf_bytes)
    response = api(emu, "POST", "pdf/convert/to/xlsx", json={"url": url, "async": False})
    body = response.json()
    assert response.status_code == 200
    for key in ("url", "pageCount", "name", "credits", "remainingCredits", "duration"):
        assert key in body
    assert body["error"] is False
    assert body["status"] == 200
    assert "jobId" not in body
    assert body["outputLinkValidTill"].endswith("+00:00")
    assert download(body["url"]).content[:2] == b"PK"


@pytest.mark.parametrize("fmt", CONVERSIONS)
def test_every_format_converts_sync(emu: Emulator, pdf_bytes: bytes, fmt: str) -> None:
    url = upload(emu, pdf_bytes)
    body = api(emu, "POST", f"pdf/convert/to/{fmt}", json={"url": url}).json()
    assert body["error"] is False, body
    assert download(body["url"]).status_code == 200


@pytest.mark.parametrize("fmt", ["csv", "json2", "json", "text", "text-simple", "html", "xml"])
def test_inline_puts_the_content_in_body(emu: Emulator, pdf_bytes: bytes, fmt: str) -> None:
    url = upload(emu, pdf_bytes)
    body = api(emu, "POST", f"pdf/convert/to/{fmt}", json={"url": url, "inline": "true"}).json()
    if fmt.startswith("json"):
        assert not isinstance(body["body"], str)
    else:
        assert "North" in body["body"]


def test_inline_is_refused_for_xlsx(emu: Emulator, pdf_bytes: bytes) -> None:
    url = upload(emu, pdf_bytes)
    response = api(emu, "POST", "pdf/convert/to/xlsx", json={"url": url, "inline": True})
    assert response.status_code == 400
    assert response.json()["error"] is True


def test_query_string_and_case_insensitive_names(emu: Emulator, pdf_bytes: bytes) -> None:
    url = upload(emu, pdf_bytes)
    started = api(emu, "GET", "pdf/convert/to/csv", params={"URL": url, "Async": "1"}).json()
    done = api(emu, "POST", "job/check", json={"jobId": started["jobId"]}).json()
    assert done["status"] in ("working", "success")
    final = wait_job(emu, started["jobId"])
    assert final["status"] == "success"


def test_pages_selects_pages(emu: Emulator) -> None:
    url = upload(emu, make_large_pdf(4))
    body = api(emu, "POST", "pdf/convert/to/text", json={"url": url, "pages": "0,2-"}).json()
    assert body["pageCount"] == 3
    last = api(emu, "POST", "pdf/convert/to/text", json={"url": url, "pages": "!0"}).json()
    assert last["pageCount"] == 1


def test_info_sync_and_async(emu: Emulator, pdf_bytes: bytes) -> None:
    url = upload(emu, pdf_bytes)
    body = api(emu, "POST", "pdf/info", data={"url": url}).json()
    assert body["info"]["PageCount"] == 1
    assert body["info"]["Encrypted"] is False
    started = api(emu, "POST", "pdf/info", data={"url": url, "async": "true"}).json()
    assert wait_job(emu, started["jobId"])["status"] == "success"
    assert download(started["url"]).json()["info"]["PageCount"] == 1


def test_info_values_are_in_pdfcos_documented_formats(emu: Emulator, pdf_bytes: bytes) -> None:
    # PDF.co's example: "Size": "612, 792", "EncryptionAlgorithm": 0, "8/15/2001 2:50:36 PM".
    info = api(emu, "POST", "pdf/info", json={"url": upload(emu, pdf_bytes)}).json()["info"]
    rectangle = info["PageRectangle"]
    assert rectangle["Size"] == f"{rectangle['Width']}, {rectangle['Height']}"
    assert rectangle["Location"] == {"IsEmpty": True, "X": 0, "Y": 0}
    assert info["EncryptionAlgorithm"] == 0
    assert re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}:\d{2} [AP]M", info["CreationDate"])
    assert list(info)[:6] == ["PageCount", "Author", "Title", "Producer", "Subject", "CreationDate"]


def test_multipart_upload(emu: Emulator, pdf_bytes: bytes) -> None:
    response = api(emu, "POST", "file/upload", files={"file": ("doc.pdf", pdf_bytes)})
    body = response.json()
    assert body["name"] == "doc.pdf"
    assert body["error"] is False
    assert download(body["url"]).content == pdf_bytes


def test_base64_upload_with_data_uri(emu: Emulator, pdf_bytes: bytes) -> None:
    encoded = "data:application/pdf;base64," + base64.b64encode(pdf_bytes).decode()
    body = api(emu, "POST", "file/upload/base64", json={"file": encoded, "name": "b.pdf"}).json()
    assert download(body["url"]).content == pdf_bytes
    bad = api(emu, "POST", "file/upload/base64", json={"file": "%%%not base64"})
    assert bad.status_code == 400


def test_upload_from_own_storage_url_and_convert_from_it(emu: Emulator, pdf_bytes: bytes) -> None:
    url = upload(emu, pdf_bytes)
    copied = api(emu, "POST", "file/upload/url", data={"url": url, "name": "copy.pdf"}).json()
    assert copied["name"] == "copy.pdf"
    assert download(copied["url"]).content == pdf_bytes


def test_upload_url_fetches_loopback_http(emu: Emulator, pdf_bytes: bytes) -> None:
    # A loopback URL that is not storage: fetched over HTTP (here, the storage's own GET URL
    # with a cosmetic `localhost` spelling is still loopback and still served).
    url = upload(emu, pdf_bytes).replace("127.0.0.1", "localhost")
    copied = api(emu, "GET", "file/upload/url", params={"url": url}).json()
    assert copied["error"] is False, copied
    assert download(copied["url"]).content == pdf_bytes


def test_delete_removes_the_file(emu: Emulator, pdf_bytes: bytes) -> None:
    url = upload(emu, pdf_bytes)
    deleted = api(emu, "POST", "file/delete", data={"url": url}).json()
    assert deleted["error"] is False
    assert deleted["status"] == 200
    assert download(url).status_code == 404
    assert api(emu, "POST", "file/delete", data={"url": url}).status_code == 404


def test_balance_and_credits_accounting(emu: Emulator, pdf_bytes: bytes) -> None:
    emu.credits = 1000
    assert api(emu, "GET", "account/credit/balance").json() == {"remainingCredits": 998}
    url = upload(emu, pdf_bytes)  # 7 for the presigned URL
    assert emu.credits == 991
    body = api(emu, "POST", "pdf/convert/to/csv", json={"url": url}).json()
    assert body["credits"] == 28
    assert body["remainingCredits"] == 991 - 28 == emu.credits


def test_async_billing_first_page_then_rest(emu: Emulator) -> None:
    url = upload(emu, make_large_pdf(3))
    before = emu.credits
    started = api(emu, "POST", "pdf/convert/to/xlsx", json={"url": url, "async": True}).json()
    assert started["credits"] == 10
    assert emu.credits == before - 10
    done = wait_job(emu, started["jobId"])
    assert done["pageCount"] == 3
    assert done["credits"] == 2 + 20  # this check plus the two remaining pages
    again = api(emu, "GET", "job/check", params={"jobid": started["jobId"]}).json()
    assert again["status"] == "success"
    assert again["credits"] == 2
