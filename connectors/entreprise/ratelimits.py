"""What API Entreprise tells us of our quota, per endpoint (``RateLimit-*`` headers): the
``Quota`` the shared caller consults before each call and tells of each answer."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

import structlog

__all__ = ["RateLimits"]

_log = structlog.get_logger(__name__)

_EPOCH_THRESHOLD = 1_000_000_000
"""A ``RateLimit-Reset`` above this is a Unix timestamp, below it a number of seconds."""


class RateLimits:
    """Remembers, per endpoint, until when no call may be made (quota spent or 429)
    (a ``connectors.http.Quota``)."""

    def __init__(
        self,
        *,
        low_watermark: int,
        monotonic: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._low_watermark = low_watermark
        self._monotonic = monotonic
        self._wall_clock = wall_clock
        self._blocked_until: dict[str, float] = {}

    def wait_needed(self, endpoint: str) -> float:
        """Seconds before ``endpoint`` may be called again (0 when it may be called now)."""
        until = self._blocked_until.get(endpoint)
        if until is None:
            return 0.0
        remaining = until - self._monotonic()
        if remaining <= 0:
            del self._blocked_until[endpoint]
            return 0.0
        return remaining

    def block(self, endpoint: str, seconds: float) -> None:
        until = self._monotonic() + seconds
        self._blocked_until[endpoint] = max(until, self._blocked_until.get(endpoint, until))

    def record(self, endpoint: str, headers: Mapping[str, str]) -> None:
        remaining = _int(headers.get("ratelimit-remaining"))
        if remaining is None:
            return
        limit = _int(headers.get("ratelimit-limit"))
        reset_in = self._seconds_until_reset(headers.get("ratelimit-reset"))
        if remaining <= self._low_watermark:
            _log.warning(
                "entreprise.rate_limit_low",
                endpoint=endpoint,
                remaining=remaining,
                limit=limit,
                reset_in=reset_in,
            )
        if remaining <= 0 and reset_in is not None and reset_in > 0:
            self.block(endpoint, reset_in)

    def _seconds_until_reset(self, value: str | None) -> float | None:
        reset = _int(value)
        if reset is None:
            return None
        if reset > _EPOCH_THRESHOLD:
            return max(reset - self._wall_clock(), 0.0)
        return float(max(reset, 0))


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(float(value.strip()))
    except ValueError:
        return None
