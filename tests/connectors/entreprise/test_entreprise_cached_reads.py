"""A batch's fresh cached copies read at once (``cached_reads``): what a list of companies'
warm read costs. What has no fresh copy is left out, for its reader to read as usual."""

from __future__ import annotations

import httpx
import pytest
import respx
from entreprise_wire import (
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
from connectors.errors import NotFound

OTHER_SIRET = "35600000000048"

Seen = list[tuple[str, str, str, str]]


async def test_fresh_copies_answer_without_a_call_and_are_observed_as_cached(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    route = router.get(ETABLISSEMENT_PATH).respond(200, json=wire(ETABLISSEMENT))
    await connector.etablissement(SIRET, object="A")
    expected = await connector.etablissement(SIRET, object="A")  # the cached copy's parse
    seen: Seen = []

    found = await connector.cached_reads(
        "etablissement", [SIRET], object="B", observe=lambda *a: seen.append(a)
    )

    assert found == {SIRET: expected}
    assert found[SIRET] is expected  # the one parse of the entry, as a cached read hands out
    assert route.call_count == 1
    assert seen == [("etablissement", SIRET, "B", "CACHE")]


async def test_what_has_no_fresh_copy_is_left_out_and_not_observed(
    router: respx.MockRouter, config: EntrepriseConfig
) -> None:
    clock = [1_750_000_000.0]
    client = httpx.AsyncClient(
        base_url=config.base_url, transport=httpx.MockTransport(router.async_handler)
    )
    connector = EntrepriseConnector(client, config, RawCache(clock=lambda: clock[0]))
    router.get(ETABLISSEMENT_PATH).respond(200, json=wire(ETABLISSEMENT))
    await connector.etablissement(SIRET, object="A")
    clock[0] += 2 * 86_400  # past the TTL: only a stale copy is left
    seen: Seen = []

    found = await connector.cached_reads(
        "etablissement", [SIRET, OTHER_SIRET, "not-a-siret"], object="A",
        observe=lambda *a: seen.append(a),
    )  # fmt: skip
    await connector.aclose()

    assert found == {}
    assert seen == []


async def test_a_remembered_not_found_is_left_to_its_reader(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    router.get(ETABLISSEMENT_PATH).respond(404, json=NOT_FOUND)
    with pytest.raises(NotFound):  # now remembered
        await connector.etablissement(SIRET, object="A")

    assert await connector.cached_reads("etablissement", [SIRET], object="A") == {}


async def test_a_list_is_parsed_for_each_read_its_reader_owns_it(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    router.get(CHIFFRES_PATH).respond(200, json=wire(CHIFFRES_AFFAIRES))
    read = await connector.chiffres_affaires(SIRET, object="A")

    first = await connector.cached_reads("chiffres_affaires", [SIRET], object="A")
    second = await connector.cached_reads("chiffres_affaires", [SIRET], object="A")

    assert first[SIRET] == read == second[SIRET]
    assert first[SIRET] is not second[SIRET]
