"""The typed failures every connector raises: resolvers never see an httpx exception."""

from __future__ import annotations

__all__ = [
    "ConnectorError",
    "NotFound",
    "RateLimited",
    "UpstreamRefused",
    "UpstreamUnavailable",
]


class ConnectorError(Exception):
    """A data source could not give what was asked. ``source`` names it (e.g. ``"insee"``)."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(message)
        self.source = source
        self.message = message


class NotFound(ConnectorError):
    """The source answered that the record does not exist (HTTP 404)."""


class UpstreamUnavailable(ConnectorError):
    """The source is down, timed out, answered 5xx, or its circuit breaker is open."""


class RateLimited(ConnectorError):
    """The source refused the call for quota reasons (HTTP 429) and retries ran out."""

    def __init__(self, source: str, message: str, retry_after: float | None = None) -> None:
        super().__init__(source, message)
        self.retry_after = retry_after


class UpstreamRefused(ConnectorError):
    """The source refused the call itself (401, 403, 422): a configuration or parameter fault
    on our side, logged and reported as unavailable, never retried."""
