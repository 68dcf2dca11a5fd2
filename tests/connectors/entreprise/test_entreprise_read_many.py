"""A batch of identifiers read at once (``read_many``): what a list of companies costs. The
cache is asked once for all of them; a fresh copy answers without a call or a task, the rest
are read as each read is, concurrently; a failure stays with its identifier."""

from __future__ import annotations

import respx
from entreprise_wire import (
    BAD_GATEWAY,
    CHIFFRES_AFFAIRES,
    CHIFFRES_PATH,
    ETABLISSEMENT,
    ETABLISSEMENT_PATH,
    NOT_FOUND,
    SIRET,
    connector_on,
    wire,
)

from connectors.cache import RawCache
from connectors.entreprise import EntrepriseConfig, EntrepriseConnector
from connectors.errors import NotFound, UpstreamRefused, UpstreamUnavailable

OTHER = "35600000000048"
OTHER_PATH = ETABLISSEMENT_PATH.replace(SIRET, OTHER)

Seen = list[tuple[str, str, str, str]]


class CountingCache(RawCache):
    """Counts the round trips a read makes to the cache, by kind."""

    def __init__(self) -> None:
        super().__init__()
        self.gets = 0
        self.get_manys = 0

    async def get(self, key: str):  # type: ignore[no-untyped-def]
        self.gets += 1
        return await super().get(key)

    async def get_many(self, keys):  # type: ignore[no-untyped-def]
        self.get_manys += 1
        return await super().get_many(keys)


async def test_fresh_copies_answer_from_one_cache_read_without_a_call(
    router: respx.MockRouter, config: EntrepriseConfig
) -> None:
    cache = CountingCache()
    connector = connector_on(router, config, cache)
    route = router.get(ETABLISSEMENT_PATH).respond(200, json=wire(ETABLISSEMENT))
    await connector.etablissement(SIRET, object="A")
    expected = await connector.etablissement(SIRET, object="A")  # the cached copy's parse
    cache.gets = 0
    seen: Seen = []

    found = await connector.read_many(
        "etablissement", [SIRET], object="B", observe=lambda *a: seen.append(a)
    )
    await connector.aclose()

    assert found == {SIRET: expected}
    assert found[SIRET] is expected  # the one parse of the entry, as a cached read hands out
    assert route.call_count == 1
    assert (cache.get_manys, cache.gets) == (1, 0)
    assert seen == [("etablissement", SIRET, "B", "CACHE")]


async def test_what_is_not_cached_is_read_each_failure_kept_for_its_identifier(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    router.get(ETABLISSEMENT_PATH).respond(200, json=wire(ETABLISSEMENT))
    router.get(OTHER_PATH).respond(404, json=NOT_FOUND)
    seen: Seen = []

    found = await connector.read_many(
        "etablissement", [SIRET, OTHER, "not-a-siret"], object="A",
        observe=lambda *a: seen.append(a),
    )  # fmt: skip

    assert found[SIRET] == await connector.etablissement(SIRET, object="A")
    assert isinstance(found[OTHER], NotFound)
    assert isinstance(found["not-a-siret"], UpstreamRefused)
    assert sorted(seen) == [("etablissement", OTHER, "A", "UPSTREAM"),
                            ("etablissement", SIRET, "A", "UPSTREAM")]  # fmt: skip
    again = await connector.read_many("etablissement", [OTHER], object="A")
    assert isinstance(again[OTHER], NotFound)  # remembered: answered from the cache


async def test_an_expired_copy_is_served_when_the_call_fails(
    router: respx.MockRouter, config: EntrepriseConfig
) -> None:
    clock = [1_750_000_000.0]
    connector = connector_on(router, config, RawCache(clock=lambda: clock[0]))
    route = router.get(ETABLISSEMENT_PATH)
    route.respond(200, json=wire(ETABLISSEMENT))
    served = await connector.etablissement(SIRET, object="A")
    clock[0] += 2 * 86_400  # past the TTL, inside the stale window
    route.respond(502, json=BAD_GATEWAY)
    seen: Seen = []

    found = await connector.read_many(
        "etablissement", [SIRET], object="A", observe=lambda *a: seen.append(a)
    )
    await connector.aclose()

    assert found == {SIRET: served}
    assert seen == [("etablissement", SIRET, "A", "STALE")]


async def test_a_failing_partner_fails_only_what_it_was_asked(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    router.get(CHIFFRES_PATH).respond(502, json=BAD_GATEWAY)

    found = await connector.read_many("chiffres_affaires", [SIRET], object="A")

    assert isinstance(found[SIRET], UpstreamUnavailable)


async def test_a_list_is_parsed_once_per_cache_entry_and_shared(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    router.get(CHIFFRES_PATH).respond(200, json=wire(CHIFFRES_AFFAIRES))
    read = await connector.chiffres_affaires(SIRET, object="A")

    first = await connector.read_many("chiffres_affaires", [SIRET], object="A")
    second = await connector.read_many("chiffres_affaires", [SIRET], object="A")

    assert first[SIRET] == read == second[SIRET]
    assert first[SIRET] is second[SIRET] and isinstance(read, tuple)  # frozen: no reader owns it
