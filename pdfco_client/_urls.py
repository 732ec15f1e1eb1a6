"""Where a URL really goes: the package's one decision about a request's destination.

requests sends a URL where :func:`urllib3.util.parse_url` says it points, and parsers disagree on
some URLs: ``http://OTHER\\@API/x`` is OTHER to urllib3 (a backslash ends its authority) and API
to :func:`urllib.parse.urlsplit` (which splits at the last ``@``). A check made with one parser
and a request sent with another is how an API key reaches a foreign host, or an emulator fetches
from one it meant to refuse. So every decision about a destination (may this request carry the
API key? may the emulator fetch this URL?) is taken here, with urllib3's parser, and a URL that
parsers could read differently is refused before any byte is sent:

- a scheme other than ``http`` or ``https``, or no ``//`` authority;
- control characters anywhere (tab, CR, LF and NUL are dropped by some parsers, kept by others);
- in the authority: userinfo (``user@``), a backslash, whitespace, ``%``, or any character that
  is not an ASCII letter, a digit, ``.``, ``-``, ``_``, ``:`` or IPv6 brackets (IDNA 2003,
  IDNA 2008 and UTS 46 map some names to different hosts: ``faß.de``; pass the ``xn--`` form);
- a host ending in a number that is not a plain dotted IPv4 address (``127.1``, ``0x7f.1`` and
  ``2130706433`` are 127.0.0.1 to the C resolver and browsers, but names to ``urlsplit``);
- a host with a label over 63 characters or over 253 in all (urllib3 cannot connect to it);
- a port outside 1-65535.

Callers pass the URL as it will be sent (``PreparedRequest.url``) when the decision is about the
request itself, and may check the URL they were given first to refuse it before preparing.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from dataclasses import dataclass

from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

from ._exceptions import UnsafeURLError

__all__ = ["RequestTarget", "parse_request_url"]

_DEFAULT_PORTS = {"http": 80, "https": 443}
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_AUTHORITY_END = re.compile(r"[/?#]")
#: Everything an authority may hold here.
_AUTHORITY_ASCII = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:[]")
_NUMERIC_LABEL = re.compile(r"(?:[0-9]+|0[xX][0-9A-Fa-f]*)")
_MAX_LABEL = 63
_MAX_HOST = 253


@dataclass(frozen=True)
class RequestTarget:
    """The scheme, host and port a request to a URL is sent to, as urllib3 reads them."""

    scheme: str
    """``http`` or ``https``, in lower case."""
    host: str
    """The host in lower case; an IPv6 literal keeps its brackets (``[::1]``)."""
    port: int
    """The port, the scheme's default when the URL names none."""

    @property
    def origin(self) -> tuple[str, str, int]:
        """``(scheme, host, port)``: two URLs with the same origin reach the same server."""
        return (self.scheme, self.host, self.port)

    @property
    def hostname(self) -> str:
        """The host without IPv6 brackets, as :mod:`ipaddress` and resolvers take it."""
        return self.host[1:-1] if self.host.startswith("[") else self.host


def parse_request_url(url: str) -> RequestTarget:
    """Where a request to ``url`` goes, exactly as requests and urllib3 will send it.

    Raises :class:`~pdfco_client.UnsafeURLError` for a URL that cannot be sent, or that
    parsers could read as pointing elsewhere (see the module docstring for the rules). The rules
    are strict on purpose: PDF.co's API, its storage hosts and the emulator never need anything
    they refuse. Cheap enough to call on every request (a cache keeps the verdict on each
    scheme and authority seen, never a path or a query).
    """
    if not isinstance(url, str):
        raise UnsafeURLError(f"a URL must be a string, not {type(url).__name__}")
    scheme_match = _SCHEME.match(url)
    if scheme_match is None or scheme_match.group(1).lower() not in _DEFAULT_PORTS:
        raise UnsafeURLError(_refusal(url, "it is not an http:// or https:// URL"))
    if _CONTROL.search(url):
        raise UnsafeURLError(_refusal(url, "it holds control characters (a tab, a newline...)"))
    authority = _AUTHORITY_END.split(url[scheme_match.end() :], maxsplit=1)[0]
    try:
        return _target(scheme_match.group(1).lower(), authority)
    except _Refused as refused:
        raise UnsafeURLError(_refusal(url, str(refused))) from None


class _Refused(Exception):
    """Why :func:`_target` refused an authority (turned into an UnsafeURLError with the URL)."""


@functools.lru_cache(maxsize=512)
def _target(scheme: str, authority: str) -> RequestTarget:
    # Everything after the authority is urllib3's path, query and fragment and cannot change
    # the host once the authority holds no backslash: the verdict depends on these two alone.
    if "\\" in authority:
        raise _Refused("it has a backslash before the path; parsers disagree on it")
    if "@" in authority:
        raise _Refused("it carries userinfo (an @ before the host); parsers disagree on it")
    for char in authority:
        if char not in _AUTHORITY_ASCII:
            raise _Refused(f"its host part holds {char!r} (an IDN host goes in its xn-- form)")
    try:
        parsed = parse_url(f"{scheme}://{authority}/")
    except (LocationParseError, ValueError):
        raise _Refused("urllib3 cannot parse it") from None
    host = (parsed.host or "").lower()
    if parsed.auth is not None or not host:
        raise _Refused("it has no host")
    # Our reading of the authority and urllib3's must name the same host: a difference is the
    # kind of disagreement this module exists to refuse.
    if host != _host_part(authority).lower():
        raise _Refused("parsers disagree about its host")
    port = parsed.port if parsed.port is not None else _DEFAULT_PORTS[scheme]
    if not 0 < port < 65536:
        raise _Refused("its port is out of range")
    _check_host(host)
    return RequestTarget(scheme=scheme, host=host, port=port)


def _host_part(authority: str) -> str:
    if authority.startswith("["):
        return authority[: authority.find("]") + 1]
    return authority.rsplit(":", 1)[0] if ":" in authority else authority


def _check_host(host: str) -> None:
    if host.startswith("["):
        return  # an IPv6 literal, already checked by urllib3
    name = host[:-1] if host.endswith(".") else host
    labels = name.split(".")
    if _NUMERIC_LABEL.fullmatch(labels[-1]):
        # WHATWG and the C resolver read a host ending in a number as an IPv4 address, in any
        # of its old forms; only the plain dotted form is read the same everywhere.
        try:
            canonical = str(ipaddress.IPv4Address(name))
        except ValueError:
            canonical = ""
        if canonical != host:
            raise _Refused("its host is a number but not a dotted IPv4 address")
        return
    if len(name) > _MAX_HOST or any(not 0 < len(label) <= _MAX_LABEL for label in labels):
        raise _Refused("its host name is too long or has an empty label")


def _refusal(url: str, reason: str) -> str:
    # Only the part before any query (presigned URLs carry their signature in it), and no
    # userinfo (it may be a credential).
    shown = url.split("?", 1)[0].split("#", 1)[0]
    scheme = _SCHEME.match(shown)
    if scheme is not None and "@" in shown[scheme.end() :]:
        shown = f"{scheme.group(0)}…@{shown.rsplit('@', 1)[1]}"
    if len(shown) > 120:
        shown = shown[:120] + "…"
    return f"refusing URL {shown!r}: {reason}"
