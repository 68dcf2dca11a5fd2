"""Answers kept in memory for a while, per key, fetched from the database when missing.

What the caches of this package (the directory, the company facts) have in common. A read
that was under way when something was dropped is given to its caller but not kept: it may
have read the row before the write that caused the drop, and kept, that stale answer would
be served until its time ran out."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Generic, TypeVar

from cachetools import TTLCache

__all__ = ["TTLLookup"]

V = TypeVar("V")


class TTLLookup(Generic[V]):
    """``fetch``'s answers, kept per key ``ttl`` seconds at most (``size`` keys at most)."""

    def __init__(
        self,
        fetch: Callable[[Sequence[str]], Awaitable[Mapping[str, V]]],
        *,
        ttl: float,
        size: int,
    ) -> None:
        self._fetch = fetch
        self._entries: TTLCache[str, V] = TTLCache(maxsize=size, ttl=ttl)
        self._drops = 0
        """Counts the drops: a fetch is kept only if none happened while it ran."""

    async def get(self, keys: Sequence[str], *, fresh: bool = False) -> dict[str, V]:
        """The keys found (a key ``fetch`` does not answer is absent). ``fresh``: every key
        is fetched, nothing kept is served and nothing fetched is kept (the caller cannot
        trust what is kept right now)."""
        if fresh:
            return dict(await self._fetch(keys))
        found: dict[str, V] = {}
        missing: list[str] = []
        for key in keys:
            try:
                found[key] = self._entries[key]
            except KeyError:  # never kept, or its time ran out
                missing.append(key)
        if missing:
            drops = self._drops
            fetched = await self._fetch(missing)
            if drops == self._drops:
                self._entries.update(fetched)
            found.update(fetched)
        return found

    def kept(self, key: str) -> V | None:
        """What is kept for ``key`` and still in its time, without an await; None when
        nothing is (``get`` fetches it)."""
        try:
            return self._entries[key]  # one lookup (``get`` asks ``in``, then reads)
        except KeyError:
            return None

    def forget(self, keys: Sequence[str]) -> None:
        """Drops these keys now; a fetch under way is not kept."""
        if not keys:
            return
        self._drops += 1
        for key in keys:
            self._entries.pop(key, None)

    def clear(self) -> None:
        """Drops every key now; a fetch under way is not kept."""
        self._drops += 1
        self._entries.clear()
