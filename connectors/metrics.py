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
    "labelled",
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
_series: dict[tuple[object, ...], Any] = {}


def labelled(metric: Counter | Gauge | Histogram, *values: str) -> Any:
    """``metric.labels(*values)``, kept: ``labels()`` checks its values and takes a lock on
    every call, a few microseconds on a hot path (a warm company sheet's five cache reads).
    Only for label sets bounded by the code, never by what a client sends."""
    key = (metric, *values)
    series = _series.get(key)
    if series is None:
        series = _series[key] = metric.labels(*values)
    return series


def cache_read(endpoint: str, result: str) -> None:
    """Counts one raw-cache read (the endpoints × 3 results: a bounded set)."""
    labelled(CACHE_READS, endpoint, result).inc()


BREAKER_STATES = {"closed": 0, "half_open": 1, "open": 2}
"""The breaker states as ``BREAKER_STATE`` values."""
BREAKER_STATE = Gauge(
    "hub_upstream_breaker_state",
    "Circuit breaker of a partner source (a family of its endpoints): 0 closed, 1 half-open, "
    "2 open. A source appears once it has been called.",
    ["source"],
)
