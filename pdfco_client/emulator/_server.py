"""``Emulator``: the model served over loopback, with the real engine and a job pool.

werkzeug and the real engine (pdfplumber, openpyxl) are imported by :meth:`Emulator.start`, so
``from pdfco_client.emulator import Emulator`` stays light (the testing toolkit imports this
package for its model).
"""

from __future__ import annotations

import logging
import secrets
import threading
from types import TracebackType
from typing import TYPE_CHECKING, Optional

from pdfco_client._config import is_loopback_host

from .engine import load_engine
from .model import (
    Clock,
    FaultPlan,
    JobRunner,
    PdfCoModel,
    RecordedRequest,
    RequestLog,
    Settings,
    Signer,
    State,
    fetch_loopback,
)
from .model._settings import (
    DEFAULT_CREDITS,
    DEFAULT_HOST,
    DEFAULT_HTTP_WORKERS,
    DEFAULT_JOB_MIN_DURATION,
    DEFAULT_MAX_JOBS,
    DEFAULT_MAX_STORED_BYTES,
    DEFAULT_MAX_UPLOAD_BYTES,
    DEFAULT_SYNC_TIME_LIMIT,
    DEFAULT_WORKERS,
)

if TYPE_CHECKING:
    from .transports._serving import PooledWSGIServer

__all__ = ["Emulator"]

logger = logging.getLogger("pdfco_client.emulator")


class Emulator:
    """A stateful PDF.co v1 API on loopback, for tests and offline runs.

    ::

        with Emulator() as emu:
            client = PdfCoClient(api_key=emu.api_key, base_url=emu.base_url)

    Two servers start on free ports: the API (``base_url``, ending in ``/v1``) and an S3-like
    storage host (``storage_url``) for presigned uploads and result downloads. Keyword arguments:

    - ``api_key``: the key clients must send (random when ``None``).
    - ``host``, ``port``, ``storage_port``: where to listen; ``host`` must be loopback unless
      ``allow_remote`` is true. Port 0 picks a free port.
    - ``credits``: the starting balance (also settable later through :attr:`credits`).
    - ``job_min_duration``: seconds (real time) an async job reports ``working`` at least.
    - ``sync_time_limit``: seconds after which a sync conversion answers 445.
    - ``max_upload_bytes``: cap on one upload (413); ``max_stored_bytes``: cap on all files.
    - ``rate_limit``: requests per second over which the API answers 429 (``None``: no limit);
      ``rate_limit_retry_after`` adds a ``Retry-After`` header to those.
    - ``error_status_in_http``: send PDF.co error codes as the HTTP status too (default) or, when
      false, as HTTP 200 with the error body.
    - ``workers``: async job threads; ``http_workers``: request threads per server.
    - ``faults``: the :class:`FaultPlan` to start with (replaceable through :attr:`faults`).
    - ``strict_storage``: the storage host refuses requests that carry ``x-api-key`` (403).
    """

    def __init__(
        self,
        *,
        api_key: Optional[str] = None,
        host: str = DEFAULT_HOST,
        port: int = 0,
        storage_port: int = 0,
        credits: int = DEFAULT_CREDITS,
        job_min_duration: float = DEFAULT_JOB_MIN_DURATION,
        sync_time_limit: float = DEFAULT_SYNC_TIME_LIMIT,
        max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
        max_stored_bytes: int = DEFAULT_MAX_STORED_BYTES,
        rate_limit: Optional[float] = None,
        rate_limit_retry_after: bool = True,
        error_status_in_http: bool = True,
        workers: int = DEFAULT_WORKERS,
        http_workers: int = DEFAULT_HTTP_WORKERS,
        faults: Optional[FaultPlan] = None,
        strict_storage: bool = False,
        allow_remote: bool = False,
    ) -> None:
        if not allow_remote and not is_loopback_host(host):
            raise ValueError(f"refusing to listen on non-loopback host {host!r}: pass allow_remote")
        if workers < 1 or http_workers < 1:
            raise ValueError("workers and http_workers must be at least 1")
        if rate_limit is not None and rate_limit <= 0:
            raise ValueError("rate_limit must be positive")
        self._api_key = api_key or secrets.token_urlsafe(24)
        self._settings = Settings(
            api_key=self._api_key,
            job_min_duration=job_min_duration,
            sync_time_limit=sync_time_limit,
            max_upload_bytes=max_upload_bytes,
            rate_limit=rate_limit,
            rate_limit_retry_after=rate_limit_retry_after,
            error_status_in_http=error_status_in_http,
            strict_storage=strict_storage,
        )
        self._host = host
        self._port = port
        self._storage_port = storage_port
        self._initial_credits = credits
        self._max_stored_bytes = max_stored_bytes
        self._workers = workers
        self._http_workers = http_workers
        self._faults = faults or FaultPlan()
        self._clock = Clock()
        self._log = RequestLog()
        self._stop = threading.Event()
        self._model: Optional[PdfCoModel] = None
        self._servers: list[PooledWSGIServer] = []
        self._threads: list[threading.Thread] = []
        self._base_url: Optional[str] = None
        self._storage_url: Optional[str] = None

    # -- lifecycle -----------------------------------------------------------------------
    def start(self) -> Emulator:
        """Start both servers and the job pool; returns ``self``. Idempotent while running."""
        if self._servers:
            return self
        from .transports._serving import PooledWSGIServer
        from .transports.wsgi import ModelApp

        engine = load_engine("real")
        self._stop.clear()
        state = State(
            clock=self._clock,
            credits=self._initial_credits,
            max_stored_bytes=self._max_stored_bytes,
            max_jobs=DEFAULT_MAX_JOBS,
        )
        runner = JobRunner(self._workers, max_pending=DEFAULT_MAX_JOBS)
        try:
            # The signer needs the storage URL before the model exists: bind first, attach after.
            storage = PooledWSGIServer(
                self._host,
                self._storage_port,
                _unset_app,
                workers=self._http_workers,
                name="storage",
            )
            self._servers.append(storage)
            url_host = f"[{self._host}]" if ":" in self._host else self._host
            self._storage_url = f"http://{url_host}:{storage.port}"
            self._model = PdfCoModel(
                settings=self._settings,
                state=state,
                signer=Signer(self._storage_url, self._clock),
                engine=engine,
                runner=runner,
                faults=lambda: self._faults,
                log=self._log,
                remote=fetch_loopback,
                wait=self._stop.wait,
            )
            storage.app = ModelApp(self._model, "storage")
            api = PooledWSGIServer(
                self._host,
                self._port,
                ModelApp(self._model, "api"),
                workers=self._http_workers,
                name="api",
            )
            self._servers.append(api)
            self._base_url = f"http://{url_host}:{api.port}/v1"
            for server in self._servers:
                thread = threading.Thread(
                    target=server.serve_forever,
                    kwargs={"poll_interval": 0.05},
                    name=f"pdfco-emu-{server.name}-accept",
                    daemon=True,
                )
                thread.start()
                self._threads.append(thread)
        except BaseException:
            if self._model is None:
                runner.close()
                state.close()
            self.close()
            raise
        logger.info(
            "PDF.co emulator listening: API %s, storage %s", self._base_url, self._storage_url
        )
        return self

    def close(self) -> None:
        """Stop the servers and the job pool, join their threads, delete every stored file."""
        self._stop.set()
        started = len(self._threads)
        for index, server in enumerate(self._servers):
            if index < started:
                server.close()
            else:
                server.abandon()
        for thread in self._threads:
            thread.join(timeout=10)
        if self._model is not None:
            self._model.close()
        self._servers = []
        self._threads = []
        self._model = None

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()

    # -- addresses -----------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """The API's base URL, ``http://127.0.0.1:PORT/v1``."""
        return _started(self._base_url)

    @property
    def storage_url(self) -> str:
        """The storage host's URL, ``http://127.0.0.1:PORT`` (a different port from the API)."""
        return _started(self._storage_url)

    @property
    def api_key(self) -> str:
        return self._api_key

    # -- state and introspection ---------------------------------------------------------
    @property
    def credits(self) -> int:
        """The account balance; assign to change it."""
        return self._running_state().credits

    @credits.setter
    def credits(self, value: int) -> None:
        self._running_state().credits = value

    @property
    def faults(self) -> FaultPlan:
        """The active fault plan; assign a new :class:`FaultPlan` to replace it at runtime."""
        return self._faults

    @faults.setter
    def faults(self, plan: FaultPlan) -> None:
        self._faults = plan

    @property
    def requests(self) -> list[RecordedRequest]:
        """The most recent requests (up to 1000) to both servers, oldest first."""
        return self._log.requests

    @property
    def storage_key_leaks(self) -> list[RecordedRequest]:
        """Storage requests that carried an ``x-api-key`` header (a client bug)."""
        return self._log.leaks

    def clear_requests(self) -> None:
        self._log.clear()

    def advance_clock(self, seconds: float) -> None:
        """Move the emulator's clock forward: links, uploads and jobs expire without sleeping."""
        self._clock.advance(seconds)
        if self._model is not None:
            self._model.state.sweep(force=True)

    @property
    def temp_dir(self) -> str:
        """The private directory holding stored files (deleted by :meth:`close`)."""
        return str(self._running_state().root)

    def _running_state(self) -> State:
        if self._model is None:
            raise RuntimeError(
                "the emulator is not running: call start() or use it in a with block"
            )
        return self._model.state

    def __repr__(self) -> str:
        return f"Emulator(base_url={self._base_url!r}, storage_url={self._storage_url!r})"


def _started(url: Optional[str]) -> str:
    if url is None:
        raise RuntimeError("the emulator is not running: call start() or use it in a with block")
    return url


def _unset_app(environ: object, start_response: object) -> object:
    raise RuntimeError("storage app not attached yet")
