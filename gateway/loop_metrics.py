"""Counters and histograms counted by the event loop's thread, as plain numbers, and turned
into Prometheus families only when ``/metrics`` is read (a ``prometheus_client`` collector).

Every request is counted three times (``hub_http_requests_total``,
``hub_http_request_seconds``, ``hub_graphql_operation_seconds``): ``prometheus_client``'s
own counter and histogram take a lock per increment and walk the buckets in Python (five
locked increments, about 5 µs of an answer kept whole, a twentieth of it). Here an
observation is a bisection and three additions. What is written is the same exposition:
the same names, labels, buckets (cumulative, ``+Inf``), ``_count`` and ``_sum``; no
``_created`` sample. Only the loop's thread counts (the request pipeline); a scrape reads a
copy."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Sequence

from prometheus_client import REGISTRY
from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector
from prometheus_client.utils import floatToGoString

__all__ = ["LoopCounter", "LoopHistogram"]


class LoopCounter(Collector):
    def __init__(self, name: str, documentation: str, labels: Sequence[str]) -> None:
        self._name = name
        self._documentation = documentation
        self._labels = list(labels)
        self._counts: dict[tuple[str, ...], float] = {}
        REGISTRY.register(self)

    def inc(self, *values: str) -> None:
        counts = self._counts
        counts[values] = counts.get(values, 0.0) + 1.0

    def collect(self) -> Iterator[Metric]:
        family = CounterMetricFamily(self._name, self._documentation, labels=self._labels)
        for values, count in list(self._counts.items()):
            family.add_metric(list(values), count)
        yield family


class LoopHistogram(Collector):
    def __init__(self, name: str, documentation: str, label: str, buckets: Sequence[float]) -> None:
        self._name = name
        self._documentation = documentation
        self._label = label
        self._bounds = list(buckets)
        self._series: dict[str, list[float]] = {}
        """label value → a count per bucket (the last: past every bound), then the sum."""
        REGISTRY.register(self)

    def observe(self, value: str, amount: float) -> None:
        series = self._series.get(value)
        if series is None:
            series = self._series[value] = [0.0] * (len(self._bounds) + 2)
        series[bisect_left(self._bounds, amount)] += 1.0  # le: a bound counts what equals it
        series[-1] += amount

    def collect(self) -> Iterator[Metric]:
        family = HistogramMetricFamily(self._name, self._documentation, labels=[self._label])
        for value, series in list(self._series.items()):
            counts, total = series[:-1], series[-1]
            buckets, seen = [], 0.0
            for bound, count in zip([*self._bounds, float("inf")], counts, strict=True):
                seen += count
                buckets.append((floatToGoString(bound), seen))  # type: ignore[no-untyped-call]
            family.add_metric([value], buckets, total)
        yield family
