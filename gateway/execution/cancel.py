"""Pending work that graphql-core, or a compiled plan, may drop before it started.

When a non-null field fails, graphql-core 3.3 (``gather_with_cancel``) cancels the tasks of
its pending siblings, and a compiled plan (``gateway.execution.plan``) gives up its pending
fields when it hands the request to graphql-core. A task cancelled before its first step
throws into a coroutine that never ran, and a coroutine given up unstarted is closed: the
coroutines it was given (a resolver's, Strawberry's ``_async_resolver``; a list item's
completion, which holds its fields') are dropped unawaited and Python warns ``coroutine ...
was never awaited`` (an error under our pytest settings). graphql-core gives no hook there,
so the work is wrapped in ``Cancellable``: an asyncio task runs it as it would run the
coroutine, and when it is thrown into or closed before it started, the unstarted coroutines
among its arguments are closed first (``tests/gateway/test_executor.py`` reproduces it)."""

from __future__ import annotations

import inspect
from collections.abc import Coroutine, Generator, Iterator
from typing import Any

__all__ = ["Cancellable", "cancellable", "close_unstarted"]


def cancellable(value: Any) -> Any:
    if inspect.iscoroutine(value):
        return Cancellable(value)
    return value


class Cancellable(Coroutine[Any, Any, Any]):
    """A field's or a list item's pending work, closed with what it holds if dropped unstarted."""

    __slots__ = ("_coroutine",)

    def __init__(self, coroutine: Coroutine[Any, Any, Any]) -> None:
        self._coroutine = coroutine

    def __await__(self) -> Generator[Any, None, Any]:
        return self._coroutine.__await__()

    def send(self, value: Any) -> Any:
        return self._coroutine.send(value)

    def throw(self, *exception: Any) -> Any:
        close_unstarted(self._coroutine)
        return self._coroutine.throw(*exception)

    def close(self) -> None:
        close_unstarted(self._coroutine)
        self._coroutine.close()


def close_unstarted(awaitable: Any) -> None:
    """Close a coroutine that never ran, and first those it was given (also unstarted)."""
    if isinstance(awaitable, Cancellable):
        awaitable = awaitable._coroutine
    if not inspect.iscoroutine(awaitable):
        return
    frame = awaitable.cr_frame
    if frame is None or inspect.getcoroutinestate(awaitable) != inspect.CORO_CREATED:
        return
    # An unstarted coroutine's frame holds its arguments and its closure's variables only:
    # graphql-core's pending values, alone or in the dict or list that gathers them; a
    # plan's, in a list of (key, pending) pairs.
    for value in frame.f_locals.values():
        for inner in _held(value):
            close_unstarted(inner)
    awaitable.close()


def _held(value: Any) -> Iterator[Any]:
    """``value``, and what a dict, a list or a tuple holds, pairs in a list included."""
    yield value
    kind = type(value)
    if kind is dict:
        yield from value.values()
    elif kind in (list, tuple):
        for item in value:
            yield item
            if type(item) is tuple:
                yield from item
