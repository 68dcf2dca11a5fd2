"""The ASGI application: one factory, one lifespan that builds the shared services."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import httpx
import structlog
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

from auth.identity import Authenticator
from auth.tokens import DevTokenIssuer, load_or_create_secret
from connectors.cache import RawCache
from connectors.entreprise import EntrepriseConfig, EntrepriseConnector, create_client
from connectors.hubdb import (
    CachedDirectory,
    HubRepository,
    create_engine,
    create_session_factory,
)
from gateway.context import Services
from gateway.graphiql import STATIC_DIR, graphiql_routes
from gateway.graphql import GraphQLView, build_schema
from gateway.metrics import MetricsMiddleware, metrics_endpoint
from gateway.middleware import AuthenticationMiddleware, RequestIdMiddleware
from gateway.settings import ConfigurationError, Settings

__all__ = ["create_app", "dev_issuer", "entreprise_config"]

_log = structlog.get_logger("gateway.app")


class _GraphQLEndpoint:
    """Forwards to the GraphQL app that the lifespan built (it needs the live services)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await scope["app"].state.graphql(scope, receive, send)


def entreprise_config(settings: Settings) -> EntrepriseConfig:
    return EntrepriseConfig(
        base_url=settings.resolved_entreprise_url,
        token=settings.entreprise_token.get_secret_value(),
        recipient=settings.entreprise_recipient,
        timeout=settings.entreprise_timeout,
    )


def dev_issuer(settings: Settings) -> DevTokenIssuer:
    """The sandbox's token issuer; it refuses to exist beside a real identity provider."""
    if settings.oidc_issuer is not None or not settings.sandbox:
        raise ConfigurationError(
            "The dev token issuer runs in sandbox mode only, and not when OIDC_ISSUER is set."
        )
    return DevTokenIssuer(load_or_create_secret(settings.dev_secret_file))


def create_app(
    settings: Settings | None = None, *, entreprise_client: httpx.AsyncClient | None = None
) -> Starlette:
    """``entreprise_client`` lets tests put a mock transport under the real connector."""
    settings = settings or Settings()
    if settings.oidc_issuer is not None:
        raise ConfigurationError(
            "OIDC_ISSUER is set, so the dev token issuer refuses to run; verification of "
            "OIDC tokens is not available in this version yet."
        )
    issuer = dev_issuer(settings)
    schema = build_schema(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            engine = create_engine(settings.database_url)
            stack.push_async_callback(engine.dispose)
            hub = HubRepository(create_session_factory(engine))
            config = entreprise_config(settings)
            client = entreprise_client or create_client(config)
            stack.push_async_callback(client.aclose)
            cache = RawCache.from_url(settings.cache_url)
            stack.push_async_callback(cache.close)
            entreprise = EntrepriseConnector(client, config, cache)
            directory = CachedDirectory(hub)
            services = Services(entreprise=entreprise, hub=hub, directory=directory)
            app.state.services = services
            app.state.graphql = AuthenticationMiddleware(
                GraphQLView(schema, services), Authenticator(issuer, hub, directory)
            )
            _log.info("gateway_started", mode=settings.mode, entreprise=config.base_url)
            yield

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> JSONResponse:
        services: Services = request.app.state.services
        try:
            await services.hub.ping()
        except Exception:  # noqa: BLE001 - any database failure means "not ready"
            _log.warning("not_ready", component="database")
            return JSONResponse({"status": "unavailable", "database": "down"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok"})

    routes: list[BaseRoute] = [
        Route("/graphql", _GraphQLEndpoint(), methods=["GET", "POST"]),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/metrics", metrics_endpoint),
        *graphiql_routes(STATIC_DIR),
    ]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[Middleware(MetricsMiddleware), Middleware(RequestIdMiddleware)],
    )
    app.state.settings = settings
    return app
