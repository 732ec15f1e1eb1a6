"""Settings: argument > environment > DEFAULT_*, validation, and a key that never shows."""

from __future__ import annotations

import math
import re
from typing import Any

import pytest
import responses

from pdfco_client import DEFAULT_BASE_URL, ConfigurationError, PdfCoClient, PollPolicy
from pdfco_client._config import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_JOB_TIMEOUT,
    DEFAULT_MAX_RETRIES,
    DEFAULT_POLL,
    DEFAULT_READ_TIMEOUT,
    DEFAULT_RETRY_MAX_WAIT,
    ClientSettings,
    resolve_settings,
)

SECRET = "sk-Zq8-distinctive-SECRET-4711"


def settings(**overrides: Any) -> ClientSettings:
    arguments: dict[str, Any] = {
        "api_key": SECRET,
        "base_url": None,
        "request_timeout": None,
        "job_timeout": None,
        "max_retries": None,
        "retry_max_wait": None,
        "poll_interval": None,
        "max_poll_interval": None,
        "environ": {},
        **overrides,
    }
    return resolve_settings(**arguments)


def test_defaults_when_nothing_is_given() -> None:
    resolved = settings()
    assert resolved.base_url == DEFAULT_BASE_URL == "https://api.pdf.co/v1"
    assert (resolved.connect_timeout, resolved.read_timeout) == (
        DEFAULT_CONNECT_TIMEOUT,
        DEFAULT_READ_TIMEOUT,
    )
    assert resolved.job_timeout == DEFAULT_JOB_TIMEOUT
    assert resolved.max_retries == DEFAULT_MAX_RETRIES
    assert resolved.retry_max_wait == DEFAULT_RETRY_MAX_WAIT
    assert resolved.poll == PollPolicy.preset(DEFAULT_POLL) == PollPolicy()


def key_and_url_sent(mock_http: responses.RequestsMock, client: PdfCoClient) -> tuple[str, str]:
    mock_http.add("GET", re.compile(r".*/account/credit/balance$"), json={"remainingCredits": 5})
    with client:
        assert client.get_credit_balance() == 5
    request = mock_http.calls[-1].request
    return str(request.headers["x-api-key"]), str(request.url)


def test_argument_beats_environment_beats_default(
    monkeypatch: pytest.MonkeyPatch, mock_http: responses.RequestsMock
) -> None:
    monkeypatch.setenv("PDFCO_API_KEY", "env-key")
    monkeypatch.setenv("PDFCO_BASE_URL", "https://env.example.com/v1/")
    assert key_and_url_sent(mock_http, PdfCoClient()) == (
        "env-key",
        "https://env.example.com/v1/account/credit/balance",
    )
    assert key_and_url_sent(
        mock_http, PdfCoClient("arg-key", base_url="https://arg.example.com/v1")
    ) == ("arg-key", "https://arg.example.com/v1/account/credit/balance")
    monkeypatch.delenv("PDFCO_BASE_URL")
    assert key_and_url_sent(mock_http, PdfCoClient()) == (
        "env-key",
        "https://api.pdf.co/v1/account/credit/balance",
    )


def test_environment_is_read_when_the_client_is_built(
    monkeypatch: pytest.MonkeyPatch, mock_http: responses.RequestsMock
) -> None:
    monkeypatch.setenv("PDFCO_API_KEY", "first")
    first = PdfCoClient()
    monkeypatch.setenv("PDFCO_API_KEY", "second")
    assert key_and_url_sent(mock_http, first)[0] == "first"
    assert key_and_url_sent(mock_http, PdfCoClient())[0] == "second"


@pytest.mark.parametrize("key", [None, "", "   "])
def test_missing_key_names_the_environment_variable(key: Any) -> None:
    with pytest.raises(ConfigurationError, match="PDFCO_API_KEY"):
        PdfCoClient(key)


@pytest.mark.parametrize("key", ["abc def", "abc\tdef", "clé-é"])
def test_key_with_spaces_or_non_ascii_is_refused_without_echoing_it(key: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        settings(api_key=key)
    assert key not in str(caught.value)
    assert "PDFCO_API_KEY" in str(caught.value)


def test_surrounding_whitespace_of_the_key_is_dropped() -> None:
    assert settings(api_key=f"  {SECRET}\n").api_key == SECRET


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/v1",
        "http://127.5.5.5/v1",
        "http://localhost:5000/v1",
        "http://LOCALHOST/v1",
        "http://[::1]:8080/v1",
    ],
)
def test_plain_http_is_allowed_on_loopback(url: str) -> None:
    assert settings(base_url=url).base_url == url


@pytest.mark.parametrize(
    "url",
    [
        "http://api.pdf.co/v1",
        "http://10.0.0.1/v1",
        "http://128.0.0.1/v1",
        "http://localhost.evil.com/v1",
        "ftp://api.pdf.co/v1",
        "api.pdf.co/v1",
        "https://",
        "https://user:pw@api.pdf.co/v1",
        "https://api.pdf.co/v1?x=1",
        "https://api.pdf.co/v1#frag",
    ],
)
def test_bad_base_urls_are_refused(url: str) -> None:
    with pytest.raises(ConfigurationError):
        settings(base_url=url)


def test_plain_http_error_explains_why(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PDFCO_BASE_URL", "http://api.pdf.co/v1")
    with pytest.raises(ConfigurationError, match="https"):
        PdfCoClient(SECRET)


def test_trailing_slash_is_dropped() -> None:
    assert settings(base_url="https://api.pdf.co/v1/").base_url == "https://api.pdf.co/v1"


@pytest.mark.parametrize(
    "name", ["job_timeout", "retry_max_wait", "poll_interval", "max_poll_interval"]
)
@pytest.mark.parametrize("value", [0, -1, -0.5, math.inf, math.nan, True, False, "5"])
def test_bad_durations_are_refused(name: str, value: Any) -> None:
    with pytest.raises(ConfigurationError, match=name):
        settings(**{name: value})


@pytest.mark.parametrize(
    "value", [0, -1, math.inf, True, (1.0,), (1.0, 2.0, 3.0), (0, 5), (5, -1), (5, math.inf)]
)
def test_bad_request_timeouts_are_refused(value: Any) -> None:
    with pytest.raises(ConfigurationError, match="request_timeout"):
        settings(request_timeout=value)


def test_request_timeout_as_seconds_or_connect_read_pair() -> None:
    single = settings(request_timeout=7)
    pair = settings(request_timeout=(3, 45.5))
    assert (single.connect_timeout, single.read_timeout) == (7.0, 7.0)
    assert (pair.connect_timeout, pair.read_timeout) == (3.0, 45.5)


@pytest.mark.parametrize("value", [-1, True, 1.5, "3"])
def test_bad_max_retries_are_refused(value: Any) -> None:
    with pytest.raises(ConfigurationError, match="max_retries"):
        settings(max_retries=value)


def test_zero_retries_is_allowed() -> None:
    assert settings(max_retries=0).max_retries == 0


def test_max_poll_interval_below_poll_interval_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="max_poll_interval"):
        settings(poll_interval=5.0, max_poll_interval=2.0)
    assert settings(poll_interval=2.0, max_poll_interval=2.0).poll.max_interval == 2.0


def test_repr_of_client_and_settings_hide_the_key() -> None:
    with PdfCoClient(SECRET) as client:
        texts = [repr(client), str(client), repr(settings()), str(settings())]
    assert all(SECRET not in text for text in texts)
    assert "api.pdf.co" in repr(client)
    assert "hidden" in repr(settings())


def test_configuration_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="PDFCO_API_KEY"):
        PdfCoClient("")
