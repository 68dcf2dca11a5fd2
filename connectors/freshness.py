"""How long what the current request read stays fresh: what an answer made of partner records
alone may be kept for (``gateway.execution.whole``).

The gateway opens a record per request that may be kept (``recording_freshness``). A fresh
copy ``CachedFetch`` hands out notes how long it stays fresh (``note_fresh_for``): the
answer is true no longer than the shortest of them, counted from the request's start. Anything else a read does — a partner call
(``ResilientCaller``), a copy that had expired, a read that waited for another's call —
makes the record unsettled (``note_unsettled``): such an answer is not kept, and the next
request, served from the copy that read refreshed, may be. Tasks started by the request share
its record (a context variable, copied with the context); outside a record, noting costs a
context variable's read.

``cache_epoch()`` counts the drops of cached copies before their time (``RawCache.delete``
and ``clear``): an answer kept in an earlier epoch is not handed out."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = [
    "ReadFreshness",
    "cache_epoch",
    "dropped_early",
    "note_fresh_for",
    "note_unsettled",
    "recording_freshness",
]


class ReadFreshness:
    """``fresh_for``: the seconds the first record read to expire still had when it was read
    (infinity when nothing was read); ``settled``: every read was served from a fresh cached
    copy."""

    __slots__ = ("fresh_for", "settled")

    def __init__(self) -> None:
        self.fresh_for = math.inf
        self.settled = True


_current: ContextVar[ReadFreshness | None] = ContextVar("read_freshness", default=None)
_epoch = [0]


def note_fresh_for(seconds: float) -> None:
    """A fresh cached copy was read; it stays fresh ``seconds`` more."""
    record = _current.get()
    if record is not None and seconds < record.fresh_for:
        record.fresh_for = seconds


def note_unsettled() -> None:
    """A read did not come from a fresh cached copy: what the request answers is not kept."""
    record = _current.get()
    if record is not None:
        record.settled = False


@contextmanager
def recording_freshness() -> Iterator[ReadFreshness]:
    """The freshness of what is read inside the block."""
    record = ReadFreshness()
    token = _current.set(record)
    try:
        yield record
    finally:
        _current.reset(token)


def cache_epoch() -> int:
    return _epoch[0]


def dropped_early() -> None:
    """Cached copies were dropped before their time: what was kept from them is not handed
    out again."""
    _epoch[0] += 1
