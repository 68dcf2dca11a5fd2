"""How each read was served, as the audit trail learns it: UPSTREAM, CACHE, SHARED, STALE,
FAILED, always with the caller's own ``object``."""

from __future__ import annotations

import asyncio

import httpx
import respx
from entreprise_wire import (
    BAD_GATEWAY,
    CHIFFRES_AFFAIRES,
    CHIFFRES_PATH,
    ETABLISSEMENT,
    ETABLISSEMENT_PATH,
    NOT_FOUND,
    SIRET,
    wire,
)

from connectors.cache import RawCache
from connectors.entreprise import EntrepriseConfig, EntrepriseConnector
from connectors.errors import NotFound, UpstreamUnavailable

Seen = list[tuple[str, str, str, str]]


def _recorder() -> tuple[Seen, object]:
    seen: Seen = []
    return seen, lambda *args: seen.append(args)


async def test_a_call_then_a_cache_hit_are_told_apart(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    router.get(ETABLISSEMENT_PATH).respond(200, json=wire(ETABLISSEMENT))
    seen, observe = _recorder()

    await connector.etablissement(SIRET, object="Suivi par le référent", observe=observe)
    await connector.etablissement(SIRET, object="Consultation partenaire", observe=observe)

    assert seen == [
        ("etablissement", SIRET, "Suivi par le référent", "UPSTREAM"),
        ("etablissement", SIRET, "Consultation partenaire", "CACHE"),
    ]


async def test_the_object_sent_upstream_is_the_callers(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    route = router.get(CHIFFRES_PATH).respond(200, json=wire(CHIFFRES_AFFAIRES))

    await connector.chiffres_affaires(SIRET, object="Consultation par un partenaire (cci-gard)")

    assert route.calls.last.request.url.params["object"] == (
        "Consultation par un partenaire (cci-gard)"
    )


async def test_a_caller_joining_a_call_in_flight_made_none_of_its_own(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    release = asyncio.Event()

    async def slow(request: httpx.Request) -> httpx.Response:
        await release.wait()
        return httpx.Response(200, json=wire(ETABLISSEMENT))

    route = router.get(ETABLISSEMENT_PATH).mock(side_effect=slow)
    seen, observe = _recorder()
    first = asyncio.ensure_future(connector.etablissement(SIRET, object="A", observe=observe))
    await asyncio.sleep(0)
    second = asyncio.ensure_future(connector.etablissement(SIRET, object="B", observe=observe))
    await asyncio.sleep(0.01)
    release.set()
    await asyncio.gather(first, second)

    assert route.call_count == 1
    assert sorted(seen) == [("etablissement", SIRET, "A", "UPSTREAM"),
                            ("etablissement", SIRET, "B", "SHARED")]  # fmt: skip


async def test_a_stale_copy_served_when_the_upstream_fails_is_said(
    router: respx.MockRouter, config: EntrepriseConfig
) -> None:
    clock = [1_750_000_000.0]
    cache = RawCache(clock=lambda: clock[0])
    client = httpx.AsyncClient(base_url=config.base_url,
                               transport=httpx.MockTransport(router.async_handler))  # fmt: skip

    async def no_wait(_: float) -> None:
        return None

    connector = EntrepriseConnector(client, config, cache, sleep=no_wait)
    route = router.get(ETABLISSEMENT_PATH)
    route.respond(200, json=wire(ETABLISSEMENT))
    await connector.etablissement(SIRET, object="A")
    clock[0] += 2 * 86_400  # past the TTL, inside the stale window
    route.respond(502, json=BAD_GATEWAY)
    seen, observe = _recorder()

    await connector.etablissement(SIRET, object="A", observe=observe)
    await connector.aclose()

    assert seen == [("etablissement", SIRET, "A", "STALE")]


async def test_failures_and_not_found_are_told(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    router.get(ETABLISSEMENT_PATH).respond(404, json=NOT_FOUND)
    router.get(CHIFFRES_PATH).respond(502, json=BAD_GATEWAY)
    seen, observe = _recorder()

    try:
        await connector.etablissement(SIRET, object="A", observe=observe)
    except NotFound:
        pass
    try:
        await connector.chiffres_affaires(SIRET, object="A", observe=observe)
    except UpstreamUnavailable:
        pass

    assert seen == [("etablissement", SIRET, "A", "UPSTREAM"),
                    ("chiffres_affaires", SIRET, "A", "FAILED")]  # fmt: skip
