"""The API key goes only where the request goes: real sockets on two loopback addresses.

127.0.0.1 plays the API and 127.0.0.2 a foreign host, on the same port, so that only the host
differs. Each URL of the family makes some parser read one host and another parser the other;
the client must refuse it before sending a byte, or send it where urllib3 sends it without the
key. Either way the foreign socket never sees ``x-api-key``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from pdfco_client import PdfCoClient, PdfCoError, UnsafeURLError
from tests.rawserver import (
    RawConnection,
    RawRequest,
    RawServer,
    http_response,
    two_loopback_servers,
)

SECRET = "pdfco-KEY-must-stay-home-7c1d0e"
RESULT = b"result-bytes"


def _answer(request: RawRequest, connection: RawConnection) -> None:
    if request.target.startswith("/v1/file/upload/get-presigned-url"):
        raise AssertionError("the presign answer is scripted per test")
    connection.send(http_response(200, RESULT))


@pytest.fixture
def servers() -> Iterator[tuple[RawServer, RawServer]]:
    with two_loopback_servers(_answer, _answer, max_seconds=10) as pair:
        yield pair


@pytest.fixture
def client(servers: tuple[RawServer, RawServer]) -> Iterator[PdfCoClient]:
    api, _ = servers
    with PdfCoClient(
        SECRET, base_url=f"{api.origin}/v1", max_retries=0, request_timeout=5
    ) as pdfco:
        yield pdfco


def _authority(server: RawServer) -> str:
    return f"{server.host}:{server.port}"


#: (name, template, refused): {F} is the foreign host, {A} the API's, both host:port.
FAMILY = [
    ("backslash-at", "http://{F}\\@{A}/v1/result.xlsx", True),
    ("two-backslashes-at", "http://{F}\\\\@{A}/v1/result.xlsx", True),
    ("backslash-in-path-position", "http://{F}\\{A}/v1/result.xlsx", True),
    ("hash-at", "http://{F}#@{A}/v1/result.xlsx", False),
    ("query-at", "http://{F}?@{A}/v1/result.xlsx", False),
    ("tab-before-at", "http://{F}\t@{A}/v1/result.xlsx", True),
    ("tab-in-host", "http://{Fh}\t:{Fp}/v1/result.xlsx", True),
    ("newline-in-path", "http://{F}/v1/res\nult.xlsx", True),
    ("userinfo-naming-the-api", "http://{A}@{F}/v1/result.xlsx", True),
    ("userinfo-on-the-api", "http://user@{A}/v1/result.xlsx", True),
    ("userinfo-with-password", "http://user:secret@{F}/v1/result.xlsx", True),
]


def _url(template: str, api: RawServer, foreign: RawServer) -> str:
    return template.format(
        F=_authority(foreign), A=_authority(api), Fh=foreign.host, Fp=foreign.port
    )


def _assert_no_key(server: RawServer) -> None:
    seen = server.all_received().lower()
    assert b"x-api-key" not in seen
    assert SECRET.lower().encode() not in seen


@pytest.mark.parametrize(("name", "template", "refused"), FAMILY, ids=[f[0] for f in FAMILY])
@pytest.mark.parametrize("call", ["download_bytes", "download"])
def test_a_url_parsers_disagree_on_never_takes_the_key_abroad(
    client: PdfCoClient,
    servers: tuple[RawServer, RawServer],
    tmp_path: Path,
    name: str,
    template: str,
    refused: bool,
    call: str,
) -> None:
    api, foreign = servers
    url = _url(template, api, foreign)
    destination = tmp_path / "out.xlsx"
    outcome: object
    try:
        if call == "download":
            outcome = client.download(url, destination).read_bytes()
        else:
            outcome = client.download_bytes(url)
    except PdfCoError as error:
        outcome = error
    _assert_no_key(foreign)  # first: what the issue is about
    if refused:
        assert isinstance(outcome, UnsafeURLError), outcome
        assert api.all_received() == b"", "refused, yet something was sent to the API"
        assert foreign.all_received() == b"", "refused, yet something was sent abroad"
        assert list(tmp_path.iterdir()) == []
    else:
        # Every parser reads these the same way (the host before the # or ?): they go to the
        # foreign host, as any other storage URL would, without the key.
        assert outcome == RESULT
        assert foreign.requests, "the request should have reached the host urllib3 names"
        assert api.all_received() == b""


def test_a_url_on_the_api_origin_does_get_the_key(
    client: PdfCoClient, servers: tuple[RawServer, RawServer]
) -> None:
    # The control: the emulator serves results from the API's own origin, where the key is due.
    api, foreign = servers
    assert client.download_bytes(f"{api.origin}/v1/files/result.xlsx") == RESULT
    assert client.download_bytes(f"{foreign.origin}/v1/files/result.xlsx") == RESULT
    assert api.requests[0].header("x-api-key") == SECRET
    _assert_no_key(foreign)


def test_a_presigned_upload_url_parsers_disagree_on_is_refused(tmp_path: Path) -> None:
    # The PUT target comes from the API's answer: a hostile or impersonated API could aim it.
    holder: dict[str, str] = {}

    def api_answer(request: RawRequest, connection: RawConnection) -> None:
        body = json.dumps(
            {"presignedUrl": holder["put"], "url": f"{holder['api']}/v1/files/in.pdf"}
        ).encode()
        connection.send(http_response(200, body, headers={"Content-Type": "application/json"}))

    def foreign_answer(request: RawRequest, connection: RawConnection) -> None:
        connection.send(http_response(200))

    source = tmp_path / "in.pdf"
    source.write_bytes(b"%PDF-1.7\n%%EOF\n")
    with two_loopback_servers(api_answer, foreign_answer, max_seconds=10) as (api, foreign):
        holder["api"] = api.origin
        holder["put"] = f"http://{_authority(foreign)}\\@{_authority(api)}/v1/put/in.pdf?sig=1"
        client = PdfCoClient(SECRET, base_url=f"{api.origin}/v1", max_retries=0)
        with client, pytest.raises(UnsafeURLError) as caught:
            client.upload(source)
        assert foreign.all_received() == b""
        assert [r.target.split("?")[0] for r in api.requests] == [
            "/v1/file/upload/get-presigned-url"
        ]
    assert "sig=1" not in str(caught.value)
    assert isinstance(caught.value, PdfCoError)
