"""``parse_request_url``: where a request goes, read the way urllib3 reads it, or refused."""

from __future__ import annotations

import pytest
import requests
from urllib3.util import parse_url

from pdfco_client import ConfigurationError, InputValidationError, PdfCoClient, UnsafeURLError
from pdfco_client._urls import RequestTarget, parse_request_url


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://api.pdf.co/v1/job/check", ("https", "api.pdf.co", 443)),
        ("HTTPS://API.PDF.CO/v1", ("https", "api.pdf.co", 443)),
        ("http://127.0.0.1:8080/v1", ("http", "127.0.0.1", 8080)),
        ("http://[::1]:81/x", ("http", "[::1]", 81)),
        ("http://localhost/x?a=@b#c@d", ("http", "localhost", 80)),
        ("http://127.0.0.2:9#@127.0.0.1:8/x", ("http", "127.0.0.2", 9)),
        ("http://127.0.0.2:9?@127.0.0.1:8/x", ("http", "127.0.0.2", 9)),
        (
            "https://pdf-temp-files.s3.us-west-2.amazonaws.com/a/b.pdf?X-Amz-Signature=1",
            ("https", "pdf-temp-files.s3.us-west-2.amazonaws.com", 443),
        ),
        ("http://under_score.example/x\\y", ("http", "under_score.example", 80)),
    ],
)
def test_a_url_goes_where_urllib3_sends_it(url: str, origin: tuple[str, str, int]) -> None:
    target = parse_request_url(url)
    assert target.origin == origin
    sent = parse_url(requests.Request("GET", url).prepare().url or "")
    assert (sent.host, sent.port or {"http": 80, "https": 443}[sent.scheme or ""]) == origin[1:]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.2:9\\@127.0.0.1:8/x", "backslash"),
        ("http://127.0.0.2:9\\\\@127.0.0.1:8/x", "backslash"),
        ("http://127.0.0.2:9\\127.0.0.1/x", "backslash"),
        ("http://127.0.0.1:8@127.0.0.2:9/x", "userinfo"),
        ("http://user@127.0.0.1/x", "userinfo"),
        ("http://user:pass@127.0.0.1/x", "userinfo"),
        ("http://127.0.0.2:9\t@127.0.0.1:8/x", "control"),
        ("http://127.0.0.1\t:8/x", "control"),
        ("http://127.0.0.1/a\nb", "control"),
        ("http://127.0.0.1/a\x00b", "control"),
        ("http://127.0.0.1 /x", "' '"),
        ("http://127.0.0.1%2e/x", "'%'"),
        ("http://exa^mple.com/x", "'^'"),
        ("http://127.1/x", "number"),
        ("http://0x7f.0.0.1/x", "number"),
        ("http://2130706433/x", "number"),
        ("http://010.0.0.1/x", "number"),
        ("http://[::1/x", "parse"),
        ("http://" + "a" * 300 + ".com/x", "too long"),
        ("http://" + ("a" * 60 + ".") * 5 + "com/x", "too long"),
        ("http://a..b/x", "empty label"),
        ("http://127.0.0.1:0/x", "port"),
        ("http://127.0.0.1:70000/x", "parse"),
        ("ftp://127.0.0.1/x", "http"),
        ("file:///etc/passwd", "http"),
        ("http:/127.0.0.1/x", "http"),
        ("//127.0.0.1/x", "http"),
        ("http:///x", "no host"),
    ],
)
def test_a_url_parsers_may_read_differently_is_refused(url: str, reason: str) -> None:
    with pytest.raises(UnsafeURLError) as caught:
        parse_request_url(url)
    assert reason in str(caught.value)
    assert isinstance(caught.value, InputValidationError)
    assert caught.value.parameter == "url"


def test_a_refusal_shows_neither_the_query_nor_the_userinfo() -> None:
    with pytest.raises(UnsafeURLError) as caught:
        parse_request_url("http://alice:hunter2@127.0.0.1/x?X-Amz-Signature=deadbeef")
    assert "hunter2" not in str(caught.value)
    assert "deadbeef" not in str(caught.value)
    assert "127.0.0.1/x" in str(caught.value)


@pytest.mark.parametrize(
    "url", ["http://bücher.example/x", "http://faß.de/x", "http://\uff41pi.pdf.co/"]
)
def test_a_non_ascii_host_is_refused(url: str) -> None:
    # IDNA 2003, IDNA 2008 and UTS 46 do not all map a name to the same host (faß.de).
    with pytest.raises(UnsafeURLError, match="xn--"):
        parse_request_url(url)


def test_a_prepared_url_is_read_as_the_given_one() -> None:
    # requests percent-encodes what it prepares; the decision is the same on either form.
    url = "http://xn--bcher-kva.example/ä b?q=ü"
    prepared = requests.Request("GET", url).prepare().url
    assert prepared is not None
    assert prepared != url
    assert parse_request_url(prepared) == parse_request_url(url)


def test_not_a_string_is_refused() -> None:
    with pytest.raises(UnsafeURLError):
        parse_request_url(b"http://127.0.0.1/")  # type: ignore[arg-type]


def test_a_target_knows_its_bare_hostname() -> None:
    assert RequestTarget("http", "[::1]", 80).hostname == "::1"
    assert RequestTarget("http", "127.0.0.1", 80).hostname == "127.0.0.1"


def test_a_base_url_parsers_disagree_on_is_a_configuration_error() -> None:
    # urlsplit reads 127.0.0.1 (loopback, so plain http is allowed); urllib3 sends to 127.0.0.2.
    with pytest.raises(ConfigurationError, match="backslash"):
        PdfCoClient("key", base_url="http://127.0.0.2:9\\@127.0.0.1:8/v1")


def test_a_url_parameter_for_pdfco_is_checked_the_same_way() -> None:
    # URLs passed on to PDF.co are refused before any credits are spent.
    with PdfCoClient("key", base_url="http://127.0.0.1:9/v1") as client:
        with pytest.raises(UnsafeURLError) as caught:
            client.start_conversion("http://127.0.0.2\\@127.0.0.1/in.pdf", "csv")
        assert caught.value.parameter == "url"
        with pytest.raises(UnsafeURLError) as caught:
            client.start_conversion(
                "http://127.0.0.1/in.pdf", "csv", callback="http://a@127.0.0.1/hook"
            )
        assert caught.value.parameter == "callback"
        with pytest.raises(UnsafeURLError) as caught:
            client.convert("http://127.0.0.1\t/in.pdf", "csv")
        assert caught.value.parameter == "source"
