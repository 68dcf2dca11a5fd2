"""The "applications" scenario: Pierre Durand's portfolio with each company's applications on
both submission platforms (Mes aides en ligne, DEL), each platform sandbox its own process with
the run's added latency.

Measured: the SQL statements of one request (in-process, on the run's seeded database, for two
page sizes: they must be equal), the floor (per sample, every portfolio company's list read
straight from each platform, all at once, both platforms together: the time until the slower
platform's last answer), cold latency (Redis flushed before each request) as a ratio to that
floor, and warm latency."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Self

import aiohttp
import httpx
import redis.asyncio as redis
import sqlalchemy as sa

from bench.client import GraphQLPoster, ReferenceCheck
from bench.phases import Tally
from bench.platforms import PlatformClients
from bench.portfolio import AGENT_EMAIL
from bench.report import ms, passed, table, times

__all__ = [
    "AGENT_EMAIL",
    "APPLICATIONS_TARGETS",
    "ApplicationsClient",
    "PlatformFloor",
    "cold_and_floor",
    "judge",
    "render",
    "statement_probe",
]

APPLICATIONS_TARGETS = {"cold_p50_ratio_max": 1.5, "warm_p50_ms_max": 10.0}


def applications_query(first: int) -> str:
    return (
        f"query Applications {{ viewer {{ portfolio(first: {first}) {{ totalCount edges {{ node {{"
        " siret applications(first: 20) { totalCount edges { node {"
        " id platform reference status platformStatus granted paid submittedAt } } } } } } } }"
    )


def _problem(data: Any, first: int) -> str | None:
    portfolio = ((data or {}).get("viewer") or {}).get("portfolio")
    if not isinstance(portfolio, dict) or not isinstance(portfolio.get("edges"), list):
        return "no viewer.portfolio in data"
    edges = portfolio["edges"]
    if len(edges) != min(portfolio.get("totalCount") or 0, first):
        return f"{len(edges)} companies for totalCount {portfolio.get('totalCount')}"
    platforms = set()
    for edge in edges:
        found = (edge.get("node") or {}).get("applications")
        if not isinstance(found, dict):
            return f"{(edge.get('node') or {}).get('siret')}: no applications"
        platforms |= {a["node"]["platform"] for a in found["edges"]}
    if len(edges) == portfolio["totalCount"] and platforms != {"DEL", "MES_AIDES_EN_LIGNE"}:
        return f"applications from {sorted(platforms)} only"
    return None


def sirets_of(data: Any) -> list[str]:
    return [e["node"]["siret"] for e in data["viewer"]["portfolio"]["edges"]]


def applications_count(data: Any) -> int:
    edges = data["viewer"]["portfolio"]["edges"]
    return sum(e["node"]["applications"]["totalCount"] for e in edges)


class ApplicationsClient:
    """Sends the query and checks every answer (the first correct one in full: the whole
    portfolio has applications from both platforms; later ones must carry the same data). A warning in ``extensions`` (a platform down) is a failure."""

    def __init__(
        self, session: aiohttp.ClientSession, gateway_url: str, token: str, first: int = 100
    ) -> None:
        self._poster = GraphQLPoster(session, gateway_url, token)
        self._body = GraphQLPoster.body(applications_query(first), "Applications")
        self._check = ReferenceCheck(lambda data: _problem(data, first), _warnings)

    async def request(self) -> tuple[float, str | None]:
        seconds, status, body = await self._poster.post(self._body)
        return seconds, self._check.failure(status, body)

    @property
    def reference(self) -> Any:
        """The data of the first correct answer (None before it)."""
        return self._check.data


def _warnings(body: bytes) -> str | None:
    """A warning in ``extensions`` (a platform down, or served stale) fails the answer."""
    warnings = (json.loads(body).get("extensions") or {}).get("warnings")
    return f"warnings: {[w.get('code') for w in warnings]}" if warnings else None


class PlatformFloor:
    """Every company's list read straight from each platform (``PlatformClients``: the
    connectors' requests), all at once, both platforms together; per sample, the time until
    the slower platform's last answer, and each platform's own.

    A read whose pooled connection the platform dropped before answering (a keep-alive
    connection closed as it was reused: ``ReadError``, ``RemoteProtocolError``) is sent once
    more at once, as the gateway's connectors send it again (``connectors/http/retries.py``),
    and counted in ``sent_again``: the floor times what a client gets, it does not fail on
    the transport's race. Any other failure fails the sample. (The eligible-schemes floor
    does not: its verdict counts every call the platforms answer.)"""

    def __init__(self, mesaides_url: str, del_url: str, sirets: list[str]) -> None:
        self._clients = PlatformClients(mesaides_url, del_url)
        self._sirets = sirets
        self.per_platform: dict[str, list[float]] = {"mesaides": [], "del": []}
        self.sent_again = 0

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._clients.aclose()

    async def sample(self) -> tuple[float, str | None]:
        started = time.perf_counter()
        (m_failure, m_s), (d_failure, d_s) = await asyncio.gather(
            self._platform(self._clients.mesaides, started),
            self._platform(self._clients.del_, started),
        )
        self.per_platform["mesaides"].append(m_s)
        self.per_platform["del"].append(d_s)
        failures = [
            f"{name}: {f}" for name, f in (("mesaides", m_failure), ("del", d_failure)) if f
        ]
        return max(m_s, d_s), ("; ".join(failures) or None)

    async def _platform(
        self, read: Callable[[str], Awaitable[str | None]], started: float
    ) -> tuple[str | None, float]:
        """The platform's first failure (an HTTP status, or a transport error's name, as in
        ``eligible.ConcurrentFloor``: it fails the sample instead of ending the run), and
        the time until its last answer."""
        answers = await asyncio.gather(
            *(self._read(read, siret) for siret in self._sirets), return_exceptions=True
        )
        failure = next((a for a in answers if a), None)
        if isinstance(failure, BaseException):
            failure = f"client: {type(failure).__name__}"
        return failure, time.perf_counter() - started

    async def _read(self, read: Callable[[str], Awaitable[str | None]], siret: str) -> str | None:
        try:
            return await read(siret)
        except (httpx.ReadError, httpx.RemoteProtocolError):
            self.sent_again += 1
            return await read(siret)


async def first_answer(gateway_url: str, token: str, redis_url: str) -> tuple[Any, str | None]:
    """The reference answer, from an emptied Redis db: copies a run before this one left
    there would be served stale while the platforms answer (``CachedFetch``'s
    stale-while-revalidate), with a ``STALE_DATA`` warning that fails the answer."""
    cache = redis.from_url(redis_url)
    try:
        await cache.flushdb()
    finally:
        await cache.aclose()
    async with aiohttp.ClientSession() as session:
        client = ApplicationsClient(session, gateway_url, token)
        _, failure = await client.request()
    return client.reference, failure


async def cold_and_floor(
    mesaides_url: str, del_url: str, gateway_url: str, token: str, redis_url: str,
    sirets: list[str], *, samples: int, warmup: int,
) -> tuple[Tally, Tally, dict[str, Any]]:  # fmt: skip
    """(floor, cold, per-platform floors). Floor and cold samples alternate; Redis db is
    flushed before each cold request (untimed)."""
    floor, cold = Tally(), Tally()
    cache = redis.from_url(redis_url)
    try:
        async with (
            PlatformFloor(mesaides_url, del_url, sirets) as upstream,
            aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=4)) as session,
        ):
            client = ApplicationsClient(session, gateway_url, token)
            for _ in range(warmup):
                await upstream.sample()
                await cache.flushdb()
                await client.request()
            upstream.per_platform = {"mesaides": [], "del": []}
            for _ in range(samples):
                await floor.take(upstream.sample)
                await cache.flushdb()
                await cold.take(client.request)
            per_platform = {
                name: round(sorted(values)[len(values) // 2] * 1000, 2)
                for name, values in upstream.per_platform.items()
                if values
            }
            evidence = {
                "floor_p50_ms_per_platform": per_platform,
                "floor_reads_sent_again": upstream.sent_again,
            }
    finally:
        await cache.aclose()
    return floor, cold, evidence


async def statement_probe(
    root: Path,
    database_url: str,
    mesaides_url: str,
    del_url: str,
    token: str,
    firsts: tuple[int, ...],
) -> dict[str, Any]:
    """The query in-process (``build_schema(Settings()).execute``, services built like the
    app's, on the run's seeded database: ``database_url``; the dev secret is under ``root``), per page size: fresh services (cold caches), then
    the same services again; the SQL statements of each (``before_cursor_execute``)."""
    from auth.identity import Authenticator
    from auth.tokens import DevTokenIssuer, load_or_create_secret
    from gateway.graphql import build_schema
    from gateway.logging import configure_logging
    from gateway.services import build_services
    from gateway.settings import Settings
    from resolvers.context import Context

    configure_logging("WARNING")
    schema = build_schema(Settings())
    issuer = DevTokenIssuer(load_or_create_secret(root / "dev-token-secret"))
    settings = Settings(
        database_url=database_url, cache_url=None, broker_url=None,
        api_key_pepper="bench-pepper-bench-pepper", mesaides_url=mesaides_url, del_url=del_url,
    )  # fmt: skip
    found: dict[str, Any] = {}
    for first in firsts:
        statements: list[str] = []
        async with build_services(settings) as services:
            sa.event.listen(
                services.hub.engine.sync_engine, "before_cursor_execute", _recorder(statements)
            )
            viewer = await Authenticator(issuer, services.hub, services.directory).viewer(
                f"Bearer {token}"
            )
            runs = []
            for attempt in ("cold", "repeat"):
                statements.clear()
                result = await schema.execute(
                    applications_query(first),
                    context_value=Context.create(viewer, services, f"bench-{attempt}"),
                )
                problem = (
                    f"errors: {[e.message for e in result.errors]}"
                    if result.errors
                    else _problem(result.data, first)
                )
                edges = ((result.data or {}).get("viewer") or {}).get("portfolio") or {}
                runs.append({
                    "caches": attempt, "sql_statements": len(statements),
                    "companies": len(edges.get("edges") or []), "problem": problem,
                    "statements": [" ".join(s.split())[:100] for s in statements],
                })  # fmt: skip
            found[str(first)] = runs
    return found


def _recorder(statements: list[str]) -> Any:
    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    return record


def _ratio(value: float | None, floor: float | None) -> float | None:
    return round(value / floor, 2) if value is not None and floor else None


def _counts(probe: dict[str, Any], caches: str) -> dict[str, int]:
    return {
        first: next(r["sql_statements"] for r in runs if r["caches"] == caches)
        for first, runs in probe.items()
    }


def judge(result: dict[str, Any]) -> dict[str, str]:
    if "not_measured" in result:
        return {"measured": "NOT MEASURED"}
    floor, cold, warm, probe = result["floor"], result["cold"], result["warm"], result["sql"]
    cold["ratio_p50"] = _ratio(cold["latency_ms"]["p50"], floor["latency_ms"]["p50"])
    ratio, warm_p50 = cold["ratio_p50"], warm["latency_ms"]["p50"]
    problems = [r["problem"] for runs in probe.values() for r in runs if r["problem"]]
    failed = sum(int(part.get("failed", 0)) for part in (floor, cold, warm))
    return {
        "sql_constant_in_companies": passed(
            not problems
            and len(set(_counts(probe, "cold").values())) == 1
            and len(set(_counts(probe, "repeat").values())) == 1
        ),
        "cold_p50": passed(ratio is not None and ratio <= APPLICATIONS_TARGETS["cold_p50_ratio_max"]),
        "warm_p50": passed(warm_p50 is not None and warm_p50 <= APPLICATIONS_TARGETS["warm_p50_ms_max"]),
        "all_answers_correct": passed(failed == 0 and not problems),
    }  # fmt: skip


def render(result: dict[str, Any]) -> str:
    header = ("figure", "value", "× floor", "target")
    if "not_measured" in result:
        return "\n".join(table("applications", header, [("NOT MEASURED", "", "", result["not_measured"][:120])]))  # fmt: skip
    verdicts, floor, cold, warm = (
        result["verdicts"],
        result["floor"],
        result["cold"],
        result["warm"],
    )
    cold_counts, repeat_counts = _counts(result["sql"], "cold"), _counts(result["sql"], "repeat")
    per = cold["evidence"]["floor_p50_ms_per_platform"]
    rows: list[tuple[str, ...]] = [
        ("companies / applications per request", f"{result['companies']} / {result['applications']}", "", ""),
        ("SQL statements per request, first: " + " / ".join(cold_counts),
         " / ".join(map(str, cold_counts.values())), "", f"equal → {verdicts['sql_constant_in_companies']}"),
        ("  same, caches warm (repeat)", " / ".join(map(str, repeat_counts.values())), "", ""),
        ("floor p50 (slower platform, all lists at once)", ms(floor["latency_ms"]["p50"]), "1.00×", ""),
        ("  per platform p50: mesaides / del", f"{per.get('mesaides')} / {per.get('del')} ms", "", ""),
        ("  floor reads sent again (connection dropped)",
         str(cold["evidence"].get("floor_reads_sent_again", "")), "", ""),
        ("cold p50 (Redis flushed)", ms(cold["latency_ms"]["p50"]), times(cold["ratio_p50"]),
         f"≤ {APPLICATIONS_TARGETS['cold_p50_ratio_max']}× → {verdicts['cold_p50']}"),
        ("cold p99", ms(cold["latency_ms"]["p99"]), "", ""),
        ("warm p50 (in-memory cache)", ms(warm["latency_ms"]["p50"]), "",
         f"≤ {APPLICATIONS_TARGETS['warm_p50_ms_max']} ms → {verdicts['warm_p50']}"),
        ("warm p99", ms(warm["latency_ms"]["p99"]), "", ""),
        ("failed answers (floor / cold / warm)",
         f"{floor['failed']} / {cold['failed']} / {warm['failed']}", "", verdicts["all_answers_correct"]),
    ]  # fmt: skip
    return "\n".join(table("applications", header, rows))
