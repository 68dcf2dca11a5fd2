"""When to try a failed e-mail again: exponential backoff with full jitter, bounded.

With the defaults the ceilings are 30 s, 1 min, 2 min, … 32 min, then 1 h; after
``MAX_ATTEMPTS`` attempts the worst-case wait adds up to about 5 h (2.5 h on average),
long enough to ride out an SMTP outage or an operator fixing its configuration."""

from __future__ import annotations

import math
import random
from collections.abc import Callable

__all__ = ["MAX_ATTEMPTS", "next_attempt_delay"]

MAX_ATTEMPTS = 12
"""Attempts (the first send included) before a message is given up."""

_MAX_DOUBLINGS = 64


def next_attempt_delay(
    attempts: int,
    *,
    base: float = 30,
    cap: float = 3600,
    jitter: Callable[[], float] = random.random,
) -> float:
    """Seconds to wait after ``attempts`` failed attempts (1 after the first failure):
    uniform in ``[0, min(cap, base * 2 ** (attempts - 1))]`` ("full jitter"), with
    ``jitter()`` drawing the fraction in ``[0, 1]``."""
    if attempts < 1:
        raise ValueError(f"attempts counts failed attempts and starts at 1, got {attempts}")
    if not (math.isfinite(base) and math.isfinite(cap)) or base < 0 or cap < 0:
        raise ValueError("base and cap must be finite, non-negative numbers of seconds")
    fraction = jitter()
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"jitter() must return a fraction in [0, 1], got {fraction!r}")
    ceiling = min(cap, base * 2.0 ** min(attempts - 1, _MAX_DOUBLINGS))
    return fraction * ceiling
