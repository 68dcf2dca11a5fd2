"""The referent workflow: choose → notify (in-app, live, e-mail) → accept / refuse → the
administrator is told; change requests; who may do what; concurrent answers."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from auth.identity import Authenticator
from auth.tiers import Access
from auth.tokens import DevTokenIssuer
from connectors.hubdb.models import Account, EmailOutbox, Notification
from resolvers.context import Context, Services
from resolvers.working_hours import working_deadline
from tests.conftest import Run, errors_by_path

DURAND = "pierre.durand@cci-gard.example"
ROUX = "sophie.roux@cci-gard.example"
PAUL = "paul.girard@biocosmetiques.example"
CLAIRE = "claire.leroy@leroy-sas.example"
VIDAL = "helene.vidal@laregion.example"
BIOCOSMETIQUES = "44306184100047"
ATLANTIQUE = "38271940900031"

PENDING_ID = '{ company(siret: "44306184100047") { referent { id status } } }'
RESPOND = """mutation($id: ID!, $accept: Boolean!, $reason: String) {
  respondToReferentRequest(assignmentId: $id, accept: $accept, reason: $reason) {
    status agent { name } company { siret } } }"""
CHOOSE = """mutation($siret: String!, $agent: ID!) { chooseReferent(siret: $siret, agentId: $agent) {
  id status dueAt remindedAt agent { name email } } }"""
CHANGE = """mutation($siret: String!, $message: String!) {
  requestReferentChange(siret: $siret, message: $message) }"""


async def _pending_id(run: Run) -> str:
    result = await run(PENDING_ID, as_=PAUL)
    return str(result.data["company"]["referent"]["id"])


async def _rows(services: Services, table: Any, **where: str) -> list[Any]:
    async with services.writer.transaction() as tx:
        query = sa.select(table).filter_by(**where)
        return list((await tx.session.scalars(query)).all())


async def _inbox(services: Services, email: str) -> list[Notification]:
    async with services.writer.transaction() as tx:
        account_id = await tx.session.scalar(sa.select(Account.id).where(Account.email == email))
    return await _rows(services, Notification, account_id=account_id)


async def test_the_chosen_referent_accepts_and_the_company_is_told(
    run: Run, services: Services
) -> None:
    assignment_id = await _pending_id(run)
    async with services.broker.subscribe("account-paul-girard") as live:
        result = await run(RESPOND, as_=DURAND, variables={"id": assignment_id, "accept": True})
        message = await asyncio.wait_for(anext(live), 1)
    assert result.errors is None
    assert result.data["respondToReferentRequest"]["status"] == "ACCEPTED"
    assert message["kind"] == "REFERENT_ACCEPTED"
    assert [n.kind for n in await _inbox(services, PAUL)] == ["REFERENT_ACCEPTED"]
    mails = await _rows(services, EmailOutbox, to_address=PAUL)
    assert [m.status for m in mails] == ["PENDING"] and "accepté" in mails[0].subject
    sheet = await run('{ company(siret: "44306184100047") { viewerAccess } }', as_=DURAND)
    assert sheet.data["company"]["viewerAccess"] == "TIER2"  # accepted: tier 2 now


async def test_a_request_works_its_access_out_again_after_it_wrote_the_company(
    run: Run, services: Services, issuer: DevTokenIssuer
) -> None:
    """The access to a company is worked out once per request, and again after the request
    changed the company (``Context.forget_company``), as its facts are read again."""
    token = issuer.issue(subject=DURAND, email=DURAND)
    durand = await Authenticator(issuer, services.hub, services.directory).viewer(f"Bearer {token}")
    context = Context.create(durand, services, "test-request")
    assert await context.company_access(BIOCOSMETIQUES) is Access.TIER1  # pending: tier 1

    assignment_id = await _pending_id(run)
    accepted = await run(RESPOND, as_=DURAND, variables={"id": assignment_id, "accept": True})
    assert accepted.errors is None

    assert await context.company_access(BIOCOSMETIQUES) is Access.TIER1  # as the request read it
    context.forget_company(BIOCOSMETIQUES)
    assert await context.company_access(BIOCOSMETIQUES) is Access.TIER2


async def test_a_refusal_tells_the_company_and_the_administrator(
    run: Run, services: Services
) -> None:
    assignment_id = await _pending_id(run)
    result = await run(
        RESPOND,
        as_=DURAND,
        variables={"id": assignment_id, "accept": False, "reason": "Hors filière"},
    )
    assert result.data["respondToReferentRequest"]["status"] == "REFUSED"
    assert [n.kind for n in await _inbox(services, PAUL)] == ["REFERENT_REFUSED"]
    help_needed = await _inbox(services, VIDAL)
    assert [n.kind for n in help_needed] == ["REFERENT_HELP_NEEDED"]
    assert help_needed[0].payload["siret"] == BIOCOSMETIQUES
    sheet = await run('{ company(siret: "44306184100047") { referent { status } } }', as_=PAUL)
    assert sheet.data["company"]["referent"] is None  # free to choose again


@pytest.mark.parametrize(
    ("who", "code"),
    [(ROUX, "FORBIDDEN"), (PAUL, "FORBIDDEN"), (VIDAL, "FORBIDDEN"), (None, "UNAUTHENTICATED")],
)
async def test_only_the_chosen_agent_answers(run: Run, who: str | None, code: str) -> None:
    assignment_id = await _pending_id(run)
    result = await run(RESPOND, as_=who, variables={"id": assignment_id, "accept": True})
    assert errors_by_path(result) == {"respondToReferentRequest": code}
    assert (await run(PENDING_ID, as_=PAUL)).data["company"]["referent"]["status"] == "PENDING"


async def test_an_answered_request_cannot_be_answered_and_an_unknown_one_is_refused(
    run: Run,
) -> None:
    assignment_id = await _pending_id(run)
    await run(RESPOND, as_=DURAND, variables={"id": assignment_id, "accept": True})
    again = await run(RESPOND, as_=DURAND, variables={"id": assignment_id, "accept": False})
    assert errors_by_path(again) == {"respondToReferentRequest": "BAD_USER_INPUT"}
    # refused like another agent's request: the answer does not tell which ids exist
    unknown = await run(RESPOND, as_=DURAND, variables={"id": "nope", "accept": True})
    assert errors_by_path(unknown) == {"respondToReferentRequest": "FORBIDDEN"}


async def test_two_simultaneous_answers_exactly_one_wins(run: Run) -> None:
    assignment_id = await _pending_id(run)
    results = await asyncio.gather(
        run(RESPOND, as_=DURAND, variables={"id": assignment_id, "accept": True}),
        run(RESPOND, as_=DURAND, variables={"id": assignment_id, "accept": False}),
    )
    outcomes = sorted(
        "won" if r.errors is None else errors_by_path(r)["respondToReferentRequest"]
        for r in results
    )
    assert outcomes == ["BAD_USER_INPUT", "won"]


async def _register_atlantique(run: Run, services: Services) -> None:
    async with services.writer.transaction() as tx:
        await tx.account_for(
            email="hugo@atlantique.example", name="Hugo Lemaire", phone=None, now=datetime.now(UTC)
        )
    registered = await run(
        'mutation { registerCompany(siret: "38271940900031") { siret } }',
        as_="hugo@atlantique.example",
        verified_name="Hugo Lemaire",
        acr="eidas2",
    )
    assert registered.errors is None


async def test_choosing_a_referent_notifies_the_agent_with_a_48_working_hours_deadline(
    run: Run, services: Services
) -> None:
    await _register_atlantique(run, services)
    before = datetime.now(UTC)
    result = await run(
        CHOOSE,
        as_="hugo@atlantique.example",
        variables={"siret": ATLANTIQUE, "agent": "agent-julien-garcia"},
    )
    assert result.errors is None
    chosen = result.data["chooseReferent"]
    assert chosen["status"] == "PENDING" and chosen["remindedAt"] is None
    # the company that chose the agent sees its contact details at once
    assert chosen["agent"]["email"] == "julien.garcia@bge-occitanie.example"
    due = datetime.fromisoformat(chosen["dueAt"])
    assert working_deadline(before) <= due <= working_deadline(before + timedelta(minutes=1))
    inbox = await _inbox(services, "julien.garcia@bge-occitanie.example")
    assert [n.kind for n in inbox] == ["REFERENT_CHOSEN"]
    mails = await _rows(services, EmailOutbox, to_address="julien.garcia@bge-occitanie.example")
    assert len(mails) == 1 and "référent" in mails[0].subject


@pytest.mark.parametrize(
    ("agent", "code"),
    [
        ("agent-marc-martin", "BAD_USER_INPUT"),  # a specialist outside the network
        ("agent-nadia-benali", "BAD_USER_INPUT"),  # a funding expert, not a referent
        ("agent-nobody", "NOT_FOUND"),
    ],
)
async def test_only_a_referent_of_a_signed_structure_can_be_chosen(
    run: Run, services: Services, agent: str, code: str
) -> None:
    await _register_atlantique(run, services)
    result = await run(
        CHOOSE, as_="hugo@atlantique.example", variables={"siret": ATLANTIQUE, "agent": agent}
    )
    assert errors_by_path(result) == {"chooseReferent": code}


@pytest.mark.parametrize(
    ("who", "code"),
    [
        (DURAND, "FORBIDDEN"),
        ("antoine.fabre@menuiserie-fabre.example", "FORBIDDEN"),
        (None, "UNAUTHENTICATED"),
    ],
)
async def test_only_the_companys_members_choose(run: Run, who: str | None, code: str) -> None:
    result = await run(
        CHOOSE, as_=who, variables={"siret": "84215637400014", "agent": "agent-sophie-roux"}
    )
    assert errors_by_path(result) == {"chooseReferent": code}


async def test_a_company_with_a_referent_asks_the_administrator_to_change_it(
    run: Run, services: Services
) -> None:
    refused = await run(
        CHOOSE, as_=CLAIRE, variables={"siret": "84215637400014", "agent": "agent-sophie-roux"}
    )
    assert errors_by_path(refused) == {"chooseReferent": "BAD_USER_INPUT"}
    asked = await run(
        CHANGE,
        as_=CLAIRE,
        variables={
            "siret": "84215637400014",
            "message": "Notre projet relève désormais de l'export.",
        },
    )
    assert asked.errors is None
    assert [n.kind for n in await _inbox(services, VIDAL)] == ["REFERENT_CHANGE_REQUESTED"]
    empty = await run(CHANGE, as_=CLAIRE, variables={"siret": "84215637400014", "message": " "})
    assert errors_by_path(empty) == {"requestReferentChange": "BAD_USER_INPUT"}
    other = await run(
        CHANGE,
        as_="antoine.fabre@menuiserie-fabre.example",
        variables={"siret": "84215637400014", "message": "x"},
    )
    assert errors_by_path(other) == {"requestReferentChange": "FORBIDDEN"}


SEARCH_ROUX = '{ agents(filter: {name: "Sophie Roux"}) { totalCount edges { node { id } } } }'
CHOOSE_FOR_PROJECT = """mutation($agent: ID!) {
  chooseReferent(projectId: "project-holder-001", agentId: $agent) { status } }"""


async def _first_holder(services: Services) -> str:
    async with services.writer.transaction() as tx:
        email = await tx.session.scalar(
            sa.select(Account.email).where(Account.kind == "PROJECT_HOLDER").order_by(Account.id)
        )
    assert email is not None
    return email


async def test_a_deactivated_agent_is_neither_found_in_the_directory_nor_chosen(
    run: Run, services: Services
) -> None:
    holder = await _first_holder(services)
    found = await run(SEARCH_ROUX, as_=DURAND)
    assert found.data["agents"]["totalCount"] == 1
    async with services.writer.transaction() as tx:
        assert await tx.deactivate_agent("agent-sophie-roux", datetime.now(UTC))

    gone = await run(SEARCH_ROUX, as_=DURAND)
    chosen = await run(CHOOSE_FOR_PROJECT, as_=holder, variables={"agent": "agent-sophie-roux"})

    assert gone.data["agents"] == {"totalCount": 0, "edges": []}
    assert errors_by_path(chosen) == {"chooseReferent": "BAD_USER_INPUT"}


@pytest.mark.parametrize(
    "arguments",
    ['siret: "84215637400014", projectId: "project-holder-001"', ""],
    ids=["both", "neither"],
)
async def test_choose_referent_needs_exactly_one_of_siret_and_project(
    run: Run, arguments: str
) -> None:
    result = await run(
        f'mutation {{ chooseReferent({arguments} agentId: "agent-sophie-roux") {{ id }} }}',
        as_=CLAIRE,
    )
    assert errors_by_path(result) == {"chooseReferent": "BAD_USER_INPUT"}
