"""The hook through which a partner's quota rules plug into the resilient caller.

A partner that tells its quota in its answers (API Entreprise's ``RateLimit-*`` headers) gives
the caller a ``Quota``: it may refuse a call before it goes out, it reads the headers of every
answer, and it remembers a 429 the retries could not outwait."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

__all__ = ["NoQuota", "Quota"]


class Quota(Protocol):
    """Per call name (e.g. an endpoint): whether it may go out, and what the answers said."""

    def wait_needed(self, call: str) -> float:
        """Seconds before ``call`` may go out again; 0 lets it go now, more refuses it
        (``RateLimited`` with that ``retry_after``) without a request."""
        ...

    def record(self, call: str, headers: Mapping[str, str]) -> None:
        """Read the headers of every answer, error answers included."""
        ...

    def block(self, call: str, seconds: float) -> None:
        """The call gave up on a 429 asking to wait ``seconds``: refuse it until then."""
        ...


class NoQuota:
    """A partner that says nothing of its quota: every call may go out."""

    def wait_needed(self, call: str) -> float:
        return 0.0

    def record(self, call: str, headers: Mapping[str, str]) -> None:
        return None

    def block(self, call: str, seconds: float) -> None:
        return None
