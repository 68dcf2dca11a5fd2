"""Concurrent identical calls share one: a failure is shared too, and a reader that leaves
does not cancel the call for the others."""

from __future__ import annotations

import asyncio

import pytest

from connectors.http import SingleFlight


async def test_concurrent_calls_of_one_key_run_once() -> None:
    flights: SingleFlight[int] = SingleFlight()
    release = asyncio.Event()
    runs = 0

    async def call() -> int:
        nonlocal runs
        runs += 1
        await release.wait()
        return 42

    waiting = [asyncio.ensure_future(flights.run("k", call)) for _ in range(3)]
    await asyncio.sleep(0)
    assert flights.in_flight("k")
    release.set()

    assert await asyncio.gather(*waiting) == [42, 42, 42]
    assert runs == 1
    assert not flights.in_flight("k")


async def test_a_failure_is_shared_then_forgotten() -> None:
    flights: SingleFlight[int] = SingleFlight()
    runs = 0

    async def call() -> int:
        nonlocal runs
        runs += 1
        await asyncio.sleep(0)
        raise LookupError("missing")

    results = await asyncio.gather(flights.run("k", call), flights.run("k", call),
                                   return_exceptions=True)  # fmt: skip
    assert all(isinstance(result, LookupError) for result in results)
    assert runs == 1

    with pytest.raises(LookupError):
        await flights.run("k", call)
    assert runs == 2


async def test_a_cancelled_reader_does_not_cancel_the_shared_call() -> None:
    flights: SingleFlight[str] = SingleFlight()
    release = asyncio.Event()

    async def call() -> str:
        await release.wait()
        return "done"

    first = asyncio.ensure_future(flights.run("k", call))
    second = asyncio.ensure_future(flights.run("k", call))
    await asyncio.sleep(0)
    first.cancel()
    release.set()

    assert await second == "done"
    assert first.cancelled()
