"""A circuit breaker per partner source: opens after ``threshold`` failures in a row, fails
fast while open, then lets ONE call through as a probe (the others still fail fast) whose
outcome closes or reopens it.

The open window adapts: ``base_s`` the first time, doubling each time a probe fails, up to
``max_s``; a success starts again from ``base_s``. A partner that blinks is retried within a
second, one that stays down is not hammered, and one that is back is used again at the next
probe instead of a fixed half-minute later."""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import StrEnum

__all__ = ["Breaker", "BreakerState"]


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


OnChange = Callable[[BreakerState], None]


class Breaker:
    """``admit()`` before a call; then exactly one of ``succeeded()`` (the partner answered,
    whatever it said), ``failed()`` (the partner is unwell) or ``abandoned()`` (no verdict:
    the call was cancelled)."""

    def __init__(
        self,
        *,
        threshold: int,
        base_s: float,
        max_s: float,
        clock: Callable[[], float] = time.monotonic,
        on_change: OnChange | None = None,
    ) -> None:
        self._threshold = max(1, threshold)
        self._base_s = min(base_s, max_s)
        self._max_s = max_s
        self._clock = clock
        self._on_change = on_change
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._opens = 0
        self._until = 0.0

    @property
    def state(self) -> BreakerState:
        """What the breaker would do now (an open breaker whose window ended reads
        half-open: the next call is the probe)."""
        if self._state is BreakerState.OPEN and self._clock() >= self._until:
            return BreakerState.HALF_OPEN
        return self._state

    @property
    def window_s(self) -> float:
        """How long the breaker stays open after its next opening."""
        return min(self._max_s, self._base_s * 2.0**self._opens)

    def admit(self) -> bool:
        """True: make the call (closed, or the one probe). False: fail fast."""
        if self._state is BreakerState.CLOSED:
            return True
        if self._state is BreakerState.HALF_OPEN:  # a probe is out: wait for its outcome
            return False
        if self._clock() < self._until:
            return False
        self._change(BreakerState.HALF_OPEN)
        return True

    def succeeded(self) -> None:
        self._failures = 0
        self._opens = 0
        if self._state is not BreakerState.CLOSED:
            self._change(BreakerState.CLOSED)

    def failed(self) -> None:
        if self._state is BreakerState.OPEN:
            return  # a call sent before it opened: the window stands as it is
        if self._state is BreakerState.CLOSED:
            self._failures += 1
            if self._failures < self._threshold:
                return
        self._until = self._clock() + self.window_s
        self._opens += 1
        self._failures = 0
        self._change(BreakerState.OPEN)

    def abandoned(self) -> None:
        """A probe that ended without a verdict: the next call probes again."""
        if self._state is BreakerState.HALF_OPEN:
            self._until = self._clock()
            self._change(BreakerState.OPEN)

    def _change(self, state: BreakerState) -> None:
        self._state = state
        if self._on_change is not None:
            self._on_change(state)
