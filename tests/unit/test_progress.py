"""ByteCounter: byte events are throttled so a progress callback cannot slow a transfer."""

from __future__ import annotations

from pdfco_client._progress import MIN_INTERVAL, ByteCounter
from tests.unit.conftest import FakeClock


def test_events_are_throttled_and_the_final_count_always_reported() -> None:
    clock = FakeClock()
    seen: list[tuple[int, bool]] = []
    counter = ByteCounter(lambda count, done: seen.append((count, done)), clock)
    for _ in range(100):
        counter.add(1000)
        clock.advance(MIN_INTERVAL / 10)  # a chunk every hundredth of a second
    counter.finish()

    assert seen[-1] == (100_000, True)
    # One event per MIN_INTERVAL (plus the first and the final one), not one per chunk.
    assert 9 <= len(seen) <= 13
    assert [count for count, _ in seen] == sorted(count for count, _ in seen)


def test_a_burst_of_chunks_in_no_time_gives_two_events() -> None:
    clock = FakeClock()
    seen: list[tuple[int, bool]] = []
    counter = ByteCounter(lambda count, done: seen.append((count, done)), clock)
    for _ in range(10_000):
        counter.add(1)
    counter.finish()
    assert seen == [(1, False), (10_000, True)]


def test_without_a_callback_only_counting_happens() -> None:
    counter = ByteCounter(None, FakeClock())
    counter.add(5)
    counter.finish()
    assert counter.count == 5
