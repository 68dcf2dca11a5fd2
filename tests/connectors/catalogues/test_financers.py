"""The financers' sources in the catalogue connector (respx): Créalia's offset pages, France
Initiative's JSON:API pages and token, Irdi-Soridec's one document in thousands of euros;
each parsed into the one Scheme record, a source down or refused without hiding the others,
and a wrong URL or key named for readiness."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import respx

from connectors.cache import RawCache
from connectors.catalogues import CatalogueConfig, CatalogueConnector
from connectors.catalogues.models import (
    AidKind,
    AmountRange,
    CompanyAge,
    Headcount,
    SchemeSource,
    SubmissionChannel,
    Territory,
    Turnover,
)
from connectors.http import Resilience

BASE = "http://catalogues.test"
FAMILIES = ("region", "bpifrance", "francenum", "crealia", "franceinitiative", "irdisoridec")
CREALIA = "/crealia/api/prets"
INITIATIVE = "/franceinitiative/v1/honour-loans"
IRDI = "/irdisoridec/api/fonds.json"


def pret(reference: str, **extra: Any) -> dict[str, Any]:
    return {
        "reference": reference, "intitule": f"Prêt d'honneur {reference}", "accroche": "Court",
        "presentation": "Long", "montant_min": 3000, "montant_max": 20000, "taux": 0,
        "duree_mois": 60, "differe_mois": 6, "garantie": False, "cibles": ["createur"],
        "secteurs": ["creation"], "departements": None, "entreprise_age_max_mois": 12,
        "ouvert_du": "2024-01-01", "ouvert_au": None,
        "candidature": {"mode": "accompagnateur", "lien": "https://crealia.example/p"},
        "modalites": ["Présenté par une structure d'accompagnement."],
        "charge_de_mission": {"prenom_nom": "Chargé", "mel": "c@crealia.example", "tel": None},
        **extra,
    }  # fmt: skip


def loan(identifier: str, platform: str = "initiative-gard", **attributes: Any) -> dict[str, Any]:
    return {
        "type": "honour-loan", "id": identifier,
        "attributes": {
            "title": f"Prêt {identifier}", "summary": "Court", "loan_type": "reprise",
            "amount": {"min": 5000, "max": 25000}, "rate_percent": 0,
            "term_months": {"min": 12, "max": 84}, "guarantee_required": False,
            "audiences": ["buyer"], "themes": [], "max_company_age_months": 12,
            "opens_at": "2023-01-01", "closes_at": None, "apply_url": "https://i.example/d",
            **attributes,
        },
        "relationships": {"platform": {"data": {"type": "platform", "id": platform}}},
    }  # fmt: skip


def platform(identifier: str, department: str) -> dict[str, Any]:
    return {"type": "platform", "id": identifier, "attributes": {
        "name": f"Initiative {department}", "department": department, "region": "76",
        "email": f"contact@{identifier}.example", "phone": "04 65 71 20 01"}}  # fmt: skip


def fonds(code: str, **extra: Any) -> dict[str, Any]:
    return {
        "code": code, "nom": f"Fonds {code}", "resume": "Court", "stades": ["developpement"],
        "ticket_keur": {"min": 500, "max": 5000}, "instruments": ["actions"],
        "minoritaire": True, "secteurs": ["industrie"], "regions": ["76"], "departements": [],
        "effectif_max": 249, "ca_max_meur": 50, "anciennete_min_mois": 36,
        "periode_investissement": {"debut": "2019-01-01", "fin": "2030-12-31"},
        "candidature_url": "https://irdi.example/d",
        "contact": {"nom": "Chargé d'affaires", "courriel": "a@irdi.example", "telephone": None},
        **extra,
    }  # fmt: skip


@pytest.fixture
def router() -> respx.MockRouter:
    return respx.MockRouter(base_url=BASE, assert_all_called=False, assert_all_mocked=True)


async def no_sleep(seconds: float) -> None:
    return None


@pytest.fixture
async def connector(router: respx.MockRouter) -> AsyncIterator[CatalogueConnector]:
    clients = {
        family: httpx.AsyncClient(base_url=BASE, transport=httpx.MockTransport(router.async_handler))
        for family in FAMILIES
    }  # fmt: skip
    config = CatalogueConfig(
        region_url=BASE, bpifrance_url=BASE, francenum_url=BASE, bpifrance_key="k",
        crealia_url=BASE, france_initiative_url=BASE, france_initiative_key="fi-key",
        irdi_soridec_url=BASE,
        resilience=Resilience(timeout=1.0, max_retries=1, backoff_base=0.0, backoff_max=0.0),
    )  # fmt: skip
    made = CatalogueConnector(config, RawCache(), clients=clients, sleep=no_sleep)
    yield made
    await made.aclose()


def serve_catalogues(router: respx.MockRouter) -> None:
    """The three catalogues, empty."""
    router.get("/region/api/v1/dispositifs").respond(
        json={"data": [], "meta": {"pages": 1}, "links": {}}
    )
    router.get("/bpifrance/api/aids/").respond(json={"count": 0, "results": []})
    router.get("/francenum/api/v2/dispositifs").respond(json={"items": [], "next_cursor": None})


def serve_financers(router: respx.MockRouter) -> dict[str, respx.Route]:
    def crealia_page(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        items = [pret("CRE-A"), pret("CRE-B"), pret("CRE-C")][offset : offset + 2]
        return httpx.Response(200, json={"prets": items, "pagination": {
            "offset": offset, "limit": 2, "total": 3}})  # fmt: skip

    def initiative_page(request: httpx.Request) -> httpx.Response:
        number = request.url.params["page[number]"]
        if number == "1":
            body = {
                "data": [loan("gard-reprise")],
                "included": [platform("initiative-gard", "30")],
                "links": {"next": f"{BASE}{INITIATIVE}?page%5Bnumber%5D=2&page%5Bsize%5D=1"},
            }
        else:
            body = {
                "data": [loan("aude-reprise", "initiative-aude")],
                "included": [platform("initiative-aude", "11")],
                "links": {"next": None},
            }
        return httpx.Response(200, json=body)  # fmt: skip

    return {
        "crealia": router.get(CREALIA).mock(side_effect=crealia_page),
        "franceinitiative": router.get(INITIATIVE).mock(side_effect=initiative_page),
        "irdisoridec": router.get(IRDI).respond(json={"editeur": "Irdi-Soridec", "fonds": [
            fonds("DEV"), fonds("AMORCAGE", stades=["amorcage"], anciennete_min_mois=None,
                                anciennete_max_mois=60)]}),
    }  # fmt: skip


async def test_the_three_financers_are_read_whole_and_namespaced(
    router: respx.MockRouter, connector: CatalogueConnector
) -> None:
    serve_catalogues(router)
    routes = serve_financers(router)
    found = await connector.schemes()
    assert found.unavailable == ()
    assert sorted(found.by_id) == [
        "crealia:CRE-A", "crealia:CRE-B", "crealia:CRE-C",
        "franceinitiative:aude-reprise", "franceinitiative:gard-reprise",
        "irdisoridec:AMORCAGE", "irdisoridec:DEV",
    ]  # fmt: skip
    offsets = [call.request.url.params["offset"] for call in routes["crealia"].calls]
    assert offsets == ["0", "2"]  # the offset grows by each page's length
    assert routes["franceinitiative"].call_count == 2  # links.next followed to the end
    token = routes["franceinitiative"].calls[0].request.headers["Authorization"]
    assert token == "Token fi-key"


async def test_an_honour_loan_of_crealia_is_a_loan_to_young_companies_of_occitanie(
    router: respx.MockRouter, connector: CatalogueConnector
) -> None:
    serve_catalogues(router)
    serve_financers(router)
    scheme = (await connector.schemes()).by_id["crealia:CRE-A"]
    assert scheme.source is SchemeSource.CREALIA
    assert scheme.kinds == (AidKind.HONOUR_LOAN, AidKind.LOAN)
    assert scheme.kind is AidKind.HONOUR_LOAN
    assert scheme.amounts == AmountRange(3000, 20000)
    assert scheme.financers == ("Créalia",)
    assert (scheme.territory_scale, scheme.territory_codes) == ("region", ("76",))
    assert scheme.criteria == (Territory(regions=("76",)), CompanyAge(0, 12))
    assert scheme.channel is SubmissionChannel.PROVIDER
    assert scheme.funding_rules[:3] == (
        "Taux : 0 %.",
        "Remboursement sur 60 mois, dont 6 mois de différé.",
        "Sans garantie ni caution personnelle.",
    )
    assert scheme.expert is not None and scheme.expert.email == "c@crealia.example"


async def test_a_france_initiative_loan_carries_its_platform_from_included(
    router: respx.MockRouter, connector: CatalogueConnector
) -> None:
    serve_catalogues(router)
    serve_financers(router)
    scheme = (await connector.schemes()).by_id["franceinitiative:aude-reprise"]
    assert scheme.financers == ("France Initiative", "Initiative 11")
    assert (scheme.territory_scale, scheme.territory_codes) == ("department", ("11",))
    assert scheme.criteria == (Territory(departments=("11",)), CompanyAge(0, 12))
    assert scheme.themes == ("transmission",)  # a "reprise" loan
    assert scheme.beneficiaries == ("repreneur",)
    assert scheme.amounts == AmountRange(5000, 25000)
    assert scheme.expert is not None and scheme.expert.email == "contact@initiative-aude.example"


async def test_an_irdi_soridec_fund_is_equity_in_euros_not_thousands(
    router: respx.MockRouter, connector: CatalogueConnector
) -> None:
    serve_catalogues(router)
    serve_financers(router)
    found = await connector.schemes()
    development, seed = found.by_id["irdisoridec:DEV"], found.by_id["irdisoridec:AMORCAGE"]
    assert development.kinds == (AidKind.EQUITY,)
    assert development.amounts == AmountRange(500_000, 5_000_000)
    assert development.criteria == (
        Territory(regions=("76",)), Headcount(None, 249), Turnover(50_000_000), CompanyAge(36),
    )  # fmt: skip
    assert development.themes == ("developpement", "industrie")
    assert seed.themes == ("creation", "innovation", "industrie")
    assert CompanyAge(0, 60) in seed.criteria
    assert development.funding_rules[:2] == ("Stades : développement.", "Instruments : actions.")


async def test_a_financer_down_is_named_and_the_others_answer(
    router: respx.MockRouter, connector: CatalogueConnector
) -> None:
    serve_catalogues(router)
    routes = serve_financers(router)
    routes["irdisoridec"].respond(503, json={"erreur": {"code": "unavailable", "libelle": "…"}})
    found = await connector.schemes()
    assert found.unavailable == ("irdisoridec",)
    assert {scheme.source for scheme in found.schemes} == {
        SchemeSource.CREALIA, SchemeSource.FRANCE_INITIATIVE}  # fmt: skip


async def test_a_refused_token_makes_france_initiative_unavailable_not_the_catalogue(
    router: respx.MockRouter, connector: CatalogueConnector
) -> None:
    serve_catalogues(router)
    routes = serve_financers(router)
    routes["franceinitiative"].respond(401, json={"errors": [{"code": "unauthorized"}]})
    found = await connector.schemes()
    assert found.unavailable == ("franceinitiative",)
    assert "crealia:CRE-A" in found.by_id


async def test_a_next_link_that_comes_back_ends_the_paging(
    router: respx.MockRouter, connector: CatalogueConnector
) -> None:
    serve_catalogues(router)
    serve_financers(router)
    looping = f"{BASE}{INITIATIVE}?page%5Bnumber%5D=1&page%5Bsize%5D=20"
    route = router.get(INITIATIVE).respond(json={
        "data": [loan("gard-reprise")], "included": [platform("initiative-gard", "30")],
        "links": {"next": looping}})  # fmt: skip
    found = await connector.schemes()
    assert "franceinitiative:gard-reprise" in found.by_id
    assert route.call_count == 2  # the first page, then the link once; not again


async def test_a_next_link_elsewhere_makes_the_source_unavailable(
    router: respx.MockRouter, connector: CatalogueConnector
) -> None:
    serve_catalogues(router)
    serve_financers(router)
    router.get(INITIATIVE).respond(json={
        "data": [], "included": [], "links": {"next": "https://elsewhere.example/steal"}})  # fmt: skip
    assert (await connector.schemes()).unavailable == ("franceinitiative",)


async def test_a_malformed_item_is_skipped_not_the_source(
    router: respx.MockRouter, connector: CatalogueConnector
) -> None:
    serve_catalogues(router)
    serve_financers(router)
    router.get(IRDI).respond(json={"fonds": [
        fonds("DEV"), fonds("NO-STAGE", stades=["inconnu"]), {"code": "NO-NAME"}]})  # fmt: skip
    found = await connector.schemes()
    assert [s.id for s in found.schemes if s.source is SchemeSource.IRDI_SORIDEC] == [
        "irdisoridec:DEV"
    ]
    assert found.unavailable == ()


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (CREALIA, {"prets": [pret("CRE-A")]}),  # no pagination.total
        (INITIATIVE, {"links": {"next": None}}),  # no data
        (IRDI, {"editeur": "Irdi-Soridec"}),  # no fonds
    ],
)
async def test_a_page_without_its_paging_fields_makes_the_source_unavailable(
    router: respx.MockRouter, connector: CatalogueConnector, path: str, body: dict[str, Any]
) -> None:
    serve_catalogues(router)
    serve_financers(router)
    router.get(path).respond(json=body)
    assert len((await connector.schemes()).unavailable) == 1


async def test_readiness_names_a_financer_answering_404_or_401(
    router: respx.MockRouter, connector: CatalogueConnector
) -> None:
    serve_catalogues(router)
    routes = serve_financers(router)
    routes["crealia"].respond(404)
    routes["franceinitiative"].respond(401)
    wrong = await connector.misconfigured_sources()
    assert sorted(wrong) == ["crealia", "franceinitiative"]
    assert wrong["franceinitiative"] == f"HTTP 401 at {BASE}{INITIATIVE}"
    probe = routes["franceinitiative"].calls[-1].request
    assert probe.headers["Authorization"] == "Token fi-key"


async def test_a_connector_without_the_financers_urls_reads_the_three_catalogues_only(
    router: respx.MockRouter,
) -> None:
    serve_catalogues(router)
    clients = {
        family: httpx.AsyncClient(base_url=BASE, transport=httpx.MockTransport(router.async_handler))
        for family in ("region", "bpifrance", "francenum")
    }  # fmt: skip
    config = CatalogueConfig(region_url=BASE, bpifrance_url=BASE, francenum_url=BASE,
                             bpifrance_key="k")  # fmt: skip
    connector = CatalogueConnector(config, RawCache(), clients=clients, sleep=no_sleep)
    try:
        found = await connector.schemes()
        assert found.schemes == () and found.unavailable == ()
        assert await connector.misconfigured_sources() == {}
    finally:
        await connector.aclose()
