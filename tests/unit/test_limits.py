"""Size limits: a body is refused once over its limit, and compression nobody asked for is refused.

Memory is measured with tracemalloc (bytes Python allocates, zlib's buffers included), never with
timings: these bounds hold however loaded the machine is.
"""

from __future__ import annotations

import gzip
import tracemalloc
import zlib
from pathlib import Path
from typing import Callable

import pytest
import responses

from pdfco_client import (
    DEFAULT_MAX_API_RESPONSE_BYTES,
    DEFAULT_MAX_DOWNLOAD_BYTES,
    InputValidationError,
    MalformedResponseError,
    PdfCoClient,
    ResponseTooLargeError,
)
from tests.unit.conftest import API_URL, STORAGE_URL, ClientFactory

MIB = 1024 * 1024
BOMB_SIZE = 200 * MIB
RESULT_URL = f"{STORAGE_URL}/J/out.csv"
BALANCE_URL = f"{API_URL}/account/credit/balance"


def _deflate_stream(head: bytes, size: int, tail: bytes, *, wbits: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    parts = [packer.compress(head)]
    block = b"A" * MIB
    for _ in range(size // MIB):
        parts.append(packer.compress(block))
    parts.append(packer.compress(tail))
    parts.append(packer.flush())
    return b"".join(parts)


@pytest.fixture(scope="module")
def json_bomb() -> bytes:
    """A JSON answer that is some 200 KB gzipped and 200 MiB inflated."""
    return _deflate_stream(
        b'{"remainingCredits": 5, "pad": "', BOMB_SIZE, b'"}', wbits=16 + zlib.MAX_WBITS
    )


def _peak_of(call: Callable[[], object]) -> tuple[BaseException, int]:
    tracemalloc.start()
    try:
        with pytest.raises(Exception) as caught:  # noqa: PT011 - the type is asserted after
            call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return caught.value, peak


def test_a_gzip_bomb_api_answer_is_refused_in_bounded_memory(
    client: PdfCoClient, mock_http: responses.RequestsMock, json_bomb: bytes
) -> None:
    assert len(json_bomb) < 1 * MIB
    mock_http.add("GET", BALANCE_URL, body=json_bomb, headers={"Content-Encoding": "gzip"})
    error, peak = _peak_of(client.get_credit_balance)
    assert isinstance(error, ResponseTooLargeError), repr(error)
    assert error.limit == DEFAULT_MAX_API_RESPONSE_BYTES
    assert peak < 3 * DEFAULT_MAX_API_RESPONSE_BYTES, f"peak {peak / MIB:.0f} MiB"


def test_a_deflate_bomb_api_answer_is_refused_too(
    client: PdfCoClient, mock_http: responses.RequestsMock
) -> None:
    bomb = _deflate_stream(b'{"a": "', 64 * MIB, b'"}', wbits=zlib.MAX_WBITS)
    mock_http.add("GET", BALANCE_URL, body=bomb, headers={"Content-Encoding": "deflate"})
    with pytest.raises(ResponseTooLargeError):
        client.get_credit_balance()


def test_a_small_compressed_api_answer_is_read(
    client: PdfCoClient, mock_http: responses.RequestsMock
) -> None:
    body = b'{"remainingCredits": 77}'
    mock_http.add(
        "GET", BALANCE_URL, body=gzip.compress(body), headers={"Content-Encoding": "gzip"}
    )
    mock_http.add(
        "GET", BALANCE_URL, body=zlib.compress(body), headers={"Content-Encoding": "deflate"}
    )
    raw_deflate = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    mock_http.add(
        "GET",
        BALANCE_URL,
        body=raw_deflate.compress(body) + raw_deflate.flush(),
        headers={"Content-Encoding": "deflate"},
    )
    assert [client.get_credit_balance() for _ in range(3)] == [77, 77, 77]
    assert all(
        call.request.headers["Accept-Encoding"] == "gzip, deflate" for call in mock_http.calls
    )


def test_a_large_uncompressed_api_answer_is_refused(
    client: PdfCoClient, mock_http: responses.RequestsMock
) -> None:
    body = b'{"remainingCredits": 5, "pad": "' + b"A" * (DEFAULT_MAX_API_RESPONSE_BYTES) + b'"}'
    mock_http.add("GET", BALANCE_URL, body=body, headers={"Content-Length": str(len(body))})
    mock_http.add("GET", BALANCE_URL, body=body)  # no Content-Length: counted as it comes
    for _ in range(2):
        with pytest.raises(ResponseTooLargeError):
            client.get_credit_balance()


@pytest.mark.parametrize("encoding", ["br", "zstd", "compress", "gzip, gzip", "x-custom"])
def test_an_api_answer_in_an_encoding_not_asked_for_is_refused(
    client: PdfCoClient, mock_http: responses.RequestsMock, encoding: str
) -> None:
    mock_http.add("GET", BALANCE_URL, body=b"\x00\x01", headers={"Content-Encoding": encoding})
    with pytest.raises(MalformedResponseError, match="did not ask for"):
        client.get_credit_balance()


def test_a_corrupt_gzip_api_answer_is_malformed(
    client: PdfCoClient, mock_http: responses.RequestsMock
) -> None:
    mock_http.add(
        "GET", BALANCE_URL, body=b"\x1f\x8bnot gzip at all", headers={"Content-Encoding": "gzip"}
    )
    with pytest.raises(MalformedResponseError, match="does not decode"):
        client.get_credit_balance()


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br", "gzip, identity"])
@pytest.mark.parametrize("call", ["download", "download_bytes"])
def test_a_compressed_download_not_asked_for_is_refused_and_nothing_is_written(
    client: PdfCoClient,
    mock_http: responses.RequestsMock,
    tmp_path: Path,
    encoding: str,
    call: str,
) -> None:
    packed = gzip.compress(b"cell;" * 50_000)
    mock_http.add(
        "GET",
        RESULT_URL,
        body=packed,
        headers={"Content-Encoding": encoding, "Content-Length": str(len(packed))},
    )
    fetch: Callable[[], object] = (
        (lambda: client.download(RESULT_URL, tmp_path / "out.csv"))
        if call == "download"
        else (lambda: client.download_bytes(RESULT_URL))
    )
    with pytest.raises(MalformedResponseError, match="did not ask for"):
        fetch()
    assert list(tmp_path.iterdir()) == []
    assert mock_http.calls[0].request.headers["Accept-Encoding"] == "identity"


def test_an_identity_download_is_taken_as_it_is(
    client: PdfCoClient, mock_http: responses.RequestsMock, tmp_path: Path
) -> None:
    mock_http.add("GET", RESULT_URL, body=b"a,b", headers={"Content-Encoding": "identity"})
    assert client.download(RESULT_URL, tmp_path / "out.csv").read_bytes() == b"a,b"


def test_download_bytes_has_a_documented_default_limit() -> None:
    assert 16 * MIB <= DEFAULT_MAX_DOWNLOAD_BYTES <= 256 * MIB
    assert DEFAULT_MAX_API_RESPONSE_BYTES <= 16 * MIB


@pytest.mark.parametrize("announced", [True, False])
def test_download_bytes_refuses_a_result_over_max_bytes(
    client: PdfCoClient, mock_http: responses.RequestsMock, announced: bool
) -> None:
    data = b"x" * (2 * MIB)
    headers = {"Content-Length": str(len(data))} if announced else {}
    mock_http.add("GET", RESULT_URL, body=data, headers=headers)
    with pytest.raises(ResponseTooLargeError) as caught:
        client.download_bytes(RESULT_URL, max_bytes=MIB)
    assert caught.value.limit == MIB
    assert "max_bytes" in str(caught.value)
    assert len(mock_http.calls) == 1, "a result too large is not fetched again"


def test_download_bytes_takes_a_result_up_to_max_bytes_and_none_lifts_it(
    client: PdfCoClient, mock_http: responses.RequestsMock
) -> None:
    data = b"y" * MIB
    mock_http.add("GET", RESULT_URL, body=data)
    assert client.download_bytes(RESULT_URL, max_bytes=MIB) == data
    assert client.download_bytes(RESULT_URL, max_bytes=None) == data


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "1"])
def test_max_bytes_must_be_a_positive_integer(client: PdfCoClient, bad: object) -> None:
    with pytest.raises(InputValidationError) as caught:
        client.download_bytes(RESULT_URL, max_bytes=bad)  # type: ignore[arg-type]
    assert caught.value.parameter == "max_bytes"


def test_download_bytes_over_its_limit_stays_in_bounded_memory(
    make_client: ClientFactory, mock_http: responses.RequestsMock
) -> None:
    data = bytes(BOMB_SIZE // 4)
    mock_http.add("GET", RESULT_URL, body=data)
    client = make_client()
    error, peak = _peak_of(lambda: client.download_bytes(RESULT_URL, max_bytes=4 * MIB))
    assert isinstance(error, ResponseTooLargeError), repr(error)
    assert peak < 16 * MIB, f"peak {peak / MIB:.0f} MiB"
