"""The package logger, its ``PDFCO_LOG`` switch, and URL redaction for log lines and errors."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Optional
from urllib.parse import urlsplit, urlunsplit

from ._config import ENV_LOG

logger = logging.getLogger("pdfco_client")

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING}
_handler: Optional[logging.Handler] = None


def configure_from_env(environ: Optional[Mapping[str, str]] = None) -> None:
    """Turn on logging to stderr when ``PDFCO_LOG`` is ``debug``, ``info`` or ``warning``.

    Applications that configure logging themselves need not set it: the logger propagates.
    Called by each client's constructor (never at import); adds at most one handler.
    """
    global _handler
    env = os.environ if environ is None else environ
    level = _LEVELS.get(env.get(ENV_LOG, "").strip().lower())
    if level is None or any(handler is not _handler for handler in logger.handlers):
        # Off, or the application (our CLI, say) set up this logger itself: its choice wins.
        return
    logger.setLevel(level)
    if _handler is None:
        _handler = logging.StreamHandler()
        _handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logger.addHandler(_handler)


def redact_url(url: str) -> str:
    """``url`` without its query, fragment or credentials.

    Presigned storage URLs carry their signature and security token in the query, and anyone who
    holds the full URL can read or write the file until it expires.
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"  # an IPv6 literal keeps its brackets
        if parts.port is not None:
            host = f"{host}:{parts.port}"
    except ValueError:
        return "<unparseable URL>"
    redacted = urlunsplit((parts.scheme, host, parts.path, "", ""))
    return f"{redacted}?…" if parts.query else redacted
