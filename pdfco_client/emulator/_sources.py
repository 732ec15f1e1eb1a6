"""Reading the ``url`` input of an API call: this emulator's storage, or a loopback HTTP URL.

The emulator never fetches from a non-loopback host: it must not become a way to reach the
network (or the cloud metadata address) from a test machine.
"""

from __future__ import annotations

import time
from urllib.parse import parse_qsl, unquote, urlsplit

import requests

from pdfco_client._config import is_loopback_host

from ._params import ParamError
from ._state import State
from ._storage import Signer, safe_name

__all__ = ["SourceFile", "fetch_source", "is_loopback_url"]

_FETCH_TIMEOUT = 10.0


class SourceFile:
    def __init__(self, data: bytes, name: str) -> None:
        self.data = data
        self.name = name

    @property
    def stem(self) -> str:
        return self.name.rsplit(".", 1)[0] if "." in self.name else self.name


def is_loopback_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not host:
        return False
    return is_loopback_host(host)  # a DNS name other than localhost is never resolved


def fetch_source(url: str, *, state: State, signer: Signer, max_bytes: int) -> SourceFile:
    """The bytes and file name behind ``url``; raises :class:`ParamError` (400/413) if unusable."""
    if url.startswith("cache:"):
        url = url[len("cache:") :]
    target = signer.object_of(url)
    if target is not None:
        object_id, name = target
        if signer.check("GET", object_id, name, _query(url)) is not None:
            raise ParamError("Could not download the file from the url: access denied (403)")
        stored = state.get_object(object_id)
        if (
            stored is None
            or stored.name != name
            or stored.expired
            or time.monotonic() < stored.available_after
        ):
            raise ParamError("Could not download the file from the url: not found (404)")
        try:
            return SourceFile(state.read_object(stored), name)
        except FileNotFoundError as exc:
            raise ParamError("Could not download the file from the url: not found (404)") from exc
    if not is_loopback_url(url):
        raise ParamError("The emulator only accepts loopback URLs (127.0.0.1, localhost, ::1)")
    return _download(url, max_bytes)


def _query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def _download(url: str, max_bytes: int) -> SourceFile:
    name = safe_name(unquote(urlsplit(url).path), "file.pdf")
    try:
        with requests.get(url, stream=True, timeout=_FETCH_TIMEOUT, allow_redirects=False) as resp:
            if resp.status_code != 200:
                raise ParamError(
                    f"Could not download the file from the url: HTTP {resp.status_code}"
                )
            chunks = []
            total = 0
            for chunk in resp.iter_content(64 * 1024):
                total += len(chunk)
                if total > max_bytes:
                    raise ParamError("The file at the url is over the emulator's size limit", 413)
                chunks.append(chunk)
            return SourceFile(b"".join(chunks), name)
    except requests.RequestException as exc:
        raise ParamError(f"Could not download the file from the url: {exc}") from exc
