"""How many asyncio tasks something made (the compiled plan makes as few as it can)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

__all__ = ["with_tasks_counted"]


async def with_tasks_counted(run: Awaitable[Any]) -> tuple[Any, int]:
    """What ``run`` answers, and the asyncio tasks made while it ran."""
    loop = asyncio.get_running_loop()
    made = [0]

    def counting(loop: asyncio.AbstractEventLoop, coroutine: Any, **kwargs: Any) -> Any:
        made[0] += 1
        return asyncio.Task(coroutine, loop=loop, **kwargs)

    previous = loop.get_task_factory()
    loop.set_task_factory(counting)
    try:
        return await run, made[0]
    finally:
        loop.set_task_factory(previous)
