"""The API Entreprise ("Dites-le nous une fois") connector: company data for the hub.

Calls go through the shared ``connectors.http.ResilientCaller`` (API Entreprise adds its
mandatory parameters, its token, its ``RateLimit-*`` quota and its error-body summary), reads
through ``connectors.http.CachedFetch``. Raw payloads are cached per endpoint and identifier
(never per caller or ``object``): a fresh entry answers without a call; when the upstream
fails (unavailable, rate limited) a stale entry is served and the fact logged; a 404 is
remembered briefly. Concurrent identical calls are coalesced into one upstream call.

A caller that passes ``observe`` learns how its read was served (the audit trail records
it): ``UPSTREAM`` (a call went out with this caller's ``object``), ``CACHE`` (a fresh cached
copy, no call), ``SHARED`` (an identical call already in flight answered, no call of its
own), ``STALE`` (the call failed, an older copy was served) or ``FAILED``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Generic, TypeVar

import httpx

from connectors.cache import RawCache
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
from connectors.entreprise.failures import summarise_error
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
from connectors.entreprise.ratelimits import RateLimits
from connectors.errors import UpstreamRefused, UpstreamUnavailable
from connectors.http import BreakerState, CachedFetch, LogNames, ResilientCaller, Sleep

__all__ = ["CallObserver", "EntrepriseConnector", "cache_key"]

T = TypeVar("T")

CallObserver = Callable[[str, str, str, str], None]
"""``observe(endpoint, identifier, object, outcome)``, called once per read."""

_LOGS = LogNames(prefix="entreprise", label="endpoint")


def cache_key(endpoint: Endpoint, identifier: str) -> str:
    return f"api_entreprise:{endpoint.name}:{identifier}"


@dataclass(frozen=True, slots=True)
class _Reading(Generic[T]):
    """One of the connector's reads: its endpoint and how its payload is parsed."""

    endpoint: Endpoint
    parse: Callable[[dict[str, Any]], T]
    """Makes frozen records (a tuple of them for a list), which every reader shares: parsed
    once per cache entry (``CachedFetch.read_parsed``, by the entry's write stamp)."""

    def parse_payload(self, payload: dict[str, Any]) -> T:
        """``parse``, an unreadable payload reported as the source's fault."""
        return EntrepriseConnector._parse(self.endpoint, payload, self.parse)


_READS: dict[str, _Reading[Any]] = {
    "etablissement": _Reading(ETABLISSEMENT, parse_etablissement),
    "unite_legale": _Reading(UNITE_LEGALE, parse_unite_legale),
    "mandataires_sociaux": _Reading(MANDATAIRES_SOCIAUX, parse_mandataires_sociaux),
    "chiffres_affaires": _Reading(CHIFFRES_AFFAIRES, parse_chiffres_affaires),
    "attestation_vigilance": _Reading(ATTESTATION_VIGILANCE, parse_attestation_vigilance),
    "attestation_fiscale": _Reading(ATTESTATION_FISCALE, parse_attestation_fiscale),
    "effectifs_annuels": _Reading(EFFECTIFS_ANNUELS, parse_effectifs_annuels),
    "bilans": _Reading(BILANS, parse_bilans),
}
"""Each read, by the name of its method: ``read_many`` finds it by that name."""


def _require_object(object: str) -> None:
    if not object.strip():
        raise ValueError("API Entreprise calls need an object (why the data is read)")


def _malformed(endpoint: Endpoint) -> UpstreamRefused:
    return UpstreamRefused(endpoint.source, f"{endpoint.source}: malformed {endpoint.identifier}")


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
        self._caller = ResilientCaller(
            client,
            self.source,
            config.resilience,
            headers={"Authorization": f"Bearer {config.token}"},
            quota=RateLimits(low_watermark=config.rate_limit_low_watermark),
            summarise=summarise_error,
            logs=_LOGS,
            sleep=sleep,
        )
        self._reads = CachedFetch(
            cache, stale_ttl=config.stale_ttl, not_found_ttl=config.not_found_ttl, logs=_LOGS
        )

    async def etablissement(
        self, siret: str, *, object: str, observe: CallObserver | None = None
    ) -> Etablissement:
        return await self._read(_READS["etablissement"], siret, object, observe)

    async def unite_legale(
        self, siren: str, *, object: str, observe: CallObserver | None = None
    ) -> UniteLegale:
        return await self._read(_READS["unite_legale"], siren, object, observe)

    async def mandataires_sociaux(
        self, siren: str, *, object: str, observe: CallObserver | None = None
    ) -> tuple[Mandataire, ...]:
        return await self._read(_READS["mandataires_sociaux"], siren, object, observe)

    async def chiffres_affaires(
        self, siret: str, *, object: str, observe: CallObserver | None = None
    ) -> tuple[Turnover, ...]:
        """Newest fiscal year first."""
        return await self._read(_READS["chiffres_affaires"], siret, object, observe)

    async def attestation_vigilance(
        self, siren: str, *, object: str, observe: CallObserver | None = None
    ) -> Compliance:
        """Social compliance (URSSAF)."""
        return await self._read(_READS["attestation_vigilance"], siren, object, observe)

    async def attestation_fiscale(
        self, siren: str, *, object: str, observe: CallObserver | None = None
    ) -> Compliance:
        """Tax compliance (DGFIP)."""
        return await self._read(_READS["attestation_fiscale"], siren, object, observe)

    async def effectifs_annuels(
        self, siren: str, *, object: str, observe: CallObserver | None = None
    ) -> Headcount:
        """Annual average headcount of the last complete year (GIP-MDS)."""
        return await self._read(_READS["effectifs_annuels"], siren, object, observe)

    async def bilans(
        self, siren: str, *, object: str, observe: CallObserver | None = None
    ) -> tuple[BalanceSheet, ...]:
        """The last balance sheets (Banque de France), newest first."""
        return await self._read(_READS["bilans"], siren, object, observe)

    async def read_many(
        self,
        read: str,
        identifiers: Sequence[str],
        *,
        object: str,
        observe: CallObserver | None = None,
    ) -> dict[str, Any]:
        """What the read named ``read`` (one of the methods above: ``"etablissement"``…)
        answers for each identifier, or the error it raises, by identifier: the cache asked
        once for all of them (Redis: one MGET), the fresh copies answered without a task
        (a list's warm read), the others read concurrently, each as that method reads it."""
        _require_object(object)
        reading = _READS[read]
        endpoint = reading.endpoint
        answers: dict[str, Any] = {}
        reads = []
        for given in identifiers:
            identifier = given.strip()
            if not endpoint.is_valid(identifier):
                answers[given] = _malformed(endpoint)
                continue
            fetch = partial(self._fetch, endpoint, identifier, object, reading.parse)
            report = self._report(endpoint, identifier, object, observe)
            reads.append((given, (cache_key(endpoint, identifier), fetch, report)))
        found = await self._reads.read_many_parsed(
            [keyed for _, keyed in reads],
            reading.parse_payload,
            label=endpoint.name,
            source=endpoint.source,
            ttl=self._config.ttl_for(endpoint.name),
        )
        answers.update(zip([given for given, _ in reads], found, strict=True))
        return answers

    def kept(
        self, read: str, identifier: str, *, object: str, observe: CallObserver | None = None
    ) -> Any:
        """What ``read_many`` would answer at once for ``identifier``, without an await: the
        record, or the error it stands for, when this process holds a fresh copy in memory
        (``CachedFetch.kept_parsed``: counted and reported as that read's hit). None when it
        does not: nothing is read (the caller reads with ``read_many``)."""
        _require_object(object)
        reading = _READS[read]
        endpoint = reading.endpoint
        identifier = identifier.strip()
        if not endpoint.is_valid(identifier):
            return _malformed(endpoint)
        return self._reads.kept_parsed(
            cache_key(endpoint, identifier),
            reading.parse_payload,
            label=endpoint.name,
            source=endpoint.source,
            report=self._report(endpoint, identifier, object, observe),
        )

    def breaker_states(self) -> dict[str, BreakerState]:
        """Each source's circuit breaker, for metrics."""
        return self._caller.breaker_states()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _read(
        self,
        reading: _Reading[T],
        identifier: str,
        object: str,
        observe: CallObserver | None = None,
    ) -> T:
        """Parsed once per cache entry (``CachedFetch.read_parsed``, by the entry's write
        stamp) instead of once per read."""
        endpoint, parse = reading.endpoint, reading.parse
        _require_object(object)
        identifier = identifier.strip()
        if not endpoint.is_valid(identifier):
            raise _malformed(endpoint)
        key = cache_key(endpoint, identifier)
        report = self._report(endpoint, identifier, object, observe)
        ttl = self._config.ttl_for(endpoint.name)
        fetch = partial(self._fetch, endpoint, identifier, object, parse)
        return await self._reads.read_parsed(
            key, fetch, reading.parse_payload,
            label=endpoint.name, source=endpoint.source, ttl=ttl, report=report,
        )  # fmt: skip

    @staticmethod
    def _report(
        endpoint: Endpoint, identifier: str, object: str, observe: CallObserver | None
    ) -> Callable[[str], None] | None:
        return None if observe is None else partial(observe, endpoint.name, identifier, object)

    async def _fetch(
        self,
        endpoint: Endpoint,
        identifier: str,
        object: str,
        parse: Callable[[dict[str, Any]], object],
    ) -> dict[str, Any]:
        """One call with this reader's ``object``; a payload we cannot read is never cached."""
        payload = await self._caller.get_object(
            endpoint.url_path(identifier),
            name=endpoint.name,
            source=endpoint.source,
            params={
                "context": self._config.context,
                "recipient": self._config.recipient,
                "object": object,
            },
        )
        self._parse(endpoint, payload, parse)
        return payload

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
