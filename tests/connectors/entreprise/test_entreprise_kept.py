"""What this process holds in memory, answered without an await (``kept``): a fresh copy is
the very answer ``read_many`` would give, counted and reported as its hit; anything else
is left to ``read_many`` (None), nothing called, nothing reported."""

from __future__ import annotations

from typing import Any

import respx
from entreprise_wire import (
    ETABLISSEMENT,
    ETABLISSEMENT_PATH,
    NOT_FOUND,
    SIRET,
    Clock,
    connector_on,
    wire,
)

from connectors.cache import RawCache
from connectors.entreprise import EntrepriseConfig
from connectors.errors import NotFound, UpstreamRefused

Seen = list[tuple[str, str, str, str]]


async def test_a_fresh_copy_in_memory_is_read_many_s_answer_and_reported_as_its_hit(
    router: respx.MockRouter, config: EntrepriseConfig
) -> None:
    connector = connector_on(router, config, RawCache())
    route = router.get(ETABLISSEMENT_PATH).respond(200, json=wire(ETABLISSEMENT))
    await connector.etablissement(SIRET, object="A")
    kept_seen: Seen = []
    many_seen: Seen = []

    kept = connector.kept(
        "etablissement", SIRET, object="B", observe=lambda *a: kept_seen.append(a)
    )
    many = await connector.read_many(
        "etablissement", [SIRET], object="B", observe=lambda *a: many_seen.append(a)
    )
    await connector.aclose()

    assert kept is many[SIRET]  # the one parse of the entry
    assert route.call_count == 1
    assert kept_seen == many_seen == [("etablissement", SIRET, "B", "CACHE")]


async def test_nothing_held_is_left_to_read_many_without_a_call_or_a_report(
    router: respx.MockRouter, config: EntrepriseConfig
) -> None:
    connector = connector_on(router, config, RawCache())
    route = router.get(ETABLISSEMENT_PATH).respond(200, json=wire(ETABLISSEMENT))
    seen: Seen = []

    kept = connector.kept("etablissement", SIRET, object="B", observe=lambda *a: seen.append(a))
    await connector.aclose()

    assert kept is None
    assert (route.call_count, seen) == (0, [])


async def test_an_expired_copy_is_left_to_read_many_which_refreshes_it(
    router: respx.MockRouter, config: EntrepriseConfig
) -> None:
    clock = Clock()
    connector = connector_on(router, config, RawCache(clock=clock))
    router.get(ETABLISSEMENT_PATH).respond(200, json=wire(ETABLISSEMENT))
    await connector.etablissement(SIRET, object="A")
    clock.now += config.ttl_for("etablissement") + 1
    seen: Seen = []

    kept = connector.kept("etablissement", SIRET, object="B", observe=lambda *a: seen.append(a))
    await connector.aclose()

    assert (kept, seen) == (None, [])


async def test_a_remembered_not_found_is_answered_as_its_error(
    router: respx.MockRouter, config: EntrepriseConfig
) -> None:
    connector = connector_on(router, config, RawCache())
    route = router.get(ETABLISSEMENT_PATH).respond(404, json=NOT_FOUND)
    many = await connector.read_many("etablissement", [SIRET], object="A")

    kept = connector.kept("etablissement", SIRET, object="A")
    await connector.aclose()

    assert isinstance(many[SIRET], NotFound)
    assert isinstance(kept, NotFound)
    assert route.call_count == 1


async def test_a_malformed_identifier_is_answered_as_read_many_answers_it(
    router: respx.MockRouter, config: EntrepriseConfig
) -> None:
    connector = connector_on(router, config, RawCache())

    kept = connector.kept("etablissement", "not-a-siret", object="A")
    many = await connector.read_many("etablissement", ["not-a-siret"], object="A")
    await connector.aclose()

    assert isinstance(kept, UpstreamRefused)
    assert type(kept) is type(many["not-a-siret"])
    assert str(kept) == str(many["not-a-siret"])


class _NeverAsked:
    """A backend that fails the test if it is asked anything."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the backend was asked {name}")


def test_a_cache_in_a_backend_is_never_read_without_an_await() -> None:
    cache = RawCache(_NeverAsked())
    assert cache.kept("entreprise:etablissement:" + SIRET) is None
