"""The one production module that reaches into ``sandbox/``: the partner stand-ins, the
sandbox SMTP sink, the local identity providers and the hub database's seed.

It is imported only where sandbox mode (or a sandbox command) asks for it, inside the
function that needs it, so a production gateway never loads a sandbox module. The
import-linter contract in ``pyproject.toml`` allows this module, and no other, to import
``sandbox``.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass

import structlog
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp

from auth.tokens import DevTokenIssuer
from connectors.hubdb import create_engine, create_session_factory
from gateway.services import dev_token
from gateway.settings import Settings
from sandbox.catalogues import create_app as create_catalogues
from sandbox.del_ import create_app as create_del
from sandbox.entreprise.app import SandboxConfig
from sandbox.entreprise.app import create_app as create_entreprise
from sandbox.events import EventsSandboxConfig
from sandbox.events import create_app as create_events
from sandbox.financers import (
    FranceInitiativeConfig,
    create_crealia,
    create_france_initiative,
    create_irdi_soridec,
)
from sandbox.hubdb import seed
from sandbox.hubdb.personas import PERSONAS
from sandbox.mesaides import create_app as create_mesaides
from sandbox.news import create_app as create_news
from sandbox.oidc.app import create_multi_app, providers_setting, sandbox_providers
from sandbox.platforms.config import PlatformConfig
from sandbox.smtp import SmtpSink

__all__ = [
    "PERSONAS_PATH",
    "PartnerStandIn",
    "entreprise_stand_in",
    "identity_providers",
    "partner_stand_ins",
    "persona_routes",
    "seed_database",
    "stand_in_port_settings",
    "start_smtp_sink",
]

_log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class PartnerStandIn:
    """A sandbox partner to serve on ``127.0.0.1:port`` beside the gateway."""

    name: str
    app: ASGIApp
    port: int
    port_setting: str = "SANDBOX_PORT"
    """The setting that chooses ``port`` (named when the port is busy)."""


@dataclass(frozen=True, slots=True)
class _Registration:
    name: str
    create: Callable[[Settings], ASGIApp]
    port: Callable[[Settings], int]
    port_setting: str
    urls: Callable[[Settings], tuple[str | None, ...]]
    """The partner's configured URLs: it gets a stand-in when any of them is unset."""


def entreprise_stand_in(*, latency_ms: float) -> ASGIApp:
    """The API Entreprise sandbox (its seeded companies, faults injectable)."""
    return create_entreprise(SandboxConfig(latency_ms=latency_ms))


_PARTNERS: tuple[_Registration, ...] = (
    _Registration(
        "api-entreprise",
        lambda s: entreprise_stand_in(latency_ms=s.sandbox_latency_ms),
        lambda s: s.sandbox_port,
        "SANDBOX_PORT",
        lambda s: (s.entreprise_url,),
    ),
    _Registration(
        "catalogues",
        lambda s: create_catalogues(),
        lambda s: s.catalogues_sandbox_port,
        "CATALOGUES_SANDBOX_PORT",
        lambda s: (s.region_catalogue_url, s.bpifrance_catalogue_url, s.francenum_url),
    ),
    _Registration(
        "mesaides",
        lambda s: create_mesaides(PlatformConfig(token=s.mesaides_token.get_secret_value())),
        lambda s: s.mesaides_sandbox_port,
        "MESAIDES_SANDBOX_PORT",
        lambda s: (s.mesaides_url,),
    ),
    _Registration(
        "del",
        lambda s: create_del(PlatformConfig(token=s.del_token.get_secret_value())),
        lambda s: s.del_sandbox_port,
        "DEL_SANDBOX_PORT",
        lambda s: (s.del_url,),
    ),
    _Registration(
        "events",
        lambda s: create_events(EventsSandboxConfig(key=s.events_key.get_secret_value())),
        lambda s: s.events_sandbox_port,
        "EVENTS_SANDBOX_PORT",
        lambda s: (s.events_url,),
    ),
    _Registration(
        "news",
        lambda s: create_news(),
        lambda s: s.news_sandbox_port,
        "NEWS_SANDBOX_PORT",
        lambda s: (s.news_url,),
    ),
    _Registration(
        "crealia",
        lambda s: create_crealia(),
        lambda s: s.crealia_sandbox_port,
        "CREALIA_SANDBOX_PORT",
        lambda s: (s.crealia_url,),
    ),
    _Registration(
        "franceinitiative",
        lambda s: create_france_initiative(
            FranceInitiativeConfig(key=s.france_initiative_key.get_secret_value())
        ),
        lambda s: s.france_initiative_sandbox_port,
        "FRANCE_INITIATIVE_SANDBOX_PORT",
        lambda s: (s.france_initiative_url,),
    ),
    _Registration(
        "irdisoridec",
        lambda s: create_irdi_soridec(),
        lambda s: s.irdi_soridec_sandbox_port,
        "IRDI_SORIDEC_SANDBOX_PORT",
        lambda s: (s.irdi_soridec_url,),
    ),
)
"""One line per partner: what ``make serve`` starts in sandbox mode."""


def partner_stand_ins(settings: Settings) -> list[PartnerStandIn]:
    """The stand-ins for every partner whose URL is not configured."""
    return [
        PartnerStandIn(
            partner.name, partner.create(settings), partner.port(settings), partner.port_setting
        )
        for partner in _PARTNERS
        if None in partner.urls(settings)
    ]


def stand_in_port_settings() -> tuple[str, ...]:
    """The settings that choose the stand-ins' ports, one per partner, whether or not its URL
    is configured (a test gives each a free port)."""
    return tuple(partner.port_setting for partner in _PARTNERS)


async def seed_database(database_url: str) -> None:
    """Load the hub database's sandbox seed (idempotent: existing rows are kept)."""
    engine = create_engine(database_url)
    try:
        await seed(create_session_factory(engine))
    finally:
        await engine.dispose()


async def start_smtp_sink(settings: Settings, stack: AsyncExitStack) -> int:
    """The local SMTP sink, stopped with ``stack``; its port."""
    sink = SmtpSink(port=settings.sandbox_smtp_port, folder=settings.mail_folder)
    port = await sink.start()
    stack.push_async_callback(sink.stop)
    _log.info("smtp_sink_started", port=port, folder=str(settings.mail_folder))
    return port


def identity_providers(base_url: str) -> tuple[ASGIApp, str]:
    """The local identity providers (agents' and the hub's own) on one app, and the
    ``OIDC_PROVIDERS`` value that points a gateway at them."""
    providers = sandbox_providers(base_url)
    return create_multi_app(providers), providers_setting(providers)


PERSONAS_PATH = "/sandbox/personas"


def persona_routes(issuer: DevTokenIssuer) -> list[BaseRoute]:
    """``GET /sandbox/personas``: GraphiQL's persona picker. Each persona's seeded account,
    what it sees, and the headers that sign in as it, with a fresh dev token (what
    ``hub-gateway token`` prints). A persona whose account is gone from the database is left
    out. Mounted in sandbox mode only, beside the dev issuer."""

    async def personas(request: Request) -> JSONResponse:
        ids = [p.account_id for p in PERSONAS if p.account_id is not None]
        accounts = await request.app.state.services.hub.accounts(ids)
        listed: list[dict[str, object]] = []
        for persona in PERSONAS:
            account = accounts.get(persona.account_id) if persona.account_id else None
            if persona.account_id is not None and account is None:
                continue
            listed.append({
                "id": persona.id,
                "label": persona.label,
                "sees": persona.sees,
                "email": account.email if account else None,
                "headers": (
                    {"Authorization": f"Bearer {dev_token(issuer, account)}"} if account else {}
                ),
            })  # fmt: skip
        return JSONResponse({"personas": listed}, headers={"Cache-Control": "no-store"})

    return [Route(PERSONAS_PATH, personas, methods=["GET"])]
