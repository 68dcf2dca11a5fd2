"""The "agent portfolio" scenario: Pierre Durand's portfolio (the companies whose ACCEPTED
referent he is) with identity, referent, representatives and projects.

Measured: the SQL statements of one request (in-process, on the run's seeded database, for
two page sizes: they must be equal), the API Entreprise calls of a cold request and how many
were in flight at once (through a counting proxy: the sandbox does not report concurrency),
cold and warm latency against the floor of ONE établissement call."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, Self

import aiohttp
import httpx
import redis.asyncio as redis
import sqlalchemy as sa
from aiohttp import web

from bench.client import GraphQLPoster, ReferenceCheck, graphql_failure
from bench.phases import Tally
from bench.processes import free_port
from bench.scenarios import (
    REFERENT_EMAIL,
    SIRET,
    UPSTREAM_PARAMS,
    UPSTREAM_TOKEN,
    upstream_client,
)
from connectors.entreprise.endpoints import ETABLISSEMENT

__all__ = [
    "AGENT_EMAIL",
    "PortfolioClient",
    "SingleCallFloor",
    "cold_and_floor",
    "has_portfolio",
    "portfolio_query",
    "statement_probe",
]

AGENT_EMAIL = REFERENT_EMAIL
MIN_COMPANIES = 50


def portfolio_query(first: int) -> str:
    return (
        f"query Portfolio {{ viewer {{ portfolio(first: {first}) {{ totalCount edges {{ node {{\n"
        "  siret name naf { code } address { city } referent { status agent { name } }\n"
        "  representatives { name email } projects { title actors { role agent { name } } }"
        " } } } } }"
    )


def portfolio_problem(data: Any, first: int) -> str | None:
    """What is wrong with a portfolio answer, or None."""
    portfolio = ((data or {}).get("viewer") or {}).get("portfolio")
    if not isinstance(portfolio, dict):
        return "no viewer.portfolio in data"
    total, edges = portfolio.get("totalCount"), portfolio.get("edges")
    if not isinstance(total, int) or not isinstance(edges, list):
        return "totalCount or edges missing"
    if len(edges) != min(total, first):
        return f"{len(edges)} companies for totalCount {total} (first: {first})"
    sirets = set()
    referents = set()
    for edge in edges:
        node = edge.get("node") or {}
        siret = node.get("siret")
        if not isinstance(siret, str) or len(siret) != 14:
            return "company without SIRET"
        sirets.add(siret)
        if not node.get("name") or not (node.get("naf") or {}).get("code"):
            return f"{siret}: no name or NAF"
        if not (node.get("address") or {}).get("city"):
            return f"{siret}: no city"
        referent = node.get("referent") or {}
        if referent.get("status") != "ACCEPTED":
            return f"{siret}: referent status {referent.get('status')!r}, expected ACCEPTED"
        referents.add((referent.get("agent") or {}).get("name"))
        if not isinstance(node.get("representatives"), list):
            return f"{siret}: no representatives list"
        if not isinstance(node.get("projects"), list):
            return f"{siret}: no projects list"
    if len(sirets) != len(edges):
        return "a company appears twice"
    if len(referents) > 1 or None in referents:
        return f"referents differ: {sorted(map(str, referents))}"
    return None


class PortfolioClient:
    """Sends the portfolio query and checks every answer (the first correct one in full; it
    becomes the reference, later ones must carry the same data)."""

    def __init__(
        self, session: aiohttp.ClientSession, gateway_url: str, token: str, first: int = 100
    ) -> None:
        self._poster = GraphQLPoster(session, gateway_url, token)
        self._body = GraphQLPoster.body(portfolio_query(first), "Portfolio")
        self._check = ReferenceCheck(lambda data: portfolio_problem(data, first))

    async def request(self) -> tuple[float, str | None]:
        seconds, status, body = await self._poster.post(self._body)
        return seconds, self._check.failure(status, body)

    @property
    def reference(self) -> Any:
        """The data of the first correct answer (None before it)."""
        return self._check.data

    @property
    def companies(self) -> int | None:
        if self.reference is None:
            return None
        return len(self.reference["viewer"]["portfolio"]["edges"])


async def has_portfolio(gateway_url: str, token: str) -> str | None:
    """None when the gateway serves ``Viewer.portfolio``, else why not."""
    async with aiohttp.ClientSession() as session:
        poster = GraphQLPoster(session, gateway_url, token)
        _, status, body = await poster.post(
            GraphQLPoster.body("query P { viewer { portfolio(first: 1) { totalCount } } }", "P")
        )
    failure, _ = graphql_failure(status, body)
    if failure is None:
        return None
    return f"{failure}: {body[:300].decode(errors='replace')}"


class SingleCallFloor:
    """ONE API Entreprise établissement call, straight to the sandbox with httpx on the
    aiohttp transport (the gateway's stack), over a warm keep-alive pool."""

    def __init__(self, sandbox_url: str) -> None:
        self._client = upstream_client(sandbox_url)
        self._path = ETABLISSEMENT.url_path(SIRET)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._client.aclose()

    async def sample(self) -> tuple[float, str | None]:
        started = time.perf_counter()
        response = await self._client.get(self._path, params=UPSTREAM_PARAMS)
        elapsed = time.perf_counter() - started
        if response.status_code != 200 or not isinstance(response.json().get("data"), dict):
            return elapsed, f"{self._path}: HTTP {response.status_code}"
        return elapsed, None


async def _sandbox_stats(client: httpx.AsyncClient, *, reset: bool = False) -> dict[str, Any]:
    if reset:
        response = await client.post("/_sandbox/stats/reset")
    else:
        response = await client.get("/_sandbox/stats")
    data: dict[str, Any] = response.json()
    return data


async def cold_and_floor(
    sandbox_url: str, gateway_url: str, token: str, redis_url: str, *, samples: int, warmup: int
) -> tuple[Tally, Tally, dict[str, Any]]:
    """(floor, cold, evidence). Floor and cold samples alternate; before each cold request
    (untimed) Redis db 15 is flushed and the sandbox's counters are reset (which also resets
    its per-minute quota window: 56 calls a request would exhaust 10,000 a minute), and after
    it the sandbox's count is read: the upstream calls of exactly that request."""
    floor, cold = Tally(), Tally()
    cache = redis.from_url(redis_url)
    calls: Counter[int] = Counter()
    by_endpoint: dict[str, int] = {}
    connector = aiohttp.TCPConnector(limit=4)
    try:
        async with (
            SingleCallFloor(sandbox_url) as upstream,
            aiohttp.ClientSession(connector=connector) as session,
            httpx.AsyncClient(base_url=sandbox_url) as control,
        ):
            client = PortfolioClient(session, gateway_url, token)
            for _ in range(warmup):
                await upstream.sample()
                await _sandbox_stats(control, reset=True)
                await cache.flushdb()
                await client.request()
            for index in range(samples):
                await floor.take(upstream.sample)
                await _sandbox_stats(control, reset=True)
                await cache.flushdb()
                await cold.take(client.request)
                stats = await _sandbox_stats(control)
                calls[int(stats["total"])] += 1
                if index == 0:
                    by_endpoint = _by_endpoint(stats["calls"])
    finally:
        await cache.aclose()
    evidence = {
        "companies_per_request": client.companies,
        "upstream_calls_per_request": dict(sorted(calls.items())),
        "upstream_calls_by_endpoint_first_request": by_endpoint,
    }
    return floor, cold, evidence


def _by_endpoint(calls: dict[str, int]) -> dict[str, int]:
    """The sandbox counts calls by path or endpoint name: group them by endpoint."""
    found: Counter[str] = Counter()
    for key, count in calls.items():
        name = key
        for part in ("etablissements", "unites_legales", "mandataires_sociaux",
                     "chiffres_affaires", "attestation_vigilance", "attestation_fiscale"):  # fmt: skip
            if part in key:
                name = part
        found[name] += int(count)
    return dict(found)


class CountingProxy:
    """An HTTP proxy in front of the sandbox that counts requests in flight: what the sandbox
    does not report. Used only by the untimed in-process probe."""

    def __init__(self, target: str) -> None:
        self._target = target
        self.in_flight = 0
        self.max_in_flight = 0
        self.calls = 0
        self.url = ""
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Self:
        self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        port = free_port()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()

    def reset(self) -> None:
        self.max_in_flight = self.in_flight
        self.calls = 0

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._session is not None
        self.calls += 1
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            headers = {k: v for k, v in request.headers.items() if k.lower() != "host"}
            async with self._session.request(
                request.method, self._target + request.path_qs, headers=headers
            ) as upstream:
                body = await upstream.read()
                passed = {k: v for k, v in upstream.headers.items()
                          if k.lower().startswith(("content-type", "ratelimit", "retry-after"))}  # fmt: skip
                return web.Response(status=upstream.status, body=body, headers=passed)
        finally:
            self.in_flight -= 1


async def statement_probe(
    root: Path, database_url: str, sandbox_url: str, token: str, firsts: tuple[int, ...]
) -> dict[str, Any]:
    """Runs the portfolio query in-process, through ``build_schema(Settings()).execute`` on
    the run's seeded database (``database_url``; the dev secret is under ``root``), once per page size, each time with fresh services (cold
    in-memory caches) and then once more on the same services (warm caches); counts the SQL
    statements (``before_cursor_execute``) and, through the counting proxy, the API
    Entreprise calls and the most in flight at once."""
    from auth.identity import Authenticator
    from auth.tokens import DevTokenIssuer, load_or_create_secret
    from connectors.entreprise import EntrepriseConfig
    from gateway.graphql import build_schema
    from gateway.logging import configure_logging
    from gateway.services import build_services
    from gateway.settings import Settings
    from resolvers.context import Context

    configure_logging("WARNING")  # like the gateways of the run (LOG_LEVEL=WARNING)
    schema = build_schema(Settings())
    issuer = DevTokenIssuer(load_or_create_secret(root / "dev-token-secret"))
    found: dict[str, Any] = {}
    async with CountingProxy(sandbox_url) as proxy:
        config = EntrepriseConfig(
            base_url=proxy.url, token=UPSTREAM_TOKEN, recipient="20005379100014"
        )
        settings = Settings(
            database_url=database_url,
            cache_url=None,
            broker_url=None,
            api_key_pepper="bench-pepper-bench-pepper",
        )
        for first in firsts:
            statements: list[str] = []
            # the app's own wiring (gateway.services), the connector pointed at the proxy
            async with build_services(settings, entreprise=config) as services:
                engine = services.hub.engine
                sa.event.listen(engine.sync_engine, "before_cursor_execute", _recorder(statements))
                viewer = await Authenticator(issuer, services.hub, services.directory).viewer(
                    f"Bearer {token}"
                )
                runs = []
                for attempt in ("cold", "repeat"):
                    statements.clear()
                    proxy.reset()
                    started = time.perf_counter()
                    result = await schema.execute(
                        portfolio_query(first),
                        context_value=Context.create(viewer, services, f"bench-{attempt}"),
                    )
                    elapsed = time.perf_counter() - started
                    problem = (
                        f"errors: {[e.message for e in result.errors]}"
                        if result.errors
                        else portfolio_problem(result.data, first)
                    )
                    edges = ((result.data or {}).get("viewer") or {}).get("portfolio") or {}
                    runs.append({
                        "caches": attempt,
                        "sql_statements": len(statements),
                        "companies": len(edges.get("edges") or []),
                        "upstream_calls": proxy.calls,
                        "upstream_max_in_flight": proxy.max_in_flight,
                        "elapsed_ms": round(elapsed * 1000, 1),
                        "problem": problem,
                        "statements": _shapes(statements),
                    })  # fmt: skip
                found[str(first)] = runs
    return found


def _recorder(statements: list[str]) -> Callable[..., None]:
    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    return record


def _shapes(statements: list[str]) -> list[str]:
    """Each statement's first 100 characters, one line: enough to tell them apart."""
    return [" ".join(s.split())[:100] for s in statements]
