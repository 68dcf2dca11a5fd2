"""Raw-response cache: fresh hits, stale-if-error, negative cache, keys, single-flight."""

from __future__ import annotations

import asyncio

import httpx
import pytest
import respx
from entreprise_wire import (
    BAD_GATEWAY,
    CHIFFRES_AFFAIRES,
    CHIFFRES_PATH,
    ETABLISSEMENT,
    ETABLISSEMENT_PATH,
    NOT_FOUND,
    SIRET,
    Clock,
    FakeSleep,
    errors,
    wire,
)
from structlog.testing import capture_logs

from connectors.cache import RawCache
from connectors.entreprise import EntrepriseConfig, EntrepriseConnector
from connectors.entreprise.connector import cache_key
from connectors.entreprise.endpoints import ETABLISSEMENT as ETABLISSEMENT_ENDPOINT
from connectors.errors import NotFound, RateLimited, UpstreamUnavailable


async def test_fresh_hit_makes_no_call(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    route = router.get(ETABLISSEMENT_PATH).respond(200, json=wire(ETABLISSEMENT))

    first = await connector.etablissement(SIRET, object="Fiche entreprise")
    second = await connector.etablissement(SIRET, object="Fiche entreprise")

    assert first == second
    assert route.call_count == 1


async def test_a_record_or_a_list_is_parsed_once_per_cache_entry(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    """An établissement is a frozen record that every reader shares; a list of turnovers is a
    tuple of frozen records, shared alike."""
    router.get(ETABLISSEMENT_PATH).respond(200, json=wire(ETABLISSEMENT))
    router.get(CHIFFRES_PATH).respond(200, json=wire(CHIFFRES_AFFAIRES))

    await connector.etablissement(SIRET, object="Fiche entreprise")  # fetched, then cached
    first = await connector.etablissement(SIRET, object="Fiche entreprise")
    second = await connector.etablissement(SIRET, object="Fiche entreprise")
    await connector.chiffres_affaires(SIRET, object="Fiche entreprise")
    turnover = await connector.chiffres_affaires(SIRET, object="Fiche entreprise")
    again = await connector.chiffres_affaires(SIRET, object="Fiche entreprise")

    assert first is second
    assert turnover is again and isinstance(turnover, tuple)


async def test_cache_key_does_not_depend_on_object(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    route = router.get(ETABLISSEMENT_PATH).respond(200, json=wire(ETABLISSEMENT))

    await connector.etablissement(SIRET, object="Fiche entreprise")
    await connector.etablissement(SIRET, object="Instruction d'une demande d'aide")

    assert route.call_count == 1
    assert cache_key(ETABLISSEMENT_ENDPOINT, SIRET) == f"api_entreprise:etablissement:{SIRET}"


async def test_raw_payload_is_cached_not_the_model(
    router: respx.MockRouter, connector: EntrepriseConnector, cache: RawCache
) -> None:
    router.get(ETABLISSEMENT_PATH).respond(200, json=wire(ETABLISSEMENT))

    await connector.etablissement(SIRET, object="Fiche entreprise")

    entry = await cache.get(cache_key(ETABLISSEMENT_ENDPOINT, SIRET))
    assert entry is not None and entry.fresh
    assert entry.value == ETABLISSEMENT


@pytest.mark.parametrize(
    "failure",
    [
        httpx.Response(503, json=BAD_GATEWAY),
        httpx.Response(429, json=errors("00429", "Trop"), headers={"Retry-After": "120"}),
        httpx.ConnectError("down"),
    ],
)
async def test_stale_entry_is_served_when_upstream_fails(
    router: respx.MockRouter,
    config: EntrepriseConfig,
    fake_sleep: FakeSleep,
    failure: httpx.Response | Exception,
) -> None:
    clock = Clock()
    cache = RawCache(clock=clock)
    client = httpx.AsyncClient(
        base_url="https://entreprise.api.test", transport=httpx.MockTransport(router.async_handler)
    )
    connector = EntrepriseConnector(client, config, cache, sleep=fake_sleep)
    route = router.get(CHIFFRES_PATH)
    route.side_effect = [httpx.Response(200, json=wire(CHIFFRES_AFFAIRES))] + [failure] * 3
    fresh = await connector.chiffres_affaires(SIRET, object="Fiche")
    clock.now += 25 * 3600  # past the 24 h TTL, inside the 7-day stale window

    with capture_logs() as logs:
        stale = await connector.chiffres_affaires(SIRET, object="Fiche")

    assert stale == fresh
    assert route.call_count > 1
    assert any(entry["event"] == "entreprise.stale_served" for entry in logs)
    await connector.aclose()


async def test_failure_without_stale_entry_raises(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    router.get(ETABLISSEMENT_PATH).respond(503, json=BAD_GATEWAY)

    with pytest.raises(UpstreamUnavailable):
        await connector.etablissement(SIRET, object="Fiche")


async def test_rate_limited_without_stale_entry_raises(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    router.get(ETABLISSEMENT_PATH).respond(429, json={}, headers={"Retry-After": "90"})

    with pytest.raises(RateLimited):
        await connector.etablissement(SIRET, object="Fiche")


async def test_not_found_is_remembered_briefly(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    route = router.get(ETABLISSEMENT_PATH).respond(404, json=NOT_FOUND)

    for _ in range(2):
        with pytest.raises(NotFound):
            await connector.etablissement(SIRET, object="Fiche")

    assert route.call_count == 1


async def test_unreadable_payload_is_not_cached(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    route = router.get(ETABLISSEMENT_PATH)
    route.side_effect = [
        httpx.Response(200, json={"data": None}),
        httpx.Response(200, json=wire(ETABLISSEMENT)),
    ]
    with pytest.raises(UpstreamUnavailable):
        await connector.etablissement(SIRET, object="Fiche")

    assert (await connector.etablissement(SIRET, object="Fiche")).siret == SIRET
    assert route.call_count == 2


async def test_concurrent_identical_calls_make_one_request(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    release = asyncio.Event()

    async def slow(request: httpx.Request) -> httpx.Response:
        await release.wait()
        return httpx.Response(200, json=wire(ETABLISSEMENT))

    route = router.get(ETABLISSEMENT_PATH).mock(side_effect=slow)
    calls = [
        asyncio.create_task(connector.etablissement(SIRET, object=f"resolver {n}"))
        for n in range(5)
    ]
    await asyncio.sleep(0.01)
    release.set()

    results = await asyncio.gather(*calls)

    assert route.call_count == 1
    assert all(result == results[0] for result in results)


async def test_concurrent_callers_share_the_failure(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    route = router.get(ETABLISSEMENT_PATH).respond(404, json=NOT_FOUND)

    results = await asyncio.gather(
        connector.etablissement(SIRET, object="a"),
        connector.etablissement(SIRET, object="b"),
        return_exceptions=True,
    )

    assert all(isinstance(result, NotFound) for result in results)
    assert route.call_count == 1


async def test_a_cancelled_caller_does_not_cancel_the_shared_call(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    release = asyncio.Event()

    async def slow(request: httpx.Request) -> httpx.Response:
        await release.wait()
        return httpx.Response(200, json=wire(ETABLISSEMENT))

    route = router.get(ETABLISSEMENT_PATH).mock(side_effect=slow)
    first = asyncio.create_task(connector.etablissement(SIRET, object="a"))
    second = asyncio.create_task(connector.etablissement(SIRET, object="b"))
    await asyncio.sleep(0.01)
    first.cancel()
    release.set()

    assert (await second).siret == SIRET
    assert first.cancelled()
    assert route.call_count == 1
