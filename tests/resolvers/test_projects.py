"""Company projects and their support group: who may create, who may add actors."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
import sqlalchemy as sa
from structlog.testing import capture_logs

from connectors.hubdb import DatabaseUnavailable, ProjectRecord
from connectors.hubdb.models import Account, Structure
from resolvers.context import Services
from tests.conftest import Run, errors_by_path

CLAIRE = "claire.leroy@leroy-sas.example"
THOMAS = "thomas.blanc@cabinet-blanc.example"
DURAND = "pierre.durand@cci-gard.example"
LEROY_PROJECT = "project-leroy-pile-hydrogene"

CREATE = """mutation($title: String!) { createProject(siret: "84215637400014", title: $title,
  theme: "export") { id title theme actors { role } } }"""
ADD = """mutation($agent: ID!, $role: AgentRole!) {
  addProjectActor(projectId: "project-leroy-pile-hydrogene", agentId: $agent, role: $role) {
    actors { role agent { name } } } }"""


@pytest.mark.parametrize("who", [CLAIRE, THOMAS])
async def test_the_companys_members_create_projects(run: Run, who: str) -> None:
    result = await run(CREATE, as_=who, variables={"title": "Salon export Hanovre"})
    assert result.errors is None
    project = result.data["createProject"]
    assert (project["title"], project["theme"], project["actors"]) == (
        "Salon export Hanovre",
        "export",
        [],
    )
    sheet = await run('{ company(siret: "84215637400014") { projects { title } } }', as_=CLAIRE)
    assert "Salon export Hanovre" in [p["title"] for p in sheet.data["company"]["projects"]]


def _read_back_fails(services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    """The database goes away between a creation's commit and its read-back (of the project
    alone, or of its company's or holder's)."""

    async def unavailable(keys: Sequence[str]) -> dict[str, ProjectRecord]:
        raise DatabaseUnavailable("connection refused")

    for read in ("projects_by_id", "projects", "holder_projects"):
        monkeypatch.setattr(services.hub, read, unavailable)


async def test_a_created_project_is_answered_as_written_when_its_read_back_fails(
    run: Run, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    _read_back_fails(services, monkeypatch)
    with capture_logs() as logs:
        result = await run(CREATE, as_=CLAIRE, variables={"title": "Salon export Milan"})

    assert result.errors is None
    project = result.data["createProject"]
    assert (project["title"], project["theme"], project["actors"]) == (
        "Salon export Milan",
        "export",
        [],
    )
    assert [log["event"] for log in logs if log["log_level"] == "warning"] == [
        "project.read_back_failed"
    ]
    monkeypatch.undo()
    sheet = await run('{ company(siret: "84215637400014") { projects { id } } }', as_=CLAIRE)
    assert {"id": project["id"]} in sheet.data["company"]["projects"]


@pytest.mark.parametrize(
    ("who", "code"),
    [
        (DURAND, "FORBIDDEN"),
        ("antoine.fabre@menuiserie-fabre.example", "FORBIDDEN"),
        (None, "UNAUTHENTICATED"),
    ],
)
async def test_others_may_not_create_a_companys_project(
    run: Run, who: str | None, code: str
) -> None:
    result = await run(CREATE, as_=who, variables={"title": "X"})
    assert errors_by_path(result) == {"createProject": code}


async def test_an_empty_title_is_refused(run: Run) -> None:
    result = await run(CREATE, as_=CLAIRE, variables={"title": "   "})
    assert errors_by_path(result) == {"createProject": "BAD_USER_INPUT"}


async def test_the_referent_adds_a_funding_expert_and_the_company_sees_the_group(
    run: Run,
) -> None:
    result = await run(
        ADD, as_=DURAND, variables={"agent": "agent-nadia-benali", "role": "FUNDING_EXPERT"}
    )
    assert result.errors is None
    actors = {(a["agent"]["name"], a["role"]) for a in result.data["addProjectActor"]["actors"]}
    assert ("Nadia Benali", "FUNDING_EXPERT") in actors
    seen = await run(
        '{ company(siret: "84215637400014") { projects { actors { agent { name } } } } }',
        as_=CLAIRE,
    )
    names = [a["agent"]["name"] for a in seen.data["company"]["projects"][0]["actors"]]
    assert "Nadia Benali" in names


@pytest.mark.parametrize(
    ("who", "code"),
    [
        (CLAIRE, "FORBIDDEN"),
        ("sophie.roux@cci-gard.example", "FORBIDDEN"),
        ("julien.garcia@bge-occitanie.example", "FORBIDDEN"),
        (None, "UNAUTHENTICATED"),
    ],
)
async def test_only_the_accepted_referent_or_admin_adds_actors(
    run: Run, who: str | None, code: str
) -> None:
    result = await run(
        ADD, as_=who, variables={"agent": "agent-nadia-benali", "role": "FUNDING_EXPERT"}
    )
    assert errors_by_path(result) == {"addProjectActor": code}


@pytest.mark.parametrize(
    ("agent", "role", "code"),
    [
        ("agent-lucie-mercier", "SPECIALIST", "BAD_USER_INPUT"),  # already in the group
        ("agent-julien-garcia", "FUNDING_EXPERT", "BAD_USER_INPUT"),  # not a funding expert
        ("agent-julien-garcia", "ADMIN", "BAD_USER_INPUT"),
        ("agent-nobody", "SPECIALIST", "NOT_FOUND"),
    ],
)
async def test_bad_actors_are_refused(run: Run, agent: str, role: str, code: str) -> None:
    result = await run(ADD, as_=DURAND, variables={"agent": agent, "role": role})
    assert errors_by_path(result) == {"addProjectActor": code}


async def test_the_admin_adds_a_specialist_from_outside_the_network(run: Run) -> None:
    result = await run(
        ADD,
        as_="helene.vidal@laregion.example",
        variables={"agent": "agent-julien-garcia", "role": "SPECIALIST"},
    )
    assert result.errors is None


HOLDER_PROJECT = """mutation($title: String!, $structure: ID!) {
  createMyProject(title: $title, structureId: $structure, filiere: "agroalimentaire") {
    id title } }"""
RENAME = """mutation($id: ID!, $title: String!) { renameProject(projectId: $id, title: $title) }"""


async def _holder(services: Services) -> tuple[str, str]:
    """A seeded project holder's e-mail, and a labelled structure."""
    async with services.writer.transaction() as tx:
        email = await tx.session.scalar(
            sa.select(Account.email)
            .where(Account.kind == "PROJECT_HOLDER")
            .order_by(Account.id)
            .limit(1)
        )
        labelled = await tx.session.scalar(
            sa.select(Structure.id)
            .where(Structure.labelled.is_(True))
            .order_by(Structure.id)
            .limit(1)
        )
    return email, labelled


async def test_a_project_holder_names_its_project_with_a_labelled_structure_and_renames_it(
    run: Run, services: Services
) -> None:
    email, labelled = await _holder(services)
    created = await run(
        HOLDER_PROJECT,
        as_=email,
        variables={"title": "Reprise d'une fromagerie", "structure": labelled},
    )
    assert created.errors is None
    project_id = created.data["createMyProject"]["id"]
    renamed = await run(RENAME, as_=email, variables={"id": project_id, "title": "Fromagerie"})
    assert renamed.data == {"renameProject": "Fromagerie"}
    mine = await run("{ viewer { projects { title } } }", as_=email)
    assert {"title": "Fromagerie"} in mine.data["viewer"]["projects"]
    other = await run(RENAME, as_=CLAIRE, variables={"id": project_id, "title": "Pris"})
    assert errors_by_path(other) == {"renameProject": "FORBIDDEN"}


async def test_a_holder_s_project_is_answered_as_written_when_its_read_back_fails(
    run: Run, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    email, labelled = await _holder(services)
    _read_back_fails(services, monkeypatch)

    created = await run(
        HOLDER_PROJECT, as_=email, variables={"title": "Reprise d'une cave", "structure": labelled}
    )

    assert created.errors is None
    project = created.data["createMyProject"]
    assert project["title"] == "Reprise d'une cave"
    monkeypatch.undo()
    mine = await run("{ viewer { projects { id title } } }", as_=email)
    assert project in mine.data["viewer"]["projects"]


async def test_only_project_holders_create_their_own_project_with_a_labelled_structure(
    run: Run, services: Services
) -> None:
    email, labelled = await _holder(services)
    refused = await run(HOLDER_PROJECT, as_=CLAIRE, variables={"title": "X", "structure": labelled})
    assert errors_by_path(refused) == {"createMyProject": "FORBIDDEN"}
    unlabelled = await run(
        HOLDER_PROJECT, as_=email, variables={"title": "X", "structure": "ademe"}
    )
    assert errors_by_path(unlabelled) == {"createMyProject": "BAD_USER_INPUT"}
    unknown = await run(HOLDER_PROJECT, as_=email, variables={"title": "X", "structure": "nope"})
    assert errors_by_path(unknown) == {"createMyProject": "NOT_FOUND"}


async def test_company_members_rename_their_project(run: Run) -> None:
    renamed = await run(RENAME, as_=THOMAS, variables={"id": LEROY_PROJECT, "title": "PAC H2"})
    assert renamed.data == {"renameProject": "PAC H2"}
    refused = await run(RENAME, as_=DURAND, variables={"id": LEROY_PROJECT, "title": "Autre"})
    assert errors_by_path(refused) == {"renameProject": "FORBIDDEN"}
    empty = await run(RENAME, as_=THOMAS, variables={"id": LEROY_PROJECT, "title": " "})
    assert errors_by_path(empty) == {"renameProject": "BAD_USER_INPUT"}
