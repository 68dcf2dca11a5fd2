"""Derived data leaks nothing (docs/visibility.md, derived data): counts, filters and sorts only touch
what the viewer may see, and answers about a company do not tell a non-agent whether it is
registered on the hub."""

from __future__ import annotations

import pytest

from tests.conftest import Run
from tests.seed_world import ATLANTIQUE, DRONES, LEROY, VIEWERS, SeedWorld

DURAND = "pierre.durand@cci-gard.example"
PORTFOLIO = """
query($after: String) {
  viewer { portfolio(first: 100, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { siret viewerAccess } }
  } }
}
"""


@pytest.mark.parametrize("who", [w for w in VIEWERS if VIEWERS[w] != "holder"])
async def test_a_portfolio_counts_and_lists_only_the_viewers_accepted_referent_companies(
    run: Run, seed_world: SeedWorld, who: str
) -> None:
    viewer = seed_world.viewers[who]
    expected = {
        siret
        for siret, facts in seed_world.facts.items()
        if facts.referent is not None
        and facts.referent.status == "ACCEPTED"
        and facts.referent.agent_id == viewer.agent_id
    }
    listed, after, total = [], None, None
    while True:
        result = await run(PORTFOLIO, as_=VIEWERS[who], variables={"after": after})
        assert result.errors is None
        page = result.data["viewer"]["portfolio"]
        total = page["totalCount"]
        listed += page["edges"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert total == len(expected) == len(listed)
    assert {edge["node"]["siret"] for edge in listed} == expected
    assert all(edge["node"]["viewerAccess"] == "TIER2" for edge in listed)


AGENTS = """
query($name: String) {
  agents(first: 5, filter: {name: $name}) { totalCount edges { node { id } } }
}
"""


@pytest.mark.parametrize(
    "probe", ["pierre.durand@cci-gard.example", "cci-gard.example", "04 65 71", "@"]
)
@pytest.mark.parametrize(
    "who", ["claire.leroy@leroy-sas.example", "marc.martin@ademe.example", DURAND]
)
async def test_the_agent_search_cannot_probe_contact_details(
    run: Run, who: str, probe: str
) -> None:
    found = await run(AGENTS, as_=who, variables={"name": "Durand"})
    assert found.data["agents"]["totalCount"] > 0  # the filter works on names
    probed = await run(AGENTS, as_=who, variables={"name": probe})
    assert probed.errors is None
    assert probed.data["agents"] == {"totalCount": 0, "edges": []}


SHEET = """
query($siret: String!) {
  company(siret: $siret) {
    viewerAccess representatives { name } referent { status }
    legalRepresentatives { lastName } collaborators { name } turnover { amount }
    compliance { socialUpToDate } projects { title }
  }
}
"""


@pytest.mark.parametrize(
    "who",
    [
        "anonymous",
        "antoine (another company)",
        "martin (agent outside the network)",
        "holder (project holder)",
    ],
)
async def test_a_non_agent_cannot_tell_a_registered_company_from_an_unregistered_one(
    run: Run, seed_world: SeedWorld, who: str
) -> None:
    viewer = seed_world.viewers[who]
    # DRONES: registered, with no project group that any of these viewers is in (Martin is in
    # LEROY's, and so sees that project)
    assert seed_world.facts[DRONES].registered and ATLANTIQUE not in seed_world.facts
    assert not seed_world.in_project_group(viewer, DRONES)
    email = viewer.email

    async def answer(siret: str) -> tuple[object, list[tuple[object, ...]]]:
        result = await run(SHEET, as_=email, variables={"siret": siret})
        errors = [
            (tuple(e.path or ()), e.message, tuple(sorted((e.extensions or {}).items())))
            for e in result.errors or ()
        ]
        return result.data, sorted(errors)

    assert await answer(DRONES) == await answer(ATLANTIQUE)


MEMBER_MUTATIONS = [
    'mutation($s: String!) { createProject(siret: $s, title: "T") { id } }',
    'mutation($s: String!) { chooseReferent(siret: $s, agentId: "agent-sophie-roux") { id } }',
    'mutation($s: String!) { requestReferentChange(siret: $s, message: "m") }',
    (
        'mutation($s: String!) { addCollaborator(siret: $s, email: "n@n.example", name: "N") '
        "{ status } }"
    ),
    'mutation($s: String!) { removeCollaborator(siret: $s, email: "a@b.example") { siret } }',
]


@pytest.mark.parametrize("mutation", MEMBER_MUTATIONS)
@pytest.mark.parametrize(
    "who", [None, "antoine.fabre@menuiserie-fabre.example", "julien.garcia@bge-occitanie.example"]
)
async def test_a_refused_mutation_answers_alike_for_registered_and_unregistered_companies(
    run: Run, who: str | None, mutation: str
) -> None:
    async def answer(siret: str) -> list[tuple[object, ...]]:
        result = await run(mutation, as_=who, variables={"s": siret})
        return [(e.message, tuple(sorted((e.extensions or {}).items()))) for e in result.errors]

    registered, unregistered = await answer(LEROY), await answer(ATLANTIQUE)
    assert registered == unregistered
    assert registered[0][1][0][1] in ("FORBIDDEN", "UNAUTHENTICATED")
