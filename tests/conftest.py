"""Shared fixtures: a seeded hub database, the API Entreprise sandbox behind a counting
transport, the real services and schema, and ``run(query, as_=email)``."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from cachetools import LRUCache
from strawberry.types import ExecutionResult

from auth.identity import Authenticator
from auth.tokens import DevTokenIssuer
from auth.viewer import ANONYMOUS
from connectors.catalogues import CatalogueConfig
from connectors.del_ import DelConfig
from connectors.entreprise import EntrepriseConfig
from connectors.events import EventsConfig
from connectors.http import Resilience
from connectors.mesaides import MesAidesConfig
from connectors.news import NewsConfig
from gateway.errors import HubSchema
from gateway.graphql import build_schema
from gateway.services import build_services
from gateway.settings import Settings
from resolvers.context import Context, Services
from sandbox.catalogues import create_app as create_catalogues
from sandbox.del_ import create_app as create_del
from sandbox.entreprise.app import SandboxConfig
from sandbox.entreprise.app import create_app as create_sandbox
from sandbox.events import EventsSandboxConfig
from sandbox.events import create_app as create_events
from sandbox.events.app import EVENTS_KEY
from sandbox.events.seed import AGENDA_UID
from sandbox.financers import (
    FRANCE_INITIATIVE_KEY,
    create_crealia,
    create_france_initiative,
    create_irdi_soridec,
)
from sandbox.hubdb.runner import seed_rows
from sandbox.mesaides import create_app as create_mesaides
from sandbox.news import create_app as create_news
from sandbox.platforms.config import DEL_TOKEN, MESAIDES_TOKEN, PlatformConfig
from tests.databases import migrate_and_seed
from tests.execution_paths import PATHS, ExecutionPath
from tests.private_postgres import PrivatePostgres
from tests.seed_world import SeedWorld, load_world

Run = Callable[..., Awaitable[ExecutionResult]]
TEST_KEY = b"test-signing-key-test-signing-key"
TEST_PEPPER = b"test-api-key-pepper-test-pepper"


@pytest.fixture(scope="session")
def seeded_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrated and seeded once per session; each test gets its own copy."""
    path = tmp_path_factory.mktemp("hub") / "template.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"

    asyncio.run(migrate_and_seed(url))
    return path


@pytest.fixture(scope="session")
def private_postgres() -> Iterator[PrivatePostgres]:
    """A PostgreSQL cluster of the suite's own (tests/private_postgres.py), migrated and
    seeded, to stop and freeze; started again before each test that asks for it."""
    cluster = PrivatePostgres()
    try:
        cluster.start()
        asyncio.run(migrate_and_seed(cluster.url))
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture
def postgres_cluster(private_postgres: PrivatePostgres) -> Iterator[PrivatePostgres]:
    private_postgres.start()
    yield private_postgres
    private_postgres.start()


@pytest.fixture(scope="session")
def seed_world(seeded_sqlite: Path) -> SeedWorld:
    """Who may see what in the seed (tests/seed_world.py), read once per session."""
    return load_world(seeded_sqlite, DevTokenIssuer(TEST_KEY))


@pytest.fixture
def database_url(seeded_sqlite: Path, tmp_path: Path) -> str:
    copy = tmp_path / "hub.sqlite3"
    shutil.copy(seeded_sqlite, copy)
    return f"sqlite+aiosqlite:///{copy}"


class CountingTransport(httpx.AsyncBaseTransport):
    """Passes requests to the in-process sandbox and counts them by path."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.calls: Counter[str] = Counter()
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.calls[request.url.path] += 1
        self.requests.append(request)
        return await self.inner.handle_async_request(request)

    def count(self, fragment: str) -> int:
        return sum(n for path, n in self.calls.items() if fragment in path)


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    return SandboxConfig()


@pytest.fixture
def upstream(sandbox_config: SandboxConfig) -> CountingTransport:
    return CountingTransport(httpx.ASGITransport(app=create_sandbox(sandbox_config)))


@pytest.fixture
def catalogues_upstream() -> CountingTransport:
    """The catalogue sandbox (Régions, Bpifrance, France Num), in process, counted."""
    return CountingTransport(httpx.ASGITransport(app=create_catalogues()))


_CATALOGUES_BASE = "http://catalogues.test"


def financer_transports() -> dict[str, httpx.AsyncBaseTransport]:
    """The financers' sandboxes (Créalia, France Initiative, Irdi-Soridec), in process."""
    return {
        "crealia": httpx.ASGITransport(app=create_crealia()),
        "franceinitiative": httpx.ASGITransport(app=create_france_initiative()),
        "irdisoridec": httpx.ASGITransport(app=create_irdi_soridec()),
    }


def catalogue_clients(
    transport: httpx.AsyncBaseTransport,
    financers: Mapping[str, httpx.AsyncBaseTransport] | None = None,
) -> dict[str, httpx.AsyncClient]:
    """One client per catalogue family: the three catalogues on ``transport``, each financer
    on its own sandbox (or the transport ``financers`` names for it)."""
    clients = {
        family: httpx.AsyncClient(base_url=_CATALOGUES_BASE, transport=transport)
        for family in ("region", "bpifrance", "francenum")
    }
    for family, own in {**financer_transports(), **(financers or {})}.items():
        clients[family] = httpx.AsyncClient(base_url=f"http://{family}.test", transport=own)
    return clients


def catalogue_test_config() -> CatalogueConfig:
    """The catalogues at the test base URL, with short retry timings."""
    return CatalogueConfig(
        region_url=_CATALOGUES_BASE, bpifrance_url=_CATALOGUES_BASE,
        francenum_url=_CATALOGUES_BASE, bpifrance_key="sandbox-bpifrance-key",
        crealia_url="http://crealia.test", france_initiative_url="http://franceinitiative.test",
        france_initiative_key=FRANCE_INITIATIVE_KEY, irdi_soridec_url="http://irdisoridec.test",
        resilience=Resilience(timeout=2.0, max_retries=1, backoff_base=0.01, backoff_max=0.02),
    )  # fmt: skip


@pytest.fixture
def platforms_config() -> PlatformConfig:
    """The platform sandboxes' faults (a test may start them down or slow)."""
    return PlatformConfig(token="")


@pytest.fixture
def mesaides_upstream(platforms_config: PlatformConfig) -> CountingTransport:
    """The Mes aides en ligne sandbox, in process, counted."""
    config = replace(platforms_config, token=MESAIDES_TOKEN)
    return CountingTransport(httpx.ASGITransport(app=create_mesaides(config)))


@pytest.fixture
def del_upstream(platforms_config: PlatformConfig) -> CountingTransport:
    """The DEL sandbox, in process, counted."""
    config = replace(platforms_config, token=DEL_TOKEN)
    return CountingTransport(httpx.ASGITransport(app=create_del(config)))


_PLATFORM_RESILIENCE = Resilience(timeout=2.0, max_retries=1, backoff_base=0.01, backoff_max=0.02)


@pytest.fixture
def platforms_ttl() -> float:
    """How long a platform's list stays fresh in the cache (0: stale at once)."""
    return 120.0


def platform_clients(
    mesaides: httpx.AsyncBaseTransport | None,
    del_: httpx.AsyncBaseTransport | None,
    ttl: float = 120.0,
) -> dict[str, Any]:
    """build_services' keyword arguments that put the platform sandboxes (in process) under
    the real connectors."""
    return {
        "mesaides": MesAidesConfig("http://mesaides.test", MESAIDES_TOKEN, ttl=ttl,
                                   resilience=_PLATFORM_RESILIENCE),
        "mesaides_client": httpx.AsyncClient(
            base_url="http://mesaides.test",
            transport=mesaides or httpx.ASGITransport(app=create_mesaides())),
        "del_": DelConfig("http://del.test", DEL_TOKEN, ttl=ttl, resilience=_PLATFORM_RESILIENCE),
        "del_client": httpx.AsyncClient(
            base_url="http://del.test", transport=del_ or httpx.ASGITransport(app=create_del())),
    }  # fmt: skip


@pytest.fixture
def events_upstream() -> CountingTransport:
    """The OpenAgenda sandbox, in process, counted."""
    return CountingTransport(httpx.ASGITransport(app=create_events(EventsSandboxConfig())))


@pytest.fixture
def news_upstream() -> CountingTransport:
    """The Région's news feed sandbox, in process, counted."""
    return CountingTransport(httpx.ASGITransport(app=create_news()))


@pytest.fixture
def feeds_ttl() -> float:
    """How long the events agenda and the news feed stay fresh in the cache (0: stale at
    once)."""
    return 900.0


def feed_clients(
    events: httpx.AsyncBaseTransport | None,
    news: httpx.AsyncBaseTransport | None,
    ttl: float = 900.0,
) -> dict[str, Any]:
    """build_services' keyword arguments that put the events and news sandboxes (in
    process) under the real connectors."""
    return {
        "events": EventsConfig("http://openagenda.test", AGENDA_UID, EVENTS_KEY, ttl=ttl,
                               resilience=_PLATFORM_RESILIENCE),
        "events_client": httpx.AsyncClient(
            base_url="http://openagenda.test",
            transport=events or httpx.ASGITransport(app=create_events())),
        "news": NewsConfig("http://news.test", ttl=ttl, resilience=_PLATFORM_RESILIENCE),
        "news_client": httpx.AsyncClient(
            base_url="http://news.test", transport=news or httpx.ASGITransport(app=create_news())),
    }  # fmt: skip


@pytest.fixture
def entreprise_config() -> EntrepriseConfig:
    return EntrepriseConfig(
        base_url="http://sandbox.test",
        token="sandbox-token",
        recipient="20005379100014",
        timeout=2.0,
        backoff_base=0.01,
        backoff_max=0.02,
    )


def settings_for_tests(database_url: str) -> Settings:
    """The settings the tests' services run on: the given database, caches in memory, one
    instance, a known pepper for partner keys."""
    files = (
        Path(database_url.split("///", 1)[1]).parent / "files"
        if database_url.startswith("sqlite")
        else Path(tempfile.mkdtemp(prefix="hub-files-"))
    )
    return Settings(
        database_url=database_url,
        cache_url=None,
        broker_url=None,
        api_key_pepper=TEST_PEPPER.decode(),
        file_store_path=files,
    )


@asynccontextmanager
async def open_services(
    database_url: str,
    upstream: httpx.AsyncBaseTransport,
    entreprise_config: EntrepriseConfig,
    catalogues_upstream: httpx.AsyncBaseTransport | None = None,
    mesaides_upstream: httpx.AsyncBaseTransport | None = None,
    del_upstream: httpx.AsyncBaseTransport | None = None,
    platforms_ttl: float = 120.0,
    events_upstream: httpx.AsyncBaseTransport | None = None,
    news_upstream: httpx.AsyncBaseTransport | None = None,
    feeds_ttl: float = 900.0,
) -> AsyncIterator[Services]:
    """The real services (``gateway.services.build_services``, as the app builds them) on a
    database and an upstream transport (also for tests that run their own event loop, e.g.
    under hypothesis)."""
    client = httpx.AsyncClient(
        base_url=entreprise_config.base_url,
        transport=upstream,
        headers={"Authorization": f"Bearer {entreprise_config.token}"},
    )
    async with build_services(
        settings_for_tests(database_url),
        entreprise=entreprise_config,
        entreprise_client=client,
        catalogues=catalogue_test_config(),
        catalogue_clients=catalogue_clients(
            catalogues_upstream or httpx.ASGITransport(app=create_catalogues())
        ),
        **platform_clients(mesaides_upstream, del_upstream, platforms_ttl),
        **feed_clients(events_upstream, news_upstream, feeds_ttl),
    ) as services:
        yield services


@pytest.fixture
async def services(
    database_url: str,
    upstream: CountingTransport,
    catalogues_upstream: CountingTransport,
    entreprise_config: EntrepriseConfig,
    mesaides_upstream: CountingTransport,
    del_upstream: CountingTransport,
    platforms_ttl: float,
    events_upstream: CountingTransport,
    news_upstream: CountingTransport,
    feeds_ttl: float,
) -> AsyncIterator[Services]:
    async with open_services(
        database_url, upstream, entreprise_config, catalogues_upstream,
        mesaides_upstream, del_upstream, platforms_ttl, events_upstream, news_upstream,
        feeds_ttl,
    ) as opened:  # fmt: skip
        yield opened


@pytest.fixture(scope="session")
def schema() -> HubSchema:
    """The served schema, its price ceilings and document size out of reach: the schema tests
    select every field of every type at once (tests/gateway/test_cost.py tests the ceilings,
    tests/gateway/test_over_http.py the size limits)."""
    return build_schema(
        Settings(
            max_query_cost=10**9, max_upstream_reads=10**6, max_anonymous_upstream_reads=10**6,
            max_tokens=10**5, max_fields=10**6,
        )
    )  # fmt: skip


@pytest.fixture(params=PATHS)
def execution_path(request: pytest.FixtureRequest) -> ExecutionPath:
    """Each test asking for it runs twice: through graphql-core, and through the compiled
    path as the HTTP view runs it (tests/execution_paths.py)."""
    return ExecutionPath(request.param)


@pytest.fixture
def issuer() -> DevTokenIssuer:
    return DevTokenIssuer(TEST_KEY)


@pytest.fixture
def run(services: Services, schema: HubSchema, issuer: DevTokenIssuer) -> Run:
    """Executes a query as a seeded account (by e-mail), through the real token path."""
    authenticator = Authenticator(issuer, services.hub, services.directory)

    async def run(
        query: str,
        *,
        as_: str | None = None,
        variables: dict[str, Any] | None = None,
        verified_name: str | None = None,
        acr: str | None = None,
    ) -> ExecutionResult:
        """``verified_name``: the name the identity provider gives (token claims); ``acr``:
        its authentication context (``"eidas2"`` vouches for the identity)."""
        viewer = ANONYMOUS
        if as_ is not None:
            given, _, family = (verified_name or "").partition(" ")
            token = issuer.issue(
                subject=as_,
                email=as_,
                given_name=given or None,
                family_name=family or None,
                acr=acr,
            )
            viewer = await authenticator.viewer(f"Bearer {token}")
        context = Context.create(viewer, services, "test-request")
        return await schema.execute(query, variable_values=variables, context_value=context)

    return run


@pytest.fixture
def evaluated_schemes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The id of every scheme the eligibility engine evaluates in the test (once per
    evaluation), with a verdict cache of the test's own: the schemes a warm request would
    not evaluate again."""
    from resolvers import schemes

    monkeypatch.setattr(schemes, "_VERDICTS", LRUCache(maxsize=200))
    calls: list[str] = []
    real = schemes.evaluate_all

    def counting(catalogue: Any, *args: Any) -> Any:
        calls.extend(scheme.id for scheme in catalogue)
        return real(catalogue, *args)

    monkeypatch.setattr(schemes, "evaluate_all", counting)
    return calls


async def recorded_interactions(services: Services) -> int:
    """How many interactions were recorded since the seed (which holds the CCIs' own)."""
    async with services.writer.transaction() as tx:
        total = await tx.session.scalar(sa.text("SELECT count(*) FROM interactions"))
    return int(total or 0) - len(seed_rows()["interactions"])


def errors_by_path(result: ExecutionResult) -> dict[str, str]:
    """``{"company.turnover": "FORBIDDEN", …}``"""
    return {
        ".".join(str(p) for p in error.path or ()): (error.extensions or {}).get("code", "")
        for error in result.errors or ()
    }
