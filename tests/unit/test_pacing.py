"""RequestGate: even spacing of API calls and the shared pause after a 429."""

from __future__ import annotations

import threading

import pytest

from pdfco_client import APITimeoutError, ConfigurationError, PdfCoClient
from pdfco_client._pacing import RequestGate
from pdfco_client._policies import Deadline
from tests.unit.conftest import FakeClock


def test_without_a_rate_nobody_waits() -> None:
    clock = FakeClock()
    gate = RequestGate(None, clock=clock, sleep=clock.sleep)
    for _ in range(5):
        assert gate.wait_turn(Deadline(clock, None)) == 0.0
    assert clock.sleeps == []


def test_a_rate_spaces_calls_evenly() -> None:
    clock = FakeClock()
    gate = RequestGate(4.0, clock=clock, sleep=clock.sleep)
    waits = [gate.wait_turn(Deadline(clock, None)) for _ in range(4)]
    assert waits == [0.0, 0.25, 0.25, 0.25]
    clock.sleep(10)  # idle time is not banked into a burst
    assert gate.wait_turn(Deadline(clock, None)) == 0.0
    assert gate.wait_turn(Deadline(clock, None)) == 0.25


def test_close_for_holds_everyone_back() -> None:
    clock = FakeClock()
    gate = RequestGate(None, clock=clock, sleep=clock.sleep)
    gate.close_for(2.0)
    assert gate.wait_turn(Deadline(clock, None)) == pytest.approx(2.0)
    assert gate.wait_turn(Deadline(clock, None)) == 0.0


def test_a_turn_past_the_deadline_is_a_timeout_before_sending() -> None:
    clock = FakeClock()
    gate = RequestGate(None, clock=clock, sleep=clock.sleep)
    gate.close_for(5.0)
    with pytest.raises(APITimeoutError) as raised:
        gate.wait_turn(Deadline(clock, 1.0))
    assert raised.value.request_sent is False
    assert clock.sleeps == []


def test_threads_share_one_schedule() -> None:
    # The clock stands still and sleeping does nothing, so each wait is exactly the slot handed
    # out: 200 calls from 4 threads must get 200 distinct slots, 1 ms apart.
    gate = RequestGate(1000.0, clock=lambda: 0.0, sleep=lambda seconds: None)
    waits: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(50):
            waited = gate.wait_turn(Deadline(lambda: 0.0, None))
            with lock:
                waits.append(waited)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert sorted(waits) == pytest.approx([index / 1000 for index in range(200)])


def test_client_refuses_a_bad_rate() -> None:
    for bad in (0, -1.0, float("inf"), True):
        with pytest.raises(ConfigurationError):
            PdfCoClient("key", requests_per_second=bad)
