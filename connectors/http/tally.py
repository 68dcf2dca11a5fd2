"""How many calls the current request made to each partner, for its access line.

The gateway opens a tally per request (``tallying``); every attempt ``ResilientCaller`` sends
is counted in it (``count_call``). Tasks started by the request share its tally (a context
variable copied with the context); background jobs have none, and count nowhere."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["count_call", "tallying"]

_tally: ContextVar[Counter[str] | None] = ContextVar("upstream_tally", default=None)


def count_call(source: str) -> None:
    tally = _tally.get()
    if tally is not None:
        tally[source] += 1


@contextmanager
def tallying() -> Iterator[Counter[str]]:
    """The calls made inside the block, by source."""
    tally: Counter[str] = Counter()
    token = _tally.set(tally)
    try:
        yield tally
    finally:
        _tally.reset(token)
