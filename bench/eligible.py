"""The "eligible schemes" scenario: ``company(LEROY) { eligibleSchemes }`` over the whole
catalogue (the three aid catalogues, ~163 schemes) as LEROY's referent.

The gateway joins the catalogues (read whole, cached, memoised in process for 30 s) with the
company's data, read concurrently: its API Entreprise data (établissement, chiffres
d'affaires, bilans, effectifs annuels, both attestations; LEROY is a head office, so no unité
légale) and, for the de minimis criterion, its applications on both submission platforms (Mes
aides en ligne, DEL: the aids it was granted), each platform sandbox its own process. Measured:
the floor (every source the cold request reads, direct calls all at once, each timed), the
cold gateway with the catalogues cached and the company's data not, the warm gateway, and —
for information — a fully cold first request (fresh gateway, Redis flushed) against a direct
full read of each catalogue with the same sources."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Self

import aiohttp
import httpx
import redis.asyncio as redis

from bench.client import GraphQLPoster, ReferenceCheck, graphql_failure
from bench.environment import process_cpu_seconds
from bench.measure import summarize
from bench.phases import Tally
from bench.platforms import PlatformClients, platform_calls
from bench.scenarios import REFERENT_EMAIL, SIREN, SIRET, UPSTREAM_PARAMS, upstream_client
from connectors.catalogues import bpifrance, francenum, region
from connectors.entreprise.endpoints import (
    ATTESTATION_FISCALE,
    ATTESTATION_VIGILANCE,
    BILANS,
    CHIFFRES_AFFAIRES,
    EFFECTIFS_ANNUELS,
    ETABLISSEMENT,
    Endpoint,
)

__all__ = [
    "BPIFRANCE_KEY",
    "CATALOGUE_SOURCES",
    "ELIGIBLE_SCHEMES",
    "ENTREPRISE_SOURCES",
    "MIN_SCHEMES",
    "PLATFORM_SOURCES",
    "REAL_SCHEME_IDS",
    "VIEWER_EMAIL",
    "CatalogueFloor",
    "CompanySandboxes",
    "ConcurrentFloor",
    "EligibleClient",
    "catalogue_calls",
    "catalogue_reads",
    "cold_and_floor",
    "company_reads",
    "entreprise_reads",
    "first_evaluations",
    "full_cold_sample",
    "verdict_counts",
    "warm",
]

VIEWER_EMAIL = REFERENT_EMAIL
MIN_SCHEMES = 150
REAL_SCHEME_IDS = (
    "region:parcours-industrie-du-futur",
    "paysdelaloire:investissement-numerique",
    "francenum:cheque-numerique",
)
VERDICTS = frozenset({"ELIGIBLE", "NOT_ELIGIBLE", "UNKNOWN"})
BPIFRANCE_KEY = "sandbox-bpifrance-key"  # the gateway's default BPIFRANCE_API_KEY

ELIGIBLE_SCHEMES = (
    'query EligibleSchemes { company(siret: "84215637400014") { siret eligibleSchemes {\n'
    "  scheme { id } verdict criteria { name outcome value } missing } } }"
)
_LIGHT = 'query Light { company(siret: "84215637400014") { siret name } }'
_ELIGIBLE_SCHEMES_OF = (
    "query EligibleSchemesOf($siret: String!) { company(siret: $siret) { siret "
    "eligibleSchemes {\n  scheme { id } verdict criteria { name outcome value } missing } } }"
)
_PORTFOLIO = "query Portfolio { viewer { portfolio(first: 100) { edges { node { siret } } } } }"

# The API Entreprise reads behind eligibility (resolvers/company_profile.py), by source.
ENTREPRISE_SOURCES: dict[str, Endpoint] = {
    "insee (établissement)": ETABLISSEMENT,
    "dgfip (chiffres d'affaires)": CHIFFRES_AFFAIRES,
    "banque_de_france (bilans)": BILANS,
    "gip_mds (effectifs annuels)": EFFECTIFS_ANNUELS,
    "urssaf (attestation de vigilance)": ATTESTATION_VIGILANCE,
    "dgfip (attestation fiscale)": ATTESTATION_FISCALE,
}
# The platform reads behind the de minimis criterion (resolvers/aids_received.py): one page
# of the company's applications on each.
PLATFORM_SOURCES = ("mes aides en ligne (demandes)", "del (dossiers)")
_FLOOR_CALLS = {"api_entreprise": len(ENTREPRISE_SOURCES), "mesaides": 1, "del": 1}
"""The calls one floor sample makes to each sandbox, and one cold request must make too."""
CATALOGUE_SOURCES = ("region", "bpifrance", "francenum")

Read = Callable[[], Awaitable[str | None]]
"""One direct read of a source: its failure, or None."""


def eligibility_problem(data: Any) -> str | None:
    """What is wrong with LEROY's eligible schemes, or None."""
    company = (data or {}).get("company")
    if not isinstance(company, dict) or company.get("siret") != SIRET:
        return "no company, or the wrong one"
    found = company.get("eligibleSchemes")
    if not isinstance(found, list):
        return "no eligibleSchemes list"
    if len(found) < MIN_SCHEMES:
        return f"{len(found)} schemes, expected at least {MIN_SCHEMES}"
    ids = [((item or {}).get("scheme") or {}).get("id") for item in found]
    if len(set(ids)) != len(ids) or None in ids:
        return "a scheme without id, or twice"
    absent = [i for i in REAL_SCHEME_IDS if i not in ids]
    if absent:
        return f"schemes absent: {', '.join(absent)}"
    for item in found:
        if item.get("verdict") not in VERDICTS:
            return f"{item['scheme']['id']}: verdict {item.get('verdict')!r}"
        if not isinstance(item.get("criteria"), list) or not isinstance(item.get("missing"), list):
            return f"{item['scheme']['id']}: no criteria or missing list"
    return None


def verdict_counts(data: Any) -> dict[str, int]:
    found = ((data or {}).get("company") or {}).get("eligibleSchemes") or []
    return dict(Counter(item["verdict"] for item in found))


class EligibleClient:
    """Sends the eligibility query and checks every answer: the first correct one in full (it
    becomes the reference), later ones must carry the same data (a byte-identical body is
    accepted without parsing it again)."""

    def __init__(self, session: aiohttp.ClientSession, gateway_url: str, token: str) -> None:
        self._poster = GraphQLPoster(session, gateway_url, token)
        self._body = GraphQLPoster.body(ELIGIBLE_SCHEMES, "EligibleSchemes")
        self._check = ReferenceCheck(eligibility_problem)

    async def request(self) -> tuple[float, str | None]:
        seconds, status, body = await self._poster.post(self._body)
        return seconds, self._check.failure(status, body)

    @property
    def reference(self) -> Any:
        """The data of the first correct answer (None before it)."""
        return self._check.data

    async def light(self) -> str | None:
        """A query that reads no catalogue (warms a fresh process's pools and caches)."""
        _, status, body = await self._poster.post(GraphQLPoster.body(_LIGHT, "Light"))
        return graphql_failure(status, body)[0]


class ConcurrentFloor:
    """Direct reads of several sources issued at once; one sample is timed until the slowest
    answers, and each source's own time (from the common start) is kept too."""

    def __init__(self, reads: Mapping[str, Read]) -> None:
        self._reads = dict(reads)
        self.per_source: dict[str, list[float]] = {name: [] for name in reads}

    async def sample(self) -> tuple[float, str | None]:
        started = time.perf_counter()

        async def timed(name: str, read: Read) -> tuple[str, float, str | None]:
            try:
                failure = await read()
            except Exception as exc:  # noqa: BLE001 - a transport error is a failed read
                failure = f"client: {type(exc).__name__}"
            return name, time.perf_counter() - started, failure

        answers = await asyncio.gather(*(timed(n, r) for n, r in self._reads.items()))
        elapsed = time.perf_counter() - started
        bad = [f"{name}: {failure}" for name, _, failure in answers if failure]
        if not bad:
            for name, seconds, _ in answers:
                self.per_source[name].append(seconds)
        return elapsed, ("; ".join(bad) or None)

    def per_source_ms(self) -> dict[str, dict[str, Any]]:
        return {name: summarize(seconds).as_dict() for name, seconds in self.per_source.items()}


def entreprise_reads(client: httpx.AsyncClient) -> dict[str, Read]:
    """One read per API Entreprise source of the profile, with the bench's upstream client
    and parameters (the identifier each endpoint wants; effectifs: last complete year)."""

    def read(endpoint: Endpoint) -> Read:
        path = endpoint.url_path(SIRET if endpoint.identifier == "siret" else SIREN)

        async def call() -> str | None:
            response = await client.get(path, params=UPSTREAM_PARAMS)
            if response.status_code != 200:
                return f"HTTP {response.status_code}"
            if not isinstance(response.json().get("data"), dict | list):
                return "no data"
            return None

        return call

    return {name: read(endpoint) for name, endpoint in ENTREPRISE_SOURCES.items()}


def company_reads(
    direct: httpx.AsyncClient, platforms: PlatformClients, siret: str = SIRET
) -> dict[str, Read]:
    """Every source a cold eligibility request reads for a company: LEROY's API Entreprise
    sources (``entreprise_reads``) and ``siret``'s applications on both platforms."""
    mesaides, del_ = PLATFORM_SOURCES
    return {
        **entreprise_reads(direct),
        mesaides: lambda: platforms.mesaides(siret),
        del_: lambda: platforms.del_(siret),
    }


@dataclass(frozen=True, slots=True)
class CompanySandboxes:
    """The sandboxes a company's data comes from, each its own process."""

    entreprise_url: str
    mesaides_url: str
    del_url: str

    def platforms(self) -> PlatformClients:
        return PlatformClients(self.mesaides_url, self.del_url)

    async def calls(self, *, reset: bool = False) -> dict[str, int]:
        """Calls each has answered so far: API Entreprise, then each platform (in
        ``PLATFORM_SOURCES`` order). ``reset`` first resets the API Entreprise count (and
        its per-minute quota window)."""
        async with (
            httpx.AsyncClient(base_url=self.entreprise_url) as entreprise,
            httpx.AsyncClient(base_url=self.mesaides_url) as mesaides,
            httpx.AsyncClient(base_url=self.del_url) as del_,
        ):
            if reset:
                await _entreprise_calls(entreprise, reset=True)
            return {
                "api_entreprise": await _entreprise_calls(entreprise),
                "mesaides": await platform_calls(mesaides),
                "del": await platform_calls(del_),
            }


def catalogue_client(catalogues_url: str) -> httpx.AsyncClient:
    """httpx with its default transport, as the gateway's catalogue connector uses."""
    return httpx.AsyncClient(
        base_url=catalogues_url,
        timeout=httpx.Timeout(8.0, connect=2.0),
        limits=httpx.Limits(max_connections=20, max_keepalive_connections=10),
        headers={"Accept": "application/json"},
    )


def catalogue_reads(client: httpx.AsyncClient, items: Counter[str]) -> dict[str, Read]:
    """A full read of each catalogue, paged as its connector pages it: Région and Bpifrance
    read page 1, then the others at once; France Num follows its cursor. ``items`` gets the
    number of items each read found."""

    async def get(path: str, params: dict[str, Any], **headers: str) -> Any:
        response = await client.get(path, params=params, headers=headers)
        response.raise_for_status()
        return response.json()

    async def numbered(path: str, size: dict[str, int], pages_of: Callable[[Any], int],
                       key: str, **headers: str) -> int:  # fmt: skip
        first = await get(path, {"page": 1, **size}, **headers)
        rest = await asyncio.gather(*(
            get(path, {"page": page, **size}, **headers)
            for page in range(2, pages_of(first) + 1)
        ))  # fmt: skip
        return sum(len(body[key]) for body in (first, *rest))

    async def cursor() -> int:
        count, after = 0, None
        while True:
            params: dict[str, Any] = {"limit": francenum.SCHEMES_PAGE_SIZE}
            if after:
                params["cursor"] = after
            body = await get(francenum.SCHEMES_PATH, params)
            count += len(body["items"])
            following = francenum.next_cursor(body)
            if following is None or following == after:
                return count
            after = following

    def counted(name: str, read: Callable[[], Awaitable[int]]) -> Read:
        async def call() -> str | None:
            try:
                items[name] = await read()
            except httpx.HTTPStatusError as exc:
                return f"HTTP {exc.response.status_code}"
            return None

        return call

    return {
        "region": counted("region", lambda: numbered(
            region.PATH, {"per_page": region.PAGE_SIZE}, region.page_count, "data")),
        "bpifrance": counted("bpifrance", lambda: numbered(
            bpifrance.PATH, {"page_size": bpifrance.PAGE_SIZE},
            lambda body: bpifrance.page_count(body, bpifrance.PAGE_SIZE), "results",
            **{"X-Api-Key": BPIFRANCE_KEY})),
        "francenum": counted("francenum", cursor),
    }  # fmt: skip


async def catalogue_calls(control: httpx.AsyncClient) -> int:
    """Calls the catalogue sandbox has answered so far, over its three sources."""
    total = 0
    for source in CATALOGUE_SOURCES:
        total += int((await control.get(f"/{source}/_sandbox/stats")).json()["total"])
    return total


async def _entreprise_calls(control: httpx.AsyncClient, *, reset: bool = False) -> int:
    if reset:  # also restarts the sandbox's per-minute quota window
        await control.post("/_sandbox/stats/reset")
        return 0
    return int((await control.get("/_sandbox/stats")).json()["total"])


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
