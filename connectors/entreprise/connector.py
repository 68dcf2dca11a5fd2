"""The API Entreprise ("Dites-le nous une fois") connector: company data for the hub.

Raw payloads are cached per endpoint and identifier (never per caller or ``object``): a fresh
entry answers without a call; when the upstream fails (unavailable, rate limited) a stale
entry is served and the fact logged; a 404 is remembered briefly. Concurrent identical calls
are coalesced into one upstream call.

A caller that passes ``observe`` learns how its read was served (the audit trail records
it): ``UPSTREAM`` (a call went out with this caller's ``object``), ``CACHE`` (a fresh cached
copy, no call), ``SHARED`` (an identical call already in flight answered, no call of its
own), ``STALE`` (the call failed, an older copy was served) or ``FAILED``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

import httpx
import structlog

from connectors.cache import CacheEntry, RawCache
from connectors.entreprise.config import EntrepriseConfig
from connectors.entreprise.endpoints import (
    ATTESTATION_FISCALE,
    ATTESTATION_VIGILANCE,
    BILANS,
    CHIFFRES_AFFAIRES,
    EFFECTIFS_ANNUELS,
    ETABLISSEMENT,
    MANDATAIRES_SOCIAUX,
    UNITE_LEGALE,
    Endpoint,
)
from connectors.entreprise.models import (
    BalanceSheet,
    Compliance,
    Etablissement,
    Headcount,
    Mandataire,
    Turnover,
    UniteLegale,
)
from connectors.entreprise.parsing import (
    PayloadError,
    parse_attestation_fiscale,
    parse_attestation_vigilance,
    parse_bilans,
    parse_chiffres_affaires,
    parse_effectifs_annuels,
    parse_etablissement,
    parse_mandataires_sociaux,
    parse_unite_legale,
)
from connectors.entreprise.singleflight import SingleFlight
from connectors.entreprise.upstream import Sleep, UpstreamCaller
from connectors.errors import (
    NotFound,
    RateLimited,
    UpstreamRefused,
    UpstreamUnavailable,
)
from connectors.metrics import CACHE_READS

__all__ = ["CallObserver", "EntrepriseConnector", "cache_key"]

T = TypeVar("T")

CallObserver = Callable[[str, str, str, str], None]
"""``observe(endpoint, identifier, object, outcome)``, called once per read."""

_log = structlog.get_logger(__name__)

_NOT_FOUND_MARK = "__not_found__"
_UPSTREAM, _CACHE, _SHARED, _STALE, _FAILED = "UPSTREAM", "CACHE", "SHARED", "STALE", "FAILED"


def cache_key(endpoint: Endpoint, identifier: str) -> str:
    return f"api_entreprise:{endpoint.name}:{identifier}"


class EntrepriseConnector:
    source = "api_entreprise"

    def __init__(
        self,
        client: httpx.AsyncClient,
        config: EntrepriseConfig,
        cache: RawCache,
        *,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        """``sleep`` waits between retries; tests pass a fake one to skip real waits."""
        self._client = client
        self._config = config
        self._cache = cache
        self._upstream = UpstreamCaller(client, config, sleep=sleep)
        self._flights: SingleFlight[dict[str, Any]] = SingleFlight()

    async def etablissement(
        self, siret: str, *, object: str, observe: CallObserver | None = None
    ) -> Etablissement:
        return await self._read(ETABLISSEMENT, siret, object, parse_etablissement, observe)

    async def unite_legale(
        self, siren: str, *, object: str, observe: CallObserver | None = None
    ) -> UniteLegale:
        return await self._read(UNITE_LEGALE, siren, object, parse_unite_legale, observe)

    async def mandataires_sociaux(
        self, siren: str, *, object: str, observe: CallObserver | None = None
    ) -> list[Mandataire]:
        return await self._read(
            MANDATAIRES_SOCIAUX, siren, object, parse_mandataires_sociaux, observe
        )

    async def chiffres_affaires(
        self, siret: str, *, object: str, observe: CallObserver | None = None
    ) -> list[Turnover]:
        """Newest fiscal year first."""
        return await self._read(CHIFFRES_AFFAIRES, siret, object, parse_chiffres_affaires, observe)

    async def attestation_vigilance(
        self, siren: str, *, object: str, observe: CallObserver | None = None
    ) -> Compliance:
        """Social compliance (URSSAF)."""
        return await self._read(
            ATTESTATION_VIGILANCE, siren, object, parse_attestation_vigilance, observe
        )

    async def attestation_fiscale(
        self, siren: str, *, object: str, observe: CallObserver | None = None
    ) -> Compliance:
        """Tax compliance (DGFIP)."""
        return await self._read(
            ATTESTATION_FISCALE, siren, object, parse_attestation_fiscale, observe
        )

    async def effectifs_annuels(
        self, siren: str, *, object: str, observe: CallObserver | None = None
    ) -> Headcount:
        """Annual average headcount of the last complete year (GIP-MDS)."""
        return await self._read(
            EFFECTIFS_ANNUELS, siren, object, parse_effectifs_annuels, observe
        )

    async def bilans(
        self, siren: str, *, object: str, observe: CallObserver | None = None
    ) -> list[BalanceSheet]:
        """The last balance sheets (Banque de France), newest first."""
        return await self._read(BILANS, siren, object, parse_bilans, observe)

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _read(
        self,
        endpoint: Endpoint,
        identifier: str,
        object: str,
        parse: Callable[[dict[str, Any]], T],
        observe: CallObserver | None = None,
    ) -> T:
        if not object.strip():
            raise ValueError("API Entreprise calls need an object (why the data is read)")
        identifier = identifier.strip()
        if not endpoint.is_valid(identifier):
            raise UpstreamRefused(
                endpoint.source, f"{endpoint.source}: malformed {endpoint.identifier}"
            )
        key = cache_key(endpoint, identifier)
        entry = await self._cache.get(key)
        if entry is not None and entry.fresh:  # the hot path: no task, no flight
            CACHE_READS.labels(endpoint.name, "hit").inc()
            if observe is not None:
                observe(endpoint.name, identifier, object, _CACHE)
            return self._parse(endpoint, self._remembered(endpoint, entry), parse)
        CACHE_READS.labels(endpoint.name, "miss").inc()
        outcome = [_SHARED]  # set by _fetch when this caller's flight is the one that runs
        try:
            payload = await self._flights.run(
                key, lambda: self._fetch(endpoint, identifier, object, key, parse, outcome)
            )
        except Exception as error:
            if observe is not None:
                observe(endpoint.name, identifier, object,
                        outcome[0] if isinstance(error, NotFound) else _FAILED)  # fmt: skip
            raise
        if observe is not None:
            observe(endpoint.name, identifier, object, outcome[0])
        return self._parse(endpoint, payload, parse)

    async def _fetch(
        self,
        endpoint: Endpoint,
        identifier: str,
        object: str,
        key: str,
        parse: Callable[[dict[str, Any]], object],
        outcome: list[str],
    ) -> dict[str, Any]:
        entry = await self._cache.get(key)  # again: another flight may just have filled it
        known_missing = entry is not None and entry.value.get(_NOT_FOUND_MARK) is True
        if entry is not None and entry.fresh:
            outcome[0] = _CACHE
            return self._remembered(endpoint, entry)
        outcome[0] = _UPSTREAM
        try:
            payload = await self._upstream.get(endpoint, identifier, object=object)
            self._parse(endpoint, payload, parse)  # never cache what we cannot read
        except NotFound:
            await self._cache.set(
                key, {_NOT_FOUND_MARK: True}, ttl=self._config.not_found_ttl, stale_ttl=0
            )
            raise
        except (UpstreamUnavailable, RateLimited) as exc:
            if entry is not None and not known_missing:
                _log.warning(
                    "entreprise.stale_served", endpoint=endpoint.name, reason=type(exc).__name__
                )
                CACHE_READS.labels(endpoint.name, "stale").inc()
                outcome[0] = _STALE
                return entry.value
            raise
        await self._cache.set(
            key,
            payload,
            ttl=self._config.ttl_for(endpoint.name),
            stale_ttl=self._config.stale_ttl,
        )
        return payload

    @staticmethod
    def _remembered(endpoint: Endpoint, entry: CacheEntry) -> dict[str, Any]:
        """A fresh entry's payload, or the remembered 404."""
        if entry.value.get(_NOT_FOUND_MARK) is True:
            raise NotFound(endpoint.source, f"{endpoint.source}: not found (remembered)")
        return entry.value

    @staticmethod
    def _parse(
        endpoint: Endpoint, payload: dict[str, Any], parse: Callable[[dict[str, Any]], T]
    ) -> T:
        try:
            return parse(payload)
        except PayloadError as exc:
            raise UpstreamUnavailable(
                endpoint.source, f"{endpoint.source}: unreadable payload ({exc})"
            ) from None
