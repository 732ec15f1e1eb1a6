"""Job-completion webhooks: POST a finished job's status to its ``callback`` URL (loopback only).

PDF.co POSTs to ``callback`` when a background job ends, and retries up to 3 times when the
endpoint does not answer in time (api notes §5); the payload is not documented, so the emulator
sends the same JSON a job check answers for a finished job. It only ever calls loopback hosts.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from typing import Any, Optional

import requests

from ._params import ParamError
from ._sources import is_loopback_url

__all__ = ["ATTEMPTS", "check_callback", "deliver"]

logger = logging.getLogger("pdfco_client.emulator")

ATTEMPTS = 3
TIMEOUT = 2.0
PAUSE = 0.5


def check_callback(url: Optional[str]) -> Optional[str]:
    """The ``callback`` parameter, refused (400) unless it is an http(s) loopback URL."""
    if url is None or not url.strip():
        return None
    url = url.strip()
    if not is_loopback_url(url):  # also refuses any scheme but http(s)
        raise ParamError(
            "Parameter 'callback' must be an http(s) URL on a loopback host in the emulator"
        )
    return url


def deliver(url: str, body: Mapping[str, Any], stopping: threading.Event) -> bool:
    """POST ``body`` to ``url``; retry a failure or a 5xx; give up when the emulator stops."""
    for attempt in range(1, ATTEMPTS + 1):
        if stopping.is_set():
            return False
        try:
            with requests.post(url, json=dict(body), timeout=TIMEOUT) as response:
                if response.status_code < 500:
                    return response.status_code < 400
                failure = f"HTTP {response.status_code}"
        except requests.RequestException as exc:
            failure = type(exc).__name__
        logger.info("callback attempt %d/%d failed: %s", attempt, ATTEMPTS, failure)
        if stopping.wait(PAUSE):
            return False
    return False
