"""The agents' company search: who may search, each row at the viewer's tier, every filter
against a plain reading of the seed, and tier-2 criteria that reveal nothing of the rows
where the viewer has no tier 2 (counts included)."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from strawberry.types import ExecutionResult

from auth.scopes import Scope
from auth.tiers import Tier
from auth.viewer import Viewer
from connectors.hubdb.models import fold
from gateway.errors import HubSchema
from resolvers.context import Context, Services
from tests.conftest import Run, errors_by_path
from tests.partners import make_key
from tests.seed_world import SeedWorld

LEROY = "84215637400014"
COUNT = "query Count($filter: CompanyFilterInput) { companies(filter: $filter) { totalCount } }"
ROWS = """
query Rows($filter: CompanyFilterInput, $first: Int, $after: String) {
  companies(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { siret name viewerAccess referent { status } turnover { year } } }
  }
}
"""
LIST = """
query List($filter: CompanyFilterInput, $first: Int, $after: String) {
  companies(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { siret name viewerAccess referent { status agent { name } } } }
  }
}
"""
SEARCHERS = {
    "durand (accepted referent of LEROY)",
    "roux (the referent's structure)",
    "garcia (another network structure)",
    "benali (funding expert)",
    "vidal (admin)",
}


async def _as(
    schema: HubSchema, services: Services, viewer: Viewer, query: str, **variables: Any
) -> ExecutionResult:
    context = Context.create(viewer, services, "search-test")
    return await schema.execute(query, variable_values=variables, context_value=context)


async def _registered(services: Services) -> dict[str, Any]:
    async with services.hub.engine.connect() as connection:
        rows = await connection.execute(sa.text("SELECT * FROM companies"))
        return {row.siret: row for row in rows}


async def test_network_members_and_the_admin_search_others_are_refused(
    schema: HubSchema, services: Services, seed_world: SeedWorld
) -> None:
    for who, viewer in seed_world.viewers.items():
        result = await _as(schema, services, viewer, COUNT)
        if who in SEARCHERS:
            assert result.errors is None, who
            assert result.data is not None and result.data["companies"]["totalCount"] > 2000
        else:
            assert result.data == {"companies": None}, who
            assert errors_by_path(result) == {"companies": "FORBIDDEN"}, who


@pytest.mark.parametrize(
    ("structure", "scopes", "allowed"),
    [
        ("cci-gard", frozenset({Scope.COMPANIES_READ}), True),
        ("cci-gard", frozenset({Scope.DIRECTORY_READ}), False),
        ("ademe", frozenset({Scope.COMPANIES_READ}), False),
    ],
)
async def test_a_partner_key_searches_as_a_member_of_its_structure_with_companies_read(
    schema: HubSchema,
    services: Services,
    structure: str,
    scopes: frozenset[Scope],
    allowed: bool,
) -> None:
    _, viewer = await make_key(services, structure, scopes)
    result = await _as(schema, services, viewer, COUNT)
    if allowed:
        assert result.errors is None
    else:
        assert errors_by_path(result) == {"companies": "FORBIDDEN"}


async def test_each_row_shows_what_the_viewer_may_see_of_that_company(run: Run) -> None:
    filter = {"siret": LEROY}
    referent = await run(ROWS, as_="pierre.durand@cci-gard.example", variables={"filter": filter})
    other = await run(ROWS, as_="julien.garcia@bge-occitanie.example", variables={"filter": filter})
    assert referent.errors is None
    [row] = [edge["node"] for edge in referent.data["companies"]["edges"]]
    assert row["viewerAccess"] == "TIER2" and row["turnover"] and row["name"] == "LEROY SAS"
    [row] = [edge["node"] for edge in other.data["companies"]["edges"]]
    assert row["viewerAccess"] == "TIER1" and row["referent"] == {"status": "ACCEPTED"}
    assert row["turnover"] is None
    assert errors_by_path(other) == {"companies.edges.0.node.turnover": "FORBIDDEN"}


async def test_every_filter_matches_a_plain_reading_of_the_seed(
    run: Run, services: Services, seed_world: SeedWorld
) -> None:
    companies = await _registered(services)
    facts, agents = seed_world.facts, seed_world.agents

    def referent(siret: str) -> Any:
        return facts[siret].referent

    cases: list[tuple[dict[str, Any], Any]] = [
        ({"text": "Nîmes"}, lambda c: "nimes" in c.search_text),
        ({"text": "leroy"}, lambda c: "leroy" in fold(c.display_name) or "leroy" in c.search_text),
        ({"text": "842 156 374"}, lambda c: "842156374" in c.siret),
        ({"siret": LEROY}, lambda c: c.siret == LEROY),
        ({"siret": LEROY[:9]}, lambda c: c.siren == LEROY[:9]),
        ({"postalCode": "30000"}, lambda c: c.postal_code == "30000"),
        ({"department": "34"}, lambda c: c.department_code == "34"),
        ({"naf": "25.62A"}, lambda c: c.naf_code == "25.62A"),
        ({"naf": "2562"}, lambda c: (c.naf_code or "").startswith("25.62")),
        (
            {"structureId": "cci-gard"},
            lambda c: (
                referent(c.siret) is not None
                and agents[referent(c.siret).agent_id].structure_id == "cci-gard"
            ),
        ),
        (
            {"referentId": "agent-pierre-durand"},
            lambda c: (
                referent(c.siret) is not None
                and referent(c.siret).agent_id == "agent-pierre-durand"
            ),
        ),
        ({"hasReferent": False}, lambda c: referent(c.siret) is None),
        ({"hasReferent": True}, lambda c: referent(c.siret) is not None),
        ({"status": "CLOSED"}, lambda c: not c.active),
        (
            {"status": "ACTIVE", "department": "30", "hasReferent": True, "naf": "25"},
            lambda c: (
                c.active
                and c.department_code == "30"
                and referent(c.siret) is not None
                and (c.naf_code or "").startswith("25")
            ),
        ),
    ]
    for filter, matches in cases:
        expected = sorted((c.sort_name, c.siret) for c in companies.values() if matches(c))
        result = await run(
            LIST, as_="helene.vidal@laregion.example", variables={"filter": filter, "first": 100}
        )
        assert result.errors is None, filter
        found = result.data["companies"]
        assert found["totalCount"] == len(expected), filter
        assert [e["node"]["siret"] for e in found["edges"]] == [s for _, s in expected[:100]]


async def test_a_tier2_criterion_matches_only_where_the_viewer_has_tier2(
    schema: HubSchema, services: Services, seed_world: SeedWorld
) -> None:
    with_projects = {siret for siret, projects in seed_world.projects.items() if projects}
    everyone = set(seed_world.facts)
    for who in sorted(SEARCHERS):
        viewer = seed_world.viewers[who]
        tier2 = {s for s in everyone if seed_world.sees(viewer, Tier.TIER2, s)}
        for has_projects, expected in (
            (True, tier2 & with_projects),
            (False, tier2 - with_projects),
        ):
            result = await _as(
                schema, services, viewer, LIST, filter={"hasProjects": has_projects}, first=100
            )
            assert result.errors is None
            found = result.data["companies"]  # type: ignore[index]
            assert found["totalCount"] == len(expected), (who, has_projects)
            assert {e["node"]["siret"] for e in found["edges"]} <= expected
    # both ways: the admin counts every company; an agent counts only its structure's
    # companies, never the network's total
    admin = seed_world.viewers["vidal (admin)"]
    roux = seed_world.viewers["roux (the referent's structure)"]
    assert (
        0
        < _count_of(await _as(schema, services, roux, COUNT, filter={"hasProjects": True}))
        < len(with_projects)
    )
    assert _count_of(
        await _as(schema, services, admin, COUNT, filter={"hasProjects": True})
    ) == len(with_projects)


async def test_a_tier2_criterion_does_not_tell_apart_companies_outside_the_viewers_tier2(
    schema: HubSchema, services: Services, seed_world: SeedWorld
) -> None:
    """Garcia has tier 1 only on LEROY (which has a project): with or without projects, the
    SIRET search with the tier-2 criterion answers the same for LEROY and for a company
    without projects outside its tier 2."""
    garcia = seed_world.viewers["garcia (another network structure)"]
    without = next(
        siret
        for siret in sorted(seed_world.facts)
        if not seed_world.projects.get(siret) and not seed_world.sees(garcia, Tier.TIER2, siret)
    )
    for siret in (LEROY, without):
        for has_projects in (True, False):
            result = await _as(
                schema,
                services,
                garcia,
                COUNT,
                filter={"siret": siret, "hasProjects": has_projects},
            )
            assert _count_of(result) == 0, (siret, has_projects)
    durand = seed_world.viewers["durand (accepted referent of LEROY)"]
    result = await _as(
        schema, services, durand, COUNT, filter={"siret": LEROY, "hasProjects": True}
    )
    assert _count_of(result) == 1


def _count_of(result: ExecutionResult) -> int:
    assert result.errors is None, result.errors
    assert result.data is not None
    return int(result.data["companies"]["totalCount"])


async def test_pages_follow_each_other_without_gaps_or_duplicates(run: Run) -> None:
    filter = {"department": "30"}
    seen: list[str] = []
    after = None
    while True:
        result = await run(
            LIST,
            as_="sophie.roux@cci-gard.example",
            variables={"filter": filter, "first": 40, "after": after},
        )
        assert result.errors is None
        page = result.data["companies"]
        seen += [edge["node"]["siret"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == page["totalCount"] > 40


@pytest.mark.parametrize(
    ("variables", "argument"),
    [
        ({"filter": {"siret": "1234"}}, "siret"),
        ({"filter": {"postalCode": "3000"}}, "postalCode"),
        ({"filter": {"department": "300"}}, "department"),
        ({"filter": {"naf": "drop table"}}, "naf"),
        ({"filter": {"text": "x" * 201}}, "text"),
        ({"first": 0}, "first"),
        ({"first": 101}, "first"),
        ({"after": "not-a-cursor"}, "after"),
    ],
)
async def test_bad_input_is_refused_with_its_reason(
    run: Run, variables: dict[str, Any], argument: str
) -> None:
    result = await run(LIST, as_="pierre.durand@cci-gard.example", variables=variables)
    assert errors_by_path(result) == {"companies": "BAD_USER_INPUT"}
    assert result.errors is not None
    assert result.errors[0].extensions["argument"] == argument  # type: ignore[index]


async def test_sql_statements_do_not_grow_with_the_page_size(run: Run, services: Services) -> None:
    sent: list[str] = []
    engine = services.hub.engine
    listener = lambda *args: sent.append(args[2])
    filter = {"department": "30", "hasReferent": True, "status": "ACTIVE", "text": "a"}
    sa.event.listen(engine.sync_engine, "before_cursor_execute", listener)
    try:
        counts = []
        for first in (5, 50):
            variables = {"filter": filter, "first": first}
            await run(LIST, as_="pierre.durand@cci-gard.example", variables=variables)  # warm
            measured = []
            for _ in range(2):  # the fewer of two (a viewer cache entry may expire meanwhile)
                sent.clear()
                result = await run(LIST, as_="pierre.durand@cci-gard.example", variables=variables)
                assert result.errors is None
                assert len(result.data["companies"]["edges"]) == first
                measured.append(len(sent))
            counts.append(min(measured))
    finally:
        sa.event.remove(engine.sync_engine, "before_cursor_execute", listener)
    assert counts[0] == counts[1] <= 4
