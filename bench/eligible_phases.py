"""The phases of the eligible-schemes scenario (``bench/eligible_scenario.py``): the floor
and cold pairs, the first evaluations, a fully cold sample and the warm phase, each checking
its answers and counting what the gateway asked of its sources (``bench/eligible.py``: the
query, its clients and the sandboxes' counters)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any, Self

import aiohttp
import httpx
import redis.asyncio as redis

from bench.client import GraphQLPoster, graphql_failure
from bench.eligible import (
    ENTREPRISE_SOURCES,
    MIN_SCHEMES,
    CompanySandboxes,
    ConcurrentFloor,
    EligibleClient,
    catalogue_calls,
    catalogue_client,
    catalogue_reads,
    company_reads,
)
from bench.environment import process_cpu_seconds
from bench.phases import Tally
from bench.scenarios import SIRET, upstream_client

__all__ = ["CatalogueFloor", "cold_and_floor", "first_evaluations", "full_cold_sample", "warm"]


_ELIGIBLE_SCHEMES_OF = (
    "query EligibleSchemesOf($siret: String!) { company(siret: $siret) { siret "
    "eligibleSchemes {\n  scheme { id } verdict criteria { name outcome value } missing } } }"
)
_PORTFOLIO = "query Portfolio { viewer { portfolio(first: 100) { edges { node { siret } } } } }"
_FLOOR_CALLS = {"api_entreprise": len(ENTREPRISE_SOURCES), "mesaides": 1, "del": 1}
"""The calls one floor sample makes to each sandbox, and one cold request must make too."""


async def _forget_company(cache: redis.Redis) -> int:
    """Deletes every key but the catalogues' (the RawCache's keys are
    ``hub-gateway:api_entreprise:<endpoint>:<id>``, the platforms' lists and
    ``hub-gateway:catalogue:<feed>``)."""
    doomed = [key for key in await cache.keys("*") if b"catalogue:" not in key]
    if doomed:
        await cache.delete(*doomed)
    return len(doomed)


def _families(keys: list[bytes | str]) -> dict[str, int]:
    """Keys by family: namespace and the first two segments (``api_entreprise:bilans``)."""
    names = sorted(k.decode() if isinstance(k, bytes) else k for k in keys)
    return dict(Counter(":".join(name.split(":")[:3]) for name in names))


async def cold_and_floor(
    sandboxes: CompanySandboxes,
    catalogues_url: str,
    gateway_url: str,
    token: str,
    redis_url: str,
    *,
    samples: int,
    warmup: int,
) -> tuple[Tally, Tally, ConcurrentFloor, EligibleClient, dict[str, Any]]:
    """(floor, cold, the floor's per-source times, the client, evidence). Floor and cold
    samples alternate; before each cold request (untimed) every Redis key but the catalogues'
    is deleted, so the gateway reads the company from all its sources again while the
    catalogues stay cached (and memoised in the gateway)."""
    floor, cold = Tally(), Tally()
    cache = redis.from_url(redis_url)
    try:
        async with (
            upstream_client(sandboxes.entreprise_url) as direct,
            sandboxes.platforms() as platforms,
            aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=4)) as session,
            httpx.AsyncClient(base_url=catalogues_url) as catalogues,
        ):
            upstream = ConcurrentFloor(company_reads(direct, platforms))
            client = EligibleClient(session, gateway_url, token)
            before = await sandboxes.calls(reset=True)
            await cache.flushdb()
            catalogue_before = await catalogue_calls(catalogues)
            first = await client.request()
            first_request = {
                "ms": round(first[0] * 1000, 1),
                "failure": first[1],
                "upstream_calls": _difference(await sandboxes.calls(), before),
                "catalogue_calls": await catalogue_calls(catalogues) - catalogue_before,
                "redis_keys": _families(await cache.keys("*")),
            }
            for _ in range(warmup):
                await upstream.sample()
                await _forget_company(cache)
                await client.request()
            before = await sandboxes.calls(reset=True)
            catalogue_before = await catalogue_calls(catalogues)
            deleted = 0
            for _ in range(samples):
                await floor.take(upstream.sample)
                deleted += await _forget_company(cache)
                await cold.take(client.request)
            made = _difference(await sandboxes.calls(), before)
            catalogue_during = await catalogue_calls(catalogues) - catalogue_before
            catalogue_keys = len([k for k in await cache.keys("*") if b"catalogue:" in k])
    finally:
        await cache.aclose()
    gateway_calls = {
        family: round((calls - samples * _FLOOR_CALLS[family]) / samples, 2)
        for family, calls in made.items()
    } if samples else None  # fmt: skip
    evidence = {
        "first_request_redis_flushed": first_request,
        "redis_keys_deleted_per_request": round(deleted / samples, 2) if samples else None,
        "catalogue_keys_kept": catalogue_keys,
        "upstream_calls_per_request": gateway_calls,
        "expected_upstream_calls_per_request": _FLOOR_CALLS,
        "catalogue_calls_while_measuring": catalogue_during,
    }
    return floor, cold, upstream, client, evidence


def _difference(after: Mapping[str, int], before: Mapping[str, int]) -> dict[str, int]:
    return {name: after[name] - before[name] for name in after}


async def first_evaluations(
    sandboxes: CompanySandboxes, gateway_url: str, token: str, *, limit: int
) -> tuple[Tally, Tally]:
    """(floor, cold) for information: one eligibility request for each of the referent's
    other companies (up to ``limit``), each never asked before, so neither its data nor its
    verdicts are in any cache: the cost of a first evaluation. Floor samples (LEROY's
    sources, all at once) alternate with them; every company's sources answer with the
    sandboxes' same latency."""
    floor, cold = Tally(), Tally()
    async with (
        upstream_client(sandboxes.entreprise_url) as direct,
        sandboxes.platforms() as platforms,
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=4)) as session,
    ):
        poster = GraphQLPoster(session, gateway_url, token)
        _, status, body = await poster.post(GraphQLPoster.body(_PORTFOLIO, "Portfolio"))
        failure, data = graphql_failure(status, body)
        if failure is not None:
            cold.failures[f"portfolio: {failure}"] += 1
            return floor, cold
        edges = data["viewer"]["portfolio"]["edges"]
        sirets = [edge["node"]["siret"] for edge in edges if edge["node"]["siret"] != SIRET]
        upstream = ConcurrentFloor(company_reads(direct, platforms))

        async def first(siret: str) -> tuple[float, str | None]:
            body = GraphQLPoster.body(_ELIGIBLE_SCHEMES_OF, "EligibleSchemesOf", {"siret": siret})
            seconds, status, answer = await poster.post(body)
            failure, data = graphql_failure(status, answer)
            found = ((data or {}).get("company") or {}).get("eligibleSchemes")
            if failure is None and (not isinstance(found, list) or len(found) < MIN_SCHEMES):
                failure = "not every scheme in the answer"
            return seconds, failure

        for siret in sirets[:limit]:
            await floor.take(upstream.sample)
            await cold.take(lambda: first(siret))  # noqa: B023 - awaited at once
    return floor, cold


async def full_cold_sample(
    gateway_url: str, token: str, redis_url: str, catalogues_url: str
) -> tuple[tuple[float, str | None], Any, int]:
    """On a gateway just started: one request that reads no catalogue (untimed, warms its
    pools), FLUSHDB, then the timed eligibility request: the catalogues are neither in Redis
    nor memoised in the process. Returns (sample, its data, catalogue calls it made)."""
    cache = redis.from_url(redis_url)
    try:
        async with (
            aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=4)) as session,
            httpx.AsyncClient(base_url=catalogues_url) as catalogues,
        ):
            client = EligibleClient(session, gateway_url, token)
            failure = await client.light()
            if failure is not None:
                return (0.0, f"light query: {failure}"), None, 0
            await cache.flushdb()
            before = await catalogue_calls(catalogues)
            sample = await client.request()
            calls = await catalogue_calls(catalogues) - before
    finally:
        await cache.aclose()
    return sample, client.reference, calls


class CatalogueFloor:
    """A full read of the three catalogues and every source of the company, all at once: the
    floor of a fully cold request; each catalogue's own time is its full-read floor."""

    def __init__(self, sandboxes: CompanySandboxes, catalogues_url: str) -> None:
        self._direct = upstream_client(sandboxes.entreprise_url)
        self._platforms = sandboxes.platforms()
        self._catalogues = catalogue_client(catalogues_url)
        self.items: Counter[str] = Counter()
        self.floor = ConcurrentFloor({
            **catalogue_reads(self._catalogues, self.items),
            **company_reads(self._direct, self._platforms),
        })  # fmt: skip

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._direct.aclose()
        await self._platforms.aclose()
        await self._catalogues.aclose()


async def warm(
    sandboxes: CompanySandboxes,
    catalogues_url: str,
    gateway_url: str,
    token: str,
    *,
    gateway_pid: int,
    samples: int,
    warmup: int,
) -> tuple[Tally, EligibleClient, dict[str, Any]]:
    """(latency, the client, evidence) against the in-memory-cache gateway, one request at a
    time after ``warmup`` (at least one) unmeasured ones; the gateway's CPU time while
    measuring, per request, and the calls any sandbox answered meanwhile (must be 0: upstream
    counts API Entreprise's and both platforms')."""
    latency = Tally()
    async with (
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1)) as session,
        httpx.AsyncClient(base_url=catalogues_url) as catalogues,
    ):
        client = EligibleClient(session, gateway_url, token)
        for _ in range(max(warmup, 1)):
            await client.request()
        upstream_before = await sandboxes.calls()
        catalogue_before = await catalogue_calls(catalogues)
        cpu_before = process_cpu_seconds(gateway_pid)
        for _ in range(samples):
            await latency.take(client.request)
        cpu = process_cpu_seconds(gateway_pid) - cpu_before
        made = _difference(await sandboxes.calls(), upstream_before)
        evidence = {
            "upstream_calls_while_measuring": sum(made.values()),
            "catalogue_calls_while_measuring": await catalogue_calls(catalogues) - catalogue_before,
            "gateway_cpu_ms_per_request": round(cpu * 1000 / samples, 2) if samples else None,
        }
    return latency, client, evidence
