"""``build_services(settings)``: the one place that wires the shared services — used by the
app's lifespan, the tests and the bench, so all three run the same set-up.

Tests and the bench may put a mock transport under the real connectors (``entreprise_client``,
``catalogue_clients``, ``mesaides_client``, ``del_client``, ``events_client``,
``news_client``) and shorten the partners' retry timings (``entreprise``,
``catalogues``); everything else comes from the settings.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auth.api_keys import ApiKeys, KeyHasher
from auth.tokens import DevTokenIssuer, load_or_create_secret
from connectors.broker import broker_from_url
from connectors.cache import RawCache
from connectors.catalogues import CatalogueConfig, CatalogueConnector
from connectors.del_ import DelConfig, DelConnector
from connectors.entreprise import EntrepriseConfig, EntrepriseConnector, create_client
from connectors.events import EventsConfig, EventsConnector
from connectors.files import LocalFileStore
from connectors.hubdb import (
    AccountRecord,
    CachedDirectory,
    CompanyCache,
    CoreRunner,
    DatabaseBounds,
    HubRepository,
    create_engine,
    create_session_factory,
)
from connectors.hubdb.audit import AuditStore
from connectors.hubdb.desk import DeskStore
from connectors.hubdb.notifications import NotificationStore
from connectors.hubdb.outbox import OutboxStore
from connectors.hubdb.partners import PartnerStore
from connectors.hubdb.platform_polls import PollStore
from connectors.hubdb.preferences import PreferenceStore
from connectors.hubdb.reminders import ReminderStore
from connectors.hubdb.submissions import SubmissionStore
from connectors.hubdb.writes import HubWriter
from connectors.mesaides import MesAidesConfig, MesAidesConnector
from connectors.news import NewsConfig, NewsConnector
from gateway.settings import ConfigurationError, Settings
from resolvers.context import Services

__all__ = [
    "HubDatabase",
    "api_key_pepper",
    "api_keys",
    "build_services",
    "catalogue_config",
    "database_bounds",
    "del_config",
    "dev_issuer",
    "dev_token",
    "entreprise_config",
    "events_config",
    "mesaides_config",
    "news_config",
    "open_hub_database",
]


def entreprise_config(settings: Settings) -> EntrepriseConfig:
    return EntrepriseConfig(
        base_url=settings.resolved_entreprise_url,
        token=settings.entreprise_token.get_secret_value(),
        recipient=settings.entreprise_recipient,
        timeout=settings.entreprise_timeout,
    )


def catalogue_config(settings: Settings) -> CatalogueConfig:
    sandbox = settings.catalogues_sandbox_url
    return CatalogueConfig(
        region_url=settings.region_catalogue_url or sandbox,
        bpifrance_url=settings.bpifrance_catalogue_url or sandbox,
        francenum_url=settings.francenum_url or sandbox,
        bpifrance_key=settings.bpifrance_api_key.get_secret_value(),
        crealia_url=settings.resolved_crealia_url,
        france_initiative_url=settings.resolved_france_initiative_url,
        france_initiative_key=settings.france_initiative_key.get_secret_value(),
        irdi_soridec_url=settings.resolved_irdi_soridec_url,
        ttl=settings.catalogue_ttl_s,
    )


def mesaides_config(settings: Settings) -> MesAidesConfig:
    return MesAidesConfig(
        base_url=settings.resolved_mesaides_url,
        token=settings.mesaides_token.get_secret_value(),
        ttl=settings.platforms_ttl_s,
    )


def del_config(settings: Settings) -> DelConfig:
    return DelConfig(
        base_url=settings.resolved_del_url,
        token=settings.del_token.get_secret_value(),
        ttl=settings.platforms_ttl_s,
    )


def events_config(settings: Settings) -> EventsConfig:
    return EventsConfig(
        base_url=settings.resolved_events_url,
        agenda_uid=settings.events_agenda_uid,
        key=settings.events_key.get_secret_value(),
        ttl=settings.feeds_ttl_s,
    )


def news_config(settings: Settings) -> NewsConfig:
    """The feed's URL split into the client's base and the path it reads."""
    url = httpx.URL(settings.resolved_news_url)
    return NewsConfig(
        base_url=str(url.copy_with(path="/", query=None)).rstrip("/"),
        path=url.raw_path.decode("ascii"),
        ttl=settings.feeds_ttl_s,
    )


def dev_issuer(settings: Settings) -> DevTokenIssuer:
    """The sandbox's token issuer; it refuses to exist beside a real identity provider."""
    if settings.identity_providers or not settings.sandbox:
        raise ConfigurationError(
            "The dev token issuer runs in sandbox mode only, and not when OIDC_ISSUER or "
            "OIDC_PROVIDERS is set."
        )
    return DevTokenIssuer(load_or_create_secret(settings.dev_secret_file))


def dev_token(issuer: DevTokenIssuer, account: AccountRecord) -> str:
    """A dev token for a seeded account. The sandbox issuer plays the identity provider:
    it vouches for the seeded name."""
    given, _, family = account.name.partition(" ")
    return issuer.issue(
        subject=account.id, email=account.email, given_name=given, family_name=family or None
    )


def api_key_pepper(settings: Settings) -> bytes:
    """The server secret of partner API keys' hashes: API_KEY_PEPPER, or in sandbox mode a
    random one made on first use. Changing it invalidates every key."""
    if settings.api_key_pepper is not None:
        return settings.api_key_pepper.get_secret_value().encode()
    if not settings.sandbox:
        raise ConfigurationError(
            "production mode needs API_KEY_PEPPER (the server secret of partner API keys)."
        )
    return load_or_create_secret(settings.api_key_pepper_file)


def database_bounds(settings: Settings) -> DatabaseBounds:
    """How long the gateway waits for its database (PostgreSQL), from the settings."""
    return DatabaseBounds(
        connect_timeout_s=settings.database_connect_timeout_s,
        statement_timeout_s=settings.database_statement_timeout_s,
        pool_timeout_s=settings.database_pool_timeout_s,
        open_s=settings.database_retry_s,
    )


@dataclass(frozen=True, slots=True)
class HubDatabase:
    """The hub database, open: ORM sessions for the writes, the runner for the reads."""

    sessions: async_sessionmaker[AsyncSession]
    runner: CoreRunner
    hub: HubRepository
    partners: PartnerStore


@asynccontextmanager
async def open_hub_database(settings: Settings) -> AsyncIterator[HubDatabase]:
    """The hub database alone (what the CLI's ``token`` and ``api-key`` need), closed after
    the block; ``build_services`` opens it the same way."""
    async with AsyncExitStack() as stack:
        engine = create_engine(settings.database_url, bounds=database_bounds(settings))
        stack.push_async_callback(engine.dispose)
        sessions = create_session_factory(engine)
        runner = CoreRunner(engine)
        stack.push_async_callback(runner.aclose)
        yield HubDatabase(
            sessions, runner, HubRepository(sessions, runner), PartnerStore(sessions, runner)
        )


def api_keys(database: HubDatabase, directory: CachedDirectory, settings: Settings) -> ApiKeys:
    """Partner API keys: stored in the hub database, hashed with the server's pepper."""
    return ApiKeys(database.partners, directory, KeyHasher(api_key_pepper(settings)))


@asynccontextmanager
async def build_services(
    settings: Settings,
    *,
    entreprise_client: httpx.AsyncClient | None = None,
    catalogue_clients: Mapping[str, httpx.AsyncClient] | None = None,
    entreprise: EntrepriseConfig | None = None,
    catalogues: CatalogueConfig | None = None,
    mesaides: MesAidesConfig | None = None,
    mesaides_client: httpx.AsyncClient | None = None,
    del_: DelConfig | None = None,
    del_client: httpx.AsyncClient | None = None,
    events: EventsConfig | None = None,
    events_client: httpx.AsyncClient | None = None,
    news: NewsConfig | None = None,
    news_client: httpx.AsyncClient | None = None,
) -> AsyncIterator[Services]:
    """The shared services, open for the block and closed after it (clients, engines, the
    database runner, the cache and the broker)."""
    async with AsyncExitStack() as stack:
        database = await stack.enter_async_context(open_hub_database(settings))
        sessions, runner, hub = database.sessions, database.runner, database.hub
        config = entreprise or entreprise_config(settings)
        client = entreprise_client or create_client(config)
        stack.push_async_callback(client.aclose)
        cache = RawCache.from_url(settings.cache_url)
        stack.push_async_callback(cache.close)
        catalogue_connector = CatalogueConnector(
            catalogues or catalogue_config(settings), cache, clients=catalogue_clients
        )
        stack.push_async_callback(catalogue_connector.aclose)
        mesaides_connector = MesAidesConnector(
            mesaides or mesaides_config(settings), cache, client=mesaides_client
        )
        stack.push_async_callback(mesaides_connector.aclose)
        del_connector = DelConnector(del_ or del_config(settings), cache, client=del_client)
        stack.push_async_callback(del_connector.aclose)
        events_connector = EventsConnector(
            events or events_config(settings), cache, client=events_client
        )
        stack.push_async_callback(events_connector.aclose)
        news_connector = NewsConnector(news or news_config(settings), cache, client=news_client)
        stack.push_async_callback(news_connector.aclose)
        directory = CachedDirectory(hub)
        companies = CompanyCache(hub, runner)
        await companies.start()
        stack.push_async_callback(companies.aclose)
        broker = broker_from_url(settings.broker_url)
        stack.push_async_callback(broker.aclose)
        audit = AuditStore(sessions, runner)
        stack.push_async_callback(audit.aclose)  # before the runner and the engine close
        yield Services(
            entreprise=EntrepriseConnector(client, config, cache),
            hub=hub,
            directory=directory,
            companies=companies,
            writer=HubWriter(sessions, committed=companies.forget_all),
            submissions=SubmissionStore(sessions, runner),
            polls=PollStore(sessions, runner),
            broker=broker,
            notifications=NotificationStore(sessions, runner),
            catalogues=catalogue_connector,
            partners=database.partners,
            api_keys=api_keys(database, directory, settings),
            audit=audit,
            outbox=OutboxStore(sessions),
            reminders=ReminderStore(sessions, runner),
            mesaides=mesaides_connector,
            del_=del_connector,
            desk=DeskStore(runner),
            files=LocalFileStore(settings.file_store_path),
            events=events_connector,
            news=news_connector,
            preferences=PreferenceStore(sessions, runner),
            identity_document_max_bytes=settings.identity_document_max_bytes,
            satisfaction_survey_url=settings.satisfaction_survey_url,
        )
