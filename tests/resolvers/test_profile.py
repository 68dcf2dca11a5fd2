""" "Mon profil" (an agent edits all but its roles) and the administrator's role setting."""

from __future__ import annotations

import pytest

from tests.conftest import Run, errors_by_path

DURAND = "pierre.durand@cci-gard.example"
VIDAL = "helene.vidal@laregion.example"

UPDATE = """mutation($input: ProfileInput!) { updateMyProfile(input: $input) {
  name title phone filieres domains roles } }"""
ROLES = """mutation($agent: ID!, $roles: [AgentRole!]!) {
  setAgentRoles(agentId: $agent, roles: $roles) { id roles } }"""


async def test_an_agent_edits_its_profile_and_the_directory_shows_it(run: Run) -> None:
    result = await run(
        UPDATE,
        as_=DURAND,
        variables={
            "input": {
                "title": "Conseiller industrie",
                "phone": "04 65 71 99 99",
                "filieres": ["hydrogene", "aeronautique"],
                "domains": ["innovation"],
                "territories": ["30", "34"],
            }
        },
    )
    assert result.errors is None
    card = result.data["updateMyProfile"]
    assert card["title"] == "Conseiller industrie" and card["phone"] == "04 65 71 99 99"
    assert sorted(card["filieres"]) == ["aeronautique", "hydrogene"]
    assert card["domains"] == ["innovation"] and card["roles"] == ["REFERENT"]
    found = await run(
        '{ agents(filter: {filieres: ["aeronautique"], name: "pierre durand"}) { '
        "edges { node { id title } } } }",
        as_=VIDAL,
    )
    assert found.data["agents"]["edges"] == [
        {"node": {"id": "agent-pierre-durand", "title": "Conseiller industrie"}}
    ]


@pytest.mark.parametrize(
    ("field", "value"),
    [("lastName", "  "), ("territories", ["Gard"]), ("filieres", ["Hydrogène !"])],
)
async def test_bad_profile_input_is_refused_and_nothing_changes(
    run: Run, field: str, value: object
) -> None:
    result = await run(UPDATE, as_=DURAND, variables={"input": {field: value, "title": "Neuf"}})
    assert errors_by_path(result) == {"updateMyProfile": "BAD_USER_INPUT"}
    card = await run('{ agent(id: "agent-pierre-durand") { title } }', as_=DURAND)
    assert card.data["agent"]["title"] != "Neuf"


@pytest.mark.parametrize(
    ("who", "code"),
    [("claire.leroy@leroy-sas.example", "FORBIDDEN"), (None, "UNAUTHENTICATED")],
)
async def test_only_agents_have_a_profile(run: Run, who: str | None, code: str) -> None:
    result = await run(UPDATE, as_=who, variables={"input": {"title": "x"}})
    assert errors_by_path(result) == {"updateMyProfile": code}


async def test_the_profile_has_no_role_to_change(run: Run) -> None:
    result = await run(UPDATE, as_=DURAND, variables={"input": {"roles": ["ADMIN"]}})
    assert result.errors and "roles" in result.errors[0].message


async def test_only_the_administrator_sets_roles(run: Run) -> None:
    refused = await run(
        ROLES,
        as_=DURAND,
        variables={"agent": "agent-pierre-durand", "roles": ["REFERENT", "ADMIN"]},
    )
    assert errors_by_path(refused) == {"setAgentRoles": "FORBIDDEN"}
    done = await run(
        ROLES,
        as_=VIDAL,
        variables={"agent": "agent-sophie-roux", "roles": ["REFERENT", "FUNDING_EXPERT"]},
    )
    assert done.errors is None
    assert sorted(done.data["setAgentRoles"]["roles"]) == ["FUNDING_EXPERT", "REFERENT"]
    empty = await run(ROLES, as_=VIDAL, variables={"agent": "agent-sophie-roux", "roles": []})
    assert errors_by_path(empty) == {"setAgentRoles": "BAD_USER_INPUT"}
    unknown = await run(
        ROLES, as_=VIDAL, variables={"agent": "agent-nobody", "roles": ["REFERENT"]}
    )
    assert errors_by_path(unknown) == {"setAgentRoles": "NOT_FOUND"}
