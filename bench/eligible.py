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
from typing import Any

import aiohttp
import httpx

from bench.client import GraphQLPoster, ReferenceCheck, graphql_failure
from bench.measure import summarize
from bench.platforms import PlatformClients, platform_calls
from bench.scenarios import REFERENT_EMAIL, SIREN, SIRET, UPSTREAM_PARAMS
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
    "CompanySandboxes",
    "ConcurrentFloor",
    "EligibleClient",
    "catalogue_calls",
    "catalogue_reads",
    "company_reads",
    "entreprise_reads",
    "verdict_counts",
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
