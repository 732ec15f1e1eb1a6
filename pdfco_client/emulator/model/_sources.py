"""Reading the ``url`` input of an API call: the model's own storage, or a remote URL.

Where a remote URL's bytes come from is the face's choice (:data:`RemoteFetch`): the emulator
fetches loopback URLs only (:func:`fetch_loopback`): it must not become a way to reach the network
(or the cloud metadata address) from a test machine; the in-process mock never fetches anything
and reads every other URL as a one-page placeholder PDF (:func:`placeholder_source`).
"""

from __future__ import annotations

from typing import Callable
from urllib.parse import parse_qsl, unquote, urlsplit

import requests

from pdfco_client._config import is_loopback_host

from ._params import ParamError
from ._state import State
from ._storage import Signer, safe_name

__all__ = [
    "PLACEHOLDER_PDF",
    "RemoteFetch",
    "SourceFile",
    "fetch_loopback",
    "fetch_source",
    "is_loopback_url",
    "placeholder_source",
]

_FETCH_TIMEOUT = 10.0
#: What the mock reads for a URL it does not store: a PDF with one page object.
PLACEHOLDER_PDF = b"%PDF-1.7\n1 0 obj<</Type /Page>>endobj\ntrailer<<>>\n%%EOF\n"


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


RemoteFetch = Callable[[str, int], "SourceFile"]
"""How a face reads an input URL that is not in its storage: ``(url, max_bytes) -> file``."""


def fetch_source(
    url: str, *, state: State, signer: Signer, max_bytes: int, remote: RemoteFetch
) -> SourceFile:
    """The bytes and file name behind ``url``; raises :class:`ParamError` (400/413) if unusable."""
    if url.startswith("cache:"):
        url = url[len("cache:") :]
    target = signer.object_of(url)
    if target is None:
        return remote(url, max_bytes)
    object_id, name = target
    if signer.check("GET", object_id, name, _query(url)) is not None:
        raise ParamError("Could not download the file from the url: access denied (403)")
    stored = state.get_object(object_id)
    gone = ParamError("File not found: could not download the file from the url (404)")
    if stored is None or stored.name != name or stored.expired or not stored.available:
        raise gone
    try:
        return SourceFile(stored.read(), name)
    except FileNotFoundError as exc:
        raise gone from exc


def placeholder_source(url: str, max_bytes: int) -> SourceFile:
    """The mock's reading of any other http(s) URL: a placeholder PDF, nothing fetched."""
    if not url.lower().startswith(("http://", "https://")):
        raise ParamError("Parameter 'url' must be an http(s) URL")
    return SourceFile(PLACEHOLDER_PDF, safe_name(unquote(urlsplit(url).path), "file.pdf"))


def fetch_loopback(url: str, max_bytes: int) -> SourceFile:
    """The emulator's reading of another URL: an HTTP GET, on loopback hosts only."""
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
    # A PDF.co-style message that names the problem, never requests' own text (which would
    # show the URL's query, a presigned signature perhaps, and urllib3's internals).
    except requests.Timeout as exc:
        raise ParamError(
            f"Could not download the file from the url: no answer within {_FETCH_TIMEOUT:g} s"
        ) from exc
    except requests.ConnectionError as exc:
        raise ParamError(
            "Could not download the file from the url: the host is unreachable or refused "
            "the connection"
        ) from exc
    except requests.RequestException as exc:
        raise ParamError(
            f"Could not download the file from the url: the download failed ({type(exc).__name__})"
        ) from exc
