"""A project holder's referent workflow, on SQLite and on PostgreSQL: the holder chooses its
project's referent → the agent is told in-app and by e-mail → no answer → a reminder at the
deadline → refusal → the holder and the administrator are told → a new choice, accepted →
``Project.referent`` names the agent; the administrator's desk ends it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from connectors.hubdb import create_engine, create_session_factory
from connectors.hubdb.models import Account, Structure
from connectors.hubdb.outbox import OutboxStore
from connectors.hubdb.reminders import ReminderStore
from connectors.mail import MailConfig, Mailer
from resolvers.context import Services
from resolvers.outbox import flush_outbox
from resolvers.reminders import send_due_reminders
from sandbox.smtp import SmtpSink
from tests.conftest import Run
from tests.databases import seeded_database

GARCIA = "julien.garcia@bge-occitanie.example"
VIDAL = "helene.vidal@laregion.example"
INBOX = "query { notifications(first: 10) { edges { node { kind } } } }"
CREATE = """mutation($structure: ID!) { createMyProject(title: "Reprise d'une fromagerie",
  structureId: $structure, filiere: "agroalimentaire") { id } }"""
CHOOSE = """mutation($project: ID!, $agent: ID!) {
  chooseReferent(projectId: $project, agentId: $agent) { id status dueAt company { siret } } }"""
RESPOND = """mutation($id: ID!, $accept: Boolean!) {
  respondToReferentRequest(assignmentId: $id, accept: $accept, reason: "Trop loin") { status } }"""
MINE = """{ viewer { projects { id referent { status remindedAt agent { name } } } } }"""


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    async with seeded_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
async def sink(tmp_path: Path) -> AsyncIterator[SmtpSink]:
    sink = SmtpSink(folder=tmp_path / "mail")
    await sink.start()
    yield sink
    await sink.stop()


async def _kinds(run: Run, email: str) -> list[str]:
    result = await run(INBOX, as_=email)
    assert result.errors is None
    return [edge["node"]["kind"] for edge in result.data["notifications"]["edges"]]


async def _holder(services: Services) -> tuple[str, str]:
    """A seeded project holder's e-mail, and a labelled structure."""
    async with services.writer.transaction() as tx:
        email = await tx.session.scalar(
            sa.select(Account.email).where(Account.kind == "PROJECT_HOLDER").order_by(Account.id)
        )
        labelled = await tx.session.scalar(
            sa.select(Structure.id).where(Structure.labelled.is_(True)).order_by(Structure.id)
        )
    assert email is not None and labelled is not None
    return email, labelled


async def _referent(run: Run, holder: str, project_id: str) -> dict[str, object] | None:
    mine = await run(MINE, as_=holder)
    assert mine.errors is None
    project = next(p for p in mine.data["viewer"]["projects"] if p["id"] == project_id)
    referent: dict[str, object] | None = project["referent"]
    return referent


async def test_the_whole_holder_referent_workflow(
    run: Run, services: Services, database_url: str, sink: SmtpSink
) -> None:
    engine = create_engine(database_url)
    sessions = create_session_factory(engine)
    outbox, reminders = OutboxStore(sessions), ReminderStore(sessions)
    mailer = Mailer(MailConfig(host="127.0.0.1", port=sink.port))
    try:
        # the seed has overdue requests: send their reminders first, so only ours is left
        while await send_due_reminders(services.writer, reminders, now=datetime.now(UTC)):
            pass
        while (await flush_outbox(outbox, mailer, now=datetime.now(UTC), limit=200)).sent:
            pass
        sink.clear()
        holder, labelled = await _holder(services)
        created = await run(CREATE, as_=holder, variables={"structure": labelled})
        assert created.errors is None
        project_id = created.data["createMyProject"]["id"]
        assert await _referent(run, holder, project_id) is None

        # choose: the agent is told in-app and by e-mail; the request has no company
        chosen = await run(
            CHOOSE, as_=holder, variables={"project": project_id, "agent": "agent-julien-garcia"}
        )
        assert chosen.errors is None
        assignment = chosen.data["chooseReferent"]
        assert (assignment["status"], assignment["company"]) == ("PENDING", None)
        assert await _kinds(run, GARCIA) == ["REFERENT_CHOSEN"]
        await flush_outbox(outbox, mailer, now=datetime.now(UTC))
        assert [m.to for m in sink.messages] == [GARCIA]
        twice = await run(
            CHOOSE, as_=holder, variables={"project": project_id, "agent": "agent-sophie-roux"}
        )
        assert twice.errors is not None
        assert twice.errors[0].extensions == {"code": "BAD_USER_INPUT", "argument": "projectId"}

        # no answer: one reminder at the deadline, seen on the project
        due = datetime.fromisoformat(assignment["dueAt"])
        assert await send_due_reminders(services.writer, reminders, now=due) == 1
        assert await _kinds(run, GARCIA) == ["REFERENT_REMINDER", "REFERENT_CHOSEN"]
        pending = await _referent(run, holder, project_id)
        assert pending is not None and pending["remindedAt"] is not None
        assert pending["agent"] == {"name": "Julien Garcia"}

        # refusal: the holder and the administrator are told
        refused = await run(
            RESPOND, as_=GARCIA, variables={"id": assignment["id"], "accept": False}
        )
        assert refused.data["respondToReferentRequest"]["status"] == "REFUSED"
        assert await _kinds(run, holder) == ["REFERENT_REFUSED"]
        assert "REFERENT_HELP_NEEDED" in await _kinds(run, VIDAL)
        assert await _referent(run, holder, project_id) is None
        desk = await run(
            "{ referentRequests(filter: {kind: [REFUSED]}, first: 100) { edges { node { "
            "status companyName company { siret } } } } }",
            as_=VIDAL,
        )
        assert desk.errors is None
        assert {"status": "OPEN", "companyName": "Reprise d'une fromagerie", "company": None} in [
            edge["node"] for edge in desk.data["referentRequests"]["edges"]
        ]

        # a new choice, accepted: the project shows its referent's name
        again = await run(
            CHOOSE, as_=holder, variables={"project": project_id, "agent": "agent-sophie-roux"}
        )
        assert again.errors is None
        sophie = "sophie.roux@cci-gard.example"
        accepted = await run(
            RESPOND, as_=sophie, variables={"id": again.data["chooseReferent"]["id"],
                                            "accept": True},
        )  # fmt: skip
        assert accepted.data["respondToReferentRequest"]["status"] == "ACCEPTED"
        assert await _kinds(run, holder) == ["REFERENT_ACCEPTED", "REFERENT_REFUSED"]
        current = await _referent(run, holder, project_id)
        assert current is not None and current["status"] == "ACCEPTED"

        # the desk ends it: the holder may choose again
        ended = await run(
            "mutation($id: ID!) { endReferentAssignment(assignmentId: $id, "
            'reason: "Départ") { status } }',
            as_=VIDAL,
            variables={"id": again.data["chooseReferent"]["id"]},
        )
        assert ended.errors is None
        assert ended.data["endReferentAssignment"]["status"] == "ENDED"
        assert await _referent(run, holder, project_id) is None
        assert "REFERENT_ASSIGNMENT_ENDED" in await _kinds(run, holder)
    finally:
        await engine.dispose()
