"""The one place where a partner's answer (or its absence) becomes a typed connector error."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from connectors.errors import (
    ConnectorError,
    NotFound,
    RateLimited,
    UpstreamRefused,
    UpstreamUnavailable,
)

__all__ = [
    "RETRYABLE_STATUSES",
    "RETRY_AFTER_STATUSES",
    "Summarise",
    "failure_for",
    "parse_retry_after",
    "status_line",
]

RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
"""Statuses worth another attempt; ``None`` (timeout, connection error) is retryable too."""

RETRY_AFTER_STATUSES = frozenset({429})
"""Statuses whose ``Retry-After`` header replaces the backoff (a 503's is not read: the
partners send it on 429 only, and a 503 keeps its jittered backoff as it always had)."""

Summarise = Callable[[httpx.Response], str]
"""What an error answer says, in a few words fit for a log and an error message: never a
credential, never the request."""


def status_line(response: httpx.Response) -> str:
    """The default summary of an error answer: ``"HTTP 503"``."""
    return f"HTTP {response.status_code}"


def failure_for(
    source: str,
    status: int | None,
    *,
    reason: str,
    retry_after: float | None = None,
) -> ConnectorError:
    """404 → NotFound; 429 → RateLimited; other 4xx → UpstreamRefused; 5xx, no response
    (timeout, connection error) or an open breaker (``status=None``) → UpstreamUnavailable.

    ``reason`` must never contain credentials: callers pass the upstream error title/code or
    an exception class name, never a request or its headers."""
    if status == 404:
        return NotFound(source, f"{source}: not found ({reason})")
    if status == 429:
        return RateLimited(source, f"{source}: rate limited ({reason})", retry_after)
    if status is not None and 400 <= status < 500:
        return UpstreamRefused(source, f"{source}: refused the call, HTTP {status} ({reason})")
    if status is None:
        return UpstreamUnavailable(source, f"{source}: unavailable ({reason})")
    return UpstreamUnavailable(source, f"{source}: unavailable, HTTP {status} ({reason})")


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds form); None when absent/unreadable."""
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return max(seconds, 0.0)
