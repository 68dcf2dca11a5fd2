"""An agent added to a project's group (funding expert, specialist, inside or outside the
network) sees that project, in ``viewer.projects`` and on the company, and the company's
identity; nothing more of the company than its tier. A labelled structure's agents see the
project holders' projects it supports."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from resolvers.context import Services
from tests.conftest import Run, errors_by_path
from tests.seed_world import LEROY, NON_DIFFUSIBLE, SeedWorld

MERCIER = "lucie.mercier@adocc.example"  # specialist of LEROY's project, AD'OCC (network)
MARTIN = "marc.martin@ademe.example"  # specialist of LEROY's project, ADEME (outside)
GARCIA = "julien.garcia@bge-occitanie.example"  # in no group of LEROY's
LEROY_PROJECT = "project-leroy-pile-hydrogene"
MINE = "{ viewer { projects { id title company { siret name viewerAccess } } } }"
SHEET = """
query($siret: String!) {
  company(siret: $siret) {
    name viewerAccess projects { id title actors { role agent { name } } }
    collaborators { name } turnover { amount }
  }
}
"""


async def test_an_agent_of_a_project_group_finds_the_project_in_its_projects(run: Run) -> None:
    for email in (MERCIER, MARTIN):
        result = await run(MINE, as_=email)
        assert result.errors is None
        projects = {p["id"]: p for p in result.data["viewer"]["projects"]}
        assert projects[LEROY_PROJECT]["company"]["name"] == "LEROY SAS", email
        assert projects[LEROY_PROJECT]["title"] == "Pile à combustible hydrogène"
    result = await run(MINE, as_=GARCIA)
    assert LEROY_PROJECT not in {p["id"] for p in result.data["viewer"]["projects"]}


async def test_an_agent_of_a_project_group_sees_the_project_on_the_company_and_no_more(
    run: Run,
) -> None:
    for email, access in ((MERCIER, "TIER1"), (MARTIN, "PUBLIC")):
        result = await run(SHEET, as_=email, variables={"siret": LEROY})
        company = result.data["company"]
        assert company["viewerAccess"] == access
        assert [p["id"] for p in company["projects"]] == [LEROY_PROJECT]
        assert company["collaborators"] is None and company["turnover"] is None
        assert errors_by_path(result) == {
            "company.collaborators": "FORBIDDEN",
            "company.turnover": "FORBIDDEN",
        }
    refused = await run(SHEET, as_=GARCIA, variables={"siret": LEROY})
    assert refused.data["company"]["projects"] is None
    assert errors_by_path(refused)["company.projects"] == "FORBIDDEN"


async def test_a_group_agent_sees_only_its_projects_of_a_company_with_several(
    run: Run, services: Services
) -> None:
    async with services.writer.transaction() as tx:
        other = await tx.create_project(
            siret=LEROY, title="Export au Québec", theme="export", now=datetime.now(UTC)
        )
    referent = await run(SHEET, as_="pierre.durand@cci-gard.example", variables={"siret": LEROY})
    assert {p["id"] for p in referent.data["company"]["projects"]} == {LEROY_PROJECT, other}
    specialist = await run(SHEET, as_=MARTIN, variables={"siret": LEROY})
    assert [p["id"] for p in specialist.data["company"]["projects"]] == [LEROY_PROJECT]


async def test_an_outside_specialist_sees_a_non_diffusible_companys_identity_once_in_its_group(
    run: Run, services: Services, seed_world: SeedWorld
) -> None:
    now = datetime.now(UTC)
    async with services.writer.transaction() as tx:  # the sole trader opens its space
        await tx.register_company(
            siret=NON_DIFFUSIBLE, display_name="Sole trader", now=now,
            mandataire_account_id="account-claire-leroy",
        )  # fmt: skip
    before = await run(SHEET, as_=MARTIN, variables={"siret": NON_DIFFUSIBLE})
    assert before.data["company"]["name"] is None
    assert errors_by_path(before)["company.name"] == "FORBIDDEN"
    async with services.writer.transaction() as tx:
        project = await tx.create_project(
            siret=NON_DIFFUSIBLE, title="Diagnostic énergie", theme=None, now=now
        )
        await tx.add_project_actor(
            project_id=project, agent_id="agent-marc-martin", role="SPECIALIST", now=now
        )
    after = await run(SHEET, as_=MARTIN, variables={"siret": NON_DIFFUSIBLE})
    assert after.data["company"]["name"] == seed_world.sandbox[NON_DIFFUSIBLE].display_name
    assert [p["id"] for p in after.data["company"]["projects"]] == [project]
    assert errors_by_path(after) == {
        "company.collaborators": "FORBIDDEN",
        "company.turnover": "FORBIDDEN",
    }


async def test_a_labelled_structures_agents_see_the_holders_projects_it_supports(
    run: Run, seed_world: SeedWorld, services: Services
) -> None:
    async with services.hub.engine.connect() as connection:
        row = (
            await connection.execute(
                text(
                    "SELECT p.id, p.structure_id, p.filiere, a.email FROM projects p "
                    "JOIN agents g ON g.structure_id = p.structure_id "
                    "JOIN accounts a ON a.id = g.account_id "
                    "WHERE p.holder_account_id IS NOT NULL ORDER BY p.id, a.email LIMIT 1"
                )
            )
        ).one()
    query = "{ viewer { projects { id filiere structure { id } company { siret } } } }"
    result = await run(query, as_=row.email)
    assert result.errors is None
    found = {p["id"]: p for p in result.data["viewer"]["projects"]}
    assert found[row.id] == {
        "id": row.id, "filiere": row.filiere, "structure": {"id": row.structure_id},
        "company": None,
    }  # fmt: skip
    garcia = seed_world.viewers["garcia (another network structure)"]
    assert garcia.structure_id != row.structure_id
    other = await run(query, as_=GARCIA)
    assert row.id not in {p["id"] for p in other.data["viewer"]["projects"]}
