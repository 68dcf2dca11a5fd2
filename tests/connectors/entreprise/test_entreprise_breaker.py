"""A circuit breaker per upstream family: opens on repeated failures, fails fast, half-opens."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
import respx
from entreprise_wire import (
    BAD_GATEWAY,
    BASE_URL,
    ETABLISSEMENT,
    ETABLISSEMENT_PATH,
    MANDATAIRES,
    MANDATAIRES_PATH,
    NOT_FOUND,
    SIREN,
    SIRET,
    UNITE_LEGALE_PATH,
    FakeSleep,
    wire,
)

from connectors.cache import RawCache
from connectors.entreprise import EntrepriseConfig, EntrepriseConnector
from connectors.errors import NotFound, UpstreamUnavailable
from connectors.http import BreakerState

OBJECT = "Fiche entreprise"
OTHER_SIRET = "51234987900027"


@pytest.fixture
async def connector(
    router: respx.MockRouter, fake_sleep: FakeSleep
) -> AsyncIterator[EntrepriseConnector]:
    """No retries, so one call is one upstream request; threshold 3; reset after 50 ms."""
    config = EntrepriseConfig(
        base_url=BASE_URL, token="t", recipient="13002526500013", max_retries=0,
        breaker_threshold=3, breaker_reset_seconds=0.05,
    )  # fmt: skip
    client = httpx.AsyncClient(
        base_url=BASE_URL, transport=httpx.MockTransport(router.async_handler)
    )
    connector = EntrepriseConnector(client, config, RawCache(), sleep=fake_sleep)
    yield connector
    await connector.aclose()


async def _fail(connector: EntrepriseConnector, times: int, siret: str = SIRET) -> None:
    for _ in range(times):
        with pytest.raises(UpstreamUnavailable):
            await connector.etablissement(siret, object=OBJECT)


async def test_breaker_opens_after_threshold_and_fails_fast(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    route = router.get(ETABLISSEMENT_PATH).respond(503, json=BAD_GATEWAY)
    await _fail(connector, 3)
    assert route.call_count == 3

    with pytest.raises(UpstreamUnavailable, match="circuit breaker open"):
        await connector.etablissement(SIRET, object=OBJECT)
    assert route.call_count == 3
    assert connector.breaker_states() == {"insee": BreakerState.OPEN}  # what metrics read


async def test_open_breaker_covers_the_whole_family_not_other_families(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    router.get(ETABLISSEMENT_PATH).respond(503, json=BAD_GATEWAY)
    unite_legale = router.get(UNITE_LEGALE_PATH).respond(200, json={})
    mandataires = router.get(MANDATAIRES_PATH).respond(200, json=wire(MANDATAIRES))
    await _fail(connector, 3)

    with pytest.raises(UpstreamUnavailable):
        await connector.unite_legale(SIREN, object=OBJECT)  # insee family: open
    assert unite_legale.call_count == 0
    assert len(await connector.mandataires_sociaux(SIREN, object=OBJECT)) == 2  # infogreffe
    assert mandataires.call_count == 1


async def test_timeouts_count_as_failures(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    route = router.get(ETABLISSEMENT_PATH).mock(side_effect=httpx.ReadTimeout("slow"))
    await _fail(connector, 3)

    with pytest.raises(UpstreamUnavailable, match="circuit breaker open"):
        await connector.etablissement(SIRET, object=OBJECT)
    assert route.call_count == 3


async def test_not_found_does_not_count_as_a_failure(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    missing = [f"{n:09d}" for n in range(3)]
    for siren in missing:
        router.get(f"/v3/insee/sirene/unites_legales/{siren}").respond(404, json=NOT_FOUND)
    for siren in missing:
        with pytest.raises(NotFound):
            await connector.unite_legale(siren, object=OBJECT)

    route = router.get(ETABLISSEMENT_PATH).respond(200, json=wire(ETABLISSEMENT))
    assert (await connector.etablissement(SIRET, object=OBJECT)).siret == SIRET
    assert route.call_count == 1


async def test_success_resets_the_consecutive_failure_count(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    route = router.get(path__regex=r"^/v3/insee/sirene/etablissements/\d{14}$")
    route.side_effect = [
        httpx.Response(503, json=BAD_GATEWAY),
        httpx.Response(503, json=BAD_GATEWAY),
        httpx.Response(200, json=wire(ETABLISSEMENT)),
        httpx.Response(503, json=BAD_GATEWAY),
        httpx.Response(503, json=BAD_GATEWAY),
        httpx.Response(200, json=wire(ETABLISSEMENT)),
    ]
    await _fail(connector, 2)
    await connector.etablissement(SIRET, object=OBJECT)
    await _fail(connector, 2, siret=OTHER_SIRET)

    await connector.etablissement(OTHER_SIRET, object=OBJECT)  # 4 failures, never 3 in a row
    assert route.call_count == 6


async def test_breaker_half_opens_after_reset_and_closes_on_success(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    route = router.get(ETABLISSEMENT_PATH)
    route.side_effect = [httpx.Response(503, json=BAD_GATEWAY)] * 3 + [
        httpx.Response(200, json=wire(ETABLISSEMENT))
    ]
    await _fail(connector, 3)
    with pytest.raises(UpstreamUnavailable, match="circuit breaker open"):
        await connector.etablissement(SIRET, object=OBJECT)

    await asyncio.sleep(0.06)

    assert (await connector.etablissement(SIRET, object=OBJECT)).siret == SIRET
    assert route.call_count == 4


async def test_failed_probe_reopens_the_breaker(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    route = router.get(ETABLISSEMENT_PATH).respond(503, json=BAD_GATEWAY)
    await _fail(connector, 3)
    await asyncio.sleep(0.06)

    await _fail(connector, 1)  # the half-open probe reaches the upstream and fails
    assert route.call_count == 4
    with pytest.raises(UpstreamUnavailable, match="circuit breaker open"):
        await connector.etablissement(SIRET, object=OBJECT)
    assert route.call_count == 4
