"""Timing: latency samples and their percentiles, and closed-loop throughput."""

from __future__ import annotations

import asyncio
import math
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["Latency", "Throughput", "percentile", "run_closed_loop", "summarize"]

Attempt = Callable[[], Awaitable[tuple[float, str | None]]]
"""One request: (seconds it took, failure reason or None)."""


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0–100), linear between closest ranks (numpy's default)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True, slots=True)
class Latency:
    """Milliseconds."""

    n: int
    p50: float
    p90: float
    p99: float
    min: float
    max: float
    mean: float

    def as_dict(self) -> dict[str, Any]:
        return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in asdict(self).items()}


def summarize(seconds: Sequence[float]) -> Latency:
    ms = [s * 1000 for s in seconds]
    return Latency(
        n=len(ms),
        p50=percentile(ms, 50),
        p90=percentile(ms, 90),
        p99=percentile(ms, 99),
        min=min(ms, default=math.nan),
        max=max(ms, default=math.nan),
        mean=sum(ms) / len(ms) if ms else math.nan,
    )


@dataclass(slots=True)
class Throughput:
    concurrency: int
    elapsed: float
    ok: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list, repr=False)

    @property
    def failed(self) -> int:
        return sum(self.failures.values())

    @property
    def rate(self) -> float:
        """Correct answers per second."""
        return self.ok / self.elapsed if self.elapsed else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "concurrency": self.concurrency,
            "duration_s": round(self.elapsed, 3),
            "requests_ok": self.ok,
            "requests_failed": self.failed,
            "failure_reasons": dict(self.failures.most_common(10)),
            "req_per_s": round(self.rate, 1),
            "latency_ms": summarize(self.latencies).as_dict(),
        }


async def run_closed_loop(attempt: Attempt, *, concurrency: int, duration: float) -> Throughput:
    """``concurrency`` clients, each sending its next request when the last one answers, for
    ``duration`` seconds; a request in flight at the deadline still counts (elapsed is
    measured until the last one answers)."""
    started = time.perf_counter()
    deadline = started + duration
    result = Throughput(concurrency=concurrency, elapsed=0.0)

    async def client() -> None:
        while time.perf_counter() < deadline:
            try:
                seconds, failure = await attempt()
            except Exception as exc:  # noqa: BLE001 - a transport error is a failed request
                result.failures[f"client: {type(exc).__name__}"] += 1
                continue
            result.latencies.append(seconds)
            if failure is None:
                result.ok += 1
            else:
                result.failures[failure] += 1

    await asyncio.gather(*(client() for _ in range(concurrency)))
    result.elapsed = time.perf_counter() - started
    return result
