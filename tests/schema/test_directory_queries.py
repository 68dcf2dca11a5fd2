"""Searching the directory: who may search, the four criteria, paging, bad input."""

from __future__ import annotations

import pytest

from tests.conftest import Run, errors_by_path

DURAND = "pierre.durand@cci-gard.example"
CLAIRE = "claire.leroy@leroy-sas.example"
ANTOINE = "antoine.fabre@menuiserie-fabre.example"

AGENTS = """
query($filter: AgentFilterInput, $first: Int, $after: String) {
  agents(filter: $filter, first: $first, after: $after) {
    totalCount
    edges { cursor node { id name structure { id name } filieres } }
    pageInfo { hasNextPage endCursor }
  }
}"""


async def test_anonymous_may_not_search_agents_but_may_list_structures(run: Run) -> None:
    refused = await run(AGENTS, variables={"filter": {"name": "durand"}})
    assert refused.data == {"agents": None}
    assert errors_by_path(refused) == {"agents": "FORBIDDEN"}
    structures = await run(
        '{ structures(filter: {name: "gard"}) { totalCount edges { node { name } } } }'
    )
    assert structures.errors is None
    names = [e["node"]["name"] for e in structures.data["structures"]["edges"]]
    assert "CCI du Gard" in names


@pytest.mark.parametrize("who", [DURAND, CLAIRE])
async def test_signed_in_users_find_an_agent_by_name_ignoring_accents_and_case(
    run: Run, who: str
) -> None:
    result = await run(AGENTS, as_=who, variables={"filter": {"name": "HELENE vidal"}})
    assert result.errors is None
    names = [e["node"]["name"] for e in result.data["agents"]["edges"]]
    assert names == ["Hélène Vidal"]


async def test_four_criteria_narrow_the_search(run: Run) -> None:
    result = await run(
        AGENTS,
        as_=CLAIRE,
        variables={
            "filter": {
                "postalCode": "30000",
                "structureId": "cci-gard",
                "role": "REFERENT",
                "name": "durand",
            }
        },
    )
    assert result.errors is None
    nodes = [e["node"] for e in result.data["agents"]["edges"]]
    assert [n["id"] for n in nodes] == ["agent-pierre-durand"]
    assert nodes[0]["structure"] == {"id": "cci-gard", "name": "CCI du Gard"}


async def test_selectable_only_leaves_out_agents_outside_the_network(run: Run) -> None:
    everyone = await run(AGENTS, as_=CLAIRE, variables={"filter": {"name": "marc martin"}})
    assert "agent-marc-martin" in {e["node"]["id"] for e in everyone.data["agents"]["edges"]}
    selectable = await run(
        AGENTS, as_=CLAIRE, variables={"filter": {"name": "marc martin", "selectableOnly": True}}
    )
    assert "agent-marc-martin" not in {e["node"]["id"] for e in selectable.data["agents"]["edges"]}


async def test_pages_follow_each_other_without_gaps_or_repeats(run: Run) -> None:
    variables = {"filter": {"structureId": "cci-gard"}, "first": 2}
    first = await run(AGENTS, as_=DURAND, variables=variables)
    page = first.data["agents"]
    total = page["totalCount"]
    seen = [e["node"]["id"] for e in page["edges"]]
    while page["pageInfo"]["hasNextPage"]:
        result = await run(
            AGENTS, as_=DURAND, variables={**variables, "after": page["pageInfo"]["endCursor"]}
        )
        page = result.data["agents"]
        assert page["totalCount"] == total
        seen += [e["node"]["id"] for e in page["edges"]]
    assert len(seen) == len(set(seen)) == total >= 2
    assert {"agent-pierre-durand", "agent-sophie-roux"} <= set(seen)


@pytest.mark.parametrize(
    ("variables", "argument"),
    [({"first": 0}, "first"), ({"first": 101}, "first"), ({"after": "not-a-cursor"}, "after")],
)
async def test_bad_paging_is_bad_user_input(run: Run, variables: dict, argument: str) -> None:
    result = await run(AGENTS, as_=DURAND, variables=variables)
    assert errors_by_path(result) == {"agents": "BAD_USER_INPUT"}
    assert result.errors[0].extensions["argument"] == argument


AGENT = "query($id: ID!) { agent(id: $id) { name email phone structure { name } } }"


async def test_unknown_agent_is_not_found(run: Run) -> None:
    result = await run(AGENT, as_=DURAND, variables={"id": "agent-nobody"})
    assert errors_by_path(result) == {"agent": "NOT_FOUND"}


@pytest.mark.parametrize(
    ("who", "sees_contact"),
    [(DURAND, True), ("helene.vidal@laregion.example", True), (CLAIRE, True), (ANTOINE, False)],
)
async def test_agent_card_for_signed_in_users_contact_for_network_and_choosers(
    run: Run, who: str, sees_contact: bool
) -> None:
    result = await run(AGENT, as_=who, variables={"id": "agent-pierre-durand"})
    card = result.data["agent"]
    assert card["name"] == "Pierre Durand" and card["structure"]["name"] == "CCI du Gard"
    if sees_contact:
        assert card["email"] == DURAND and result.errors is None
    else:
        assert card["email"] is None and card["phone"] is None
        assert errors_by_path(result) == {"agent.email": "FORBIDDEN", "agent.phone": "FORBIDDEN"}


async def test_anonymous_may_not_read_an_agent_card(run: Run) -> None:
    result = await run(AGENT, variables={"id": "agent-pierre-durand"})
    assert errors_by_path(result) == {"agent": "FORBIDDEN"}


async def test_structures_suggested_to_a_project_holder_by_territory_and_support(run: Run) -> None:
    result = await run("""{ structures(filter: {labelled: true, postalCode: "30000",
        supportKind: "CREATION"}, first: 50) {
        totalCount edges { node { id departmentCode labelled supportKinds city } } } }""")
    assert result.errors is None
    nodes = [e["node"] for e in result.data["structures"]["edges"]]
    assert nodes, "the seed has labelled structures for creators in the Gard"
    for node in nodes:
        assert node["labelled"] and "CREATION" in node["supportKinds"]
        assert node["departmentCode"] == "30"


async def test_an_agent_card_shows_its_territories(run: Run) -> None:
    result = await run('{ agent(id: "agent-pierre-durand") { territories } }', as_=CLAIRE)
    assert "30" in result.data["agent"]["territories"]
