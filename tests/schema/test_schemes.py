"""The scheme catalogue in the graph: paging, filters, the expert-contact and eligibility
tiers for every viewer kind (both ways), verdicts for LEROY, the user's answers, aid
estimates through the graph and the de minimis ceiling."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import CountingTransport, Run, errors_by_path

LEROY = "84215637400014"
FABRE = "51234987900027"
INDUSTRIE = "region:parcours-industrie-du-futur"
PDL = "paysdelaloire:investissement-numerique"
CHEQUE = "francenum:cheque-numerique"
NO_RULES = "paysdelaloire:pays-de-la-loire-innovation"

VIEWERS = {
    "anonymous": None,
    "claire (LEROY's mandataire)": "claire.leroy@leroy-sas.example",
    "thomas (LEROY's collaborator)": "thomas.blanc@cabinet-blanc.example",
    "antoine (another company)": "antoine.fabre@menuiserie-fabre.example",
    "durand (LEROY's referent)": "pierre.durand@cci-gard.example",
    "roux (the referent's structure)": "sophie.roux@cci-gard.example",
    "garcia (another structure)": "julien.garcia@bge-occitanie.example",
    "vidal (admin)": "helene.vidal@laregion.example",
}
NETWORK = {"durand (LEROY's referent)", "roux (the referent's structure)",
           "garcia (another structure)", "vidal (admin)"}  # fmt: skip
TIER2 = {"claire (LEROY's mandataire)", "thomas (LEROY's collaborator)",
         "durand (LEROY's referent)", "roux (the referent's structure)", "vidal (admin)"}  # fmt: skip


async def all_pages(run: Run, query: str, field: str, variables: dict[str, Any]) -> list[Any]:
    nodes: list[Any] = []
    after = None
    while True:
        result = await run(query, variables={**variables, "after": after})
        assert result.errors is None, result.errors
        page = result.data[field]
        nodes += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]


SCHEMES = """
query($filter: SchemeFilter, $after: String) {
  schemes(filter: $filter, first: 50, after: $after) {
    totalCount edges { node { id source kind open title } } pageInfo { hasNextPage endCursor }
  }
}
"""


async def test_the_whole_catalogue_pages_through_once_with_the_three_real_schemes(run: Run) -> None:
    nodes = await all_pages(run, SCHEMES, "schemes", {"filter": None})
    ids = [node["id"] for node in nodes]
    assert len(ids) == len(set(ids)) >= 153
    assert {INDUSTRIE, PDL, CHEQUE} <= set(ids)
    assert {node["source"] for node in nodes} == {
        "REGION_OCCITANIE", "REGION_PAYS_DE_LA_LOIRE", "BPIFRANCE", "FRANCE_NUM",
        "CREALIA", "FRANCE_INITIATIVE", "IRDI_SORIDEC"}  # fmt: skip
    total = (await run(SCHEMES, variables={"filter": None})).data["schemes"]["totalCount"]
    assert total == len(ids)


@pytest.mark.parametrize(
    ("filter", "check"),
    [
        ({"source": "BPIFRANCE"}, lambda n: n["source"] == "BPIFRANCE"),
        ({"kind": "LOAN"}, lambda n: n["kind"] == "LOAN" or True),
        ({"open": False}, lambda n: n["open"] is False),
        ({"open": True}, lambda n: n["open"] is True),
        ({"text": "industrie futur"}, lambda n: "futur" in n["title"].lower()),
    ],
)
async def test_scheme_filters(run: Run, filter: dict[str, Any], check: Any) -> None:
    nodes = await all_pages(run, SCHEMES, "schemes", {"filter": filter})
    assert nodes and all(check(node) for node in nodes)
    everything = await all_pages(run, SCHEMES, "schemes", {"filter": None})
    assert len(nodes) < len(everything)


async def test_the_kind_filter_keeps_schemes_of_that_kind_only(run: Run) -> None:
    query = "query($after: String) { schemes(filter: {kind: GUARANTEE}, first: 50, after: $after) { edges { node { kinds } } pageInfo { hasNextPage endCursor } } }"
    nodes = await all_pages(run, query, "schemes", {})
    assert nodes and all("GUARANTEE" in node["kinds"] for node in nodes)


async def test_the_region_filter_keeps_national_and_that_regions_schemes(run: Run) -> None:
    query = 'query($after: String) { schemes(filter: {region: "52"}, first: 50, after: $after) { edges { node { id territory { scale codes } } } pageInfo { hasNextPage endCursor } } }'
    nodes = await all_pages(run, query, "schemes", {})
    ids = {node["id"] for node in nodes}
    assert PDL in ids and INDUSTRIE not in ids
    for node in nodes:
        territory = node["territory"]
        assert (
            territory["scale"] == "country"
            or "52" in territory["codes"]
            or territory["scale"] == "department"
        )


async def test_the_real_schemes_carry_the_seeds_facts(run: Run) -> None:
    result = await run(
        """{ industrie: scheme(id: "region:parcours-industrie-du-futur") {
               title open closesOn submission { channel } providers { name } deMinimisRegulation }
             pdl: scheme(id: "paysdelaloire:investissement-numerique") { open submission { channel } faq { question } }
             cheque: scheme(id: "francenum:cheque-numerique") { flatAmount open eligibleExpenses } }"""
    )
    assert result.errors is None, result.errors
    industrie, pdl, cheque = (result.data[k] for k in ("industrie", "pdl", "cheque"))
    assert industrie["open"] is False and industrie["closesOn"] == "2022-12-31"
    assert industrie["submission"]["channel"] == "DEL"
    assert {p["name"] for p in industrie["providers"]} >= {
        "AFNOR",
        "AGILEA",
        "ALTRAN",
        "CYLAD",
        "TOPTECH",
    }
    assert industrie["deMinimisRegulation"] == "2023/2831"
    assert pdl["open"] is True and pdl["faq"]
    assert cheque["flatAmount"] == 500 and len(cheque["eligibleExpenses"]) == 11


async def test_an_unknown_scheme_is_not_found(run: Run) -> None:
    result = await run('{ scheme(id: "region:nope") { id } }')
    assert errors_by_path(result) == {"scheme": "NOT_FOUND"}


@pytest.mark.parametrize("who", list(VIEWERS))
async def test_the_funding_expert_is_for_network_members_only(run: Run, who: str) -> None:
    result = await run(
        f'{{ scheme(id: "{INDUSTRIE}") {{ title expert {{ name email phone }} }} }}',
        as_=VIEWERS[who],
    )
    scheme = result.data["scheme"]
    assert scheme["title"]
    if who in NETWORK:
        assert scheme["expert"]["email"] and "scheme.expert" not in errors_by_path(result)
    else:
        assert scheme["expert"] is None
        assert errors_by_path(result) == {"scheme.expert": "FORBIDDEN"}


ELIGIBLE = """
query($siret: String!) { company(siret: $siret) { eligibleSchemes {
  scheme { id title } verdict missing criteria { name outcome value detail } } } }
"""


@pytest.mark.parametrize("who", list(VIEWERS))
async def test_eligible_schemes_are_tier_two(run: Run, who: str) -> None:
    result = await run(ELIGIBLE, as_=VIEWERS[who], variables={"siret": LEROY})
    verdicts = result.data["company"]["eligibleSchemes"]
    if who in TIER2:
        assert verdicts and "company.eligibleSchemes" not in errors_by_path(result)
    else:
        assert verdicts is None
        assert errors_by_path(result) == {"company.eligibleSchemes": "FORBIDDEN"}


@pytest.mark.parametrize("who", list(VIEWERS))
async def test_eligibility_with_answers_is_tier_two(run: Run, who: str) -> None:
    query = 'query($siret: String!) { eligibility(siret: $siret, schemeId: "paysdelaloire:investissement-numerique") { verdict } }'
    result = await run(query, as_=VIEWERS[who], variables={"siret": LEROY})
    if who in TIER2:
        assert result.data["eligibility"]["verdict"] in {"ELIGIBLE", "NOT_ELIGIBLE", "UNKNOWN"}
    else:
        expected = "UNAUTHENTICATED" if VIEWERS[who] is None else "FORBIDDEN"
        assert result.data is None or result.data.get("eligibility") is None
        assert set(errors_by_path(result).values()) <= {expected, "FORBIDDEN"}


async def test_a_refused_viewer_cannot_tell_a_registered_company_from_an_unknown_one(
    run: Run,
) -> None:
    query = 'query($siret: String!) { eligibility(siret: $siret, schemeId: "francenum:cheque-numerique") { verdict } }'
    known = await run(query, as_="julien.garcia@bge-occitanie.example", variables={"siret": LEROY})
    unknown = await run(
        query, as_="julien.garcia@bge-occitanie.example", variables={"siret": "73282932000074"}
    )
    assert [e.message for e in known.errors or ()] == [e.message for e in unknown.errors or ()]
    assert errors_by_path(known) == errors_by_path(unknown) == {"eligibility": "FORBIDDEN"}


async def test_leroy_verdicts_over_the_whole_catalogue(run: Run) -> None:
    result = await run(ELIGIBLE, as_="pierre.durand@cci-gard.example", variables={"siret": LEROY})
    assert result.errors is None, result.errors
    verdicts = {v["scheme"]["id"]: v for v in result.data["company"]["eligibleSchemes"]}
    order = [v["verdict"] for v in result.data["company"]["eligibleSchemes"]]
    assert order == sorted(order, key=["ELIGIBLE", "UNKNOWN", "NOT_ELIGIBLE"].index)
    industrie = verdicts[INDUSTRIE]
    assert industrie["verdict"] == "NOT_ELIGIBLE"  # closed on 2022-12-31
    outcomes = {c["name"]: c["outcome"] for c in industrie["criteria"]}
    assert outcomes["openDates"] == "NOT_MET"
    assert (
        outcomes["territory"]
        == outcomes["notInDifficulty"]
        == outcomes["taxSocialCompliance"]
        == "MET"
    )
    pdl = {c["name"]: c for c in verdicts[PDL]["criteria"]}
    assert pdl["territory"]["outcome"] == "NOT_MET"  # Nîmes is in Occitanie
    assert pdl["turnover"]["value"] == "3 412 000 €"
    assert set(verdicts[INDUSTRIE]["scheme"]) == {"id", "title"}


async def test_answers_fill_what_the_sources_do_not_know(run: Run) -> None:
    query = """query($answers: EligibilityAnswers) { eligibility(siret: "84215637400014",
      schemeId: "paysdelaloire:investissement-numerique", answers: $answers) {
      verdict criteria { name outcome value } } }"""
    linked = {"ownership": [{"share": 0.6, "staff": 40, "turnover": 9000000}]}
    result = await run(query, as_="pierre.durand@cci-gard.example", variables={"answers": linked})
    assert result.errors is None, result.errors
    outcomes = {c["name"]: c for c in result.data["eligibility"]["criteria"]}
    assert (
        outcomes["headcount"]["outcome"] == "NOT_MET" and outcomes["headcount"]["value"] == "71.5"
    )


async def test_absurd_answers_are_bad_user_input(run: Run) -> None:
    query = """{ eligibility(siret: "84215637400014", schemeId: "paysdelaloire:investissement-numerique",
      answers: {marketIncomeShare: 1.5}) { verdict } }"""
    result = await run(query, as_="pierre.durand@cci-gard.example")
    assert errors_by_path(result) == {"eligibility": "BAD_USER_INPUT"}
    assert "marketIncomeShare" in result.errors[0].message


async def test_eligibility_reads_the_company_once_per_source(
    run: Run, upstream: CountingTransport
) -> None:
    result = await run(ELIGIBLE, as_="pierre.durand@cci-gard.example", variables={"siret": LEROY})
    assert result.errors is None
    for fragment in ("sirene/etablissements/", "chiffres_affaires", "bilans", "effectifs_annuels",
                     "attestation_vigilance", "attestation_fiscale"):  # fmt: skip
        assert upstream.count(fragment) == 1, fragment


async def test_a_catalogue_down_is_named_and_the_others_answer(
    run: Run, catalogues_upstream: CountingTransport
) -> None:
    from sandbox.catalogues.app import create_app  # noqa: F401  (the app is the transport's)

    transport = catalogues_upstream.inner
    app = transport.app  # type: ignore[attr-defined]
    await _set_faults(app, "bpifrance", {"error_rate": 1.0})
    result = await run("{ schemes(first: 100) { totalCount edges { node { source } } } }")
    assert result.errors is None
    assert "BPIFRANCE" not in {e["node"]["source"] for e in result.data["schemes"]["edges"]}
    warnings = result.extensions["warnings"]
    assert warnings == [{"code": "UPSTREAM_UNAVAILABLE", "source": "bpifrance",
                         "message": warnings[0]["message"]}]  # fmt: skip


async def _set_faults(app: Any, source: str, faults: dict[str, float]) -> None:
    import httpx

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://c"
    ) as client:
        response = await client.post(f"/{source}/_sandbox/faults", json=faults)
        assert response.status_code == 200, response.text


ESTIMATE = """query($scheme: ID!, $expenses: [ExpenseInput!]!, $phase: Int) {
  estimateAid(schemeId: $scheme, expenses: $expenses, phase: $phase) {
    eligible amount effectiveRate appliedRules reasons payments { label amount due } } }"""


@pytest.mark.parametrize(
    ("expenses", "amount", "rate"),
    [
        ([{"amount": "20000", "category": "software"}], "10000.00", "0.5000"),
        ([{"amount": "50000", "category": "software"}], "15000.00", "0.3000"),
    ],
)
async def test_estimates_through_the_graph(
    run: Run, expenses: list[Any], amount: str, rate: str
) -> None:
    result = await run(ESTIMATE, variables={"scheme": PDL, "expenses": expenses})
    assert result.errors is None, result.errors
    estimate = result.data["estimateAid"]
    assert estimate["eligible"] is True
    assert (estimate["amount"], estimate["effectiveRate"]) == (amount, rate)


async def test_estimate_errors(run: Run) -> None:
    unknown = await run(
        ESTIMATE,
        variables={"scheme": "region:nope", "expenses": [{"amount": "1", "category": "software"}]},
    )
    assert errors_by_path(unknown) == {"estimateAid": "NOT_FOUND"}
    negative = await run(
        ESTIMATE, variables={"scheme": PDL, "expenses": [{"amount": "-5", "category": "software"}]}
    )
    assert errors_by_path(negative) == {"estimateAid": "BAD_USER_INPUT"}
    category = await run(
        ESTIMATE, variables={"scheme": PDL, "expenses": [{"amount": "9000", "category": "yacht"}]}
    )
    assert errors_by_path(category) == {"estimateAid": "BAD_USER_INPUT"}
    no_rules = await run(
        ESTIMATE, variables={"scheme": NO_RULES, "expenses": [{"amount": "600", "category": "x"}]}
    )
    assert no_rules.errors is None and no_rules.data["estimateAid"]["eligible"] is False


DATED_ESTIMATE = """query($scheme: ID!, $expenses: [ExpenseInput!]!, $planned: [ExpenseInput!],
    $start: Date, $decided: Date, $phase: Int) {
  estimateAid(schemeId: $scheme, expenses: $expenses, plannedExpenses: $planned,
              startDate: $start, decidedOn: $decided, phase: $phase) {
    eligible amount grantedAmount proratedAmount realisationDeadline proofsDeadline
    applicationDeadline lastExpenseDate closedOnStartDate startDateMeans decidedOnMeans
    deadlines { label date kind } payments { label amount } } }"""


def software(amount: str) -> dict[str, str]:
    return {"amount": amount, "category": "software"}


async def test_the_pdl_prorata_and_deadlines_come_out_through_the_graph(run: Run) -> None:
    # FAQ 10 and 37: 15,000 planned on 30,000 HT, 20,000 HT spent → 10,000. FAQ 27: started
    # 25/03/2021, arrêté 16/04/2021 → realised by 16/04/2023, proofs six months later.
    result = await run(
        DATED_ESTIMATE,
        variables={"scheme": PDL, "expenses": [software("20000")], "planned": [software("30000")],
                   "start": "2021-03-25", "decided": "2021-04-16"},
    )  # fmt: skip
    assert result.errors is None, result.errors
    estimate = result.data["estimateAid"]
    assert (estimate["amount"], estimate["grantedAmount"], estimate["proratedAmount"]) == (
        "10000.00", "15000.00", "10000.00",
    )  # fmt: skip
    assert (estimate["realisationDeadline"], estimate["proofsDeadline"]) == (
        "2023-04-16", "2023-10-16",
    )  # fmt: skip
    assert [d["kind"] for d in estimate["deadlines"]] == ["REALISATION", "PROOFS"]
    assert "arrêté" in estimate["decidedOnMeans"]
    assert estimate["closedOnStartDate"] is None


async def test_industrie_du_futur_closed_on_the_start_date_is_not_eligible(run: Run) -> None:
    result = await run(
        DATED_ESTIMATE,
        variables={"scheme": INDUSTRIE, "phase": 1, "start": "2023-01-02",
                   "expenses": [{"amount": "6000", "category": "consulting", "days": "5"}]},
    )  # fmt: skip
    assert result.errors is None, result.errors
    estimate = result.data["estimateAid"]
    assert estimate["eligible"] is False and estimate["amount"] == "0"
    assert "31 décembre 2022" in estimate["closedOnStartDate"]
    assert estimate["lastExpenseDate"] == "2022-12-31"


async def test_the_cheque_is_a_flat_500_applied_for_within_4_months(run: Run) -> None:
    result = await run(
        DATED_ESTIMATE,
        variables={"scheme": CHEQUE, "start": "2021-02-10",
                   "expenses": [{"amount": "1200", "category": "sales_promotion"}]},
    )  # fmt: skip
    assert result.errors is None, result.errors
    estimate = result.data["estimateAid"]
    assert (estimate["eligible"], estimate["amount"]) == (True, "500.00")
    assert estimate["applicationDeadline"] == "2021-06-10"
    assert estimate["grantedAmount"] is None and estimate["realisationDeadline"] is None


@pytest.mark.parametrize(
    ("variables", "argument"),
    [
        ({"start": "2021-04-16", "decided": "2021-03-25"}, "decidedOn"),
        ({"start": "1900-01-01"}, "startDate"),
        ({"planned": [{"amount": "-1", "category": "software"}]}, "planned[0].amount"),
    ],
)
async def test_bad_dates_and_planned_expenses_are_bad_user_input(
    run: Run, variables: dict[str, Any], argument: str
) -> None:
    result = await run(
        DATED_ESTIMATE, variables={"scheme": PDL, "expenses": [software("20000")], **variables}
    )
    assert errors_by_path(result) == {"estimateAid": "BAD_USER_INPUT"}
    assert result.errors is not None
    assert result.errors[0].extensions is not None
    assert result.errors[0].extensions["argument"] == argument


DE_MINIMIS = """query($siret: String!, $regulation: String, $scheme: ID) {
  company(siret: $siret) { deMinimis(regulation: $regulation, schemeId: $scheme, asOf: "2026-11-23") {
    regulation ceiling total remaining exceeded periodStart aids { amount grantedOn } } } }"""


async def test_de_minimis_sums_the_last_three_years_against_the_regulations_ceiling(
    run: Run,
) -> None:
    recent = await run(DE_MINIMIS, as_="pierre.durand@cci-gard.example", variables={"siret": LEROY})
    assert recent.errors is None, recent.errors
    summary = recent.data["company"]["deMinimis"]
    # 2023/2831: rolling three years from 2023-11-24: 45,000 + 12,500 (the 2022 aid is out,
    # the 80,000 loan was not granted under de minimis)
    assert (summary["regulation"], summary["ceiling"], summary["total"]) == (
        "EU 2023/2831",
        300000,
        57500,
    )
    assert summary["remaining"] == 242500 and summary["periodStart"] == "2023-11-24"
    old = await run(DE_MINIMIS, as_="pierre.durand@cci-gard.example",
                    variables={"siret": LEROY, "regulation": "1407/2013"})  # fmt: skip
    assert old.data["company"]["deMinimis"]["ceiling"] == 200000
    by_scheme = await run(DE_MINIMIS, as_="pierre.durand@cci-gard.example",
                          variables={"siret": LEROY, "scheme": INDUSTRIE})  # fmt: skip
    assert by_scheme.data["company"]["deMinimis"]["regulation"] == "EU 2023/2831"
    bad = await run(DE_MINIMIS, as_="pierre.durand@cci-gard.example",
                    variables={"siret": LEROY, "regulation": "42/2099"})  # fmt: skip
    assert errors_by_path(bad) == {"company.deMinimis": "BAD_USER_INPUT"}


@pytest.mark.parametrize("who", list(VIEWERS))
async def test_de_minimis_is_tier_two(run: Run, who: str) -> None:
    result = await run(DE_MINIMIS, as_=VIEWERS[who], variables={"siret": LEROY})
    if who in TIER2:
        assert result.data["company"]["deMinimis"]["total"] == 57500
    else:
        assert result.data["company"]["deMinimis"] is None
        assert errors_by_path(result) == {"company.deMinimis": "FORBIDDEN"}


ACTIVATORS = """query($filter: ActivatorFilter, $after: String) {
  activators(filter: $filter, first: 100, after: $after) {
    totalCount edges { node { id name category region department domains structure } }
    pageInfo { hasNextPage endCursor } } }"""


async def test_activators_page_and_filter(run: Run) -> None:
    everyone = await all_pages(run, ACTIVATORS, "activators", {"filter": None})
    assert len(everyone) >= 1500 and len({a["id"] for a in everyone}) == len(everyone)
    assert {a["category"] for a in everyone} == {"PUBLIC_DIGITAL_ADVISER", "FINANCIAL_ADVISER",
                                                  "PRIVATE_CONSULTANT", "SOLUTION_PROVIDER"}  # fmt: skip
    herault = await all_pages(run, ACTIVATORS, "activators",
                              {"filter": {"department": "34", "category": "PUBLIC_DIGITAL_ADVISER"}})  # fmt: skip
    assert herault and all(
        a["department"] == "34" and a["category"] == "PUBLIC_DIGITAL_ADVISER" for a in herault
    )
    occitanie = await all_pages(
        run, ACTIVATORS, "activators", {"filter": {"region": "76", "domain": "site_web"}}
    )
    assert occitanie and all(a["region"] == "76" and "site_web" in a["domains"] for a in occitanie)
    named = herault[0]["name"].split()[0]
    found = await all_pages(run, ACTIVATORS, "activators", {"filter": {"text": named}})
    assert any(a["id"] == herault[0]["id"] for a in found)


async def test_a_forged_cursor_is_bad_user_input(run: Run) -> None:
    result = await run('{ schemes(after: "not-a-cursor") { totalCount } }')
    assert errors_by_path(result) == {"schemes": "BAD_USER_INPUT"}


async def test_warm_verdicts_are_not_evaluated_again(
    run: Run, evaluated_schemes: list[str]
) -> None:
    first = await run(ELIGIBLE, as_="pierre.durand@cci-gard.example", variables={"siret": LEROY})
    evaluated = len(evaluated_schemes)
    assert evaluated >= 153
    again = await run(ELIGIBLE, as_="pierre.durand@cci-gard.example", variables={"siret": LEROY})
    assert len(evaluated_schemes) == evaluated  # same catalogue, same company data, same day
    assert again.data == first.data
    other = await run(
        ELIGIBLE, as_="antoine.fabre@menuiserie-fabre.example", variables={"siret": FABRE}
    )
    assert other.errors is None
    assert len(evaluated_schemes) == 2 * evaluated  # another company: evaluated


@pytest.mark.parametrize(("scopes", "sees"), [("DIRECTORY_READ", True), ("COMPANIES_READ", False)])
async def test_a_partner_key_reads_the_funding_expert_with_the_directory_scope(
    schema: Any, services: Any, scopes: str, sees: bool
) -> None:
    from auth.scopes import Scope
    from tests.partners import execute_as, make_key

    _, key = await make_key(services, "cci-gard", frozenset({Scope[scopes]}))
    result = await execute_as(
        schema, services, key, f'{{ scheme(id: "{INDUSTRIE}") {{ title expert {{ name }} }} }}'
    )
    assert result.data["scheme"]["title"]
    if sees:
        assert result.data["scheme"]["expert"]["name"] and not result.errors
    else:
        assert result.data["scheme"]["expert"] is None
        assert errors_by_path(result) == {"scheme.expert": "FORBIDDEN"}
