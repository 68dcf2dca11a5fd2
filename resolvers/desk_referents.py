"""Referents set by the administrator's desk: a referent assigned or an assignment ended,
and a deactivated agent's companies and projects handed to another agent. Each is one
transaction; the agents and the companies (or the project's holder) are told in it."""

from __future__ import annotations

from auth.actions import Action, require
from connectors.hubdb import AgentRecord, AssignmentRecord
from connectors.hubdb.writes import AgentContact, WriteTransaction
from resolvers._desk_shared import checked_reason, fresh_agent, known_agent, utc_now
from resolvers.announcements import Announcements, publish
from resolvers.context import Info
from resolvers.errors import BAD_USER_INPUT, NOT_FOUND, coded_error
from resolvers.referents import check_referent, subject_payload
from resolvers.siret import validate_siret

__all__ = ["assign_referent", "deactivate_agent", "end_referent_assignment"]


async def _subject_of(info: Info, tx: WriteTransaction, siret: str | None,
                      project_id: str | None) -> tuple[str | None, str | None]:  # fmt: skip
    """(SIRET, None) of a registered company or (None, project id) of a holder's project;
    a company's project stands for its company."""
    if (siret is None) == (project_id is None):
        raise coded_error("Give either `siret` or `projectId`.", BAD_USER_INPUT)
    if siret is not None:
        checked = validate_siret(siret)
        if not (await info.context.loaders.facts.load(checked)).registered:
            raise coded_error(f"No company {checked} is on the hub.", NOT_FOUND, argument="siret")
        return checked, None
    owner = await tx.project_owner(str(project_id))
    if owner is None:
        raise coded_error("No such project.", NOT_FOUND, argument="projectId")
    return (owner[0], None) if owner[0] is not None else (None, str(project_id))


async def _tell_requesters(news: Announcements, tx: WriteTransaction, siret: str | None,
                           project_id: str | None, *, kind: str, key: str,
                           payload: dict[str, str], subject: str, body: str) -> None:  # fmt: skip
    """The company's members, or the holder of the project."""
    for account_id, email in await tx.subject_people(siret=siret, project_id=project_id):
        await news.send(account_id, email, kind=kind, key=key, payload=payload,
                        subject=subject, body=body)  # fmt: skip


async def _tell_agent(news: Announcements, agent: AgentContact, *, kind: str, key: str,
                      payload: dict[str, str], subject: str, body: str) -> None:  # fmt: skip
    await news.send(agent.account_id, agent.email, kind=kind, key=key, payload=payload,
                    subject=subject, body=body)  # fmt: skip


async def assign_referent(
    info: Info, siret: str | None, project_id: str | None, agent_id: str, reason: str | None
) -> AssignmentRecord:
    """Makes ``agent_id`` the company's referent (accepted: the administrator agreed it with
    the agent), ending the current assignment if any and closing the company's open
    requests to change referent. The old and new referents and the company are told."""
    context = info.context
    require(Action.ADMIN_DESK, context.viewer)
    why = checked_reason(reason)
    now = utc_now()
    async with context.services.writer.transaction() as tx:
        company_siret, holder_project = await _subject_of(info, tx, siret, project_id)
        new = await known_agent(tx, agent_id, "agentId")
        check_referent(new, "agentId")
        current = await tx.current_assignment(siret=company_siret, project_id=holder_project)
        if current is not None and current.agent_id == new.id and current.status == "ACCEPTED":
            raise coded_error(
                f"{new.name} is the company's referent already.", BAD_USER_INPUT,
                argument="agentId",
            )  # fmt: skip
        old = await tx.agent_contact(current.agent_id) if current is not None else None
        if current is not None:
            await tx.end_assignment(assignment_id=current.id, reason=why or "reassigned", now=now)
        assignment_id = await tx.assign_directly(
            siret=company_siret, project_id=holder_project, agent_id=new.id, now=now
        )
        if assignment_id is None:  # pragma: no cover - a concurrent choice won
            raise coded_error("The company's referent changed meanwhile: try again.",
                              BAD_USER_INPUT)  # fmt: skip
        if company_siret is not None:
            await tx.close_change_requests(company_siret)
        name = await tx.subject_name(siret=company_siret, project_id=holder_project)
        news = Announcements(tx, now)
        payload = {"assignmentId": assignment_id,
                   **subject_payload(company_siret, holder_project, name),
                   "agent": new.name}  # fmt: skip
        await _tell_agent(
            news, new, kind="REFERENT_ASSIGNED", key=f"referent-assigned:{assignment_id}",
            payload=payload, subject=f"Vous êtes le référent de {name}",
            body=f"L'administrateur du Hub vous a désigné référent de {name}"
            + (f" (SIRET {company_siret})." if company_siret else "."),
        )  # fmt: skip
        if old is not None and old.id != new.id:
            await _tell_agent(
                news, old, kind="REFERENT_ASSIGNMENT_ENDED",
                key=f"referent-ended:{current.id if current else ''}",
                payload={**payload, "agent": old.name},
                subject=f"Vous n'êtes plus le référent de {name}",
                body=f"L'administrateur du Hub a confié {name} à un autre référent.",
            )  # fmt: skip
        await _tell_requesters(
            news, tx, company_siret, holder_project, kind="REFERENT_ASSIGNED",
            key=f"referent-assigned:{assignment_id}", payload=payload,
            subject=f"{new.name} est votre nouveau référent",
            body=f"L'administrateur du Hub a désigné {new.name} comme référent de {name}.",
        )  # fmt: skip
        record = await tx.assignment(assignment_id)
    await publish(info, news)
    if company_siret is not None:
        context.forget_company(company_siret)
    assert record is not None
    return record


async def end_referent_assignment(
    info: Info, assignment_id: str, reason: str | None
) -> AssignmentRecord:
    """Ends a current (pending or accepted) assignment: the company may choose again. The
    referent and the company are told."""
    context = info.context
    require(Action.ADMIN_DESK, context.viewer)
    why = checked_reason(reason, required=True)
    now = utc_now()
    async with context.services.writer.transaction() as tx:
        found = await tx.assignment(assignment_id)
        if found is None:
            raise coded_error("No such assignment.", NOT_FOUND, argument="assignmentId")
        if not await tx.end_assignment(assignment_id=assignment_id, reason=why, now=now):
            raise coded_error(
                "This assignment is not current (refused or ended already).",
                BAD_USER_INPUT,
                argument="assignmentId",
            )
        agent = await known_agent(tx, found.agent_id, "assignmentId")
        name = await tx.subject_name(siret=found.siret, project_id=found.project_id)
        news = Announcements(tx, now)
        payload = {"assignmentId": assignment_id,
                   **subject_payload(found.siret, found.project_id, name),
                   "agent": agent.name, "reason": why}  # fmt: skip
        key = f"referent-ended:{assignment_id}"
        await _tell_agent(
            news, agent, kind="REFERENT_ASSIGNMENT_ENDED", key=key, payload=payload,
            subject=f"Vous n'êtes plus le référent de {name}",
            body=f"L'administrateur du Hub a mis fin à votre rôle de référent de {name} : {why}",
        )  # fmt: skip
        await _tell_requesters(
            news, tx, found.siret, found.project_id, kind="REFERENT_ASSIGNMENT_ENDED", key=key, payload=payload,
            subject=f"{agent.name} n'est plus votre référent",
            body=f"L'administrateur du Hub a mis fin au rôle de référent de {agent.name} "
            f"pour {name}. Vous pouvez choisir un nouveau référent.",
        )  # fmt: skip
        record = await tx.assignment(assignment_id)
    await publish(info, news)
    if found.siret is not None:
        context.forget_company(found.siret)
    assert record is not None
    return record


async def deactivate_agent(info: Info, agent_id: str, reassign_to: str) -> AgentRecord:
    """The agent no longer signs in; its current referent assignments and its places in
    project groups go to ``reassign_to`` (nothing is left orphaned), and the companies and
    the new agent are told."""
    context = info.context
    require(Action.ADMIN_DESK, context.viewer)
    if agent_id == reassign_to:
        raise coded_error("Reassign to another agent.", BAD_USER_INPUT, argument="reassignTo")
    now = utc_now()
    async with context.services.writer.transaction() as tx:
        leaving = await known_agent(tx, agent_id, "agentId")
        heir = await known_agent(tx, reassign_to, "reassignTo")
        assignments = await tx.current_assignments_of_agent(agent_id)
        if assignments:
            check_referent(heir, "reassignTo")
        elif not heir.active:
            raise coded_error(f"{heir.name} is deactivated.", BAD_USER_INPUT,
                              argument="reassignTo")  # fmt: skip
        if not await tx.deactivate_agent(agent_id, now):
            raise coded_error(f"{leaving.name} is deactivated already.", BAD_USER_INPUT,
                              argument="agentId")  # fmt: skip
        news = Announcements(tx, now)
        sirets = []
        for current in assignments:
            await tx.end_assignment(assignment_id=current.id, reason="agent deactivated", now=now)
            siret, project_id = current.siret, current.project_id
            moved = await tx.assign_directly(
                siret=siret, project_id=project_id, agent_id=heir.id, now=now
            )
            assert moved is not None  # the current one was just ended, in this transaction
            if siret is not None:
                sirets.append(siret)
            name = await tx.subject_name(siret=siret, project_id=project_id)
            payload = {"assignmentId": moved, **subject_payload(siret, project_id, name),
                       "agent": heir.name}  # fmt: skip
            key = f"referent-assigned:{moved}"
            await _tell_agent(
                news, heir, kind="REFERENT_ASSIGNED", key=key, payload=payload,
                subject=f"Vous êtes le référent de {name}",
                body=f"{leaving.name} a quitté le réseau : l'administrateur du Hub vous "
                f"confie {name}" + (f" (SIRET {siret})." if siret else "."),
            )  # fmt: skip
            await _tell_requesters(
                news, tx, siret, project_id, kind="REFERENT_ASSIGNED", key=key, payload=payload,
                subject=f"{heir.name} est votre nouveau référent",
                body=f"{leaving.name} a quitté le réseau : {heir.name} devient le référent "
                f"de {name}.",
            )  # fmt: skip
        await tx.move_project_actors(from_agent=agent_id, to_agent=heir.id)
    await publish(info, news)
    for siret in sirets:
        context.forget_company(siret)
    return await fresh_agent(info, agent_id)
