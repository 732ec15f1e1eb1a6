"""Downloads: streamed, checked against Content-Length, written atomically, retried."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, Optional

import pytest
import requests
import responses

from pdfco_client import (
    APITimeoutError,
    IncompleteDownloadError,
    InputValidationError,
    NotFoundError,
    PdfCoClient,
)
from pdfco_client.testing import PdfCoMock
from tests.unit.conftest import (
    SIGNED_QUERY,
    STORAGE_URL,
    ClientFactory,
    FakeClock,
)

RESULT = b"PK\x03\x04" + bytes(range(256)) * 40
URL = f"{STORAGE_URL}/JOB1/result.xlsx?{SIGNED_QUERY}"
OLD = b"the previous report, which must survive a failed download"


class Interrupted(io.RawIOBase):
    """A response body that delivers some bytes, then is hit by Ctrl-C (or a clock tick)."""

    def __init__(
        self, head: bytes, error: Optional[BaseException], clock: Optional[FakeClock] = None
    ) -> None:
        super().__init__()
        self._head = io.BytesIO(head)
        self._error = error
        self._clock = clock

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._clock is not None:
            self._clock.advance(1.0)
        chunk = self._head.read(min(len(buffer), 64 * 1024))
        if not chunk and self._error is not None:
            raise self._error
        buffer[: len(chunk)] = chunk
        return len(chunk)


def reader(raw: io.RawIOBase) -> io.BufferedReader:
    return io.BufferedReader(raw)


def files_in(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in folder.iterdir()}


@pytest.fixture
def stored(fake: PdfCoMock) -> str:
    """The signed URL of a result in the fake's storage."""
    return fake.add_file("result.xlsx", RESULT, content_type="application/octet-stream")


def test_download_streams_to_the_destination(
    client: PdfCoClient, fake: PdfCoMock, stored: str, tmp_path: Path
) -> None:
    target = tmp_path / "report.xlsx"
    assert client.download(stored, target) == target
    assert files_in(tmp_path) == {"report.xlsx": RESULT}
    [get] = fake.calls
    assert get.url == stored
    assert "x-api-key" not in get.headers
    assert get.headers["accept-encoding"] == "identity"


def test_download_creates_missing_parent_folders(
    client: PdfCoClient, stored: str, tmp_path: Path
) -> None:
    target = tmp_path / "a" / "b" / "report.xlsx"
    client.download(stored, str(target))
    assert target.read_bytes() == RESULT


def test_a_directory_destination_takes_the_urls_file_name(
    client: PdfCoClient, stored: str, tmp_path: Path
) -> None:
    assert client.download(stored, tmp_path) == tmp_path / "result.xlsx"
    assert files_in(tmp_path) == {"result.xlsx": RESULT}


def test_a_directory_destination_needs_a_name_in_the_url(
    client: PdfCoClient, mock_http: responses.RequestsMock, tmp_path: Path
) -> None:
    with pytest.raises(InputValidationError):
        client.download(f"{STORAGE_URL}/", tmp_path)
    assert len(mock_http.calls) == 0


def test_overwrite_false_refuses_an_existing_file_before_any_request(
    client: PdfCoClient, mock_http: responses.RequestsMock, tmp_path: Path
) -> None:
    target = tmp_path / "report.xlsx"
    target.write_bytes(OLD)
    with pytest.raises(InputValidationError, match="overwrite"):
        client.download(URL, target, overwrite=False)
    assert len(mock_http.calls) == 0
    assert files_in(tmp_path) == {"report.xlsx": OLD}


def test_overwrite_replaces_an_existing_file(
    client: PdfCoClient, stored: str, tmp_path: Path
) -> None:
    target = tmp_path / "report.xlsx"
    target.write_bytes(OLD)
    client.download(stored, target)
    assert files_in(tmp_path) == {"report.xlsx": RESULT}


@pytest.mark.parametrize("url", ["", "ftp://x/y", "/local/file", "www.example.com/a"])
def test_non_http_urls_are_refused(
    client: PdfCoClient, mock_http: responses.RequestsMock, tmp_path: Path, url: str
) -> None:
    with pytest.raises(InputValidationError):
        client.download(url, tmp_path / "x")
    with pytest.raises(InputValidationError):
        client.download_bytes(url)
    assert len(mock_http.calls) == 0


@pytest.mark.parametrize("max_retries", [0, 2])
def test_a_body_shorter_than_its_content_length_leaves_no_file(
    make_client: ClientFactory, mock_http: responses.RequestsMock, tmp_path: Path, max_retries: int
) -> None:
    target = tmp_path / "report.xlsx"
    target.write_bytes(OLD)
    mock_http.add("GET", URL, body=RESULT[:1000], headers={"Content-Length": str(len(RESULT))})
    with pytest.raises(IncompleteDownloadError) as caught:
        make_client(max_retries=max_retries).download(URL, target)
    assert caught.value.expected == len(RESULT)
    assert caught.value.received < 1001  # bytes handed on; urllib3 may hold back the last ones
    assert caught.value.retryable is True
    assert "X-Amz-Signature" not in str(caught.value)
    assert files_in(tmp_path) == {"report.xlsx": OLD}
    assert len(mock_http.calls) == max_retries + 1


def test_an_incomplete_download_is_restarted(
    client: PdfCoClient, mock_http: responses.RequestsMock, tmp_path: Path
) -> None:
    mock_http.add("GET", URL, body=RESULT[:10], headers={"Content-Length": str(len(RESULT))})
    mock_http.add("GET", URL, body=RESULT)
    client.download(URL, tmp_path / "report.xlsx")
    assert files_in(tmp_path) == {"report.xlsx": RESULT}
    assert len(mock_http.calls) == 2


@pytest.mark.parametrize(
    ("status", "code"), [(404, "NoSuchKey"), (403, "AccessDenied"), (410, "Gone")]
)
def test_missing_or_expired_results_are_not_found(
    client: PdfCoClient,
    mock_http: responses.RequestsMock,
    tmp_path: Path,
    status: int,
    code: str,
) -> None:
    xml = f"<Error><Code>{code}</Code><Message>Request has expired</Message></Error>"
    mock_http.add("GET", URL, body=xml, status=status)
    with pytest.raises(NotFoundError) as caught:
        client.download(URL, tmp_path / "report.xlsx")
    assert caught.value.status_code == status
    assert f"{code}: Request has expired" in str(caught.value)
    assert caught.value.url is not None
    assert "Signature" not in caught.value.url
    assert len(mock_http.calls) == 1
    assert files_in(tmp_path) == {}


def test_a_result_not_ready_yet_is_not_found(
    client: PdfCoClient, fake: PdfCoMock, tmp_path: Path
) -> None:
    with pytest.raises(NotFoundError):
        client.download(URL, tmp_path / "report.xlsx")
    assert files_in(tmp_path) == {}


def test_ctrl_c_mid_stream_leaves_no_partial_file_and_the_old_one_intact(
    client: PdfCoClient, mock_http: responses.RequestsMock, tmp_path: Path
) -> None:
    target = tmp_path / "report.xlsx"
    target.write_bytes(OLD)
    body = reader(Interrupted(RESULT * 400, KeyboardInterrupt()))
    mock_http.add("GET", URL, body=body, headers={"Content-Length": str(len(RESULT) * 1000)})
    with pytest.raises(KeyboardInterrupt):
        client.download(URL, target)
    assert files_in(tmp_path) == {"report.xlsx": OLD}
    assert len(mock_http.calls) == 1


def test_a_connection_lost_mid_stream_is_retried(
    client: PdfCoClient, mock_http: responses.RequestsMock, tmp_path: Path
) -> None:
    lost = requests.exceptions.ChunkedEncodingError("connection broken")
    body = reader(Interrupted(RESULT, lost))
    mock_http.add("GET", URL, body=body, headers={"Content-Length": str(len(RESULT) * 2)})
    mock_http.add("GET", URL, body=RESULT)
    client.download(URL, tmp_path / "report.xlsx")
    assert files_in(tmp_path) == {"report.xlsx": RESULT}


def test_the_deadline_cuts_a_slow_download_and_leaves_no_file(
    client: PdfCoClient, mock_http: responses.RequestsMock, clock: FakeClock, tmp_path: Path
) -> None:
    big = b"x" * (3 * 1024 * 1024)
    body = reader(Interrupted(big, None, clock))
    mock_http.add("GET", URL, body=body, headers={"Content-Length": str(len(big))})
    with pytest.raises(APITimeoutError):
        client.download(URL, tmp_path / "report.xlsx", timeout=5.0)
    assert files_in(tmp_path) == {}
    assert clock.sleeps == []


@pytest.mark.parametrize("status", [500, 503, 429])
def test_transient_storage_errors_are_retried(
    client: PdfCoClient,
    fake: PdfCoMock,
    stored: str,
    tmp_path: Path,
    clock: FakeClock,
    status: int,
) -> None:
    fake.fail_next("download", status=status)
    client.download(stored, tmp_path / "report.xlsx")
    assert files_in(tmp_path) == {"report.xlsx": RESULT}
    assert len(fake.calls) == 2
    assert len(clock.sleeps) == 1


def test_download_bytes(client: PdfCoClient, fake: PdfCoMock, stored: str) -> None:
    fake.fail_next("download", status=503, body="busy")
    assert client.download_bytes(stored) == RESULT
    assert len(fake.calls) == 2
    assert all("x-api-key" not in call.headers for call in fake.calls)


def test_download_bytes_refuses_a_short_body(
    make_client: ClientFactory, mock_http: responses.RequestsMock
) -> None:
    mock_http.add("GET", URL, body=RESULT[:5], headers={"Content-Length": str(len(RESULT))})
    with pytest.raises(IncompleteDownloadError):
        make_client(max_retries=0).download_bytes(URL)


def test_download_bytes_of_a_missing_result(client: PdfCoClient, fake: PdfCoMock) -> None:
    with pytest.raises(NotFoundError):
        client.download_bytes(URL)
    assert len(fake.calls) == 1
