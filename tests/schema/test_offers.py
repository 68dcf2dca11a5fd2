"""The offers are public: every CCI carries the standard Entreprendre & Transmettre (four
offers by segment, 11 levels), the BGE and Initiative platforms their own; searched by
segment, level, structure, text and department, paged."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from resolvers.context import Services
from tests.conftest import Run, errors_by_path

OFFERS = """
query($filter: OfferFilterInput, $first: Int, $after: String) {
  offers(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id segment level levelTitle title national structure { id kind }
                   products { code title mandatory expertiseLevel } } }
  }
}
"""


def _nodes(result: object) -> list[dict[str, object]]:
    data = result.data  # type: ignore[attr-defined]
    return [edge["node"] for edge in data["offers"]["edges"]]


async def test_a_cci_carries_the_four_national_offers_by_level_for_anyone(run: Run) -> None:
    result = await run(OFFERS, variables={"filter": {"structureId": "cci-gard"}, "first": 50})
    assert result.errors is None
    offers = _nodes(result)
    assert result.data["offers"]["totalCount"] == 11
    assert {(o["segment"], o["level"]) for o in offers} == {
        ("CREATEUR", 1), ("CREATEUR", 2), ("CREATEUR", 3),
        ("REPRENEUR", 1), ("REPRENEUR", 2), ("REPRENEUR", 3),
        ("NOUVEAU_DIRIGEANT", 1), ("NOUVEAU_DIRIGEANT", 2),
        ("CEDANT", 1), ("CEDANT", 2), ("CEDANT", 3),
    }  # fmt: skip
    assert all(
        o["national"] and o["structure"] == {"id": "cci-gard", "kind": "CCI"} for o in offers
    )
    level_two = next(o for o in offers if (o["segment"], o["level"]) == ("CREATEUR", 2))
    assert level_two["levelTitle"] == "Expérimenter"
    assert level_two["products"][0] == {
        "code": "N12",
        "title": "Workshop « 5 jours pour Entreprendre »",
        "mandatory": True,
        "expertiseLevel": "EXPERTISE",
    }
    assert level_two["products"][2]["mandatory"] is False  # « Option : un rendez-vous »


async def test_every_cci_of_the_region_carries_the_standard(run: Run) -> None:
    query = '{ structures(filter: {kind: "CCI"}, first: 50) { edges { node { id offers { national } } } } }'
    result = await run(query)
    structures = [edge["node"] for edge in result.data["structures"]["edges"]]
    assert len(structures) >= 10
    assert all(
        len(s["offers"]) == 11 and all(o["national"] for o in s["offers"]) for s in structures
    )


async def test_a_bge_and_an_initiative_platform_have_their_own_offers(run: Run) -> None:
    bge = _nodes(await run(OFFERS, variables={"filter": {"structureId": "bge-occitanie"}}))
    assert bge and not any(o["national"] for o in bge)
    assert all(p["code"] is None for o in bge for p in o["products"])
    loans = _nodes(
        await run(OFFERS, variables={"filter": {"text": "pret d'honneur"}, "first": 100})
    )
    assert loans and {o["structure"]["kind"] for o in loans} == {"INITIATIVE"}


async def test_offers_are_filtered_by_segment_level_and_department(run: Run) -> None:
    result = await run(
        OFFERS,
        variables={"filter": {"segment": "CEDANT", "level": 3, "department": "30"}, "first": 50},
    )
    offers = _nodes(result)
    assert [o["structure"]["id"] for o in offers] == ["cci-gard"]
    assert [p["code"] for p in offers[0]["products"]] == ["N14", "N9", "N10", "N8", "N13"]


async def test_the_text_filter_ignores_accents_and_case(run: Run) -> None:
    result = await run(
        OFFERS, variables={"filter": {"text": "5 JOURS POUR ENTREPRENDRE", "department": "30"}}
    )
    assert [(o["segment"], o["level"]) for o in _nodes(result)] == [("CREATEUR", 2)]


async def test_offers_are_paged_with_cursors(run: Run) -> None:
    variables: dict[str, object] = {"filter": {"structureId": "cci-gard"}, "first": 4}
    seen: list[str] = []
    while True:
        result = await run(OFFERS, variables=variables)
        seen += [str(o["id"]) for o in _nodes(result)]
        info = result.data["offers"]["pageInfo"]
        if not info["hasNextPage"]:
            break
        variables["after"] = info["endCursor"]
    assert len(seen) == len(set(seen)) == 11


async def test_a_cursor_the_hub_did_not_give_is_bad_user_input(run: Run) -> None:
    result = await run(OFFERS, variables={"after": "not-a-cursor"})
    assert errors_by_path(result) == {"offers": "BAD_USER_INPUT"}


RECOMMENDED = "{ viewer { recommendedOffers { segment structure { departmentCode } } } }"
SEGMENTS = """
query($siret: String!) { company(siret: $siret) { segment projects { segment } } }
"""
CLAIRE = "claire.leroy@leroy-sas.example"  # LEROY's mandataire
GARCIA = "julien.garcia@bge-occitanie.example"  # another structure: tier 1 on LEROY
LEROY = "84215637400014"  # created in 2018, in the Gard


async def test_a_company_declaring_a_transfer_is_a_cedant_and_is_offered_the_gards_offers(
    run: Run, services: Services
) -> None:
    before = await run(RECOMMENDED, as_=CLAIRE)
    assert before.data["viewer"]["recommendedOffers"] == []  # 8 years old, no transfer
    async with services.writer.transaction() as tx:
        await tx.create_project(
            siret=LEROY, title="Céder l'atelier", theme="transmission", now=datetime.now(UTC)
        )
    sheet = await run(SEGMENTS, as_=CLAIRE, variables={"siret": LEROY})
    assert sheet.data["company"]["segment"] == "CEDANT"
    assert "CEDANT" in [p["segment"] for p in sheet.data["company"]["projects"]]
    after = await run(RECOMMENDED, as_=CLAIRE)
    offers = after.data["viewer"]["recommendedOffers"]
    assert offers and {(o["segment"], o["structure"]["departmentCode"]) for o in offers} == {
        ("CEDANT", "30")
    }


async def test_a_companys_segment_is_refused_below_tier_2(run: Run) -> None:
    result = await run(SEGMENTS, as_=GARCIA, variables={"siret": LEROY})
    assert errors_by_path(result)["company.segment"] == "FORBIDDEN"


async def test_a_project_holder_is_offered_its_segments_offers_near_its_structure(
    run: Run, services: Services
) -> None:
    async with services.writer.transaction() as tx:
        email, theme, department = (
            await tx.session.execute(
                sa.text(
                    "SELECT a.email, p.theme, s.department_code FROM projects p "
                    "JOIN accounts a ON a.id = p.holder_account_id "
                    "JOIN structures s ON s.id = p.structure_id WHERE p.id = 'project-holder-001'"
                )
            )
        ).one()
    segment = "REPRENEUR" if theme == "reprise" else "CREATEUR"
    result = await run(RECOMMENDED, as_=email)
    offers = result.data["viewer"]["recommendedOffers"]
    assert offers
    assert {o["segment"] for o in offers} == {segment}
    assert {o["structure"]["departmentCode"] for o in offers} == {department}
