"""The job-check schedule: ``PollPolicy``, its presets and what each one promises.

The promises are arithmetic on the schedule (no clock involved): for every job length on a fine
grid from 0.3 s to 10 minutes, and for a job's jitter phase at both ends and in the middle, the
latency and the number of checks each preset's docstring and docs/jobs.md state.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from pdfco_client import ConfigurationError, PdfCoClient, PollPolicy
from pdfco_client._schedule import POLL_PRESETS, CheckPlanner, resolve_poll_policy

#: 0.3 s to 10 s by 20 ms, then to 10 min by 0.5 s.
LENGTHS = [0.3 + 0.02 * i for i in range(486)] + [10.0 + 0.5 * i for i in range(1181)]
PHASES = (0.0, 0.5, 0.999)


def sample_loop_checks(length: float) -> int:
    """The official samples' loop checks at once, then every 3 s."""
    return math.ceil(length / 3 - 1e-12) + 1


def noticed(policy: PollPolicy, length: float, phase: float) -> tuple[float, int]:
    """Latency and checks for a job of ``length`` s: its first check at or after its end."""
    planner = CheckPlanner(policy, phase)
    age, checks = 0.0, 0
    while True:
        age = planner.next_check(age)
        checks += 1
        if age >= length:
            return age - length, checks


def test_fast_notices_every_job_within_a_fifth_of_its_length() -> None:
    for phase in PHASES:
        for length in LENGTHS:
            latency, _ = noticed(POLL_PRESETS["fast"], length, phase)
            assert latency <= max(0.3, 0.2 * length) + 1e-9, (phase, length, latency)


def test_balanced_holds_the_default_bounds_everywhere_and_the_goal_for_long_jobs() -> None:
    policy = POLL_PRESETS["balanced"]
    for phase in PHASES:
        for length in LENGTHS:
            latency, checks = noticed(policy, length, phase)
            loop = sample_loop_checks(length)
            assert latency <= max(0.5, 0.4 * length) + 1e-9, (phase, length, latency)
            assert checks <= 2 * loop + 1, (phase, length, checks)
            if length > 18.0:
                assert latency <= 0.2 * length, (phase, length, latency)
                assert checks <= 1.5 * loop, (phase, length, checks)


def test_frugal_never_checks_more_than_the_sample_loop() -> None:
    for phase in PHASES:
        for length in LENGTHS:
            _, checks = noticed(POLL_PRESETS["frugal"], length, phase)
            assert checks <= sample_loop_checks(length), (phase, length, checks)


def test_the_default_on_the_judged_lengths() -> None:
    # Latency / checks, no jitter: the figures docs/jobs.md gives for the default.
    policy = PollPolicy(jitter=0.0)
    seen = {d: noticed(policy, d, 0.0) for d in (0.5, 1.0, 2.0, 4.0, 8.0)}
    assert {d: (round(lat, 2), n) for d, (lat, n) in seen.items()} == {
        0.5: (0.3, 1),
        1.0: (0.2, 2),
        2.0: (0.35, 4),
        4.0: (0.61, 6),
        8.0: (1.04, 8),
    }


def test_check_times_and_worst_latency() -> None:
    policy = PollPolicy(first_check=1.0, min_interval=0.5, growth=2.0, max_interval=3.0)
    assert policy.check_times(until=10.0) == [1.0, 2.0, 4.0, 7.0, 10.0]
    assert policy.worst_latency(0.25) == 0.75
    assert policy.worst_latency(1.5) == 1.5
    assert policy.worst_latency(60.0) == 3.0
    long = PollPolicy(growth=1.5, long_job_after=10.0, long_job_growth=1.1, max_interval=99.0)
    assert long.interval_after(9.0) == pytest.approx(4.5)
    assert long.interval_after(20.0) == pytest.approx(2.0)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("first_check", 0),
        ("first_check", -1.0),
        ("min_interval", math.inf),
        ("max_interval", math.nan),
        ("long_job_after", True),
        ("growth", 0.9),
        ("long_job_growth", math.inf),
        ("growth", "2"),
        ("jitter", -0.1),
        ("jitter", 0.6),
        ("jitter", None),
    ],
)
def test_bad_fields_are_refused(field: str, value: Any) -> None:
    with pytest.raises(ConfigurationError, match=f"PollPolicy.{field}"):
        PollPolicy(**{field: value})


def test_max_below_min_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="max_interval"):
        PollPolicy(min_interval=2.0, max_interval=1.0)


def test_presets_by_name_and_unknown_names() -> None:
    assert PollPolicy.preset("balanced") == PollPolicy()
    assert set(POLL_PRESETS) == {"fast", "balanced", "frugal"}
    with pytest.raises(ConfigurationError, match="'fast', 'balanced', 'frugal'"):
        PollPolicy.preset("quick")  # type: ignore[arg-type]


def test_the_client_takes_a_preset_a_policy_or_the_older_intervals() -> None:
    custom = PollPolicy(max_interval=5.0)
    with PdfCoClient("k", poll="fast") as fast, PdfCoClient("k", poll=custom) as mine:
        assert fast.poll == POLL_PRESETS["fast"]
        assert mine.poll is custom
    with PdfCoClient("k", poll_interval=0.02, max_poll_interval=0.1) as tuned:
        assert (tuned.poll.first_check, tuned.poll.min_interval) == (0.02, 0.02)
        assert tuned.poll.max_interval == 0.1
    with pytest.raises(ConfigurationError, match="poll"):
        PdfCoClient("k", poll=3)  # type: ignore[arg-type]


def test_older_intervals_alone_keep_the_schedule_consistent() -> None:
    frugal = POLL_PRESETS["frugal"]
    only_max = resolve_poll_policy("frugal", poll_interval=None, max_poll_interval=1.0, default="")
    assert (only_max.min_interval, only_max.max_interval) == (1.0, 1.0)
    assert only_max.first_check == frugal.first_check
    only_first = resolve_poll_policy(
        None, poll_interval=60.0, max_poll_interval=None, default="fast"
    )
    assert (only_first.first_check, only_first.max_interval) == (60.0, 60.0)
    spelled = resolve_poll_policy(" Fast ", poll_interval=None, max_poll_interval=None, default="")
    assert spelled == POLL_PRESETS["fast"]
