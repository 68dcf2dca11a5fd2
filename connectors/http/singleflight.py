"""Coalesce concurrent identical calls: one runs, the others await its result."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

__all__ = ["SingleFlight"]

T = TypeVar("T")


class SingleFlight(Generic[T]):
    """Per-key in-flight calls. The shared call runs as its own task, so a caller that is
    cancelled does not cancel it for the others."""

    def __init__(self) -> None:
        self._calls: dict[str, asyncio.Task[T]] = {}

    def in_flight(self, key: str) -> bool:
        return key in self._calls

    async def run(self, key: str, call: Callable[[], Awaitable[T]]) -> T:
        return await asyncio.shield(self.start(key, call))

    def start(self, key: str, call: Callable[[], Awaitable[T]]) -> asyncio.Task[T]:
        """The call in flight for ``key``, started now if there is none; it runs to its end
        whoever awaits it (``asyncio.shield`` it to wait without cancelling it)."""
        task = self._calls.get(key)
        if task is None:
            task = asyncio.ensure_future(call())
            self._calls[key] = task
            task.add_done_callback(lambda done: self._forget(key, done))
        return task

    def _forget(self, key: str, task: asyncio.Task[T]) -> None:
        if self._calls.get(key) is task:
            del self._calls[key]
        if not task.cancelled():
            task.exception()  # retrieved: no "exception was never retrieved" when all left
