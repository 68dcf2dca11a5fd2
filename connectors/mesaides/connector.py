"""The Mes aides en ligne connector: a company's demandes (paged by SIRET), one demande by
number, filing with an ``Idempotency-Key``, finding a demande by that key, payment requests
and the "changed since" listing the polling job reads.

Calls go through the shared ``ResilientCaller`` (a POST carrying an idempotency key is
retried like a GET: the portal answers the same demande for the same key); a company's list
is cached raw by ``CachedFetch`` (TTL, single flight, stale-if-error).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import httpx

from connectors.cache import RawCache
from connectors.errors import NotFound, UpstreamUnavailable
from connectors.http import BreakerState, CachedFetch, LogNames, Report, ResilientCaller, Sleep
from connectors.mesaides.config import MesAidesConfig, create_client
from connectors.mesaides.wire import new_demande, parse_demande, payment_body
from connectors.platforms.models import (
    Application,
    NewApplication,
    PaymentRequest,
    Platform,
)
from connectors.platforms.wire import PayloadError, mapping, records

__all__ = ["MesAidesConnector", "summarise_error"]

_LOGS = LogNames(prefix="mesaides", label="call")
_DEMANDES = "/api/v1/demandes"
_MAX_PAGES = 100


def summarise_error(response: httpx.Response) -> str:
    """``"dossier_introuvable Demande inconnue"`` from ``{"code", "message"}``."""
    try:
        body = response.json()
    except ValueError:
        return "no error body"
    if isinstance(body, dict) and body.get("code"):
        return f"{body['code']} {body.get('message') or ''}".strip()
    return "no error body"


class MesAidesConnector:
    source = "mesaides"
    platform = Platform.MES_AIDES_EN_LIGNE

    def __init__(
        self,
        config: MesAidesConfig,
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
        self._reads = CachedFetch(
            cache, stale_ttl=config.stale_ttl, not_found_ttl=config.not_found_ttl, logs=_LOGS
        )
        self._cache = cache

    async def applications(
        self, siret: str, *, report: Report | None = None
    ) -> tuple[Application, ...]:
        return await self._reads.read_parsed(
            _siret_key(siret),
            lambda: self._listing({"siret": siret}),
            self._listed,
            label="demandes_siret",
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
            label="demandes_siret",
            source=self.source,
            report=report,
        )

    async def application(self, reference: str) -> Application:
        body = await self._caller.get_object(f"{_DEMANDES}/{_safe(reference)}", name="demande")
        return self._parse(body)

    async def file(self, new: NewApplication, idempotency_key: str) -> Application:
        body = await self._caller.send(
            "POST", _DEMANDES, name="deposer", json=new_demande(new),
            headers={"Idempotency-Key": idempotency_key}, idempotent=True,
        )  # fmt: skip
        await self._cache.delete(_siret_key(new.siret))
        return self._parse(mapping(body))

    async def find_by_key(self, idempotency_key: str) -> Application | None:
        body = await self._caller.get_object(
            _DEMANDES, name="demandes_cle", params={"cle_idempotence": idempotency_key}
        )
        found = records(body.get("demandes"))
        return self._parse(found[0]) if found else None

    async def request_payment(
        self, reference: str, request: PaymentRequest, idempotency_key: str
    ) -> Application:
        body = await self._caller.send(
            "POST", f"{_DEMANDES}/{_safe(reference)}/paiements", name="demander_paiement",
            json=payment_body(request), headers={"Idempotency-Key": idempotency_key},
            idempotent=True,
        )  # fmt: skip
        application = self._parse(mapping(body))
        await self._cache.delete(_siret_key(application.siret))
        return application

    async def changed_since(self, since: datetime) -> tuple[Application, ...]:
        payload = await self._listing({"modifiees_depuis": since.isoformat()})
        return tuple(self._parse_all(payload["items"]))

    def breaker_states(self) -> dict[str, BreakerState]:
        """Each source's circuit breaker, for metrics."""
        return self._caller.breaker_states()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _listing(self, filters: Mapping[str, str]) -> dict[str, Any]:
        """Every page of a listing, as one payload to cache."""
        items: list[Any] = []
        page, pages = 1, 1
        while page <= min(pages, _MAX_PAGES):
            body = await self._caller.get_object(
                _DEMANDES,
                name="demandes",
                params={**filters, "page": page, "par_page": self._config.page_size},
            )
            paging = mapping(body.get("pagination"))
            if not isinstance(body.get("demandes"), list) or not isinstance(
                paging.get("pages"), int
            ):
                raise UpstreamUnavailable(self.source, f"{self.source}: unreadable page")
            items += body["demandes"]
            pages, page = paging["pages"], page + 1
        return {"items": items}

    def _listed(self, payload: Mapping[str, Any]) -> tuple[Application, ...]:
        """A cached listing's applications, newest first (kept parsed by ``read_parsed``)."""
        return tuple(sorted(self._parse_all(payload.get("items")), key=_newest_first))

    def _parse_all(self, items: Any) -> list[Application]:
        return [self._parse(item) for item in records(items)]

    def _parse(self, item: Mapping[str, Any]) -> Application:
        try:
            return parse_demande(item)
        except PayloadError as exc:
            raise UpstreamUnavailable(
                self.source, f"{self.source}: unreadable demande ({exc})"
            ) from None


def _siret_key(siret: str) -> str:
    return f"mesaides:siret:{siret}"


def _safe(reference: str) -> str:
    """A demande number as a path segment (numbers are ``MAEL-2023-000123``)."""
    if not reference or not all(c.isalnum() or c == "-" for c in reference):
        raise NotFound("mesaides", "mesaides: no such demande")
    return reference


def _newest_first(application: Application) -> tuple[float, str]:
    moment = application.submitted_at or application.updated_at
    return (-moment.timestamp(), application.reference)
