"""The one place where an upstream outcome becomes a typed connector error."""

from __future__ import annotations

from typing import Any

from connectors.errors import (
    ConnectorError,
    NotFound,
    RateLimited,
    UpstreamRefused,
    UpstreamUnavailable,
)

__all__ = ["RETRYABLE_STATUSES", "failure_for", "upstream_error_summary"]

RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
"""Statuses worth another attempt; ``None`` (timeout, connection error) is retryable too."""


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


def upstream_error_summary(body: Any) -> str:
    """``"04003 Entité non trouvée"`` from ``{"errors": [{"code", "title", "detail"}]}``."""
    if isinstance(body, dict):
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            first = errors[0]
            parts = [str(first[key]) for key in ("code", "title") if first.get(key)]
            if parts:
                return " ".join(parts)
    return "no error body"
