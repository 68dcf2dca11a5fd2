"""The series counted on the event loop are exposed exactly as ``prometheus_client``'s own
counter and histogram would expose the same observations (no ``_created`` sample)."""

from __future__ import annotations

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest

from gateway.loop_metrics import LoopCounter, LoopHistogram

BUCKETS = (0.001, 0.01, 1.0)


def _lines(registry: CollectorRegistry, prefix: str) -> set[str]:
    text = generate_latest(registry).decode()
    return {
        line.replace(prefix, "")
        for line in text.splitlines()
        if prefix in line and "_created" not in line
    }


def test_a_loop_histogram_and_counter_expose_what_prometheus_client_would() -> None:
    reference = CollectorRegistry()
    histogram = Histogram("ref_seconds", "d", ["route"], buckets=BUCKETS, registry=reference)
    counter = Counter("ref_total", "d", ["route", "status"], registry=reference)
    loop_histogram = LoopHistogram("loop_test_seconds", "d", "route", BUCKETS)
    loop_counter = LoopCounter("loop_test_total", "d", ["route", "status"])
    for seconds in (0.0005, 0.001, 0.005, 0.5, 2.0):  # a bound counts what equals it
        histogram.labels("/graphql").observe(seconds)
        loop_histogram.observe("/graphql", seconds)
    for status in ("200", "200", "404"):
        counter.labels("/graphql", status).inc()
        loop_counter.inc("/graphql", status)

    try:
        assert _lines(REGISTRY, "loop_test_") == _lines(reference, "ref_")
    finally:
        REGISTRY.unregister(loop_histogram)
        REGISTRY.unregister(loop_counter)
