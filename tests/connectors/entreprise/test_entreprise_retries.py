"""Bounded retries with backoff, Retry-After, the time budget and the RateLimit headers."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
import respx
from entreprise_wire import (
    BAD_GATEWAY,
    BASE_URL,
    ETABLISSEMENT,
    ETABLISSEMENT_PATH,
    SIRET,
    UNITE_LEGALE,
    UNITE_LEGALE_PATH,
    FakeSleep,
    errors,
    wire,
)
from structlog.testing import capture_logs

from connectors.cache import RawCache
from connectors.entreprise import EntrepriseConfig, EntrepriseConnector
from connectors.errors import RateLimited, UpstreamRefused, UpstreamUnavailable

OBJECT = "Fiche entreprise"
TOO_MANY = errors("00429", "Trop de requêtes")


@pytest.mark.parametrize("status", [429, 502, 503, 504])
async def test_retryable_status_is_retried_until_success(
    router: respx.MockRouter, connector: EntrepriseConnector, fake_sleep: FakeSleep, status: int
) -> None:
    route = router.get(ETABLISSEMENT_PATH)
    route.side_effect = [
        httpx.Response(status, json=BAD_GATEWAY),
        httpx.Response(status, json=BAD_GATEWAY),
        httpx.Response(200, json=wire(ETABLISSEMENT)),
    ]

    etablissement = await connector.etablissement(SIRET, object=OBJECT)

    assert etablissement.siret == SIRET
    assert route.call_count == 3
    assert len(fake_sleep.delays) == 2


async def test_timeouts_and_connection_errors_are_retried(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    route = router.get(ETABLISSEMENT_PATH)
    route.side_effect = [
        httpx.ConnectTimeout("connect"),
        httpx.RemoteProtocolError("peer closed"),
        httpx.Response(200, json=wire(ETABLISSEMENT)),
    ]

    assert (await connector.etablissement(SIRET, object=OBJECT)).siret == SIRET
    assert route.call_count == 3


async def test_retries_stop_after_max_retries(
    router: respx.MockRouter, connector: EntrepriseConnector, fake_sleep: FakeSleep
) -> None:
    route = router.get(ETABLISSEMENT_PATH).respond(503, json=BAD_GATEWAY)

    with pytest.raises(UpstreamUnavailable):
        await connector.etablissement(SIRET, object=OBJECT)

    assert route.call_count == 1 + 2
    assert len(fake_sleep.delays) == 2


async def test_backoff_grows_exponentially_with_jitter(
    router: respx.MockRouter, config: EntrepriseConfig, fake_sleep: FakeSleep
) -> None:
    router.get(ETABLISSEMENT_PATH).respond(503, json=BAD_GATEWAY)
    config = EntrepriseConfig(
        base_url=BASE_URL, token="t", recipient="13002526500013", max_retries=4,
        backoff_base=0.1, backoff_max=0.3, breaker_threshold=50,
    )  # fmt: skip
    client = httpx.AsyncClient(
        base_url=BASE_URL, transport=httpx.MockTransport(router.async_handler)
    )
    connector = EntrepriseConnector(client, config, RawCache(), sleep=fake_sleep)

    with pytest.raises(UpstreamUnavailable):
        await connector.etablissement(SIRET, object=OBJECT)
    await connector.aclose()

    ceilings = [0.1, 0.2, 0.3, 0.3]
    assert len(fake_sleep.delays) == 4
    assert all(0 <= delay <= ceiling for delay, ceiling in zip(fake_sleep.delays, ceilings))


async def test_refusal_is_not_retried(
    router: respx.MockRouter, connector: EntrepriseConnector, fake_sleep: FakeSleep
) -> None:
    route = router.get(ETABLISSEMENT_PATH).respond(
        422, json=errors("00210", "Entité non traitable")
    )

    with pytest.raises(UpstreamRefused):
        await connector.etablissement(SIRET, object=OBJECT)
    assert route.call_count == 1
    assert fake_sleep.delays == []


async def test_retry_after_is_honoured_when_it_fits_the_budget(
    router: respx.MockRouter, connector: EntrepriseConnector, fake_sleep: FakeSleep
) -> None:
    route = router.get(ETABLISSEMENT_PATH)
    route.side_effect = [
        httpx.Response(429, json=TOO_MANY, headers={"Retry-After": "2"}),
        httpx.Response(200, json=wire(ETABLISSEMENT)),
    ]

    assert (await connector.etablissement(SIRET, object=OBJECT)).siret == SIRET
    assert fake_sleep.delays == [2.0]
    assert route.call_count == 2


async def test_retry_after_beyond_the_budget_raises_rate_limited_at_once(
    router: respx.MockRouter, connector: EntrepriseConnector, fake_sleep: FakeSleep
) -> None:
    route = router.get(ETABLISSEMENT_PATH).respond(
        429, json=TOO_MANY, headers={"Retry-After": "60"}
    )

    with pytest.raises(RateLimited) as caught:
        await connector.etablissement(SIRET, object=OBJECT)

    assert caught.value.retry_after == 60.0
    assert route.call_count == 1
    assert fake_sleep.delays == []


async def test_after_a_429_the_endpoint_is_not_called_before_retry_after(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    route = router.get(ETABLISSEMENT_PATH).respond(
        429, json=TOO_MANY, headers={"Retry-After": "60"}
    )
    with pytest.raises(RateLimited):
        await connector.etablissement(SIRET, object=OBJECT)

    with pytest.raises(RateLimited):
        await connector.etablissement(SIRET, object=OBJECT)
    assert route.call_count == 1


async def test_quota_spent_blocks_the_endpoint_until_reset(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    reset = str(int(time.time()) + 45)
    spent = {"RateLimit-Limit": "250", "RateLimit-Remaining": "0", "RateLimit-Reset": reset}
    etablissement = router.get(ETABLISSEMENT_PATH).respond(
        200, json=wire(ETABLISSEMENT), headers=spent
    )
    unite_legale = router.get(UNITE_LEGALE_PATH).respond(200, json=wire(UNITE_LEGALE))
    await connector.etablissement(SIRET, object=OBJECT)

    with pytest.raises(RateLimited) as caught:
        await connector.etablissement("51234987900027", object=OBJECT)

    assert caught.value.retry_after is not None and 40 < caught.value.retry_after <= 45
    assert etablissement.call_count == 1
    await connector.unite_legale("842156374", object=OBJECT)  # other endpoints are unaffected
    assert unite_legale.call_count == 1


async def test_low_remaining_quota_is_logged(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    headers = {"RateLimit-Limit": "250", "RateLimit-Remaining": "3", "RateLimit-Reset": "30"}
    router.get(ETABLISSEMENT_PATH).respond(200, json=wire(ETABLISSEMENT), headers=headers)
    with capture_logs() as logs:
        await connector.etablissement(SIRET, object=OBJECT)

    low = [entry for entry in logs if entry["event"] == "entreprise.rate_limit_low"]
    assert low and low[0]["remaining"] == 3 and low[0]["endpoint"] == "etablissement"


async def test_whole_call_fits_in_the_time_budget(router: respx.MockRouter) -> None:
    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(5)
        return httpx.Response(200, json=wire(ETABLISSEMENT))

    router.get(ETABLISSEMENT_PATH).mock(side_effect=slow)
    config = EntrepriseConfig(
        base_url=BASE_URL, token="t", recipient="13002526500013", timeout=0.2, max_retries=5
    )
    client = httpx.AsyncClient(
        base_url=BASE_URL, transport=httpx.MockTransport(router.async_handler)
    )
    connector = EntrepriseConnector(client, config, RawCache())
    started = time.monotonic()

    with pytest.raises(UpstreamUnavailable):
        await connector.etablissement(SIRET, object=OBJECT)

    assert time.monotonic() - started < 0.5
    await connector.aclose()
