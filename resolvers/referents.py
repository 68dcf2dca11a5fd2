"""The referent workflow (hub FAQ): a company chooses a referent, who accepts or refuses
within 48 working hours; a refusal goes to the administrator, who also handles requests to
change referent. Every step notifies in-app and by e-mail, in the step's own transaction."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from auth.actions import Action, require
from connectors.hubdb import AssignmentRecord
from connectors.hubdb.unique_keys import AlreadyExists
from connectors.hubdb.writes import AgentContact, WriteTransaction
from resolvers.announcements import Announcements, publish
from resolvers.context import Info
from resolvers.errors import BAD_USER_INPUT, NOT_FOUND, coded_error
from resolvers.siret import validate_siret
from resolvers.working_hours import working_deadline

__all__ = [
    "check_referent",
    "choose_referent",
    "request_referent_change",
    "respond_to_referent_request",
    "subject_payload",
]

_REFERENT = "REFERENT"
_MAX_TEXT = 2000
_PARIS = ZoneInfo("Europe/Paris")


def _now() -> datetime:
    return datetime.now(UTC)


def _local(moment: datetime) -> str:
    return moment.astimezone(_PARIS).strftime("%d/%m/%Y à %H:%M")


async def choose_referent(
    info: Info, raw_siret: str | None, project_id: str | None, agent_id: str
) -> AssignmentRecord:
    """A company's members choose its referent (``siret``); a project holder chooses its
    project's (``projectId``), with the project's labelled structure."""
    if (raw_siret is None) == (project_id is None):
        raise coded_error("Give either `siret` or `projectId`.", BAD_USER_INPUT)
    context = info.context
    siret = None
    if raw_siret is not None:
        siret = validate_siret(raw_siret)
        facts = await context.loaders.facts.load(siret)
        require(Action.ACT_FOR_COMPANY, context.viewer, facts=facts)
    else:
        await _require_holder(info, str(project_id))
    now = _now()
    due = working_deadline(now)
    try:
        async with context.services.writer.transaction() as tx:
            agent = await _referent(tx, agent_id)
            if project_id is not None:
                await _of_the_project_structure(tx, project_id, agent)
            assignment_id = await tx.create_assignment(
                siret=siret, project_id=project_id, agent_id=agent.id, now=now, due_at=due
            )
            name = await tx.subject_name(siret=siret, project_id=project_id)
            whose = f"{name} (SIRET {siret})" if siret else f"Le porteur du projet « {name} »"
            news = Announcements(tx, now)
            await news.send(
                agent.account_id,
                agent.email,
                kind="REFERENT_CHOSEN",
                key=f"referent-chosen:{assignment_id}",
                payload={
                    "assignmentId": assignment_id,
                    **subject_payload(siret, project_id, name),
                    "dueAt": due.isoformat(),
                },
                subject=f"{name} vous a choisi comme référent",
                body=(
                    f"{whose} vous a choisi comme référent sur le Hub "
                    f"Entreprendre Occitanie.\nMerci d'accepter ou de refuser avant le "
                    f"{_local(due)} (48 heures ouvrées)."
                ),
            )
            record = await tx.assignment(assignment_id)
    except AlreadyExists:
        whose = "company" if siret else "project"
        raise coded_error(
            f"This {whose} already has a referent (pending or accepted): ask the "
            "administrator to change it.",
            BAD_USER_INPUT,
            argument="siret" if siret else "projectId",
        ) from None
    await publish(info, news)
    if siret:
        context.forget_company(siret)
    assert record is not None
    return record


async def _require_holder(info: Info, project_id: str) -> None:
    """Only the project's holder chooses its referent; an unknown id is refused alike."""
    async with info.context.services.writer.transaction() as tx:
        siret, holder = await tx.project_owner(project_id) or (None, None)
    facts = await info.context.loaders.facts.load(siret) if siret else None
    require(Action.ACT_FOR_COMPANY, info.context.viewer, facts=facts, project_holder=holder)
    if siret is not None:
        raise coded_error(
            "A company's project has the company's referent: choose it with `siret`.",
            BAD_USER_INPUT,
            argument="projectId",
        )


async def _referent(tx: WriteTransaction, agent_id: str) -> AgentContact:
    agent = await tx.agent_contact(agent_id)
    if agent is None:
        raise coded_error(f"No agent has the id {agent_id!r}.", NOT_FOUND, argument="agentId")
    check_referent(agent, "agentId")
    return agent


def check_referent(agent: AgentContact, argument: str) -> None:
    """A referent is chosen or assigned only if it is active, holds the REFERENT role, and
    its structure is in the network with the charter signed."""
    if not agent.active:
        raise coded_error(f"{agent.name} is deactivated.", BAD_USER_INPUT, argument=argument)
    if _REFERENT not in agent.roles:
        raise coded_error(f"{agent.name} is not a referent.", BAD_USER_INPUT, argument=argument)
    if not agent.selectable:
        raise coded_error(
            f"{agent.name}'s structure has not signed the network charter.",
            BAD_USER_INPUT,
            argument=argument,
        )


async def _of_the_project_structure(
    tx: WriteTransaction, project_id: str, agent: AgentContact
) -> None:
    """A holder names its referent within the labelled structure that supports the project
    (hub FAQ: « il la sélectionne … et il y associe le nom de son référent »)."""
    if agent.structure_id != await tx.project_structure(project_id):
        raise coded_error(
            f"{agent.name} is not of the project's support structure: choose one of its referents.",
            BAD_USER_INPUT,
            argument="agentId",
        )


def subject_payload(siret: str | None, project_id: str | None, name: str) -> dict[str, str]:
    if siret is not None:
        return {"siret": siret, "company": name}
    return {"projectId": project_id or "", "project": name}


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
        siret, project_id = assignment.siret, assignment.project_id
        name = await tx.subject_name(siret=siret, project_id=project_id)
        members = await tx.subject_people(siret=siret, project_id=project_id)
        news = Announcements(tx, now)
        agent_name = context.viewer.name or "Votre référent"
        kind = "REFERENT_ACCEPTED" if accept else "REFERENT_REFUSED"
        payload = {
            "assignmentId": assignment_id,
            **subject_payload(siret, project_id, name),
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
                        + (
                            f"(SIRET {siret}). Merci d'aider l'entreprise à en choisir un autre."
                            if siret
                            else "(projet d'un porteur). Merci d'aider son porteur à en "
                            "choisir un autre."
                        )
                    ),
                )
        record = await tx.assignment(assignment_id)
    await publish(info, news)
    if siret:
        context.forget_company(siret)
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
