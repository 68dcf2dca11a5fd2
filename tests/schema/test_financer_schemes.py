"""The financers the hub FAQ names beside the Région and Bpifrance (Créalia, France
Initiative, Irdi-Soridec) in the graph: ``schemes(filter: {source})``, honour loans and equity
as kinds of their own with their amounts, LEROY's verdicts on them, estimateAid saying why
there is nothing granted to estimate, and one financer down without hiding the others."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import Run, errors_by_path
from tests.schema.test_schemes import all_pages

LEROY = "84215637400014"  # Nîmes, Gard (30), Occitanie
DURAND = "pierre.durand@cci-gard.example"
GARD_TAKEOVER = "franceinitiative:initiative-gard-reprise"
AUDE_CREATION = "franceinitiative:initiative-aude-creation"
CREALIA_CREATION = "crealia:CRE-CREATION"
IRDI_DEVELOPMENT = "irdisoridec:DEVELOPPEMENT"

SCHEMES = """
query($filter: SchemeFilter, $after: String) {
  schemes(filter: $filter, first: 50, after: $after) {
    totalCount
    edges { node { id source kind kinds financers open amounts { minimum maximum }
                   territory { scale codes } submission { channel } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


@pytest.mark.parametrize(
    ("source", "count", "kind", "financer"),
    [
        ("CREALIA", 6, "HONOUR_LOAN", "Créalia"),
        ("FRANCE_INITIATIVE", 45, "HONOUR_LOAN", "France Initiative"),
        ("IRDI_SORIDEC", 5, "EQUITY", "Irdi-Soridec"),
    ],
)
async def test_schemes_filter_by_each_financers_source(
    run: Run, source: str, count: int, kind: str, financer: str
) -> None:
    nodes = await all_pages(run, SCHEMES, "schemes", {"filter": {"source": source}})
    assert len(nodes) == count
    assert {node["source"] for node in nodes} == {source}
    assert {node["kind"] for node in nodes} == {kind}
    assert all(financer in node["financers"] for node in nodes)
    assert all(node["amounts"]["minimum"] < node["amounts"]["maximum"] for node in nodes)
    assert {node["submission"]["channel"] for node in nodes} <= {"PROVIDER", "DOWNLOAD"}


async def test_honour_loans_are_loans_too_and_equity_is_its_own_kind(run: Run) -> None:
    honour = await all_pages(run, SCHEMES, "schemes", {"filter": {"kind": "HONOUR_LOAN"}})
    loans = await all_pages(run, SCHEMES, "schemes", {"filter": {"kind": "LOAN"}})
    equity = await all_pages(run, SCHEMES, "schemes", {"filter": {"kind": "EQUITY"}})
    assert {node["source"] for node in honour} == {"CREALIA", "FRANCE_INITIATIVE"}
    assert {node["id"] for node in honour} < {node["id"] for node in loans}
    assert all(node["kinds"] == ["HONOUR_LOAN", "LOAN"] for node in honour)
    assert {node["source"] for node in equity} == {"IRDI_SORIDEC"}


async def test_a_funds_tickets_are_in_euros(run: Run) -> None:
    result = await run(
        "query($id: ID!) { scheme(id: $id) { title kind amounts { minimum maximum } "
        "fundingRules open } }",
        variables={"id": IRDI_DEVELOPMENT},
    )
    assert result.errors is None, result.errors
    scheme = result.data["scheme"]
    assert scheme["kind"] == "EQUITY" and scheme["open"] is True
    assert scheme["amounts"] == {"minimum": 500_000, "maximum": 5_000_000}
    assert scheme["fundingRules"][0] == "Stades : développement."


async def test_the_region_filter_keeps_a_platforms_loans_in_its_region(run: Run) -> None:
    nodes = await all_pages(
        run, SCHEMES, "schemes", {"filter": {"source": "FRANCE_INITIATIVE", "region": "52"}}
    )
    assert {tuple(node["territory"]["codes"]) for node in nodes} == {("44",), ("49",)}


async def test_the_text_filter_finds_honour_loans_by_their_french_name(run: Run) -> None:
    nodes = await all_pages(run, SCHEMES, "schemes", {"filter": {"text": "prêt d'honneur"}})
    assert {"CREALIA", "FRANCE_INITIATIVE"} <= {node["source"] for node in nodes}
    assert "IRDI_SORIDEC" not in {node["source"] for node in nodes}


VERDICT = """query($scheme: ID!) { eligibility(siret: "84215637400014", schemeId: $scheme) {
  verdict criteria { name outcome detail } } }"""


async def _verdict(run: Run, scheme: str) -> tuple[str, dict[str, dict[str, Any]]]:
    result = await run(VERDICT, as_=DURAND, variables={"scheme": scheme})
    assert result.errors is None, result.errors
    answer = result.data["eligibility"]
    return answer["verdict"], {c["name"]: c for c in answer["criteria"]}


async def test_leroy_is_too_old_for_its_platforms_takeover_loan(run: Run) -> None:
    verdict, criteria = await _verdict(run, GARD_TAKEOVER)
    assert verdict == "NOT_ELIGIBLE"
    assert criteria["territory"]["outcome"] == "MET"  # Nîmes is in the Gard
    assert criteria["companyAge"]["outcome"] == "NOT_MET"
    assert "at most 12 months" in criteria["companyAge"]["detail"]


async def test_another_departments_platform_is_not_leroys(run: Run) -> None:
    verdict, criteria = await _verdict(run, AUDE_CREATION)
    assert verdict == "NOT_ELIGIBLE"
    assert criteria["territory"]["outcome"] == "NOT_MET"


async def test_leroy_meets_the_development_funds_criteria(run: Run) -> None:
    verdict, criteria = await _verdict(run, IRDI_DEVELOPMENT)
    assert {name: c["outcome"] for name, c in criteria.items()} == {
        "openDates": "MET", "territory": "MET", "headcount": "MET", "turnover": "MET",
        "companyAge": "MET",
    }  # fmt: skip
    assert verdict == "ELIGIBLE"


async def test_leroys_verdicts_cover_the_financers_schemes(run: Run) -> None:
    query = f'{{ company(siret: "{LEROY}") {{ eligibleSchemes {{ scheme {{ id }} verdict }} }} }}'
    result = await run(query, as_=DURAND)
    assert result.errors is None, result.errors
    verdicts = {v["scheme"]["id"]: v["verdict"] for v in result.data["company"]["eligibleSchemes"]}
    assert verdicts[IRDI_DEVELOPMENT] == "ELIGIBLE"
    assert verdicts[GARD_TAKEOVER] == verdicts[CREALIA_CREATION] == "NOT_ELIGIBLE"


ESTIMATE = """query($scheme: ID!) {
  estimateAid(schemeId: $scheme, expenses: [{amount: "10000", category: "x"}]) {
    eligible amount reasons } }"""


@pytest.mark.parametrize(
    ("scheme", "words"),
    [
        (CREALIA_CREATION, "is an honour loan to the founder, not a grant"),
        (GARD_TAKEOVER, "is an honour loan to the founder, not a grant"),
        (IRDI_DEVELOPMENT, "is an equity investment, not a grant"),
    ],
)
async def test_estimate_aid_says_an_honour_loan_or_equity_grants_nothing(
    run: Run, scheme: str, words: str
) -> None:
    result = await run(ESTIMATE, variables={"scheme": scheme})
    assert result.errors is None, result.errors
    estimate = result.data["estimateAid"]
    assert estimate["eligible"] is False and estimate["amount"] == "0"
    assert words in estimate["reasons"][0]


async def test_a_financer_down_is_named_and_the_other_sources_answer(
    run: Run, services: Any
) -> None:
    transport = services.catalogues._clients["irdisoridec"]._transport
    async with httpx.AsyncClient(transport=transport, base_url="http://irdisoridec.test") as c:
        assert (await c.post("/irdisoridec/_sandbox/faults", json={"error_rate": 1.0})).is_success
    result = await run("{ schemes(first: 100) { totalCount edges { node { source } } } }")
    assert result.errors is None
    sources = {edge["node"]["source"] for edge in result.data["schemes"]["edges"]}
    assert "IRDI_SORIDEC" not in sources
    assert result.extensions["warnings"] == [{
        "code": "UPSTREAM_UNAVAILABLE", "source": "irdisoridec",
        "message": "The irdisoridec catalogue is unavailable: its schemes are missing from "
        "this answer.",
    }]  # fmt: skip
    missing = await run(ESTIMATE, variables={"scheme": IRDI_DEVELOPMENT})
    assert errors_by_path(missing) == {"estimateAid": "UPSTREAM_UNAVAILABLE"}
