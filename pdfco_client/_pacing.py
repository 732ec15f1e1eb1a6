"""One gate that every API request of a client passes: steady pacing and a shared 429 pause.

PDF.co allows 2 requests per second on free plans and 10 on paid ones. With
``requests_per_second`` set, the gate spaces the client's API calls evenly across all its threads.
Whatever the setting, a 429 answer closes the gate for every thread for the delay the retry policy
chose, so workers back off together instead of each hammering the limit on its own.
"""

from __future__ import annotations

import threading
from typing import Optional

from ._exceptions import APITimeoutError
from ._policies import Clock, Deadline, Sleep


class RequestGate:
    """Thread-safe pacing of requests; see the module docstring."""

    def __init__(self, requests_per_second: Optional[float], *, clock: Clock, sleep: Sleep) -> None:
        self.interval = 0.0 if not requests_per_second else 1.0 / requests_per_second
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_slot = float("-inf")
        self._closed_until = float("-inf")

    def wait_turn(self, deadline: Deadline) -> float:
        """Block until this caller may send; return the seconds waited.

        Raises :class:`APITimeoutError` (nothing sent) when the turn comes after the deadline.
        """
        with self._lock:
            now = self._clock()
            slot = max(now, self._next_slot, self._closed_until)
            delay = slot - now
            left = deadline.remaining()
            if left is not None and delay > left:
                raise APITimeoutError(
                    f"the request could not be sent before the deadline: {delay:.2f} s of rate "
                    "limiting ahead",
                    request_sent=False,
                )
            self._next_slot = slot + self.interval
        if delay > 0:
            deadline.sleeper(self._sleep)(delay)  # a batch's cancel event wakes it too
        return delay

    def close_for(self, seconds: float) -> None:
        """Hold back every caller for ``seconds`` from now (after a 429)."""
        with self._lock:
            self._closed_until = max(self._closed_until, self._clock() + seconds)
