"""The administrator's desk on SQLite and PostgreSQL: each action, what it writes, and who
is told (in-app notifications and e-mails in the outbox, in the action's transaction)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from resolvers.context import Services
from tests.conftest import Run
from tests.databases import seeded_database

VIDAL = "helene.vidal@laregion.example"
CLAIRE = "claire.leroy@leroy-sas.example"
DURAND = "pierre.durand@cci-gard.example"
ROUX = "sophie.roux@cci-gard.example"
LEROY = "84215637400014"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    async with seeded_database(request.param, tmp_path) as url:
        yield url


async def _kinds(services: Services, email: str) -> list[str]:
    async with services.writer.transaction() as tx:
        rows = await tx.session.scalars(sa.text(
            "SELECT n.kind FROM notifications n JOIN accounts a ON a.id = n.account_id "
            "WHERE a.email = :email ORDER BY n.kind"), {"email": email})  # fmt: skip
        return list(rows)


async def _mails(services: Services, email: str) -> int:
    async with services.writer.transaction() as tx:
        count = await tx.session.scalar(
            sa.text("SELECT count(*) FROM email_outbox WHERE to_address = :email"),
            {"email": email},
        )
        return int(count or 0)


async def test_assigning_then_ending_a_referent_tells_both_referents_and_the_company(
    run: Run, services: Services
) -> None:
    assigned = await run(
        f'mutation {{ assignReferent(siret: "{LEROY}", agentId: "agent-sophie-roux", '
        'reason: "Demande de la société") { id status agent { id } } }',
        as_=VIDAL,
    )
    assert assigned.errors is None
    assert assigned.data["assignReferent"]["status"] == "ACCEPTED"
    assert "REFERENT_ASSIGNED" in await _kinds(services, ROUX)
    assert "REFERENT_ASSIGNMENT_ENDED" in await _kinds(services, DURAND)
    assert "REFERENT_ASSIGNED" in await _kinds(services, CLAIRE)
    assert [await _mails(services, e) > 0 for e in (ROUX, DURAND, CLAIRE)] == [True] * 3
    company = await run(f'{{ company(siret: "{LEROY}") {{ referent {{ agent {{ id }} }} }} }}',
                        as_=CLAIRE)  # fmt: skip
    assert company.data["company"]["referent"]["agent"]["id"] == "agent-sophie-roux"

    ended = await run(
        'mutation($id: ID!) { endReferentAssignment(assignmentId: $id, reason: "Départ") '
        "{ status } }",
        as_=VIDAL,
        variables={"id": assigned.data["assignReferent"]["id"]},
    )
    assert ended.data["endReferentAssignment"]["status"] == "ENDED"
    assert "REFERENT_ASSIGNMENT_ENDED" in await _kinds(services, ROUX)
    again = await run("mutation($id: ID!) { endReferentAssignment(assignmentId: $id, "
                      'reason: "x") { status } }', as_=VIDAL,
                      variables={"id": assigned.data["assignReferent"]["id"]})  # fmt: skip
    assert again.errors[0].extensions["code"] == "BAD_USER_INPUT"
    unknown = await run('mutation { assignReferent(siret: "' + LEROY + '", agentId: "nobody") '
                        "{ id } }", as_=VIDAL)  # fmt: skip
    assert unknown.errors[0].extensions["code"] == "NOT_FOUND"


async def test_a_new_structure_takes_invited_agents_only_once_its_charter_is_signed(
    run: Run, services: Services
) -> None:
    created = await run('mutation { createStructure(input: {id: "cci-nouvelle-structure", name: '
                        '"CCI Nouvelle", kind: "CCI", departmentCode: "48"}) { id charterSigned } }',
                        as_=VIDAL)  # fmt: skip
    assert created.errors is None, created.errors
    assert created.data["createStructure"] == {
        "id": "cci-nouvelle-structure",
        "charterSigned": False,
    }
    invite = ('mutation { inviteAgent(structureId: "cci-nouvelle-structure", email: "nina@cci-nouvelle-structure.example",'
              ' name: "Nina Agent", roles: [REFERENT]) { id name roles } }')  # fmt: skip
    early = await run(invite, as_=VIDAL)
    assert early.errors[0].extensions["code"] == "BAD_USER_INPUT"
    signed = await run('mutation { recordCharterSignature(structureId: "cci-nouvelle-structure", '
                       'signedOn: "2026-01-05") { charterSigned } }', as_=VIDAL)  # fmt: skip
    assert signed.data["recordCharterSignature"]["charterSigned"] is True
    invited = await run(invite, as_=VIDAL)
    assert invited.data["inviteAgent"]["name"] == "Nina Agent"
    assert await _mails(services, "nina@cci-nouvelle-structure.example") == 1
    twice = await run(invite, as_=VIDAL)
    assert twice.errors[0].extensions["code"] == "BAD_USER_INPUT"


async def test_deactivating_an_agent_moves_its_companies_and_project_places(
    run: Run, services: Services
) -> None:
    async with services.writer.transaction() as tx:
        before = await tx.session.scalar(sa.text(
            "SELECT count(*) FROM referent_assignments WHERE agent_id = 'agent-pierre-durand' "
            "AND status IN ('PENDING', 'ACCEPTED')"))  # fmt: skip
    assert before
    done = await run('mutation { deactivateAgent(agentId: "agent-pierre-durand", '
                     'reassignTo: "agent-sophie-roux") { id } }', as_=VIDAL)  # fmt: skip
    assert done.errors is None
    async with services.writer.transaction() as tx:
        left = await tx.session.scalar(sa.text(
            "SELECT count(*) FROM referent_assignments WHERE agent_id = 'agent-pierre-durand' "
            "AND status IN ('PENDING', 'ACCEPTED')"))  # fmt: skip
        actors = await tx.session.scalar(sa.text(
            "SELECT count(*) FROM project_actors WHERE agent_id = 'agent-pierre-durand'"))  # fmt: skip
    assert (left, actors) == (0, 0)
    assert "REFERENT_ASSIGNED" in await _kinds(services, ROUX)
    assert "REFERENT_ASSIGNED" in await _kinds(services, CLAIRE)
    gone = await run("{ viewer { kind } }", as_=DURAND)
    assert gone.data["viewer"]["kind"] == "ANONYMOUS"


async def test_the_desk_lists_change_requests_and_refusals_until_dealt_with(
    run: Run, services: Services
) -> None:
    asked = await run(f'mutation {{ requestReferentChange(siret: "{LEROY}", '
                      'message: "Plus de nouvelles") }', as_=CLAIRE)  # fmt: skip
    assert asked.errors is None
    query = ("{ referentRequests(filter: {kind: [CHANGE]}) { totalCount edges { node { "
             "kind status companyName message } } } }")  # fmt: skip
    listed = await run(query, as_=VIDAL)
    nodes = [edge["node"] for edge in listed.data["referentRequests"]["edges"]]
    assert {"kind": "CHANGE", "status": "OPEN", "companyName": nodes[0]["companyName"],
            "message": "Plus de nouvelles"} in nodes  # fmt: skip
    await run(f'mutation {{ assignReferent(siret: "{LEROY}", agentId: "agent-sophie-roux") '
              "{ id } }", as_=VIDAL)  # fmt: skip
    after = await run(query, as_=VIDAL)
    assert after.data["referentRequests"]["totalCount"] == listed.data["referentRequests"][
        "totalCount"] - 1  # fmt: skip
    refused = await run(query, as_=CLAIRE)
    assert refused.data["referentRequests"] is None


async def test_the_desk_assigns_and_reassigns_a_project_holders_referent(
    run: Run, services: Services
) -> None:
    async with services.writer.transaction() as tx:
        holder = await tx.session.scalar(
            sa.text("SELECT email FROM accounts WHERE id = 'account-holder-001'")
        )
    assigned = await run('mutation { assignReferent(projectId: "project-holder-001", '
                         'agentId: "agent-pierre-durand") { status company { siret } } }',
                         as_=VIDAL)  # fmt: skip
    assert assigned.data == {"assignReferent": {"status": "ACCEPTED", "company": None}}
    assert await _kinds(services, holder) == ["REFERENT_ASSIGNED"]

    done = await run('mutation { deactivateAgent(agentId: "agent-pierre-durand", '
                     'reassignTo: "agent-sophie-roux") { id } }', as_=VIDAL)  # fmt: skip

    assert done.errors is None
    assert await _kinds(services, holder) == ["REFERENT_ASSIGNED", "REFERENT_ASSIGNED"]
    mine = await run("{ viewer { projects { id referent { status agent { id } } } } }",
                     as_=holder)  # fmt: skip
    project = next(p for p in mine.data["viewer"]["projects"] if p["id"] == "project-holder-001")
    assert project["referent"] == {"status": "ACCEPTED", "agent": {"id": "agent-sophie-roux"}}
