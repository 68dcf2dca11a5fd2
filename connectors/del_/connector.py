"""The DEL connector: démarches-simplifiées' GraphQL API as the Région runs it.

Every call is a POST of a GraphQL document to one endpoint. The queries are reads (retried
like GETs: ``idempotent=True``); the two mutations carry an idempotency key, which DEL
honours (the same key answers the same dossier), so they are retried too. GraphQL errors
come in a 200 answer: ``extensions.code`` ``not_found`` is ``NotFound``, anything else a
refusal; a mutation's ``errors`` (validation) is a refusal with DEL's words.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import httpx

from connectors.cache import RawCache
from connectors.del_ import queries
from connectors.del_.config import DelConfig, create_client
from connectors.del_.wire import deposer_input, paiement_input, parse_dossier
from connectors.errors import NotFound, UpstreamRefused, UpstreamUnavailable
from connectors.http import BreakerState, CachedFetch, LogNames, Report, ResilientCaller, Sleep
from connectors.platforms.models import (
    Application,
    NewApplication,
    PaymentRequest,
    Platform,
)
from connectors.platforms.wire import PayloadError, mapping, records

__all__ = ["DelConnector", "summarise_error"]

_LOGS = LogNames(prefix="del", label="call")
_MAX_PAGES = 100


def summarise_error(response: httpx.Response) -> str:
    """The first GraphQL error's message, or the status line's absence of one."""
    try:
        body = response.json()
    except ValueError:
        return "no error body"
    errors = records(mapping(body).get("errors"))
    return str(errors[0].get("message") or "error")[:200] if errors else "no error body"


class DelConnector:
    source = "del"
    platform = Platform.DEL

    def __init__(
        self,
        config: DelConfig,
        cache: RawCache,
        *,
        client: httpx.AsyncClient | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._config = config
        self._client = client or create_client(config)
        self._caller = ResilientCaller(
            self._client,
            self.source,
            config.resilience,
            headers={"Authorization": f"Bearer {config.token}"},
            summarise=summarise_error,
            logs=_LOGS,
            sleep=sleep,
        )
        self._reads = CachedFetch(cache, stale_ttl=config.stale_ttl, logs=_LOGS)
        self._cache = cache

    async def applications(
        self, siret: str, *, report: Report | None = None
    ) -> tuple[Application, ...]:
        return await self._reads.read_parsed(
            _siret_key(siret),
            lambda: self._listing({"siret": siret}),
            self._listed,
            label="dossiers_siret",
            source=self.source,
            ttl=self._config.ttl,
            report=report,
        )

    async def cached_applications(
        self, siret: str, *, report: Report | None = None
    ) -> tuple[Application, ...] | None:
        """``applications`` when a fresh copy is cached, else None (no call is made)."""
        return await self._reads.cached_parsed(
            _siret_key(siret),
            self._listed,
            label="dossiers_siret",
            source=self.source,
            report=report,
        )

    async def application(self, reference: str) -> Application:
        if not (reference.isascii() and reference.isdigit()) or len(reference) > 9:
            raise NotFound(self.source, f"{self.source}: no such dossier")
        data = await self._graphql(queries.DOSSIER, {"number": int(reference)}, "dossier")
        return self._parse(mapping(data.get("dossier")))

    async def file(self, new: NewApplication, idempotency_key: str) -> Application:
        data = await self._graphql(
            queries.DEPOSER, {"input": deposer_input(new, idempotency_key)}, "deposer"
        )
        application = self._payload(data.get("dossierDeposer"))
        await self._cache.delete(_siret_key(new.siret))
        return application

    async def find_by_key(self, idempotency_key: str) -> Application | None:
        data = await self._graphql(queries.BY_KEY, {"key": idempotency_key}, "dossier_cle")
        found = data.get("dossierByIdempotencyKey")
        return None if found is None else self._parse(mapping(found))

    async def request_payment(
        self, reference: str, request: PaymentRequest, idempotency_key: str
    ) -> Application:
        if not (reference.isascii() and reference.isdigit()):
            raise NotFound(self.source, f"{self.source}: no such dossier")
        variables = {"input": paiement_input(int(reference), request, idempotency_key)}
        data = await self._graphql(queries.PAIEMENT, variables, "demander_paiement")
        application = self._payload(data.get("dossierDemanderPaiement"))
        await self._cache.delete(_siret_key(application.siret))
        return application

    async def changed_since(self, since: datetime) -> tuple[Application, ...]:
        payload = await self._listing({"updatedSince": since.isoformat()})
        found = self._parse_all(payload["items"])
        return tuple(sorted(found, key=lambda a: (a.updated_at, a.reference)))

    def breaker_states(self) -> dict[str, BreakerState]:
        """Each source's circuit breaker, for metrics."""
        return self._caller.breaker_states()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _graphql(self, document: str, variables: Mapping[str, Any], name: str) -> Any:
        body = mapping(
            await self._caller.send(
                "POST", self._config.path, name=name, idempotent=True,
                json={"query": document, "variables": dict(variables)},
            )
        )  # fmt: skip
        errors = records(body.get("errors"))
        if errors:
            first = errors[0]
            message = f"{self.source}: {first.get('message') or 'error'}"
            if mapping(first.get("extensions")).get("code") == "not_found":
                raise NotFound(self.source, message)
            raise UpstreamRefused(self.source, message)
        data = body.get("data")
        if not isinstance(data, Mapping):
            raise UpstreamUnavailable(self.source, f"{self.source}: answer without data")
        return data

    async def _listing(self, filters: Mapping[str, Any]) -> dict[str, Any]:
        """Every page of the ``dossiers`` connection, as one payload to cache."""
        items: list[Any] = []
        after: str | None = None
        for _ in range(_MAX_PAGES):
            variables = {**filters, "first": self._config.page_size, "after": after}
            data = await self._graphql(queries.DOSSIERS, variables, "dossiers")
            connection = mapping(data.get("dossiers"))
            page_info = mapping(connection.get("pageInfo"))
            if not isinstance(connection.get("nodes"), list):
                raise UpstreamUnavailable(self.source, f"{self.source}: unreadable page")
            items += connection["nodes"]
            after = page_info.get("endCursor")
            if page_info.get("hasNextPage") is not True or not isinstance(after, str):
                break
        return {"items": items}

    def _payload(self, payload: Any) -> Application:
        """A mutation's payload: its dossier, or DEL's refusal in its own words."""
        errors = records(mapping(payload).get("errors"))
        if errors:
            reasons = "; ".join(str(error.get("message")) for error in errors)
            raise UpstreamRefused(self.source, f"{self.source}: {reasons}")
        return self._parse(mapping(mapping(payload).get("dossier")))

    def _listed(self, payload: Mapping[str, Any]) -> tuple[Application, ...]:
        """A cached listing's applications, newest first (kept parsed by ``read_parsed``)."""
        return tuple(sorted(self._parse_all(payload.get("items")), key=_newest_first))

    def _parse_all(self, items: Any) -> list[Application]:
        return [self._parse(item) for item in records(items)]

    def _parse(self, item: Mapping[str, Any]) -> Application:
        try:
            return parse_dossier(item)
        except PayloadError as exc:
            raise UpstreamUnavailable(
                self.source, f"{self.source}: unreadable dossier ({exc})"
            ) from None


def _siret_key(siret: str) -> str:
    return f"del:siret:{siret}"


def _newest_first(application: Application) -> tuple[float, str]:
    moment = application.submitted_at or application.updated_at
    return (-moment.timestamp(), application.reference)
