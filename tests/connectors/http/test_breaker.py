"""The breaker per source: opens after failures in a row, one probe when half-open, an open
window that doubles from a short base while the partner stays down and starts again from it
after a success (a fake clock: nothing waits)."""

from __future__ import annotations

import asyncio

import httpx
import pytest
import respx

from connectors.errors import UpstreamUnavailable
from connectors.http import Resilience
from connectors.http.breaker import Breaker, BreakerState
from tests.connectors.http.conftest import MakeCaller

OK = {"ok": True}


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _breaker(clock: FakeClock, changes: list[BreakerState] | None = None) -> Breaker:
    record = changes.append if changes is not None else None
    return Breaker(threshold=3, base_s=1.0, max_s=30.0, clock=clock, on_change=record)


def _open(breaker: Breaker) -> None:
    for _ in range(3):
        assert breaker.admit()
        breaker.failed()


def test_opens_after_threshold_failures_in_a_row_and_fails_fast() -> None:
    clock = FakeClock()
    breaker = _breaker(clock)
    for _ in range(2):
        assert breaker.admit()
        breaker.failed()
    assert breaker.state is BreakerState.CLOSED
    assert breaker.admit()
    breaker.failed()
    assert breaker.state is BreakerState.OPEN
    clock.now += 0.9
    assert not breaker.admit()


def test_half_open_lets_exactly_one_probe_through() -> None:
    clock = FakeClock()
    breaker = _breaker(clock)
    _open(breaker)
    clock.now += 1.0
    assert breaker.state is BreakerState.HALF_OPEN
    assert breaker.admit()  # the probe
    assert [breaker.admit() for _ in range(50)] == [False] * 50
    breaker.succeeded()
    assert breaker.state is BreakerState.CLOSED
    assert breaker.admit()


def test_the_open_window_doubles_while_probes_fail_and_is_capped() -> None:
    clock = FakeClock()
    breaker = _breaker(clock)
    _open(breaker)
    windows = []
    for _ in range(7):
        start = clock.now
        while not breaker.admit():
            clock.now += 0.5
        windows.append(clock.now - start)
        breaker.failed()  # the probe fails
    assert windows == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]


def test_a_success_starts_the_window_again_from_its_base() -> None:
    clock = FakeClock()
    breaker = _breaker(clock)
    _open(breaker)
    clock.now += 1.0
    assert breaker.admit()
    breaker.failed()  # window now 2 s
    clock.now += 2.0
    assert breaker.admit()
    breaker.succeeded()
    _open(breaker)
    clock.now += 1.0
    assert breaker.admit()  # back to the 1 s base


def test_a_call_sent_before_it_opened_does_not_extend_the_window() -> None:
    clock = FakeClock()
    breaker = _breaker(clock)
    _open(breaker)
    breaker.failed()  # a late answer of a call sent while it was closed
    clock.now += 1.0
    assert breaker.admit()


def test_an_abandoned_probe_lets_the_next_call_probe() -> None:
    clock = FakeClock()
    changes: list[BreakerState] = []
    breaker = _breaker(clock, changes)
    _open(breaker)
    clock.now += 1.0
    assert breaker.admit()
    breaker.abandoned()  # cancelled: no verdict
    assert breaker.admit()
    assert changes == [BreakerState.OPEN, BreakerState.HALF_OPEN, BreakerState.OPEN,
                       BreakerState.HALF_OPEN]  # fmt: skip


async def test_only_one_call_reaches_a_half_open_partner(
    router: respx.MockRouter, make_caller: MakeCaller
) -> None:
    clock = FakeClock()
    release = asyncio.Event()

    async def hung_then_ok(request: httpx.Request) -> httpx.Response:
        await release.wait()
        return httpx.Response(200, json=OK)

    route = router.get("/items")
    route.side_effect = [httpx.Response(503)] * 2 + [hung_then_ok]  # type: ignore[list-item]
    caller = make_caller(Resilience(max_retries=0, breaker_threshold=2), clock=clock)
    for _ in range(2):
        with pytest.raises(UpstreamUnavailable):
            await caller.get_json("/items", name="items")
    assert caller.breaker_states() == {"partner": BreakerState.OPEN}
    clock.now += 1.0
    probe = asyncio.create_task(caller.get_json("/items", name="items"))
    await asyncio.sleep(0)
    for _ in range(20):  # while the probe hangs, everyone else fails fast
        with pytest.raises(UpstreamUnavailable, match="circuit breaker open"):
            await caller.get_json("/items", name="items")
    release.set()
    assert await probe == OK
    assert route.call_count == 3
    assert caller.breaker_states() == {"partner": BreakerState.CLOSED}
