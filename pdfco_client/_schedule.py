"""When to check a background job: :class:`PollPolicy`, a schedule by the job's age; presets.

A job that ends at age ``D`` (seconds after its start was answered) is noticed at the first check
at or after ``D``. With checks at ages ``t1 < t2 < ...`` where each wait is a fixed fraction of
the age (``t[k+1] = growth * t[k]``), a job ending just after a check waits for the next one:
the latency is at most ``(growth - 1) * D``, and a job of length ``D`` costs about
``1 + log(D / t1) / log(growth)`` checks (2 credits each). Shrinking ``growth`` buys latency with
checks; no schedule has both few checks *and* a small latency on short jobs. A floor
(``min_interval``) keeps short jobs from being checked every few milliseconds, and a ceiling
(``max_interval``) bounds the latency of very long jobs. docs/jobs.md shows the trade-off curve
that ``python -m benchmarks.polling`` prints.

The schedule is a function of the job's age, not of the number of checks: a slow answer or a
retried check does not push the next checks later, and missed check times are skipped.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Literal, Optional, Union

from ._exceptions import ConfigurationError

__all__ = ["POLL_PRESETS", "PollPolicy", "PollPreset", "resolve_poll_policy"]

#: The named schedules of ``PdfCoClient(poll=...)``.
PollPreset = Literal["fast", "balanced", "frugal"]


@dataclass(frozen=True)
class PollPolicy:
    """A job-check schedule: when to check a job, by its age (seconds since its start).

    The first check comes ``first_check`` seconds after the job was started; after a check at
    age ``t``, the next comes ``(growth - 1) * t`` later (``long_job_growth`` once ``t`` is past
    ``long_job_after``), never sooner than ``min_interval`` nor later than ``max_interval``.
    Each job's checks are moved earlier by a part of up to ``jitter`` of their waits, the same
    part for all of a job's checks and a different one for each job, so that jobs started
    together are not checked in lockstep while the latency bound still holds.

    A job that ends at age ``D >= first_check`` is noticed at most ``interval_after(D)`` late
    (see :meth:`worst_latency`). Pass a policy, or a preset name, as ``PdfCoClient(poll=...)``::

        PdfCoClient(poll="fast")
        PdfCoClient(poll=PollPolicy.preset("balanced").replace(max_interval=5.0))
    """

    first_check: float = 0.8
    """Seconds from the job's start to its first check. A job that was just started has not
    finished: PDF.co answers a start with ``async=true`` at once, before converting."""
    min_interval: float = 0.4
    """The shortest wait between two checks."""
    growth: float = 1.4
    """Each wait is ``growth - 1`` times the job's age: the bound on latency, as a fraction."""
    long_job_after: float = 10.0
    """The age from which ``long_job_growth`` replaces ``growth``."""
    long_job_growth: float = 1.2
    """The growth for jobs older than ``long_job_after``: with the check budget of a fixed loop
    growing linearly with a job's length, and a geometric schedule's only logarithmically, long
    jobs can afford a finer schedule."""
    max_interval: float = 15.0
    """The longest wait between two checks (PDF.co suggests 10-15 s for large documents)."""
    jitter: float = 0.1
    """Up to this fraction of each wait is taken off, by job (0 for exact schedules)."""

    def __post_init__(self) -> None:
        for name in ("first_check", "min_interval", "long_job_after", "max_interval"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ConfigurationError(f"PollPolicy.{name} must be a number, not {value!r}")
            if not 0 < value < math.inf:
                raise ConfigurationError(
                    f"PollPolicy.{name} must be a positive, finite number of seconds, not {value!r}"
                )
        for name in ("growth", "long_job_growth"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ConfigurationError(f"PollPolicy.{name} must be a number, not {value!r}")
            if not 1.0 <= value < math.inf:
                raise ConfigurationError(f"PollPolicy.{name} must be at least 1, not {value!r}")
        if isinstance(self.jitter, bool) or not isinstance(self.jitter, (int, float)):
            raise ConfigurationError(f"PollPolicy.jitter must be a number, not {self.jitter!r}")
        if not 0.0 <= self.jitter <= 0.5:
            raise ConfigurationError(
                f"PollPolicy.jitter must be between 0 and 0.5, not {self.jitter!r}"
            )
        if self.max_interval < self.min_interval:
            raise ConfigurationError(
                f"PollPolicy.max_interval ({self.max_interval}) is below min_interval "
                f"({self.min_interval})"
            )

    @classmethod
    def preset(cls, name: PollPreset) -> PollPolicy:
        """One of the named schedules: ``"fast"``, ``"balanced"`` (the default) or ``"frugal"``."""
        try:
            return POLL_PRESETS[name]
        except (KeyError, TypeError):
            known = ", ".join(repr(key) for key in POLL_PRESETS)
            raise ConfigurationError(
                f"unknown poll preset {name!r}; expected one of {known}"
            ) from None

    def replace(self, **changes: float) -> PollPolicy:
        """A copy with some fields changed (validated again)."""
        return replace(self, **changes)

    def interval_after(self, age: float) -> float:
        """The wait after a check at ``age`` (before jitter)."""
        growth = self.growth if age < self.long_job_after else self.long_job_growth
        return min(self.max_interval, max(self.min_interval, (growth - 1.0) * age))

    def check_times(self, until: float) -> list[float]:
        """The ages of the checks (before jitter), up to the first one at or after ``until``."""
        times = [self.first_check]
        while times[-1] < until:
            times.append(times[-1] + self.interval_after(times[-1]))
        return times

    def worst_latency(self, duration: float) -> float:
        """The longest a job of ``duration`` seconds can wait to be noticed (before jitter and
        the check's own round trip)."""
        if duration <= self.first_check:
            return self.first_check - duration
        return self.interval_after(duration)


#: The presets, derived in docs/jobs.md ("Choosing a schedule"), judged on lengths of 0.3 s to
#: 10 min against the official samples' loop (check at once, then every 3 s).
POLL_PRESETS: Mapping[str, PollPolicy] = MappingProxyType(
    {
        # Latency at most max(0.3 s, 20 % of the job) at every length; more checks than the
        # samples' loop for jobs of about 1 to 60 s.
        "fast": PollPolicy(
            first_check=0.6,
            min_interval=0.3,
            growth=1.2,
            long_job_after=10.0,
            long_job_growth=1.2,
            max_interval=5.0,
        ),
        # Latency at most max(0.5 s, 40 % of the job) and checks at most twice the loop's + 1 at
        # every length; from 18 s on, 20 % and 1.5 times the loop's.
        "balanced": PollPolicy(),
        # Never more checks than the samples' loop, at any length; latency up to 66 % of the job
        # (at least 3 s) on short jobs.
        "frugal": PollPolicy(
            first_check=2.0,
            min_interval=2.0,
            growth=1.6,
            long_job_after=20.0,
            long_job_growth=1.3,
            max_interval=30.0,
        ),
    }
)


def resolve_poll_policy(
    poll: Union[PollPolicy, str, None],
    *,
    poll_interval: Optional[float],
    max_poll_interval: Optional[float],
    default: str,
) -> PollPolicy:
    """The client's schedule from ``poll=`` and the older ``poll_interval`` settings.

    ``poll_interval`` replaces the first check and the shortest wait, ``max_poll_interval`` the
    longest wait, of whichever schedule ``poll`` names.
    """
    if poll is None:
        policy = POLL_PRESETS[default]
    elif isinstance(poll, PollPolicy):
        policy = poll
    elif isinstance(poll, str):
        policy = PollPolicy.preset(poll.strip().lower())  # type: ignore[arg-type]
    else:
        raise ConfigurationError(
            f"poll must be a PollPolicy or one of {', '.join(map(repr, POLL_PRESETS))}, "
            f"not {poll!r}"
        )
    changes: dict[str, float] = {}
    if poll_interval is not None:
        changes.update(first_check=poll_interval, min_interval=poll_interval)
    if max_poll_interval is not None:
        changes["max_interval"] = max_poll_interval
        if poll_interval is None:
            changes["min_interval"] = min(policy.min_interval, max_poll_interval)
    if changes:
        if poll_interval is not None and max_poll_interval is None:
            changes["max_interval"] = max(policy.max_interval, poll_interval)
        policy = policy.replace(**changes)
    return policy


class CheckPlanner:
    """The check times of one job, jittered by the job's own ``phase`` (0 to 1).

    Every check of a job moves earlier by ``phase * jitter`` of the wait before it (the first by
    that much of ``min_interval``): jobs started together spread out, and since a job's checks
    all move alike, the gap between two checks never exceeds the unjittered wait, so the latency
    bound of the schedule holds as it is.
    """

    def __init__(self, policy: PollPolicy, phase: float) -> None:
        self.policy = policy
        self._shift = policy.jitter * min(max(phase, 0.0), 1.0)
        self._step = min(policy.first_check, policy.min_interval)
        self._next = policy.first_check

    def next_check(self, age: float) -> float:
        """The age of the next check after a job age of ``age``, skipping times already past."""
        while True:
            at, early = self._next, self._shift * self._step
            self._step = self.policy.interval_after(at)
            self._next = at + self._step
            if at - early > age:
                return at - early
