"""The whole referent workflow, on SQLite and on PostgreSQL: choose → the agent is told
in-app, live and by e-mail (received by a real local SMTP server) → no answer → a reminder
at the deadline → refusal → the company and the administrator are told → a new choice; and a
project holder's for its project (the holder is told instead of a company's members)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from connectors.hubdb import create_engine, create_session_factory
from connectors.hubdb.models import Account
from connectors.hubdb.outbox import OutboxStore
from connectors.hubdb.reminders import ReminderStore
from connectors.mail import MailConfig, Mailer
from resolvers.context import Services
from resolvers.outbox import flush_outbox
from resolvers.reminders import send_due_reminders
from sandbox.smtp import SmtpSink
from tests.conftest import Run
from tests.databases import seeded_database

HUGO = "hugo@atlantique.example"
GARCIA = "julien.garcia@bge-occitanie.example"
ROUX = "sophie.roux@cci-gard.example"
DURAND = "pierre.durand@cci-gard.example"
VIDAL = "helene.vidal@laregion.example"
INBOX = "query { notifications(first: 10) { totalCount edges { node { kind read } } } }"
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


@dataclass(frozen=True, slots=True)
class _Stores:
    outbox: OutboxStore
    reminders: ReminderStore
    mailer: Mailer


@pytest.fixture
async def stores(services: Services, database_url: str, sink: SmtpSink) -> AsyncIterator[_Stores]:
    """The outbox and reminders of the database, with the seed's backlog sent already (the
    seed has overdue requests: their reminders go first, so only the test's are left)."""
    engine = create_engine(database_url)
    sessions = create_session_factory(engine)
    found = _Stores(
        OutboxStore(sessions),
        ReminderStore(sessions),
        Mailer(MailConfig(host="127.0.0.1", port=sink.port)),
    )
    try:
        while await send_due_reminders(services.writer, found.reminders, now=datetime.now(UTC)):
            pass
        while (
            await flush_outbox(found.outbox, found.mailer, now=datetime.now(UTC), limit=200)
        ).sent:
            pass
        sink.clear()
        yield found
    finally:
        await engine.dispose()


async def test_the_whole_referent_workflow(
    run: Run, services: Services, stores: _Stores, sink: SmtpSink
) -> None:
    outbox, reminders, mailer = stores.outbox, stores.reminders, stores.mailer
    async with services.writer.transaction() as tx:
        await tx.account_for(email=HUGO, name="Hugo Lemaire", phone=None, now=datetime.now(UTC))
    registered = await run(
        'mutation { registerCompany(siret: "38271940900031") { siret } }',
        as_=HUGO,
        verified_name="Hugo Lemaire",
        acr="eidas2",
    )
    assert registered.errors is None

    # choose: the agent is told in-app, live and by e-mail
    async with services.broker.subscribe("account-julien-garcia") as live:
        chosen = await run(
            'mutation { chooseReferent(siret: "38271940900031", '
            'agentId: "agent-julien-garcia") { id status dueAt } }',
            as_=HUGO,
        )
        assert chosen.errors is None
        assert (await anext(live))["kind"] == "REFERENT_CHOSEN"
    assignment = chosen.data["chooseReferent"]
    assert await _kinds(run, GARCIA) == ["REFERENT_CHOSEN"]
    report = await flush_outbox(outbox, mailer, now=datetime.now(UTC))
    assert report.sent >= 1
    assert [m.to for m in sink.messages] == [GARCIA]

    # no answer: nothing before the deadline, one reminder at it
    due = datetime.fromisoformat(assignment["dueAt"])
    assert await send_due_reminders(services.writer, reminders, now=due - timedelta(seconds=1)) == 0
    assert await send_due_reminders(services.writer, reminders, now=due) == 1
    assert await _kinds(run, GARCIA) == ["REFERENT_REMINDER", "REFERENT_CHOSEN"]
    reminded = await run(
        '{ company(siret: "38271940900031") { referent { remindedAt } } }', as_=HUGO
    )
    assert reminded.data["company"]["referent"]["remindedAt"] is not None

    # refusal: the company and the administrator are told, by e-mail too
    refused = await run(
        "mutation($id: ID!) { respondToReferentRequest(assignmentId: $id, accept: false, "
        'reason: "Hors de mon territoire") { status } }',
        as_=GARCIA,
        variables={"id": assignment["id"]},
    )
    assert refused.data["respondToReferentRequest"]["status"] == "REFUSED"
    assert await _kinds(run, HUGO) == ["REFERENT_REFUSED"]
    assert "REFERENT_HELP_NEEDED" in await _kinds(run, VIDAL)
    await flush_outbox(outbox, mailer, now=due + timedelta(minutes=1))
    assert {HUGO, VIDAL} <= {m.to for m in sink.messages}

    # and the company chooses again
    again = await run(
        'mutation { chooseReferent(siret: "38271940900031", '
        'agentId: "agent-sophie-roux") { status } }',
        as_=HUGO,
    )
    assert again.data["chooseReferent"]["status"] == "PENDING"


async def _holder(services: Services) -> tuple[str, str]:
    """A seeded project holder's e-mail, and a labelled structure."""
    async with services.writer.transaction() as tx:
        email = await tx.session.scalar(
            sa.select(Account.email).where(Account.kind == "PROJECT_HOLDER").order_by(Account.id)
        )
    assert email is not None
    return email, "cci-gard"  # labelled, with two referents (Pierre Durand, Sophie Roux)


async def _referent(run: Run, holder: str, project_id: str) -> dict[str, object] | None:
    mine = await run(MINE, as_=holder)
    assert mine.errors is None
    project = next(p for p in mine.data["viewer"]["projects"] if p["id"] == project_id)
    referent: dict[str, object] | None = project["referent"]
    return referent


async def test_the_whole_holder_referent_workflow(
    run: Run, services: Services, stores: _Stores, sink: SmtpSink
) -> None:
    outbox, reminders, mailer = stores.outbox, stores.reminders, stores.mailer
    holder, labelled = await _holder(services)
    created = await run(CREATE, as_=holder, variables={"structure": labelled})
    assert created.errors is None
    project_id = created.data["createMyProject"]["id"]
    assert await _referent(run, holder, project_id) is None

    # a referent of another structure is refused; one of the project's is told in-app and
    # by e-mail; the request has no company
    elsewhere = await run(
        CHOOSE, as_=holder, variables={"project": project_id, "agent": "agent-julien-garcia"}
    )
    assert elsewhere.errors is not None
    assert elsewhere.errors[0].extensions == {"code": "BAD_USER_INPUT", "argument": "agentId"}
    chosen = await run(
        CHOOSE, as_=holder, variables={"project": project_id, "agent": "agent-sophie-roux"}
    )
    assert chosen.errors is None
    assignment = chosen.data["chooseReferent"]
    assert (assignment["status"], assignment["company"]) == ("PENDING", None)
    assert (await _kinds(run, ROUX))[:1] == ["REFERENT_CHOSEN"]
    await flush_outbox(outbox, mailer, now=datetime.now(UTC))
    assert [m.to for m in sink.messages] == [ROUX]
    twice = await run(
        CHOOSE, as_=holder, variables={"project": project_id, "agent": "agent-pierre-durand"}
    )
    assert twice.errors is not None
    assert twice.errors[0].extensions == {"code": "BAD_USER_INPUT", "argument": "projectId"}

    # no answer: one reminder at the deadline, seen on the project
    due = datetime.fromisoformat(assignment["dueAt"])
    assert await send_due_reminders(services.writer, reminders, now=due) == 1
    assert (await _kinds(run, ROUX))[:2] == ["REFERENT_REMINDER", "REFERENT_CHOSEN"]
    pending = await _referent(run, holder, project_id)
    assert pending is not None and pending["remindedAt"] is not None
    assert pending["agent"] == {"name": "Sophie Roux"}

    # refusal: the holder and the administrator are told
    refused = await run(RESPOND, as_=ROUX, variables={"id": assignment["id"], "accept": False})
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
        CHOOSE, as_=holder, variables={"project": project_id, "agent": "agent-pierre-durand"}
    )
    assert again.errors is None
    accepted = await run(
        RESPOND, as_=DURAND, variables={"id": again.data["chooseReferent"]["id"],
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
