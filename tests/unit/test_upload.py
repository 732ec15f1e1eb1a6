"""Uploads (presigned URL, then a PUT to storage), uploads from a URL, and deleting files."""

from __future__ import annotations

import io
from pathlib import Path
from typing import IO, Any, Callable, cast

import pytest
import requests
import responses

from pdfco_client import (
    InputValidationError,
    InvalidInputError,
    NotFoundError,
    PdfCoClient,
    UploadedFile,
)
from tests.unit.fake_api import (
    API_HOST,
    API_KEY,
    PDF_BYTES,
    PRICES,
    STORAGE_HOST,
    ClientFactory,
    FakePdfCo,
    Seen,
)


class _Pipe(io.RawIOBase):
    """A binary stream that can be read once and not measured, like a pipe or a socket."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, buffer: Any) -> int:
        chunk = self._data.read(min(len(buffer), 7))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def Pipe(data: bytes) -> IO[bytes]:
    return cast(IO[bytes], _Pipe(data))


def puts(fake: FakePdfCo) -> list[Seen]:
    return [seen for seen in fake.seen if seen.method == "PUT"]


def presign_query(fake: FakePdfCo) -> dict[str, str]:
    return next(seen.query for seen in fake.seen if seen.path.endswith("get-presigned-url"))


def assert_clean_put(put: Seen, data: bytes, content_type: str) -> None:
    assert put.host == STORAGE_HOST
    assert put.body == data
    assert put.headers["content-type"] == content_type
    assert put.headers["content-length"] == str(len(data))
    assert "transfer-encoding" not in put.headers
    assert "x-api-key" not in put.headers


@pytest.fixture
def pdf_path(tmp_path: Path) -> Path:
    path = tmp_path / "report.pdf"
    path.write_bytes(PDF_BYTES)
    return path


def test_upload_a_path(client: PdfCoClient, fake: FakePdfCo, pdf_path: Path) -> None:
    uploaded = client.upload(pdf_path)
    assert presign_query(fake) == {"name": "report.pdf", "contenttype": "application/pdf"}
    [put] = puts(fake)
    assert_clean_put(put, PDF_BYTES, "application/pdf")
    assert isinstance(uploaded, UploadedFile)
    assert uploaded.url.split("?")[0].endswith("/report.pdf")
    assert (uploaded.name, uploaded.size) == ("report.pdf", len(PDF_BYTES))
    assert (uploaded.credits, uploaded.remaining_credits) == (PRICES["presign"], fake.balance)
    assert fake.storage[put.path] == PDF_BYTES
    assert fake.seen[0].headers["x-api-key"] == API_KEY


@pytest.mark.parametrize(
    "make", [bytes, bytearray, memoryview, lambda data: io.BytesIO(data)], ids=str
)
def test_upload_in_memory_sources(
    client: PdfCoClient, fake: FakePdfCo, make: Callable[[bytes], Any]
) -> None:
    uploaded = client.upload(make(PDF_BYTES), name="in-memory.pdf")
    assert presign_query(fake)["name"] == "in-memory.pdf"
    assert_clean_put(puts(fake)[0], PDF_BYTES, "application/pdf")
    assert uploaded.size == len(PDF_BYTES)


def test_bytes_without_a_name_get_a_default_one(client: PdfCoClient, fake: FakePdfCo) -> None:
    client.upload(PDF_BYTES)
    assert presign_query(fake) == {"name": "file.pdf", "contenttype": "application/pdf"}


def test_a_seekable_file_is_sent_from_its_current_position(
    client: PdfCoClient, fake: FakePdfCo
) -> None:
    stream = io.BytesIO(b"HEADER-TO-SKIP" + PDF_BYTES)
    stream.seek(len(b"HEADER-TO-SKIP"))
    uploaded = client.upload(stream)
    assert_clean_put(puts(fake)[0], PDF_BYTES, "application/pdf")
    assert uploaded.size == len(PDF_BYTES)
    assert not stream.closed  # the caller's stream is the caller's to close


def test_an_open_file_is_named_after_its_path(
    client: PdfCoClient, fake: FakePdfCo, pdf_path: Path
) -> None:
    with pdf_path.open("rb") as handle:
        client.upload(handle)
        assert not handle.closed
    assert presign_query(fake)["name"] == "report.pdf"


def test_a_non_seekable_stream_is_spooled_and_sent_with_its_length(
    client: PdfCoClient, fake: FakePdfCo
) -> None:
    data = PDF_BYTES * 1000
    with Pipe(data) as pipe:
        uploaded = client.upload(pipe, name="piped.pdf")
    assert_clean_put(puts(fake)[0], data, "application/pdf")
    assert uploaded.size == len(data)


def test_content_type_can_be_given(client: PdfCoClient, fake: FakePdfCo) -> None:
    client.upload(PDF_BYTES, name="scan.bin", content_type="application/octet-stream")
    assert presign_query(fake)["contenttype"] == "application/octet-stream"
    assert_clean_put(puts(fake)[0], PDF_BYTES, "application/octet-stream")


def test_content_type_is_guessed_from_the_name(client: PdfCoClient, fake: FakePdfCo) -> None:
    client.upload(b"\x89PNG\r\n\x1a\n....", name="scan.png")
    client.upload(b"some bytes", name="no-extension")
    assert [seen.query.get("contenttype") for seen in fake.seen if seen.method == "GET"] == [
        "image/png",
        "application/octet-stream",
    ]


def test_a_key_in_the_callers_session_never_reaches_storage(
    make_client: ClientFactory, fake: FakePdfCo
) -> None:
    with requests.Session() as session:
        session.headers["x-api-key"] = "session-default-key"
        make_client(session=session).upload(PDF_BYTES)
        assert session.headers["x-api-key"] == "session-default-key"
    assert [seen.headers.get("x-api-key") for seen in fake.seen] == [API_KEY, None]


def test_bad_sources_are_refused_before_any_request(
    client: PdfCoClient, mock_http: responses.RequestsMock, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    text = tmp_path / "text.pdf"
    text.write_text("%PDF-1.7 as text")
    bad: list[Any] = [tmp_path / "missing.pdf", str(tmp_path / "missing.pdf"), tmp_path, empty]
    bad += [b"", bytearray(), memoryview(b""), io.BytesIO(b""), 12345, ["a"]]
    for source in bad:
        with pytest.raises(InputValidationError) as caught:
            client.upload(source)
        assert caught.value.parameter == "source", source
    with text.open("r") as handle, pytest.raises(InputValidationError, match="text mode"):
        client.upload(handle)  # type: ignore[arg-type]
    with Pipe(b"") as pipe, pytest.raises(InputValidationError, match="empty"):
        client.upload(pipe)
    assert len(mock_http.calls) == 0


def test_a_seekable_stream_at_its_end_is_refused(
    client: PdfCoClient, mock_http: responses.RequestsMock
) -> None:
    stream = io.BytesIO(PDF_BYTES)
    stream.seek(0, io.SEEK_END)
    with pytest.raises(InputValidationError):
        client.upload(stream)
    assert len(mock_http.calls) == 0


@pytest.mark.parametrize("kind", ["path", "bytes", "seekable", "pipe"])
def test_a_failed_put_is_retried_with_the_full_body(
    client: PdfCoClient, fake: FakePdfCo, pdf_path: Path, kind: str
) -> None:
    data = PDF_BYTES * 50
    pdf_path.write_bytes(data)
    stream = io.BytesIO(b"skip" + data)
    stream.seek(4)
    sources: dict[str, Any] = {
        "path": pdf_path,
        "bytes": data,
        "seekable": stream,
        "pipe": Pipe(data),
    }
    fake.fail_next("PUT", ".pdf", (503, {}, "<Error><Code>SlowDown</Code></Error>"), times=2)
    client.upload(sources[kind], name="big.pdf")
    attempts = puts(fake)
    assert len(attempts) == 3
    for put in attempts:
        assert_clean_put(put, data, "application/pdf")


def test_storage_refusing_the_put_is_reported_with_s3s_words(
    client: PdfCoClient, fake: FakePdfCo
) -> None:
    s3 = "<Error><Code>SignatureDoesNotMatch</Code><Message>nope</Message></Error>"
    fake.fail_next("PUT", ".pdf", (403, {}, s3))
    with pytest.raises(InvalidInputError) as caught:
        client.upload(PDF_BYTES)
    assert "SignatureDoesNotMatch: nope" in str(caught.value)
    assert "X-Amz-Signature" not in str(caught.value)
    assert len(puts(fake)) == 1


def test_upload_from_url(client: PdfCoClient, fake: FakePdfCo) -> None:
    uploaded = client.upload_from_url("https://example.com/docs/sample.pdf", name="named.pdf")
    [call] = fake.seen
    assert (call.method, call.path, call.host) == ("POST", "/v1/file/upload/url", API_HOST)
    assert call.json() == {"url": "https://example.com/docs/sample.pdf", "name": "named.pdf"}
    assert uploaded.name == "named.pdf"
    assert uploaded.url.split("?")[0].endswith("/named.pdf")
    assert uploaded.remaining_credits == fake.balance
    client.upload_from_url("https://example.com/docs/sample.pdf")
    assert "name" not in fake.seen[-1].json()


@pytest.mark.parametrize("url", ["example.com/a.pdf", "file:///etc/passwd", "/tmp/a.pdf", ""])
def test_upload_from_url_and_delete_refuse_non_http_urls(
    client: PdfCoClient, mock_http: responses.RequestsMock, url: str
) -> None:
    with pytest.raises(InputValidationError):
        client.upload_from_url(url)
    with pytest.raises(InputValidationError):
        client.delete_file(url)
    assert len(mock_http.calls) == 0


def test_delete_file_removes_it(client: PdfCoClient, fake: FakePdfCo) -> None:
    uploaded = client.upload(PDF_BYTES)
    assert len(fake.storage) == 1
    client.delete_file(uploaded.url)
    assert fake.storage == {}
    assert fake.seen[-1].json() == {"url": uploaded.url}
    with pytest.raises(NotFoundError):
        client.delete_file(uploaded.url)
