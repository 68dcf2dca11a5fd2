"""Public answers kept whole: the bytes of an anonymous request's answer, handed out again to
the next anonymous request of the same operation with the same variables, while every
partner record it was made of is still fresh.

An answer is kept only when all of these hold:

- its plan is made only of fields whose value is their object's, their arguments' and the
  cached partner records' they read (``tiered(..., reads_only=True)``, plain data,
  ``__typename``), all the way down: no clock, no hub database, no viewer but its tier
  (``Plan.whole``, decided when the plan is made);
- it is a request without a token (``ANONYMOUS``: public data, the same for everyone);
- every read was served from a fresh cached copy (``connectors.freshness``): a partner call,
  an expired copy or a shared flight leaves it unkept, and the next request, which finds the
  copy that read refreshed, keeps it;
- the answer has no error, no warning and no audit event to write (the plan answers only
  what graphql-core answers without an error; the rest is checked by the caller).

It is handed out until the first of its records stops being fresh (counted from the start
of the request that made it), at most ``KEPT_WHOLE_MAX_S`` (a bound on what an ill-declared
field could cost), and never once a cached copy was dropped before its time
(``connectors.freshness.cache_epoch``)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from connectors.freshness import ReadFreshness, cache_epoch

__all__ = ["KEPT_WHOLE", "KEPT_WHOLE_MAX_S", "Started", "WholeAnswers", "WholeKey"]

KEPT_WHOLE = 4096
"""Answers kept whole; past it the oldest kept is dropped."""

KEPT_WHOLE_MAX_S = 60.0
"""The longest an answer is kept whole, however long its records stay fresh."""

WholeKey = tuple[str, str | None, bytes]
"""(query, operation name, the variables as canonical JSON)."""


@dataclass(frozen=True, slots=True)
class _Kept:
    body: bytes
    until: float
    epoch: int


@dataclass(frozen=True, slots=True)
class Started:
    """A request whose answer may be kept: its key, when it began, the cache's epoch then."""

    key: WholeKey
    at: float
    epoch: int


class WholeAnswers:
    def __init__(self, *, clock: Callable[[], float] = time.time, size: int = KEPT_WHOLE) -> None:
        self._clock = clock
        self._size = size
        self._kept: dict[WholeKey, _Kept] = {}

    @staticmethod
    def key(
        query: str, operation_name: str | None, raw_variables: Mapping[str, Any] | None
    ) -> WholeKey | None:
        """The key of a request's answer; None when its variables have no canonical JSON."""
        if not raw_variables:
            return query, operation_name, b""
        try:
            return query, operation_name, orjson.dumps(raw_variables, option=orjson.OPT_SORT_KEYS)
        except (orjson.JSONEncodeError, TypeError):
            return None

    def get(self, key: WholeKey) -> bytes | None:
        """The kept answer's bytes, while all it was made of is fresh; else None."""
        kept = self._kept.get(key)
        if kept is None:
            return None
        if kept.until <= self._clock() or kept.epoch != cache_epoch():
            self._kept.pop(key, None)
            return None
        return kept.body

    def start(
        self, query: str, operation_name: str | None, raw_variables: Mapping[str, Any] | None
    ) -> Started | None:
        """Called before the request's first read: what ``keep`` counts from; None when the
        request has no key."""
        key = self.key(query, operation_name, raw_variables)
        return None if key is None else Started(key, self._clock(), cache_epoch())

    def keep(self, started: Started, body: bytes, freshness: ReadFreshness) -> None:
        """Keeps ``body`` when every read behind it was a fresh cached copy (``freshness``)
        and no copy was dropped early since the request began."""
        until = started.at + min(freshness.fresh_for, KEPT_WHOLE_MAX_S)
        if not freshness.settled or until <= self._clock() or started.epoch != cache_epoch():
            return
        if started.key not in self._kept and len(self._kept) >= self._size:
            del self._kept[next(iter(self._kept))]  # the oldest kept
        self._kept[started.key] = _Kept(body, until, started.epoch)
