"""The referent workflow (hub FAQ): a company chooses a referent, who accepts or refuses
within 48 working hours; a refusal goes to the administrator, who also handles requests to
change referent. Every step notifies in-app and by e-mail, in the step's own transaction."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from auth.actions import Action, require
from connectors.hubdb import AssignmentRecord
from connectors.hubdb.writes import AlreadyExists
from resolvers.announcements import Announcements, publish
from resolvers.context import Info
from resolvers.errors import BAD_USER_INPUT, NOT_FOUND, coded_error
from resolvers.siret import validate_siret
from resolvers.working_hours import working_deadline

__all__ = ["choose_referent", "request_referent_change", "respond_to_referent_request"]

_REFERENT = "REFERENT"
_MAX_TEXT = 2000
_PARIS = ZoneInfo("Europe/Paris")


def _now() -> datetime:
    return datetime.now(UTC)


def _local(moment: datetime) -> str:
    return moment.astimezone(_PARIS).strftime("%d/%m/%Y à %H:%M")


async def choose_referent(info: Info, raw_siret: str, agent_id: str) -> AssignmentRecord:
    siret = validate_siret(raw_siret)
    context = info.context
    facts = await context.loaders.facts.load(siret)
    require(Action.ACT_FOR_COMPANY, context.viewer, facts=facts)
    hub = context.services.hub
    agent = (await hub.agents([agent_id])).get(agent_id)
    if agent is None:
        raise coded_error(f"No agent has the id {agent_id!r}.", NOT_FOUND, argument="agentId")
    if _REFERENT not in agent.roles:
        raise coded_error(f"{agent.name} is not a referent.", BAD_USER_INPUT, argument="agentId")
    structure = (await hub.structures([agent.structure_id])).get(agent.structure_id)
    if structure is None or not (structure.in_network and structure.charter_signed):
        raise coded_error(
            f"{agent.name}'s structure has not signed the network charter: choose another "
            "referent.",
            BAD_USER_INPUT,
            argument="agentId",
        )
    now = _now()
    due = working_deadline(now)
    try:
        async with context.services.writer.transaction() as tx:
            assignment_id = await tx.create_assignment(
                siret=siret, agent_id=agent.id, now=now, due_at=due
            )
            name = await tx.company_name(siret)
            news = Announcements(tx, now)
            await news.send(
                agent.account_id,
                agent.email,
                kind="REFERENT_CHOSEN",
                key=f"referent-chosen:{assignment_id}",
                payload={
                    "assignmentId": assignment_id,
                    "siret": siret,
                    "company": name,
                    "dueAt": due.isoformat(),
                },
                subject=f"{name} vous a choisi comme référent",
                body=(
                    f"{name} (SIRET {siret}) vous a choisi comme référent sur le Hub "
                    f"Entreprendre Occitanie.\nMerci d'accepter ou de refuser avant le "
                    f"{_local(due)} (48 heures ouvrées)."
                ),
            )
            record = await tx.assignment(assignment_id)
    except AlreadyExists:
        raise coded_error(
            "This company already has a referent (pending or accepted): ask the administrator "
            "to change it.",
            BAD_USER_INPUT,
            argument="siret",
        ) from None
    await publish(info, news)
    context.forget_company(siret)
    assert record is not None
    return record


async def respond_to_referent_request(
    info: Info, assignment_id: str, accept: bool, reason: str | None
) -> AssignmentRecord:
    context = info.context
    if reason is not None and len(reason) > _MAX_TEXT:
        raise coded_error(
            f"A reason has at most {_MAX_TEXT} characters.", BAD_USER_INPUT, argument="reason"
        )
    now = _now()
    async with context.services.writer.transaction() as tx:
        assignment = await tx.assignment(assignment_id)
        # An id that names no request is refused like another agent's request: the answer
        # tells a caller who may not act nothing about which ids exist.
        require(Action.ANSWER_REFERENT_REQUEST, context.viewer, assignment=assignment)
        assert assignment is not None  # only its agent may answer it
        if not await tx.answer_assignment(
            assignment_id=assignment_id, accept=accept, reason=reason, now=now
        ):
            raise coded_error(
                "This request has already been answered.",
                BAD_USER_INPUT,
                argument="assignmentId",
            )
        name = await tx.company_name(assignment.siret)
        members = await tx.members(assignment.siret)
        news = Announcements(tx, now)
        agent_name = context.viewer.name or "Votre référent"
        kind = "REFERENT_ACCEPTED" if accept else "REFERENT_REFUSED"
        payload = {
            "assignmentId": assignment_id,
            "siret": assignment.siret,
            "company": name,
            "agent": agent_name,
        }
        verdict = "a accepté" if accept else "a décliné"
        next_step = (
            ""
            if accept
            else ("\nL'administrateur du Hub va vous aider à choisir un autre référent.")
        )
        for account_id, email in members:
            await news.send(
                account_id,
                email,
                kind=kind,
                key=f"{kind.lower()}:{assignment_id}",
                payload=payload,
                subject=f"{agent_name} {verdict} d'être votre référent",
                body=f"{agent_name} {verdict} d'être le référent de {name}.{next_step}",
            )
        if not accept:
            for account_id, email in await tx.admin_accounts():
                await news.send(
                    account_id,
                    email,
                    kind="REFERENT_HELP_NEEDED",
                    key=f"referent-help:{assignment_id}",
                    payload={**payload, "reason": reason or ""},
                    subject=f"{name} doit choisir un nouveau référent",
                    body=(
                        f"{agent_name} a décliné d'être le référent de {name} "
                        f"(SIRET {assignment.siret}). Merci d'aider l'entreprise à en choisir "
                        "un autre."
                    ),
                )
        record = await tx.assignment(assignment_id)
    await publish(info, news)
    context.forget_company(assignment.siret)
    assert record is not None
    return record


async def request_referent_change(info: Info, raw_siret: str, message: str) -> str:
    siret = validate_siret(raw_siret)
    context = info.context
    facts = await context.loaders.facts.load(siret)
    require(Action.ACT_FOR_COMPANY, context.viewer, facts=facts)
    if not message.strip():
        raise coded_error(
            "Say why you want to change referent.", BAD_USER_INPUT, argument="message"
        )
    if len(message) > _MAX_TEXT:
        raise coded_error(
            f"A message has at most {_MAX_TEXT} characters.", BAD_USER_INPUT, argument="message"
        )
    now = _now()
    async with context.services.writer.transaction() as tx:
        request_id = await tx.add_change_request(
            siret=siret,
            account_id=context.viewer.account_id or "",
            message=message.strip(),
            now=now,
        )
        name = await tx.company_name(siret)
        news = Announcements(tx, now)
        for account_id, email in await tx.admin_accounts():
            await news.send(
                account_id,
                email,
                kind="REFERENT_CHANGE_REQUESTED",
                key=f"referent-change:{request_id}",
                payload={
                    "requestId": request_id,
                    "siret": siret,
                    "company": name,
                    "message": message.strip(),
                },
                subject=f"{name} souhaite changer de référent",
                body=f"{name} (SIRET {siret}) souhaite changer de référent :\n\n{message.strip()}",
            )
    await publish(info, news)
    return request_id
