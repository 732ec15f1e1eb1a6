"""Uploads (presigned URL, then a PUT to storage), uploads from a URL, and deleting files."""

from __future__ import annotations

import io
from pathlib import Path
from typing import IO, Any, Callable, cast
from urllib.parse import parse_qsl, urlsplit

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
from pdfco_client.testing import MockCall, PdfCoMock
from tests.unit.conftest import (
    API_HOST,
    API_KEY,
    PDF_BYTES,
    PRICES,
    STORAGE_HOST,
    ClientFactory,
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


def puts(fake: PdfCoMock) -> list[MockCall]:
    return [call for call in fake.calls if call.method == "PUT"]


def query(call: MockCall) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(call.url).query))


def presign_query(fake: PdfCoMock) -> dict[str, str]:
    return query(fake.calls_to("file/upload/get-presigned-url")[0])


def assert_clean_put(put: MockCall, data: bytes, content_type: str) -> None:
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


def test_upload_a_path(client: PdfCoClient, fake: PdfCoMock, pdf_path: Path) -> None:
    uploaded = client.upload(pdf_path)
    assert presign_query(fake) == {"name": "report.pdf", "contenttype": "application/pdf"}
    [put] = puts(fake)
    assert_clean_put(put, PDF_BYTES, "application/pdf")
    assert isinstance(uploaded, UploadedFile)
    assert uploaded.url.split("?")[0].endswith("/report.pdf")
    assert (uploaded.name, uploaded.size) == ("report.pdf", len(PDF_BYTES))
    assert (uploaded.credits, uploaded.remaining_credits) == (PRICES["presign"], fake.credits)
    assert fake.files[put.url.split("?")[0]].data == PDF_BYTES
    assert fake.calls[0].headers["x-api-key"] == API_KEY


@pytest.mark.parametrize(
    "make", [bytes, bytearray, memoryview, lambda data: io.BytesIO(data)], ids=str
)
def test_upload_in_memory_sources(
    client: PdfCoClient, fake: PdfCoMock, make: Callable[[bytes], Any]
) -> None:
    uploaded = client.upload(make(PDF_BYTES), name="in-memory.pdf")
    assert presign_query(fake)["name"] == "in-memory.pdf"
    assert_clean_put(puts(fake)[0], PDF_BYTES, "application/pdf")
    assert uploaded.size == len(PDF_BYTES)


def test_bytes_without_a_name_get_a_default_one(client: PdfCoClient, fake: PdfCoMock) -> None:
    client.upload(PDF_BYTES)
    assert presign_query(fake) == {"name": "file.pdf", "contenttype": "application/pdf"}


def test_a_seekable_file_is_sent_from_its_current_position(
    client: PdfCoClient, fake: PdfCoMock
) -> None:
    stream = io.BytesIO(b"HEADER-TO-SKIP" + PDF_BYTES)
    stream.seek(len(b"HEADER-TO-SKIP"))
    uploaded = client.upload(stream)
    assert_clean_put(puts(fake)[0], PDF_BYTES, "application/pdf")
    assert uploaded.size == len(PDF_BYTES)
    assert not stream.closed  # the caller's stream is the caller's to close


def test_an_open_file_is_named_after_its_path(
    client: PdfCoClient, fake: PdfCoMock, pdf_path: Path
) -> None:
    with pdf_path.open("rb") as handle:
        client.upload(handle)
        assert not handle.closed
    assert presign_query(fake)["name"] == "report.pdf"


def test_a_non_seekable_stream_is_spooled_and_sent_with_its_length(
    client: PdfCoClient, fake: PdfCoMock
) -> None:
    data = PDF_BYTES * 1000
    with Pipe(data) as pipe:
        uploaded = client.upload(pipe, name="piped.pdf")
    assert_clean_put(puts(fake)[0], data, "application/pdf")
    assert uploaded.size == len(data)


def test_content_type_can_be_given(client: PdfCoClient, fake: PdfCoMock) -> None:
    client.upload(PDF_BYTES, name="scan.bin", content_type="application/octet-stream")
    assert presign_query(fake)["contenttype"] == "application/octet-stream"
    assert_clean_put(puts(fake)[0], PDF_BYTES, "application/octet-stream")


def test_content_type_is_guessed_from_the_name(client: PdfCoClient, fake: PdfCoMock) -> None:
    client.upload(b"\x89PNG\r\n\x1a\n....", name="scan.png")
    client.upload(b"some bytes", name="no-extension")
    assert [query(call).get("contenttype") for call in fake.calls if call.method == "GET"] == [
        "image/png",
        "application/octet-stream",
    ]


def test_a_key_in_the_callers_session_never_reaches_storage(
    make_client: ClientFactory, fake: PdfCoMock
) -> None:
    with requests.Session() as session:
        session.headers["x-api-key"] = "session-default-key"
        make_client(session=session).upload(PDF_BYTES)
        assert session.headers["x-api-key"] == "session-default-key"
    assert [call.headers.get("x-api-key") for call in fake.calls] == [API_KEY, None]


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
    client: PdfCoClient, fake: PdfCoMock, pdf_path: Path, kind: str
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
    fake.fail_next("upload", status=503, times=2)
    client.upload(sources[kind], name="big.pdf")
    attempts = puts(fake)
    assert len(attempts) == 3
    for put in attempts:
        assert_clean_put(put, data, "application/pdf")


def test_storage_refusing_the_put_is_reported_with_s3s_words(
    client: PdfCoClient, fake: PdfCoMock
) -> None:
    s3 = "<Error><Code>SignatureDoesNotMatch</Code><Message>nope</Message></Error>"
    fake.fail_next("upload", status=403, body=s3)
    with pytest.raises(InvalidInputError) as caught:
        client.upload(PDF_BYTES)
    assert "SignatureDoesNotMatch: nope" in str(caught.value)
    assert "X-Amz-Signature" not in str(caught.value)
    assert len(puts(fake)) == 1


def test_upload_from_url(client: PdfCoClient, fake: PdfCoMock) -> None:
    uploaded = client.upload_from_url("https://example.com/docs/sample.pdf", name="named.pdf")
    [call] = fake.calls
    assert (call.method, call.path, call.host) == ("POST", "/v1/file/upload/url", API_HOST)
    assert call.json() == {"url": "https://example.com/docs/sample.pdf", "name": "named.pdf"}
    assert uploaded.name == "named.pdf"
    assert uploaded.url.split("?")[0].endswith("/named.pdf")
    assert uploaded.remaining_credits == fake.credits
    client.upload_from_url("https://example.com/docs/sample.pdf")
    assert "name" not in fake.calls[-1].json()


@pytest.mark.parametrize("url", ["example.com/a.pdf", "file:///etc/passwd", "/tmp/a.pdf", ""])
def test_upload_from_url_and_delete_refuse_non_http_urls(
    client: PdfCoClient, mock_http: responses.RequestsMock, url: str
) -> None:
    with pytest.raises(InputValidationError):
        client.upload_from_url(url)
    with pytest.raises(InputValidationError):
        client.delete_file(url)
    assert len(mock_http.calls) == 0


def test_delete_file_removes_it(client: PdfCoClient, fake: PdfCoMock) -> None:
    uploaded = client.upload(PDF_BYTES)
    assert len(fake.files) == 1
    client.delete_file(uploaded.url)
    assert fake.files == {}
    assert fake.calls[-1].json() == {"url": uploaded.url}
    with pytest.raises(NotFoundError):
        client.delete_file(uploaded.url)
