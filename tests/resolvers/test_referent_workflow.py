"""The whole referent workflow, on SQLite and on PostgreSQL: choose → the agent is told
in-app, live and by e-mail (received by a real local SMTP server) → no answer → a reminder
at the deadline → refusal → the company and the administrator are told → a new choice."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from connectors.hubdb import create_engine, create_session_factory
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
VIDAL = "helene.vidal@laregion.example"
INBOX = "query { notifications(first: 10) { totalCount edges { node { kind read } } } }"


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


async def test_the_whole_referent_workflow(
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
        async with services.writer.transaction() as tx:
            await tx.account_for(email=HUGO, name="Hugo Lemaire", phone=None, now=datetime.now(UTC))
        registered = await run(
            'mutation { registerCompany(siret: "38271940900031") { siret } }',
            as_=HUGO,
            verified_name="Hugo Lemaire",
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
        assert (
            await send_due_reminders(services.writer, reminders, now=due - timedelta(seconds=1))
            == 0
        )
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
    finally:
        await engine.dispose()
