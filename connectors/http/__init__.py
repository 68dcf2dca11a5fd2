"""The one way to call a partner over HTTP, shared by every partner connector.

``ResilientCaller`` sends a call (time budget, a shorter one per attempt, retries for
idempotent calls, ``Retry-After``, a circuit breaker per source with one half-open probe and
an adaptive open window (``breaker.py``; ``breaker_states()`` for metrics), a partner's quota hook and error-body summariser, metrics and
logs); ``CachedFetch`` reads a raw payload through the shared cache (single flight,
stale-if-error, remembered not-found, the outcome for the audit trail). A partner's module
says only what is its own: paths, parameters, credentials, headers, parsing.
"""

from __future__ import annotations

from connectors.http.breaker import Breaker, BreakerState
from connectors.http.cached import CachedFetch, Fetch, Outcome, Report
from connectors.http.caller import ResilientCaller
from connectors.http.failures import (
    RETRY_AFTER_STATUSES,
    RETRYABLE_STATUSES,
    Summarise,
    failure_for,
    parse_retry_after,
    status_line,
)
from connectors.http.logs import LogNames
from connectors.http.quota import NoQuota, Quota
from connectors.http.retries import Resilience, Sleep
from connectors.http.singleflight import SingleFlight
from connectors.http.tally import count_call, tallying

__all__ = [
    "RETRYABLE_STATUSES",
    "RETRY_AFTER_STATUSES",
    "Breaker",
    "BreakerState",
    "CachedFetch",
    "Fetch",
    "LogNames",
    "NoQuota",
    "Outcome",
    "Quota",
    "Report",
    "Resilience",
    "ResilientCaller",
    "SingleFlight",
    "Sleep",
    "Summarise",
    "count_call",
    "failure_for",
    "parse_retry_after",
    "status_line",
    "tallying",
]
