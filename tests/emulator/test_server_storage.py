"""The storage host and the server's own safety: signatures, leaks, traversal, caps, shutdown."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from pdfco_client.emulator import Emulator
from tests.emulator.conftest import TIMEOUT, api, download, upload


def _presigned(emu: Emulator, name: str = "f.pdf", **params: str) -> dict[str, str]:
    body: dict[str, str] = api(
        emu, "GET", "file/upload/get-presigned-url", params={"name": name, **params}
    ).json()
    return body


def _put(url: str, data: bytes, **headers: str) -> requests.Response:
    with requests.put(url, data=data, headers=headers, timeout=TIMEOUT) as response:
        response.content  # noqa: B018
        return response


def test_api_key_sent_to_storage_is_recorded_as_a_leak(emu: Emulator, pdf_bytes: bytes) -> None:
    upload(emu, pdf_bytes)
    assert emu.storage_key_leaks == []
    slot = _presigned(emu)
    # What the official Python samples do: send x-api-key to the PUT URL.
    assert _put(slot["presignedUrl"], pdf_bytes, **{"x-api-key": emu.api_key}).status_code == 200
    leaks = emu.storage_key_leaks
    assert len(leaks) == 1
    assert leaks[0].endpoint == "storage-put"
    assert leaks[0].api_key_valid
    assert leaks[0].headers["x-api-key"] == "***"


def test_strict_storage_refuses_the_key(pdf_bytes: bytes) -> None:
    with Emulator(strict_storage=True) as emu:
        slot = _presigned(emu)
        refused = _put(slot["presignedUrl"], pdf_bytes, **{"x-api-key": emu.api_key})
        assert refused.status_code == 403
        assert b"<Code>AccessDenied</Code>" in refused.content


def test_signatures_are_checked(emu: Emulator, pdf_bytes: bytes) -> None:
    slot = _presigned(emu)
    tampered = slot["presignedUrl"].replace("X-Amz-Signature=", "X-Amz-Signature=0")
    assert b"SignatureDoesNotMatch" in _put(tampered, pdf_bytes).content
    assert _put(slot["url"], pdf_bytes).status_code == 403  # a GET URL cannot upload
    unsigned = slot["presignedUrl"].split("?")[0]
    assert _put(unsigned, pdf_bytes).status_code == 403
    assert _put(slot["presignedUrl"], pdf_bytes).status_code == 200
    assert download(slot["url"].split("?")[0]).status_code == 403


def test_missing_object_is_s3_no_such_key(emu: Emulator) -> None:
    slot = _presigned(emu)
    missing = download(slot["url"])  # presigned but never uploaded
    assert missing.status_code == 404
    assert b"<Code>NoSuchKey</Code>" in missing.content
    assert missing.headers["Content-Type"].startswith("application/xml")


def test_put_url_expires_after_15_minutes(emu: Emulator, pdf_bytes: bytes) -> None:
    slot = _presigned(emu)
    emu.advance_clock(901)
    expired = _put(slot["presignedUrl"], pdf_bytes)
    assert expired.status_code == 403
    assert b"expired" in expired.content


def test_put_content_type_must_match_the_signed_one(emu: Emulator, pdf_bytes: bytes) -> None:
    slot = _presigned(emu, contenttype="application/pdf")
    wrong = _put(slot["presignedUrl"], pdf_bytes, **{"Content-Type": "text/plain"})
    assert wrong.status_code == 403
    assert _put(slot["presignedUrl"], pdf_bytes, **{"Content-Type": "application/pdf"}).ok


def test_head_reports_the_length(emu: Emulator, pdf_bytes: bytes) -> None:
    url = upload(emu, pdf_bytes)
    with requests.head(url, timeout=TIMEOUT) as response:
        assert response.status_code == 200
        assert int(response.headers["Content-Length"]) == len(pdf_bytes)


@pytest.mark.parametrize("name", ["../../etc/passwd", "..\\..\\boot.ini", "..", "a/../../b.pdf"])
def test_names_cannot_traverse(emu: Emulator, pdf_bytes: bytes, name: str) -> None:
    slot = _presigned(emu, name=name)
    assert "/" not in slot["name"]
    assert slot["name"] not in ("..", ".")
    assert _put(slot["presignedUrl"], pdf_bytes).status_code == 200
    assert download(slot["url"]).content == pdf_bytes
    stored = list(Path(emu.temp_dir).iterdir())
    assert stored
    assert all(p.parent == Path(emu.temp_dir) for p in stored)
    assert all(p.name != slot["name"] for p in stored)  # disk names are ids, never user names


@pytest.mark.parametrize(
    "path", ["/%2e%2e/%2e%2e/etc/passwd", "/../../etc/passwd", "/ABC/%2e%2e%2f%2e%2e%2fetc", "/x"]
)
def test_storage_paths_cannot_traverse(emu: Emulator, path: str) -> None:
    with requests.get(emu.storage_url + path, timeout=TIMEOUT) as response:
        assert response.status_code in (403, 404)
        assert b"root:" not in response.content


def test_upload_cap(pdf_bytes: bytes) -> None:
    with Emulator(max_upload_bytes=1000) as emu:
        slot = _presigned(emu)
        too_big = _put(slot["presignedUrl"], b"x" * 5000)
        assert too_big.status_code == 413
        assert b"EntityTooLarge" in too_big.content
        multipart = api(emu, "POST", "file/upload", files={"file": ("a.pdf", b"x" * 5000)})
        assert multipart.status_code == 413
        assert multipart.json()["error"] is True
        encoded = api(emu, "POST", "file/upload/base64", json={"file": "eHh4" * 2000})
        assert encoded.status_code == 413
        assert list(Path(emu.temp_dir).iterdir()) == []  # no partial file left behind


def test_chunked_put_over_the_cap_is_refused() -> None:
    with Emulator(max_upload_bytes=1000) as emu:
        slot = _presigned(emu)
        chunks = iter([b"y" * 600, b"y" * 600])
        too_big = _put(slot["presignedUrl"], chunks)  # type: ignore[arg-type]
        assert too_big.status_code == 413


def test_temp_dir_is_private_and_removed_at_shutdown(pdf_bytes: bytes) -> None:
    baseline = threading.active_count()
    with Emulator() as emu:
        upload(emu, pdf_bytes)
        temp_dir = Path(emu.temp_dir)
        assert temp_dir.stat().st_mode & 0o777 == 0o700
        assert any(temp_dir.iterdir())
    assert not temp_dir.exists()
    assert threading.active_count() == baseline


def test_threads_stay_bounded_under_concurrent_load(pdf_bytes: bytes) -> None:
    baseline = threading.active_count()
    with Emulator(http_workers=4, workers=2, job_min_duration=0.0) as emu:
        url = upload(emu, pdf_bytes)

        def convert(_: int) -> int:
            body = api(emu, "POST", "pdf/convert/to/csv", json={"url": url, "async": True})
            return body.status_code

        with ThreadPoolExecutor(max_workers=16) as pool:
            assert set(pool.map(convert, range(48))) == {200}
        # 2 accept threads, 4 + 4 request threads, 2 job threads at most.
        assert threading.active_count() - baseline <= 12
    assert threading.active_count() == baseline


def test_close_is_idempotent_and_restartable(pdf_bytes: bytes) -> None:
    emu = Emulator()
    emu.start()
    first = emu.base_url
    emu.close()
    emu.close()
    with emu:
        assert api(emu, "GET", "account/credit/balance").status_code == 200
    assert first.startswith("http://127.0.0.1:")


def test_refuses_non_loopback_host_without_allow_remote() -> None:
    with pytest.raises(ValueError, match="loopback"):
        Emulator(host="0.0.0.0")  # noqa: S104 - refused, never bound


def test_not_started_emulator_says_so() -> None:
    with pytest.raises(RuntimeError, match="not running"):
        Emulator().base_url  # noqa: B018


def test_emulator_never_writes_outside_its_dir(emu: Emulator, pdf_bytes: bytes) -> None:
    before = set(os.listdir(Path(emu.temp_dir).parent))
    url = upload(emu, pdf_bytes, "../../escape.pdf")
    api(emu, "POST", "pdf/convert/to/csv", json={"url": url, "name": "../../out.csv"})
    api(emu, "POST", "file/upload", files={"file": ("../../m.pdf", pdf_bytes * 400)})
    after = set(os.listdir(Path(emu.temp_dir).parent))
    assert {name for name in after - before if "escape" in name or "out.csv" in name} == set()
