"""Prometheus metrics of the partners: calls, their latency, and the raw cache."""

from __future__ import annotations

from typing import Any

from prometheus_client import Counter, Gauge, Histogram

__all__ = [
    "BREAKER_STATE",
    "BREAKER_STATES",
    "CACHE_READS",
    "UPSTREAM_CALLS",
    "UPSTREAM_SECONDS",
    "cache_read",
]

UPSTREAM_CALLS = Counter(
    "hub_upstream_calls_total",
    "HTTP calls to partners, by source, endpoint and status ('error' when none came back).",
    ["source", "endpoint", "status"],
)
UPSTREAM_SECONDS = Histogram(
    "hub_upstream_call_seconds",
    "Duration of one HTTP call to a partner (one attempt).",
    ["source", "endpoint"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
CACHE_READS = Counter(
    "hub_upstream_cache_reads_total",
    "Raw-response cache reads by endpoint: hit (fresh), miss, stale (served on error).",
    ["endpoint", "result"],
)
_CACHE_SERIES: dict[tuple[str, str], Any] = {}


def cache_read(endpoint: str, result: str) -> None:
    """Counts one raw-cache read. Its series kept (as few as the endpoints × 3): ``labels()``
    checks its values and takes a lock on every call, a few µs per read, five reads a warm
    company sheet."""
    series = _CACHE_SERIES.get((endpoint, result))
    if series is None:
        series = _CACHE_SERIES[(endpoint, result)] = CACHE_READS.labels(endpoint, result)
    series.inc()


BREAKER_STATES = {"closed": 0, "half_open": 1, "open": 2}
"""The breaker states as ``BREAKER_STATE`` values."""
BREAKER_STATE = Gauge(
    "hub_upstream_breaker_state",
    "Circuit breaker of a partner source (a family of its endpoints): 0 closed, 1 half-open, "
    "2 open. A source appears once it has been called.",
    ["source"],
)
