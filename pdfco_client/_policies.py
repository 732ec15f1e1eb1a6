"""The two tenacity policies of the client: retrying transient failures, and polling a job.

Both take an injected ``sleep`` and ``clock`` (tests replace them to run in milliseconds and check
exact delays) and a :class:`Deadline`, and never sleep past it.
"""

from __future__ import annotations

import random
import threading
import time
from typing import Callable, Optional

from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    retry_if_result,
    stop_after_attempt,
)
from tenacity.stop import stop_base
from tenacity.wait import wait_base

from ._exceptions import ConversionCancelledError, JobTimeoutError, PdfCoError
from ._logging import logger
from ._models import JobStatus
from ._schedule import CheckPlanner, PollPolicy

Clock = Callable[[], float]
Sleep = Callable[[float], None]
#: Called before each retry sleep with the attempt number, the delay and the error.
RetryObserver = Callable[[int, float, BaseException], None]

#: Fraction of each retry wait that is random, so clients that failed together do not retry
#: together.
JITTER = 0.25


class Deadline:
    """A point in time on an injected clock, or none (``seconds=None``: no limit).

    It may also carry a ``cancel`` event: once set, every wait wakes up and every step raises
    :class:`ConversionCancelledError` (how a batch stops its workers on Ctrl-C).
    """

    def __init__(
        self, clock: Clock, seconds: Optional[float], *, cancel: Optional[threading.Event] = None
    ) -> None:
        self.clock = clock
        self.started = clock()
        self.at = None if seconds is None else self.started + seconds
        self.cancel = cancel

    def raise_if_cancelled(self) -> None:
        """Raise :class:`ConversionCancelledError` once the cancel event is set."""
        if self.cancel is not None and self.cancel.is_set():
            raise ConversionCancelledError()

    def sleeper(self, sleep: Sleep) -> Sleep:
        """``sleep``, or with a cancel event, a sleep that wakes and raises when it is set.

        An injected ``sleep`` (a test's fake clock) is kept, and the event checked after it:
        waiting on the event instead would take real time the injected clock never sees.
        """
        cancel = self.cancel
        if cancel is None:
            return sleep

        def cancellable_sleep(seconds: float) -> None:
            if sleep is time.sleep:
                if cancel.wait(seconds):
                    raise ConversionCancelledError()
                return
            sleep(seconds)
            self.raise_if_cancelled()

        return cancellable_sleep

    def remaining(self) -> Optional[float]:
        """Seconds left (never negative), or ``None`` for no deadline."""
        return None if self.at is None else max(0.0, self.at - self.clock())

    def expired(self) -> bool:
        """True once the deadline has passed."""
        return self.at is not None and self.clock() >= self.at

    def elapsed(self) -> float:
        """Seconds since the deadline was set."""
        return self.clock() - self.started

    def cap(self, seconds: float) -> float:
        """``seconds``, shortened so as not to run past the deadline."""
        left = self.remaining()
        return seconds if left is None else min(seconds, left)


class wait_backoff(wait_base):
    """Exponential backoff with jitter: ``initial * base**(n-1)``, capped, then jittered down.

    Retry-After is honoured (capped at ``maximum``) when the failure carries one.
    """

    def __init__(
        self,
        *,
        initial: float,
        maximum: float,
        base: float,
        deadline: Deadline,
        jitter: float = JITTER,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.initial = initial
        self.maximum = maximum
        self.base = base
        self.deadline = deadline
        self.jitter = jitter
        self.rng = rng

    def __call__(self, retry_state: RetryCallState) -> float:
        outcome = retry_state.outcome
        hinted: Optional[float] = None
        if outcome is not None and outcome.failed:
            hinted = getattr(outcome.exception(), "retry_after", None)
        if hinted is not None:
            delay = min(max(0.0, hinted), self.maximum)
        else:
            exponent = max(0, retry_state.attempt_number - 1)
            ceiling = min(self.maximum, self.initial * self.base**exponent)
            delay = ceiling * (1.0 - self.jitter * self.rng())
        return self.deadline.cap(delay)


class stop_at_deadline(stop_base):
    """Stop once the deadline has passed.

    With ``after_sleep=True`` also stop when the coming sleep would use up all the time left:
    a request started at the deadline could only time out.
    """

    def __init__(self, deadline: Deadline, *, after_sleep: bool = False) -> None:
        self.deadline = deadline
        self.after_sleep = after_sleep

    def __call__(self, retry_state: RetryCallState) -> bool:
        left = self.deadline.remaining()
        if left is None:
            return False
        if self.after_sleep:
            left -= retry_state.upcoming_sleep or 0.0
        return left <= 0


def is_retryable(error: BaseException) -> bool:
    """Whether sending the same request again may help."""
    return isinstance(error, PdfCoError) and error.retryable


def retry_policy(
    *,
    max_retries: int,
    max_wait: float,
    deadline: Deadline,
    sleep: Sleep,
    retry_if: Callable[[BaseException], bool] = is_retryable,
    observer: Optional[RetryObserver] = None,
    initial_wait: float = 0.5,
) -> Retrying:
    """The policy for one HTTP request: retry transient failures with backoff and jitter."""

    def before_sleep(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome is not None else None
        delay = state.upcoming_sleep
        if error is not None:
            logger.info(
                "retry %d/%d in %.2f s after %s: %s",
                state.attempt_number,
                max_retries,
                delay,
                type(error).__name__,
                error,
            )
            if observer is not None:
                observer(state.attempt_number, delay, error)

    return Retrying(
        stop=stop_after_attempt(max_retries + 1) | stop_at_deadline(deadline, after_sleep=True),
        wait=wait_backoff(initial=initial_wait, maximum=max_wait, base=2.0, deadline=deadline),
        retry=retry_if_exception(retry_if),
        sleep=deadline.sleeper(sleep),
        before_sleep=before_sleep,
        reraise=True,
    )


class wait_on_schedule(wait_base):
    """Wait until the next check time of a :class:`~pdfco_client.PollPolicy`, by the job's age.

    The age is read on the deadline's clock from ``started`` (when the job's start was answered),
    so the time a check takes does not shift the schedule.
    """

    def __init__(
        self, policy: PollPolicy, *, started: float, deadline: Deadline, phase: float
    ) -> None:
        self.planner = CheckPlanner(policy, phase)
        self.started = started
        self.deadline = deadline

    def first_delay(self) -> float:
        """Seconds from now to the job's first check (0 if it is already due)."""
        age = self.deadline.clock() - self.started
        return self.deadline.cap(max(0.0, self.planner.next_check(age) - age))

    def __call__(self, retry_state: RetryCallState) -> float:
        age = self.deadline.clock() - self.started
        return self.deadline.cap(max(0.0, self.planner.next_check(age) - age))


def poll_policy(
    *,
    job_id: str,
    wait: wait_on_schedule,
    deadline: Deadline,
    sleep: Sleep,
) -> Retrying:
    """The policy for waiting on a job: check again, on ``wait``'s schedule, while it is working.

    At the deadline it raises :class:`JobTimeoutError` carrying the job id.
    """

    def on_deadline(state: RetryCallState) -> JobStatus:
        raise JobTimeoutError(job_id, deadline.elapsed())

    def still_working(status: JobStatus) -> bool:
        return not status.status.is_terminal

    return Retrying(
        # A check sent at the deadline could not be answered in time: stop before sleeping to it.
        stop=stop_at_deadline(deadline, after_sleep=True),
        wait=wait,
        retry=retry_if_result(still_working),
        sleep=deadline.sleeper(sleep),
        retry_error_callback=on_deadline,
    )
