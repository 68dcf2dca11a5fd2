"""Collaborators join by invitation: the mandataire sees only what it typed until the
invitee, signed in with the invited address, accepts with the e-mailed token; no account's
data is ever revealed to the inviter; an agent never joins a company space; invitations
expire and can be withdrawn; the invitee (and no one else) sees its live invitations."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from connectors.hubdb import create_engine, create_session_factory
from connectors.hubdb.outbox import OutboxStore
from connectors.mail import MailConfig, Mailer
from resolvers.context import Services
from resolvers.invitations import INVITATION_TTL
from resolvers.outbox import flush_outbox
from sandbox.smtp import SmtpSink
from tests.conftest import Run, errors_by_path
from tests.partners import execute_as, make_key

LEROY = "84215637400014"
CLAIRE = "claire.leroy@leroy-sas.example"  # LEROY's mandataire
THOMAS = "thomas.blanc@cabinet-blanc.example"  # LEROY's collaborator
ANTOINE = "antoine.fabre@menuiserie-fabre.example"  # FABRE's mandataire (a company user)
DURAND = "pierre.durand@cci-gard.example"  # LEROY's referent (an agent)
VIDAL = "helene.vidal@laregion.example"  # the administrator (an agent too)
INVITE = """mutation($email: String!, $name: String!, $phone: String) {
  addCollaborator(siret: "84215637400014", email: $email, name: $name, phone: $phone) {
    name email phone status invitationId invitationExpiresAt } }"""
ACCEPT = """mutation($token: String, $id: ID) { acceptInvitation(token: $token, id: $id) {
  siret viewerAccess } }"""
REMOVE = """mutation($email: String!) { removeCollaborator(siret: "84215637400014",
  email: $email) { siret } }"""
LIST = '{ company(siret: "84215637400014") { collaborators { name email phone status } } }'
ACCESS = '{ company(siret: "84215637400014") { viewerAccess } }'


async def _invite(run: Run, email: str, name: str = "Typed Name", phone: str | None = None) -> Any:
    result = await run(INVITE, as_=CLAIRE, variables={"email": email, "name": name, "phone": phone})
    assert result.errors is None, result.errors
    return result.data["addCollaborator"]


async def _token(services: Services, email: str) -> str:
    """The token of the newest invitation e-mail to ``email``, as the invitee reads it."""
    async with services.writer.transaction() as tx:
        body = await tx.session.scalar(
            sa.text(
                "SELECT body FROM email_outbox WHERE to_address = :email "
                "ORDER BY created_at DESC LIMIT 1"
            ),
            {"email": email},
        )
    assert body is not None
    found = re.search(r'acceptInvitation\(token: "([^"]+)"\)', body)
    assert found is not None
    return found.group(1)


async def _collaborators(run: Run) -> list[dict[str, Any]]:
    return (await run(LIST, as_=CLAIRE)).data["company"]["collaborators"]


@pytest.mark.parametrize(
    "email",
    [DURAND, ANTOINE, VIDAL, "nobody@nowhere.example"],  # an agent, another company's
)  # mandataire, the administrator, no account at all: all answer alike
async def test_an_invitation_reveals_nothing_of_any_account(run: Run, email: str) -> None:
    invited = await _invite(run, email, "Typed Name", "01 02 03 04 05")
    assert {k: invited[k] for k in ("name", "email", "phone", "status")} == {
        "name": "Typed Name", "email": email, "phone": "01 02 03 04 05", "status": "PENDING"
    }  # fmt: skip
    assert invited["invitationId"] and invited["invitationExpiresAt"]
    assert await _collaborators(run) == [
        {"name": "Thomas Blanc", "email": THOMAS, "phone": "04 65 71 20 02", "status": "ACTIVE"},
        {"name": "Typed Name", "email": email, "phone": "01 02 03 04 05", "status": "PENDING"},
    ]
    stored = {DURAND: "Durand", ANTOINE: "Fabre", VIDAL: "Vidal"}.get(email)
    assert stored is None or stored not in repr([invited, await _collaborators(run)])
    # and nothing was attached: the invitee has no more access than before
    assert (await run(ACCESS, as_=email)).data["company"]["viewerAccess"] != "OWNER"


async def test_the_invitee_accepts_with_the_emailed_token_and_joins(
    run: Run, services: Services
) -> None:
    await _invite(run, ANTOINE, "Antoine (comptabilité)")
    token = await _token(services, ANTOINE)
    accepted = await run(ACCEPT, as_=ANTOINE, variables={"token": token})
    assert accepted.errors is None
    assert accepted.data["acceptInvitation"] == {"siret": LEROY, "viewerAccess": "OWNER"}
    joined = [c for c in await _collaborators(run) if c["email"] == ANTOINE]
    assert [c["status"] for c in joined] == ["ACTIVE"]  # the pending row is gone
    told = await run("{ notifications(first: 5) { edges { node { kind payload } } } }", as_=CLAIRE)
    joined_news = [
        e["node"]["payload"]
        for e in told.data["notifications"]["edges"]
        if e["node"]["kind"] == "COLLABORATOR_JOINED"
    ]
    assert [p["siret"] for p in joined_news] == [LEROY]  # the inviter is told, once
    again = await run(ACCEPT, as_=ANTOINE, variables={"token": token})  # idempotent
    assert again.data["acceptInvitation"]["viewerAccess"] == "OWNER"


async def test_the_invitation_reaches_the_invitee_through_the_smtp_sink(
    run: Run, database_url: str, tmp_path: Path
) -> None:
    """Through the outbox and a real SMTP server: the mail names the company, carries the
    token, and the token in it opens the space."""
    await _invite(run, ANTOINE, "Antoine")
    sink = SmtpSink(folder=tmp_path / "mail")
    await sink.start()
    engine = create_engine(database_url)
    try:
        outbox = OutboxStore(create_session_factory(engine))
        mailer = Mailer(MailConfig(host="127.0.0.1", port=sink.port))
        while (await flush_outbox(outbox, mailer, now=datetime.now(UTC), limit=200)).sent:
            pass
        (mail,) = [m for m in sink.messages if m.to == ANTOINE]
    finally:
        await engine.dispose()
        await sink.stop()
    assert "Invitation" in mail.subject
    found = re.search(r'acceptInvitation\(token: "([^"]+)"\)', mail.body)
    assert found is not None
    accepted = await run(ACCEPT, as_=ANTOINE, variables={"token": found.group(1)})
    assert accepted.data["acceptInvitation"]["viewerAccess"] == "OWNER"


async def test_the_invitee_accepts_by_id_signed_in_with_the_invited_address(run: Run) -> None:
    invited = await _invite(run, ANTOINE)
    accepted = await run(ACCEPT, as_=ANTOINE, variables={"id": invited["invitationId"]})
    assert accepted.data["acceptInvitation"]["viewerAccess"] == "OWNER"


@pytest.mark.parametrize("form", ["token", "id"])
async def test_another_account_cannot_accept_and_learns_nothing(
    run: Run, services: Services, form: str
) -> None:
    invited = await _invite(run, ANTOINE)
    value = await _token(services, ANTOINE) if form == "token" else invited["invitationId"]
    stolen = await run(ACCEPT, as_=THOMAS, variables={form: value})
    unknown = await run(ACCEPT, as_=THOMAS, variables={form: "not-an-invitation"})
    assert errors_by_path(stolen) == errors_by_path(unknown) == {"acceptInvitation": "NOT_FOUND"}
    assert stolen.errors[0].message == unknown.errors[0].message
    assert ANTOINE not in stolen.errors[0].message
    assert [c["status"] for c in await _collaborators(run) if c["email"] == ANTOINE] == ["PENDING"]


@pytest.mark.parametrize("agent", [DURAND, VIDAL])
async def test_an_agent_never_becomes_owner_by_invitation(
    run: Run, services: Services, agent: str
) -> None:
    before = (await run(ACCESS, as_=agent)).data["company"]["viewerAccess"]
    await _invite(run, agent)
    refused = await run(ACCEPT, as_=agent, variables={"token": await _token(services, agent)})
    assert errors_by_path(refused) == {"acceptInvitation": "FORBIDDEN"}
    assert refused.errors[0].extensions["reason"] == "AGENT_CANNOT_JOIN"
    assert (await run(ACCESS, as_=agent)).data["company"]["viewerAccess"] == before != "OWNER"


async def test_a_partner_key_and_anonymous_cannot_accept(
    run: Run, services: Services, schema: Any
) -> None:
    await _invite(run, ANTOINE)
    token = await _token(services, ANTOINE)
    anonymous = await run(ACCEPT, variables={"token": token})
    assert errors_by_path(anonymous) == {"acceptInvitation": "UNAUTHENTICATED"}
    _, key = await make_key(services)
    keyed = await execute_as(schema, services, key, ACCEPT, {"token": token})
    assert errors_by_path(keyed) == {"acceptInvitation": "FORBIDDEN"}


async def test_an_expired_invitation_is_refused_and_can_be_sent_again(
    run: Run, services: Services
) -> None:
    await _invite(run, ANTOINE)
    token = await _token(services, ANTOINE)
    async with services.writer.transaction() as tx:
        await tx.session.execute(
            sa.text("UPDATE collaborator_invitations SET expires_at = '2020-01-01 00:00:00'")
        )
    expired = await run(ACCEPT, as_=ANTOINE, variables={"token": token})
    assert errors_by_path(expired) == {"acceptInvitation": "BAD_USER_INPUT"}
    assert expired.errors[0].extensions["reason"] == "INVITATION_EXPIRED"
    assert [c["email"] for c in await _collaborators(run)] == [THOMAS]  # not listed
    await _invite(run, ANTOINE)  # a new one replaces it
    fresh = await run(ACCEPT, as_=ANTOINE, variables={"token": await _token(services, ANTOINE)})
    assert fresh.data["acceptInvitation"]["viewerAccess"] == "OWNER"


async def test_a_withdrawn_invitation_is_refused(run: Run, services: Services) -> None:
    await _invite(run, ANTOINE)
    token = await _token(services, ANTOINE)
    withdrawn = await run(REMOVE, as_=CLAIRE, variables={"email": ANTOINE})
    assert withdrawn.errors is None
    assert [c["email"] for c in await _collaborators(run)] == [THOMAS]
    refused = await run(ACCEPT, as_=ANTOINE, variables={"token": token})
    assert errors_by_path(refused) == {"acceptInvitation": "BAD_USER_INPUT"}
    assert refused.errors[0].extensions["reason"] == "INVITATION_REVOKED"


async def test_inviting_twice_while_pending_is_refused(run: Run) -> None:
    await _invite(run, ANTOINE)
    twice = await run(INVITE, as_=CLAIRE, variables={"email": ANTOINE, "name": "Again"})
    assert errors_by_path(twice) == {"addCollaborator": "BAD_USER_INPUT"}
    assert twice.errors[0].extensions["argument"] == "email"


async def test_only_the_mandataire_sees_or_withdraws_invitations_it_made(run: Run) -> None:
    """The pending rows are tier 2 like the collaborators (LEROY's referent sees them);
    another company's user and anonymous see none, and cannot withdraw one."""
    await _invite(run, "nobody@nowhere.example")
    referent = await run(LIST, as_=DURAND)
    assert [c["status"] for c in referent.data["company"]["collaborators"]] == [
        "ACTIVE", "PENDING"
    ]  # fmt: skip
    for who in (ANTOINE, None):
        seen = await run(LIST, as_=who)
        assert seen.data["company"]["collaborators"] is None
        refused = await run(REMOVE, as_=who, variables={"email": "nobody@nowhere.example"})
        assert set(errors_by_path(refused).values()) <= {"FORBIDDEN", "UNAUTHENTICATED"}
    assert len(await _collaborators(run)) == 2


async def test_accepting_needs_exactly_one_of_token_and_id(run: Run) -> None:
    neither = await run(ACCEPT, as_=ANTOINE, variables={})
    assert errors_by_path(neither) == {"acceptInvitation": "BAD_USER_INPUT"}
    both = await run(ACCEPT, as_=ANTOINE, variables={"token": "t", "id": "i"})
    assert errors_by_path(both) == {"acceptInvitation": "BAD_USER_INPUT"}


@pytest.mark.parametrize(
    ("variables", "code"),
    [
        ({"token": "t" * 10_000}, "BAD_USER_INPUT"),
        ({"token": "\ud800"}, "NOT_FOUND"),  # a lone surrogate
        ({"id": "\ud800"}, "NOT_FOUND"),
        ({"id": "x" * 10_000}, "NOT_FOUND"),
    ],
)
async def test_hostile_tokens_and_ids_are_refused_with_a_reason(
    run: Run, variables: dict[str, str], code: str
) -> None:
    result = await run(ACCEPT, as_=ANTOINE, variables=variables)
    assert errors_by_path(result) == {"acceptInvitation": code}
    assert result.errors[0].message


MINE = """{ viewer { invitations { id company { siret name } inviterName sentAt expiresAt } } }"""


async def _mine(run: Run, who: str | None) -> list[dict[str, Any]]:
    result = await run(MINE, as_=who)
    assert result.errors is None, result.errors
    return list(result.data["viewer"]["invitations"])


async def _holder_email(services: Services) -> str:
    async with services.writer.transaction() as tx:
        email = await tx.session.scalar(
            sa.text("SELECT email FROM accounts WHERE id = 'account-holder-001'")
        )
    assert email is not None
    return str(email)


async def test_the_invitee_sees_its_pending_invitation_and_accepts_it_by_its_id(
    run: Run,
) -> None:
    assert await _mine(run, ANTOINE) == []
    invited = await _invite(run, ANTOINE)

    [seen] = await _mine(run, ANTOINE)

    assert seen["id"] == invited["invitationId"]
    assert seen["company"] == {"siret": LEROY, "name": "LEROY SAS"}
    assert seen["inviterName"] == "Claire Leroy"
    sent = datetime.fromisoformat(seen["sentAt"])
    assert datetime.fromisoformat(seen["expiresAt"]) - sent == INVITATION_TTL
    assert abs((datetime.now(UTC) - sent).total_seconds()) < 60
    accepted = await run(ACCEPT, as_=ANTOINE, variables={"id": seen["id"]})
    assert accepted.data["acceptInvitation"]["viewerAccess"] == "OWNER"
    assert await _mine(run, ANTOINE) == []  # accepted: no longer to accept


async def test_a_project_holder_sees_the_invitations_addressed_to_it(
    run: Run, services: Services
) -> None:
    holder = await _holder_email(services)
    await _invite(run, holder)
    assert [i["company"]["siret"] for i in await _mine(run, holder)] == [LEROY]


@pytest.mark.parametrize(
    "who",
    [THOMAS, CLAIRE, "holder", None],  # another company user, the inviter, a holder, anonymous
)
async def test_nobody_else_sees_an_invitation(
    run: Run, services: Services, who: str | None
) -> None:
    await _invite(run, ANTOINE)
    viewer = await _holder_email(services) if who == "holder" else who
    assert len(await _mine(run, ANTOINE)) == 1
    assert await _mine(run, viewer) == []


@pytest.mark.parametrize("agent", [DURAND, VIDAL])
async def test_an_agent_or_the_administrator_is_shown_no_invitation_it_could_not_accept(
    run: Run, agent: str
) -> None:
    await _invite(run, agent)
    assert await _mine(run, agent) == []


async def test_a_partner_key_has_no_invitations(run: Run, services: Services, schema: Any) -> None:
    await _invite(run, ANTOINE)
    _, key = await make_key(services)
    keyed = await execute_as(schema, services, key, MINE)
    assert keyed.errors is None
    assert keyed.data["viewer"]["invitations"] == []


async def test_expired_and_withdrawn_invitations_are_not_shown(
    run: Run, services: Services
) -> None:
    await _invite(run, ANTOINE)
    async with services.writer.transaction() as tx:
        await tx.session.execute(
            sa.text("UPDATE collaborator_invitations SET expires_at = '2020-01-01 00:00:00'")
        )
    assert await _mine(run, ANTOINE) == []
    await _invite(run, ANTOINE)  # a new one replaces it
    assert len(await _mine(run, ANTOINE)) == 1
    await run(REMOVE, as_=CLAIRE, variables={"email": ANTOINE})
    assert await _mine(run, ANTOINE) == []
