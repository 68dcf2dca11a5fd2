"""How many calls the current request made to each partner, for its access line.

The gateway opens a tally per request (``tallying``); every attempt ``ResilientCaller`` sends
is counted in it (``count_call``). Tasks started by the request share its tally (a context
variable copied with the context); background jobs have none, and count nowhere."""

from __future__ import annotations

from contextvars import ContextVar

from connectors.freshness import note_unsettled

__all__ = ["count_call", "tallying"]

_tally: ContextVar[dict[str, int] | None] = ContextVar("upstream_tally", default=None)


def count_call(source: str) -> None:
    note_unsettled()  # what a call answers is not a cached copy's: not kept whole
    tally = _tally.get()
    if tally is not None:
        tally[source] = tally.get(source, 0) + 1


class tallying:
    """The calls made inside the block, by source (a class, not a generator: it is entered
    on every request; a dict, not a ``Counter``, whose ``__init__`` alone cost 2 µs)."""

    __slots__ = ("_tally", "_token")

    def __enter__(self) -> dict[str, int]:
        self._tally: dict[str, int] = {}
        self._token = _tally.set(self._tally)
        return self._tally

    def __exit__(self, *exc_info: object) -> None:
        _tally.reset(self._token)
