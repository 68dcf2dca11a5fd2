"""The measured phases: the floor interleaved with cold requests, then the warm gateway
(sequential latency, then throughput)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import httpx
import redis.asyncio as redis

from bench.environment import process_cpu_seconds
from bench.measure import run_closed_loop, summarize
from bench.scenarios import SheetClient, UpstreamFloor, upstream_paths

__all__ = [
    "Tally", "cold_and_floor", "floor_only", "redis_problem", "upstream_calls", "warm", "warm_with"
]  # fmt: skip

Sample = Callable[[], Awaitable[tuple[float, str | None]]]


class Tally:
    """Latencies of correct answers; failures counted by reason."""

    def __init__(self) -> None:
        self.seconds: list[float] = []
        self.failures: Counter[str] = Counter()

    async def take(self, sample: Sample) -> None:
        try:
            seconds, failure = await sample()
        except Exception as exc:  # noqa: BLE001 - a transport error is a failed sample
            self.failures[f"client: {type(exc).__name__}"] += 1
            return
        if failure is None:
            self.seconds.append(seconds)
        else:
            self.failures[failure] += 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "latency_ms": summarize(self.seconds).as_dict(),
            "failed": sum(self.failures.values()),
            "failure_reasons": dict(self.failures.most_common(10)),
        }


async def upstream_calls(sandbox_url: str) -> int:
    async with httpx.AsyncClient() as client:
        return int((await client.get(f"{sandbox_url}/_sandbox/stats")).json()["total"])


async def redis_problem(url: str) -> str | None:
    """Why Redis cannot serve the cold phase, or None when it answers."""
    client = redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        await client.ping()
    except Exception as exc:  # noqa: BLE001
        return f"Redis unreachable at {url}: {type(exc).__name__}: {exc}"
    finally:
        await client.aclose()
    return None


async def floor_only(sandbox_url: str, *, samples: int, warmup: int) -> Tally:
    floor = Tally()
    async with UpstreamFloor(sandbox_url) as upstream:
        for _ in range(warmup):
            await upstream.sample()
        for _ in range(samples):
            await floor.take(upstream.sample)
    return floor


async def cold_and_floor(
    sandbox_url: str, gateway_url: str, token: str, redis_url: str, *, samples: int, warmup: int
) -> tuple[Tally, Tally, dict[str, Any]]:
    """(floor, cold, evidence). Samples alternate, floor then cold, so that drift on the
    machine weighs on both alike; db 15 is flushed (untimed) before every cold request."""
    floor, cold = Tally(), Tally()
    cache = redis.from_url(redis_url)
    connector = aiohttp.TCPConnector(limit=4)
    try:
        async with (
            UpstreamFloor(sandbox_url) as upstream,
            aiohttp.ClientSession(connector=connector) as session,
        ):
            sheet = SheetClient(session, gateway_url, token)
            await cache.flushdb()
            await sheet.request()
            keys_after_one = int(await cache.dbsize())
            for _ in range(warmup):
                await upstream.sample()
                await cache.flushdb()
                await sheet.request()
            before = await upstream_calls(sandbox_url)
            for _ in range(samples):
                await floor.take(upstream.sample)
                await cache.flushdb()
                await cold.take(sheet.request)
            gateway_calls = (
                await upstream_calls(sandbox_url) - before - samples * len(upstream_paths())
            )
    finally:
        await cache.aclose()
    evidence = {
        "redis_keys_after_one_request": keys_after_one,
        "upstream_calls_per_request": round(gateway_calls / samples, 2) if samples else None,
        "expected_upstream_calls_per_request": len(upstream_paths()),
    }
    return floor, cold, evidence


async def warm(
    sandbox_url: str,
    gateway_url: str,
    token: str,
    *,
    gateway_pid: int,
    samples: int,
    warmup: int,
    concurrency: int,
    duration: float,
) -> tuple[Tally, dict[str, Any], dict[str, Any]]:
    """(sequential latency, throughput, evidence) against the in-memory-cache gateway."""
    return await warm_with(
        lambda session: SheetClient(session, gateway_url, token).request,
        sandbox_url,
        gateway_pid=gateway_pid,
        samples=samples,
        warmup=warmup,
        concurrency=concurrency,
        duration=duration,
    )


async def warm_with(
    client: Callable[[aiohttp.ClientSession], Sample],
    sandbox_url: str,
    *,
    gateway_pid: int,
    samples: int,
    warmup: int,
    concurrency: int,
    duration: float,
) -> tuple[Tally, dict[str, Any], dict[str, Any]]:
    """(sequential latency, throughput, evidence) of one scenario's request against a warm
    gateway; ``client`` makes the (checking) request function over the phase's session.
    ``concurrency=0`` skips the throughput run."""
    latency = Tally()
    connector = aiohttp.TCPConnector(limit=max(concurrency, 1))
    async with aiohttp.ClientSession(connector=connector) as session:
        request = client(session)
        for _ in range(warmup):
            await request()
        if concurrency:
            await run_closed_loop(request, concurrency=concurrency, duration=1.0)
        before = await upstream_calls(sandbox_url)
        for _ in range(samples):
            await latency.take(request)
        if not concurrency:
            calls = await upstream_calls(sandbox_url) - before
            return latency, {}, {"upstream_calls_while_measuring": calls}
        cpu_before = process_cpu_seconds(gateway_pid)
        throughput = await run_closed_loop(request, concurrency=concurrency, duration=duration)
        cpu = process_cpu_seconds(gateway_pid) - cpu_before
        calls = await upstream_calls(sandbox_url) - before
    load = throughput.as_dict()
    answered = throughput.ok + throughput.failed
    load["gateway_cpu_ms_per_request"] = round(cpu * 1000 / answered, 2) if answered else None
    load["gateway_cpu_share"] = round(cpu / throughput.elapsed, 2)
    return latency, load, {"upstream_calls_while_measuring": calls}
