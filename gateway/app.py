"""The ASGI application: one factory, one lifespan that builds the shared services."""

from __future__ import annotations

import asyncio
import gc
import hmac
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import datetime, timedelta

import httpx
import structlog
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.types import Receive, Scope, Send

from auth.identity import Authenticator, TokenVerifier
from auth.oidc import OIDCIssuer, OIDCVerifier
from connectors.mail import MailConfig, Mailer
from connectors.platforms import Platform, PlatformConnector
from connectors.query_store import QueryStore
from connectors.readiness import RedisProbe, redis_urls
from gateway.cors import cors_policy
from gateway.documents import IdentityDocumentDownload
from gateway.graphiql import STATIC_DIR, graphiql_routes
from gateway.graphql import GraphQLView, build_schema
from gateway.indicator_export import IndicatorExport
from gateway.limits import BodyLimit
from gateway.metrics import REMINDERS_SENT, count_outbox, metrics_endpoint
from gateway.middleware import AuthenticationMiddleware, ClientLimits
from gateway.pipeline import PipelinedApplication
from gateway.ratelimit import RateLimiter
from gateway.scheduler import Scheduler
from gateway.services import api_key_pepper, build_services, dev_issuer
from gateway.settings import Settings
from gateway.tracing import configure_tracing
from resolvers.context import Services
from resolvers.outbox import flush_outbox
from resolvers.reconciliation import reconcile_submissions
from resolvers.reminders import send_due_reminders
from resolvers.status_polling import poll_statuses

__all__ = ["create_app", "dev_issuer", "metrics_app"]

_log = structlog.get_logger("gateway.app")


class _DocumentEndpoint:
    """Forwards to the identity-document download the lifespan built."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await scope["app"].state.documents(scope, receive, send)


class _IndicatorExportEndpoint:
    """Forwards to the indicators' CSV download the lifespan built."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await scope["app"].state.indicator_export(scope, receive, send)


class _GraphQLEndpoint:
    """Forwards to the GraphQL app that the lifespan built (it needs the live services)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await scope["app"].state.graphql(scope, receive, send)


async def _mailer(settings: Settings, stack: AsyncExitStack) -> Mailer:
    """The real SMTP server when SMTP_HOST is set; in sandbox mode, the local sink."""
    if settings.smtp_host is not None:
        password = settings.smtp_password
        return Mailer(
            MailConfig(
                host=settings.smtp_host,
                port=settings.smtp_port,
                sender=settings.smtp_sender,
                username=settings.smtp_username,
                password=password.get_secret_value() if password else None,
                starttls=settings.smtp_starttls,
            )
        )
    from gateway import sandbox_wiring  # sandbox mode only: see gateway/sandbox_wiring.py

    port = await sandbox_wiring.start_smtp_sink(settings, stack)
    return Mailer(MailConfig(host="127.0.0.1", port=port, sender=settings.smtp_sender))


async def _start_scheduler(
    settings: Settings, stack: AsyncExitStack, services: Services
) -> Scheduler:
    """The e-mail outbox, the referent reminders, the reconciliation of unconfirmed filings
    and the platforms' status polling. Each runs once across instances: the stores claim rows
    with SKIP LOCKED or conditional updates (a lease row per platform for the polling)."""
    outbox, reminders = services.outbox, services.reminders
    scheduler = Scheduler()
    if settings.smtp_host is None and not settings.sandbox:
        _log.warning("outbox_not_sent", reason="SMTP_HOST is not set: e-mails stay queued")
    else:
        mailer = await _mailer(settings, stack)

        async def flush(now: datetime) -> None:
            report = await flush_outbox(
                outbox, mailer, now=now, limit=settings.outbox_batch_size,
                concurrency=settings.outbox_concurrency,
            )  # fmt: skip
            count_outbox(report)

        scheduler.add("outbox", settings.outbox_interval_s, flush)

    async def remind(now: datetime) -> None:
        sent = await send_due_reminders(services.writer, reminders, now=now, broker=services.broker)
        REMINDERS_SENT.inc(sent)

    scheduler.add("reminders", settings.reminders_interval_s, remind)
    platforms: dict[Platform, PlatformConnector] = {
        Platform.DEL: services.del_,
        Platform.MES_AIDES_EN_LIGNE: services.mesaides,
    }
    scheduler.add(
        "reconcile_submissions",
        settings.reconcile_interval_s,
        lambda now: reconcile_submissions(
            services.submissions, platforms, services.writer, now=now, broker=services.broker
        ),
    )
    scheduler.add(
        "poll_statuses",
        settings.status_poll_interval_s,
        lambda now: poll_statuses(
            services.polls, list(platforms.values()), services.writer, now=now,
            broker=services.broker, every=timedelta(seconds=settings.status_poll_interval_s / 2),
        ),
    )  # fmt: skip
    await scheduler.start()
    return scheduler


def _oidc_verifier(settings: Settings, stack: AsyncExitStack) -> OIDCVerifier:
    """Every configured identity provider, their keys fetched within OIDC_TIMEOUT."""
    client = httpx.AsyncClient(timeout=httpx.Timeout(settings.oidc_timeout))
    stack.push_async_callback(client.aclose)
    issuers = [
        OIDCIssuer(p.issuer, p.audience, p.kind, p.algorithms, p.assured_acr_values)
        for p in settings.identity_providers
    ]
    return OIDCVerifier(
        issuers,
        client,
        fetch_timeout=settings.oidc_timeout,
        max_stale=settings.oidc_max_stale_s,
    )


Check = Callable[[], Awaitable[None]]


def _protected_metrics(token: str) -> Callable[[Request], Awaitable[Response]]:
    """``/metrics`` behind ``Authorization: Bearer <METRICS_TOKEN>``."""
    expected = f"Bearer {token}".encode()

    async def endpoint(request: Request) -> Response:
        given = request.headers.get("authorization", "").encode()
        if not hmac.compare_digest(given, expected):
            return JSONResponse(
                {"error": "UNAUTHENTICATED", "message": "/metrics needs the metrics bearer token."},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        return await metrics_endpoint(request)

    return endpoint


def _metrics_routes(settings: Settings) -> list[BaseRoute]:
    """``/metrics`` on the public port: open in sandbox mode, behind METRICS_TOKEN when it is
    set, absent in production mode without a token (METRICS_PORT serves it apart)."""
    if not settings.metrics_public:
        return []
    if settings.metrics_token is None:
        return [Route("/metrics", metrics_endpoint)]
    return [Route("/metrics", _protected_metrics(settings.metrics_token.get_secret_value()))]


def metrics_app(settings: Settings) -> Starlette:
    """``/metrics`` alone, for METRICS_PORT (behind METRICS_TOKEN too when it is set)."""
    token = settings.metrics_token
    endpoint = metrics_endpoint if token is None else _protected_metrics(token.get_secret_value())
    return Starlette(routes=[Route("/metrics", endpoint)])


async def _check(name: str, check: Check, timeout: float) -> str | None:
    """None when ``check`` passes within ``timeout``; else why not, in a word or two."""
    try:
        async with asyncio.timeout(timeout):
            await check()
    except TimeoutError:
        _log.warning("not_ready", component=name, reason="timeout")
        return "timeout"
    except Exception as error:  # noqa: BLE001 - any failure of a dependency means "not ready"
        _log.warning("not_ready", component=name, reason=type(error).__name__)
        return "down"
    return None


def create_app(
    settings: Settings | None = None,
    *,
    entreprise_client: httpx.AsyncClient | None = None,
    catalogue_clients: Mapping[str, httpx.AsyncClient] | None = None,
) -> Starlette:
    """``entreprise_client`` and ``catalogue_clients`` let tests put a mock transport under
    the real connectors."""
    settings = settings or Settings()
    issuer = None if settings.identity_providers else dev_issuer(settings)
    api_key_pepper(settings)  # refuse to start without the partner keys' secret
    schema = build_schema(settings)
    sandbox_routes: list[BaseRoute] = []
    personas_url: str | None = None
    if settings.sandbox and issuer is not None:
        from gateway import sandbox_wiring  # sandbox mode only: see gateway/sandbox_wiring.py

        sandbox_routes = sandbox_wiring.persona_routes(issuer)
        personas_url = sandbox_wiring.PERSONAS_PATH
    configure_tracing(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            services = await stack.enter_async_context(
                build_services(
                    settings,
                    entreprise_client=entreprise_client,
                    catalogue_clients=catalogue_clients,
                )
            )
            verifier: TokenVerifier = issuer or _oidc_verifier(settings, stack)
            limiter = RateLimiter(
                settings.cache_url, default_per_minute=settings.api_key_rate_limit
            )
            stack.push_async_callback(limiter.aclose)
            app.state.services = services
            app.state.redis_probes = []
            for url in redis_urls(settings.cache_url, settings.broker_url):
                probe = RedisProbe(url, timeout=settings.readiness_timeout_s)
                stack.push_async_callback(probe.aclose)
                app.state.redis_probes.append(probe)
            # A catalogue answering 404 or 401 at start is a wrong URL or key: /readyz says so.
            catalogue_check = asyncio.create_task(services.catalogues.misconfigured_sources())
            stack.callback(catalogue_check.cancel)
            app.state.catalogue_check = catalogue_check
            if settings.scheduler_enabled:
                scheduler = await _start_scheduler(settings, stack, services)
                stack.push_async_callback(scheduler.stop)
            authenticator = Authenticator(
                verifier, services.hub, services.directory, binder=services.writer
            )
            app.state.documents = AuthenticationMiddleware(
                IdentityDocumentDownload(services), authenticator
            )
            queries = QueryStore.from_url(settings.cache_url, size=settings.apq_cache_size)
            stack.push_async_callback(queries.aclose)
            app.state.indicator_export = AuthenticationMiddleware(
                IndicatorExport(services), authenticator
            )
            app.state.graphql = AuthenticationMiddleware(
                GraphQLView(
                    schema,
                    services,
                    authenticator,
                    personas_url=personas_url,
                    graphiql=settings.graphiql,
                    queries=queries,
                    trusted_only=settings.trusted_documents_only,
                    keep_public_answers=settings.keep_public_answers,
                ),
                authenticator,
                services.api_keys,
                limiter,
                ClientLimits(settings.rate_limit_person, settings.rate_limit_anonymous),
            )
            # What start-up built lives as long as the process: keep it out of the garbage
            # collector's full passes (measured: ~110 ms pauses on the warm path without this).
            gc.collect()
            gc.freeze()
            _log.info(
                "gateway_started",
                mode=settings.mode,
                entreprise=settings.resolved_entreprise_url,
            )
            yield

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> JSONResponse:
        """Each check bounded by READINESS_TIMEOUT_S: the database, every Redis configured
        (cache, broker), and the catalogues' start-up check (a source answering 404/401)."""
        state = request.app.state
        services: Services = state.services
        timeout = settings.readiness_timeout_s
        checks: list[tuple[str, Check]] = [("database", services.hub.ping)]
        probes: list[RedisProbe] = state.redis_probes
        checks += [(f"redis{index or ''}", probe.ping) for index, probe in enumerate(probes)]
        failures = await asyncio.gather(*(_check(name, c, timeout) for name, c in checks))
        body: dict[str, object] = {
            name: failure or "ok" for (name, _), failure in zip(checks, failures, strict=True)
        }
        ready = not any(failures)
        try:
            async with asyncio.timeout(timeout):
                misconfigured = await asyncio.shield(state.catalogue_check)
        except TimeoutError:
            misconfigured = {}  # still checking: a slow partner is no configuration error
        except Exception:  # noqa: BLE001 - the check itself failed: no configuration error seen
            _log.warning("catalogue_check_failed", exc_info=True)
            misconfigured = {}
        if misconfigured:
            _log.warning("not_ready", component="catalogues", sources=sorted(misconfigured))
            body["catalogues"] = misconfigured
            ready = False
        else:
            body["catalogues"] = "ok" if state.catalogue_check.done() else "checking"
        body = {"status": "ok" if ready else "unavailable", **body}
        return JSONResponse(body, status_code=200 if ready else 503)

    graphql = _GraphQLEndpoint()
    routes: list[BaseRoute] = [
        Route("/graphql", graphql),  # any method: the view answers 405 in JSON
        WebSocketRoute("/graphql", graphql),
        Route("/admin/identity-documents/{document_id}", _DocumentEndpoint(), methods=["GET"]),
        Route(
            "/structures/{structure_id}/indicators.csv",
            _IndicatorExportEndpoint(),
            methods=["GET"],
        ),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        *_metrics_routes(settings),
        *graphiql_routes(STATIC_DIR),
        *sandbox_routes,
    ]
    app = PipelinedApplication(
        routes=routes,
        lifespan=lifespan,
        body_limit=BodyLimit(
            max_bytes=settings.max_body_bytes,
            max_multipart_bytes=settings.max_upload_body_bytes,
            drain_bytes=settings.max_body_drain_bytes,
            timeout=settings.http_body_timeout_s,
        ),
        cors=cors_policy(settings),
        endpoints={"/graphql": graphql},  # the hot path, without the router
        trusted_proxies=settings.trusted_proxies,  # the client rate limits count
    )
    app.state.settings = settings
    return app
