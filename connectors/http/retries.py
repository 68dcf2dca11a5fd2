"""When a call is tried again: bounded attempts inside one time budget, full-jitter
exponential backoff or the partner's ``Retry-After``, and idempotent calls only.

The control flow is tenacity's: attempts stop after ``max_retries`` retries, or before a wait
that would end past the budget (``stop_before_delay`` adds the coming wait to the time spent).
The caller makes the first attempt itself and hands a failed one to ``RetryPolicy.after``.
The wait is ours, so that it can read the failed answer (``Retry-After``) and draw its jitter
from an injected random generator; the sleep is injected too, so tests do not wait."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    stop_before_delay,
)

from connectors.errors import ConnectorError
from connectors.http.failures import RETRYABLE_STATUSES

__all__ = ["AttemptFailed", "Resilience", "RetryPolicy", "Sleep"]

Sleep = Callable[[float], Awaitable[None]]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Resilience:
    timeout: float = 5.0
    """Total budget of one call in seconds, retries and waits included."""
    max_retries: int = 2
    attempt_timeout: float | None = None
    """Budget of one attempt, so that a hung partner leaves time for another; None: half
    of ``timeout``."""
    breaker_threshold: int = 5
    """Failures in a row that open a source's breaker."""
    breaker_reset_seconds: float = 30.0
    """The longest a breaker stays open (its window doubles from ``breaker_open_base``)."""
    breaker_open_base: float = 1.0
    """The first open window, in seconds; each failed probe doubles it."""
    backoff_base: float = 0.2
    """The first retry waits up to this many seconds (full jitter), doubling each attempt."""
    backoff_max: float = 2.0

    @property
    def per_attempt(self) -> float:
        return self.attempt_timeout if self.attempt_timeout is not None else self.timeout / 2


class AttemptFailed(Exception):
    """One attempt that got no usable answer: the typed ``error`` to raise if it is the last,
    and what decides whether another attempt is worth it."""

    def __init__(
        self, error: ConnectorError, call: str, status: int | None, retry_after: float | None
    ) -> None:
        super().__init__(error.message)
        self.error = error
        self.call = call
        self.status = status
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        """No answer (timeout, connection error) or a status worth another attempt."""
        return self.status is None or self.status in RETRYABLE_STATUSES


def _is_retryable(exc: BaseException) -> bool:
    return isinstance(exc, AttemptFailed) and exc.retryable


class RetryPolicy:
    """Makes the retry controller of each call; ``on_retry(failure, delay)`` is told before
    each wait."""

    def __init__(
        self,
        resilience: Resilience,
        *,
        on_retry: Callable[[AttemptFailed, float], None],
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self._resilience = resilience
        self._on_retry = on_retry
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._retryable = retry_if_exception(_is_retryable)

    async def after(
        self, first: AttemptFailed, budget: float, attempt: Callable[[int], Awaitable[T]]
    ) -> T:
        """The attempts that follow a failed first one, ``attempt(n)`` making attempt ``n``
        (counted from 0) within ``budget`` seconds; raises the last ``AttemptFailed``.

        The first attempt runs outside the controller, so the call that answers at once (nearly
        all of them) pays nothing for it (a controller costs ~50 µs of CPU: tenacity keeps a
        call's state on it). Here ``first`` is replayed as the controller's first outcome: its
        waits, stops and attempt numbers are tenacity's, as if it had run the first attempt."""
        retrying = AsyncRetrying(
            stop=stop_after_attempt(1 + self._resilience.max_retries) | stop_before_delay(budget),
            wait=self._wait,
            retry=self._retryable,
            sleep=self._sleep,
            before_sleep=self._before_sleep,
            reraise=True,
        )
        async for trial in retrying:
            with trial:
                number = trial.retry_state.attempt_number - 1
                if number == 0:
                    raise first
                result = await attempt(number)
        return result

    def backoff(self, retry: int) -> float:
        """Full jitter: uniform in [0, min(max, base × 2^retry)], ``retry`` counting from 0."""
        ceiling = min(self._resilience.backoff_max, self._resilience.backoff_base * 2**retry)
        return self._rng.uniform(0, ceiling)

    def _wait(self, state: RetryCallState) -> float:
        failed = state.outcome.exception() if state.outcome is not None else None
        if isinstance(failed, AttemptFailed) and failed.retry_after is not None:
            return failed.retry_after
        return self.backoff(state.attempt_number - 1)

    def _before_sleep(self, state: RetryCallState) -> None:
        failed = state.outcome.exception() if state.outcome is not None else None
        if isinstance(failed, AttemptFailed):
            self._on_retry(failed, state.upcoming_sleep)
