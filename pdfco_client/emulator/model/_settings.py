"""The model's configuration: one frozen record and the ``DEFAULT_*`` values behind it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

__all__ = [
    "DEFAULT_CREDITS",
    "DEFAULT_HOST",
    "DEFAULT_HTTP_WORKERS",
    "DEFAULT_JOB_MIN_DURATION",
    "DEFAULT_MAX_JOBS",
    "DEFAULT_MAX_STORED_BYTES",
    "DEFAULT_MAX_UPLOAD_BYTES",
    "DEFAULT_SYNC_TIME_LIMIT",
    "DEFAULT_WORKERS",
    "ENV_API_KEY",
    "Settings",
]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_CREDITS = 1_000_000
DEFAULT_JOB_MIN_DURATION = 0.2
# PDF.co cuts synchronous calls off after 25-30 s and answers 445.
DEFAULT_SYNC_TIME_LIMIT = 25.0
DEFAULT_MAX_UPLOAD_BYTES = 200 * 1024 * 1024
DEFAULT_MAX_STORED_BYTES = 2 * 1024 * 1024 * 1024
DEFAULT_WORKERS = 4
DEFAULT_HTTP_WORKERS = 8
DEFAULT_MAX_JOBS = 10_000
ENV_API_KEY = "PDFCO_EMULATOR_API_KEY"

# Lifetimes PDF.co uses: presigned PUT links 15 min, uploaded files and output links 60 min.
PUT_URL_LIFETIME = 900
FILE_LIFETIME = 3600
MAX_EXPIRATION_MINUTES = 1440


@dataclass(frozen=True)
class Settings:
    """How one face of the model behaves; the emulator and the mock differ only here."""

    api_key: Optional[str]
    """The key to accept; ``None`` accepts any non-empty key (the mock's default)."""
    api_path: str = "/v1"
    """The URL path of the API below its host (``/v1``, or a mock's base URL path)."""
    job_min_duration: float = 0.0
    """Seconds (real time) a job reports ``working`` at least."""
    working_checks: int = 0
    """Checks a job answers ``working`` before its end shows (the mock's deterministic jobs)."""
    sync_time_limit: float = DEFAULT_SYNC_TIME_LIMIT
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    rate_limit: Optional[float] = None
    rate_limit_retry_after: bool = True
    error_status_in_http: bool = True
    strict_storage: bool = False
    """The storage host refuses requests that carry ``x-api-key`` (403)."""
    deliver_callbacks: bool = True
    """POST finished jobs to their (loopback) ``callback``; off, any http(s) callback is
    accepted and never called (the mock: nothing leaves the process)."""
