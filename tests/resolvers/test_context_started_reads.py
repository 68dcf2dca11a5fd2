"""Reads a request started ahead (``Context.start_read``) are settled before its audit is
written: the pending ones waited for, those done already not waited for again."""

from __future__ import annotations

import asyncio

from auth.viewer import ANONYMOUS
from resolvers.context import Context, Services


async def test_settling_waits_for_the_reads_still_under_way(services: Services) -> None:
    context = Context.create(ANONYMOUS, services, "started-reads")
    loop = asyncio.get_running_loop()
    done, pending = loop.create_future(), loop.create_future()
    done.set_result("read")
    context.start_read(done)
    context.start_read(pending)

    settling = asyncio.ensure_future(context.settle_started_reads())
    await asyncio.sleep(0)
    assert not settling.done()
    pending.set_result("read later")
    await asyncio.wait_for(settling, 1)


async def test_settling_reads_all_done_goes_nowhere(services: Services) -> None:
    context = Context.create(ANONYMOUS, services, "started-reads")
    for _ in range(3):
        done = asyncio.get_running_loop().create_future()
        done.set_result("read")
        context.start_read(done)

    settle = context.settle_started_reads().__await__()
    try:
        next(settle)
    except StopIteration:
        pass  # returned at once, without a turn of the event loop
    else:
        raise AssertionError("settling reads that are all done waited for the event loop")
