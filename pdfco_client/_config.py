"""Named defaults and environment variables, and the resolution of the client's settings.

Each setting comes from the constructor argument, then the environment variable, then the
``DEFAULT_*`` constant below, and is resolved when a client is built, never at import.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Optional, Union
from urllib.parse import urlsplit

from ._exceptions import ConfigurationError, UnsafeURLError
from ._schedule import PollPolicy, PollPreset, resolve_poll_policy

ENV_API_KEY = "PDFCO_API_KEY"
ENV_BASE_URL = "PDFCO_BASE_URL"
ENV_LOG = "PDFCO_LOG"

DEFAULT_BASE_URL = "https://api.pdf.co/v1"
#: Seconds to connect, and seconds between two bytes read. PDF.co cuts synchronous calls off at
#: about 30 s, so a read timeout above that only matters for the storage transfers.
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_READ_TIMEOUT = 120.0
#: PDF.co's background jobs may run 15 to 20 minutes.
DEFAULT_JOB_TIMEOUT = 20 * 60.0
DEFAULT_MAX_RETRIES = 4
DEFAULT_RETRY_MAX_WAIT = 30.0
#: The job-check schedule, one of the presets of :mod:`._schedule` (derived in docs/jobs.md).
DEFAULT_POLL: PollPreset = "balanced"
#: Transfer block for uploads and downloads: large enough that a fast link is not held back by
#: Python's per-chunk overhead, small enough that memory stays flat whatever the file size.
DEFAULT_CHUNK_SIZE = 1024 * 1024
DEFAULT_POOL_SIZE = 16
#: The most an API answer may hold once decoded: PDF.co's JSON answers are a few KB, so a body
#: this large is a fault or an attack (a gzip "bomb" inflates 300 KB to 300 MiB).
DEFAULT_MAX_API_RESPONSE_BYTES = 8 * 1024 * 1024
#: ``download_bytes()`` refuses a result larger than this unless given ``max_bytes=``;
#: ``download()`` streams to disk and has no limit of its own.
DEFAULT_MAX_DOWNLOAD_BYTES = 64 * 1024 * 1024
#: Redirects a download follows (requests would follow 30); each target is checked anew.
DEFAULT_MAX_REDIRECTS = 5

Timeout = Union[float, tuple[float, float]]

_KEY_CHARS = re.compile(r"^[\x21-\x7e]+$")


@dataclass(frozen=True)
class ClientSettings:
    """The resolved configuration of one :class:`~pdfco_client.PdfCoClient`."""

    api_key: str
    base_url: str
    connect_timeout: float
    read_timeout: float
    job_timeout: float
    max_retries: int
    retry_max_wait: float
    poll: PollPolicy

    def __repr__(self) -> str:
        # The key is a secret: keep it out of every repr, log line and traceback.
        return (
            f"ClientSettings(base_url={self.base_url!r}, api_key=<hidden>, "
            f"connect_timeout={self.connect_timeout}, read_timeout={self.read_timeout}, "
            f"job_timeout={self.job_timeout}, max_retries={self.max_retries})"
        )


def resolve_settings(
    *,
    api_key: Optional[str],
    base_url: Optional[str],
    request_timeout: Optional[Timeout],
    job_timeout: Optional[float],
    max_retries: Optional[int],
    retry_max_wait: Optional[float],
    poll_interval: Optional[float],
    max_poll_interval: Optional[float],
    poll: Union[PollPolicy, str, None] = None,
    environ: Optional[Mapping[str, str]] = None,
) -> ClientSettings:
    """Combine arguments, environment and defaults into validated settings."""
    env = os.environ if environ is None else environ
    if api_key is not None and not isinstance(api_key, str):
        raise ConfigurationError(f"api_key must be a string, not {type(api_key).__name__}")
    if base_url is not None and not isinstance(base_url, str):
        raise ConfigurationError(f"base_url must be a string, not {type(base_url).__name__}")
    key = api_key if api_key is not None else env.get(ENV_API_KEY, "")
    key = key.strip()
    if not key:
        raise ConfigurationError(
            f"no PDF.co API key: pass api_key=... or set the {ENV_API_KEY} environment variable"
        )
    if not _KEY_CHARS.match(key):
        # Never echo the key: it may be a real secret with a typo in it.
        raise ConfigurationError(
            "the PDF.co API key contains whitespace or non-ASCII characters; check "
            f"api_key or {ENV_API_KEY}"
        )
    url = base_url if base_url is not None else env.get(ENV_BASE_URL) or DEFAULT_BASE_URL
    connect, read = _split_timeout(request_timeout)
    first = None if poll_interval is None else _positive("poll_interval", poll_interval, None)
    longest = (
        None
        if max_poll_interval is None
        else _positive("max_poll_interval", max_poll_interval, None)
    )
    if first is not None and longest is not None and longest < first:
        raise ConfigurationError(f"max_poll_interval ({longest}) is below poll_interval ({first})")
    return ClientSettings(
        api_key=key,
        base_url=validate_base_url(url),
        connect_timeout=connect,
        read_timeout=read,
        job_timeout=_positive("job_timeout", job_timeout, DEFAULT_JOB_TIMEOUT),
        max_retries=_non_negative_int("max_retries", max_retries, DEFAULT_MAX_RETRIES),
        retry_max_wait=_positive("retry_max_wait", retry_max_wait, DEFAULT_RETRY_MAX_WAIT),
        poll=resolve_poll_policy(
            poll, poll_interval=first, max_poll_interval=longest, default=DEFAULT_POLL
        ),
    )


def validate_base_url(url: str) -> str:
    """Return ``url`` without a trailing slash, refusing plain http except on loopback."""
    # Imported here: ``import pdfco_client`` loads this module for its constants, and _urls
    # loads urllib3, which only a client (built right after this check) needs.
    from ._urls import parse_request_url

    try:
        # First the one reading of where a URL goes, the one the key's scoping uses.
        parse_request_url(url.strip())
    except UnsafeURLError as exc:
        raise ConfigurationError(f"base_url: {exc}") from None
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - parsing the port is the check (out of range, not a number)
    except ValueError as exc:
        raise ConfigurationError(f"base_url is not a valid URL: {url!r} ({exc})") from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ConfigurationError(f"base_url must be an http(s) URL with a host, not {url!r}")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ConfigurationError("base_url must not carry credentials, a query or a fragment")
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise ConfigurationError(
            f"refusing plain http:// base_url {url!r}: the API key would cross the network "
            "unencrypted; use https:// (http is allowed only for loopback addresses)"
        )
    return url.strip().rstrip("/")


def is_loopback_host(host: str) -> bool:
    """True for ``localhost`` and addresses in 127.0.0.0/8 or ``::1``."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _split_timeout(value: Optional[Timeout]) -> tuple[float, float]:
    if value is None:
        return DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT
    if isinstance(value, tuple):
        if len(value) != 2:
            raise ConfigurationError("request_timeout must be seconds or (connect, read)")
        return (
            _positive("request_timeout (connect)", value[0], None),
            _positive("request_timeout (read)", value[1], None),
        )
    seconds = _positive("request_timeout", value, None)
    return seconds, seconds


def _positive(name: str, value: Optional[float], default: Optional[float]) -> float:
    if value is None:
        if default is None:
            raise ConfigurationError(f"{name} must be given")
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ConfigurationError(f"{name} must be a positive number of seconds, not {value!r}")
    if value == float("inf"):
        raise ConfigurationError(f"{name} must be finite: a wait that never ends is a hang")
    return float(value)


def _non_negative_int(name: str, value: Optional[int], default: int) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigurationError(f"{name} must be a non-negative integer, not {value!r}")
    return value
