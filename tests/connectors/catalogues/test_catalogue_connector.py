"""The catalogue connector against each partner's wire format (respx): paging, parsing,
caching, stale-if-error, and one partner failing without hiding the others."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest
import respx

from connectors.cache import RawCache
from connectors.catalogues import CatalogueConfig, CatalogueConnector
from connectors.catalogues.models import (
    ActivatorCategory,
    AidKind,
    Associations,
    CompanyAge,
    Headcount,
    MicroEnterprise,
    NafCodes,
    NotInDifficulty,
    SchemeSource,
    SizeCategory,
    SubmissionChannel,
    TaxSocialCompliance,
    Territory,
    Turnover,
)
from connectors.http import Resilience

BASE = "http://catalogues.test"


def dispositif(identifier: str, region: str = "76", **extra: Any) -> dict[str, Any]:
    return {
        "id": identifier, "region_code": region, "nom": f"Dispositif {identifier}",
        "resume": "Un résumé", "financeurs": ["Région Occitanie"], "natures": ["subvention"],
        "thematiques": ["industrie"], "beneficiaires": ["entreprise"],
        "zone_geographique": {"type": "region", "codes": [region]},
        "date_ouverture": "2020-01-01", "date_cloture": "2022-12-31",
        "modalite_depot": {"canal": "DEL", "url": "https://del.example/"},
        "prestataires_references": [{"nom": "AFNOR", "site": "www.afnor.org"}],
        "faq": [{"question": "Q ?", "reponse": "R."}],
        "expert": {"nom": "Agent Région", "email": "expert@region.example", "telephone": "01 99"},
        "reglement_minimis": "2023/2831",
        "criteres": {
            "effectif_max": 4999, "categories": ["PME", "ETI"], "anciennete_min_mois": 12,
            "regions": ["76"], "naf_inclus": ["10", "33"],
            "associations": {"recettes_marchandes_min": 0.5, "agrement_ei_ea": True},
            "pas_en_difficulte": True, "a_jour_fiscal_social": True,
        },
        **extra,
    }  # fmt: skip


def aid(slug: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": 1000, "slug": slug, "name": f"Aide {slug}", "short_title": "Court",
        "financers": ["Bpifrance"], "aid_types": ["loan"], "categories": ["innovation"],
        "targeted_audiences": ["private_sector"], "perimeter": {"scale": "country", "codes": []},
        "start_date": None, "submission_deadline": None, "application_channel": "online_form",
        "contact": {"full_name": "Chargé Bpifrance", "email": "c@bpifrance.example", "phone": None},
        "de_minimis_regulation": "EU 1407/2013",
        "eligibility_rules": [
            {"kind": "headcount", "max": 249}, {"kind": "turnover", "max": 50_000_000},
            {"kind": "company_age", "min_months": 36},
            {"kind": "territory", "regions": ["52"], "departments": []},
            {"kind": "naf", "include": [], "exclude": ["64"]},
            {"kind": "micro_enterprise", "min_turnover": 20000, "certified_accounts": True},
            {"kind": "a_rule_we_do_not_know"},
        ],
        **extra,
    }  # fmt: skip


def cheque() -> dict[str, Any]:
    return {
        "slug": "cheque-numerique", "intitule": "Chèque France Num de 500 €", "chapo": "500 €",
        "porteurs": ["État"], "type": "aide_forfaitaire", "themes": ["numerique"],
        "publics": ["tpe"], "territoire": "national", "ouverture": "2021-01-28",
        "fermeture": "2021-03-31", "depot": {"mode": "teleservice", "url": "https://t.example"},
        "montant_forfaitaire": 500, "themes_depenses": ["Gestion - Logiciel de caisse"],
        "contact_expert": None, "minimis": None,
        "conditions": {"salaries_max": 10, "hors_difficulte": False},
    }  # fmt: skip


def activator(number: int) -> dict[str, Any]:
    return {
        "uuid": f"act-{number}", "categorie": "conseiller_public", "nom_affiche": f"Conseil {number}",
        "structure": "CCI Hérault", "region": "76", "departement": "34", "commune": "Montpellier",
        "domaines": ["site_web"], "courriel": f"a{number}@cci.example",
    }  # fmt: skip


@pytest.fixture
def router() -> respx.MockRouter:
    return respx.MockRouter(base_url=BASE, assert_all_called=False, assert_all_mocked=True)


@pytest.fixture
def cache() -> RawCache:
    return RawCache()


async def no_sleep(seconds: float) -> None:
    return None


def make(router: respx.MockRouter, cache: RawCache, **config: Any) -> CatalogueConnector:
    clients = {
        family: httpx.AsyncClient(
            base_url=BASE, transport=httpx.MockTransport(router.async_handler)
        )
        for family in ("region", "bpifrance", "francenum")
    }
    settings = CatalogueConfig(
        region_url=BASE, bpifrance_url=BASE, francenum_url=BASE, bpifrance_key="k",
        resilience=Resilience(timeout=1.0, max_retries=1, backoff_base=0.0, backoff_max=0.0),
        **config,
    )  # fmt: skip
    return CatalogueConnector(settings, cache, clients=clients, sleep=no_sleep)


@pytest.fixture
async def connector(router: respx.MockRouter, cache: RawCache) -> AsyncIterator[CatalogueConnector]:
    made = make(router, cache)
    yield made
    await made.aclose()


def serve_all(router: respx.MockRouter) -> dict[str, respx.Route]:
    region_pages = {
        "1": [dispositif("parcours-industrie-du-futur")],
        "2": [dispositif("investissement-numerique", region="52", date_cloture=None)],
    }

    def region_page(request: httpx.Request) -> httpx.Response:
        page = request.url.params["page"]
        return httpx.Response(200, json={
            "data": region_pages[page], "meta": {"page": int(page), "per_page": 100, "total": 2, "pages": 2},
            "links": {},
        })  # fmt: skip

    def francenum_page(request: httpx.Request) -> httpx.Response:
        cursor = request.url.params.get("cursor")
        if cursor is None:
            return httpx.Response(
                200, json={"items": [activator(1), activator(2)], "next_cursor": "c2", "total": 3}
            )
        return httpx.Response(200, json={"items": [activator(3)], "next_cursor": None, "total": 3})

    return {
        "region": router.get("/region/api/v1/dispositifs").mock(side_effect=region_page),
        "bpifrance": router.get("/bpifrance/api/aids/").mock(
            return_value=httpx.Response(200, json={"count": 1, "next": None, "previous": None, "results": [aid("pret-innovation")]})
        ),
        "francenum": router.get("/francenum/api/v2/dispositifs").mock(
            return_value=httpx.Response(200, json={"items": [cheque()], "next_cursor": None, "total": 1})
        ),
        "activators": router.get("/francenum/api/v2/activateurs").mock(side_effect=francenum_page),
    }  # fmt: skip


async def test_every_source_is_read_whole_and_namespaced(
    router: respx.MockRouter, connector: CatalogueConnector
) -> None:
    routes = serve_all(router)
    found = await connector.schemes()
    assert sorted(found.by_id) == [
        "bpifrance:pret-innovation",
        "francenum:cheque-numerique",
        "paysdelaloire:investissement-numerique",
        "region:parcours-industrie-du-futur",
    ]
    assert found.unavailable == ()
    assert routes["region"].call_count == 2  # both pages
    assert routes["bpifrance"].calls[0].request.headers["X-Api-Key"] == "k"


async def test_equal_criteria_of_different_schemes_have_one_number(
    router: respx.MockRouter, connector: CatalogueConnector
) -> None:
    """The engine evaluates each distinct criterion once (resolvers.eligibility.evaluate_all)."""
    serve_all(router)
    found = await connector.schemes()
    keys = dict(zip((s.id for s in found.schemes), found.criterion_keys, strict=True))
    industrie = found.by_id["region:parcours-industrie-du-futur"]
    numerique = found.by_id["paysdelaloire:investissement-numerique"]
    shared = [c for c in industrie.criteria if c in numerique.criteria]
    assert shared  # the two test dispositifs share criteria (same builder)
    for criterion in shared:
        mine = keys[industrie.id][industrie.criteria.index(criterion)]
        theirs = keys[numerique.id][numerique.criteria.index(criterion)]
        assert mine == theirs
    distinct = {c for s in found.schemes for c in s.criteria}
    assert len({k for ks in found.criterion_keys for k in ks}) == len(distinct)


async def test_a_catalogue_keeps_its_version_while_its_records_stay(
    router: respx.MockRouter, connector: CatalogueConnector
) -> None:
    """What is derived from a catalogue is kept by its version (resolvers.schemes)."""
    serve_all(router)
    first = await connector.schemes()
    assert first.version > 0
    assert (await connector.schemes()).version == first.version


async def test_the_region_vocabulary_maps_to_one_scheme_record(
    router: respx.MockRouter, connector: CatalogueConnector
) -> None:
    serve_all(router)
    scheme = (await connector.schemes()).by_id["region:parcours-industrie-du-futur"]
    assert scheme.source is SchemeSource.REGION_OCCITANIE
    assert scheme.kind is AidKind.GRANT
    assert scheme.channel is SubmissionChannel.DEL
    assert scheme.closes_on == date(2022, 12, 31) and not scheme.is_open(date(2026, 11, 23))
    assert scheme.providers[0].name == "AFNOR" and scheme.expert is not None
    assert scheme.de_minimis_regulation == "2023/2831"
    assert scheme.criteria == (
        Headcount(None, 4999), SizeCategory(("PME", "ETI")), CompanyAge(12), Territory(("76",), ()),
        NafCodes(("10", "33"), ()), Associations(Decimal("0.5"), True), NotInDifficulty(),
        TaxSocialCompliance(),
    )  # fmt: skip


async def test_the_bpifrance_rules_map_to_the_same_criteria_and_unknown_rules_are_ignored(
    router: respx.MockRouter, connector: CatalogueConnector
) -> None:
    serve_all(router)
    scheme = (await connector.schemes()).by_id["bpifrance:pret-innovation"]
    assert scheme.kind is AidKind.LOAN and scheme.channel is SubmissionChannel.MES_AIDES_EN_LIGNE
    assert scheme.de_minimis_regulation == "1407/2013"
    assert scheme.criteria == (
        Headcount(None, 249), Turnover(50_000_000), CompanyAge(36), Territory(("52",), ()),
        NafCodes((), ("64",)), MicroEnterprise(20000, True),
    )  # fmt: skip


async def test_france_num_schemes_and_activators_follow_the_cursor(
    router: respx.MockRouter, connector: CatalogueConnector
) -> None:
    routes = serve_all(router)
    scheme = (await connector.schemes()).by_id["francenum:cheque-numerique"]
    assert scheme.flat_amount == 500 and scheme.criteria == (Headcount(None, 10),)
    activators = await connector.activators()
    assert [a.id for a in activators] == ["act-1", "act-2", "act-3"]
    assert activators[0].category is ActivatorCategory.PUBLIC_DIGITAL_ADVISER
    assert routes["activators"].call_count == 2


async def test_a_warm_catalogue_makes_no_call(
    router: respx.MockRouter, connector: CatalogueConnector
) -> None:
    routes = serve_all(router)
    await connector.schemes()
    await connector.schemes()
    assert routes["region"].call_count == 2 and routes["bpifrance"].call_count == 1


async def test_a_failing_partner_is_named_and_the_others_answer(
    router: respx.MockRouter, connector: CatalogueConnector
) -> None:
    routes = serve_all(router)
    routes["bpifrance"].mock(return_value=httpx.Response(503))
    found = await connector.schemes()
    assert found.unavailable == ("bpifrance",)
    assert "region:parcours-industrie-du-futur" in found.by_id
    assert routes["bpifrance"].call_count == 2  # one retry


async def test_a_stale_catalogue_is_served_when_the_partner_fails(
    router: respx.MockRouter, cache: RawCache
) -> None:
    routes = serve_all(router)
    first = make(router, cache, ttl=0.0, local_ttl=0.0)
    await first.schemes()
    routes["region"].mock(return_value=httpx.Response(502))
    found = await make(router, cache, ttl=0.0, local_ttl=0.0).schemes()
    assert found.unavailable == ()
    assert "region:parcours-industrie-du-futur" in found.by_id


async def test_a_malformed_item_is_skipped_not_the_catalogue(
    router: respx.MockRouter, connector: CatalogueConnector
) -> None:
    routes = serve_all(router)
    broken = dispositif("x")
    del broken["nom"]
    routes["region"].mock(return_value=httpx.Response(200, json={
        "data": [broken, dispositif("y")], "meta": {"pages": 1}, "links": {}}))  # fmt: skip
    found = await connector.schemes()
    assert "region:y" in found.by_id and "region:x" not in found.by_id


async def test_a_page_without_its_paging_fields_makes_the_source_unavailable(
    router: respx.MockRouter, connector: CatalogueConnector
) -> None:
    routes = serve_all(router)
    routes["region"].mock(return_value=httpx.Response(200, json={"data": []}))
    assert (await connector.schemes()).unavailable == ("region",)
