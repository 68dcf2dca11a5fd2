"""The administrator's desk (hub FAQ: « l'administrateur … crée le compte »): what waits for
the administrator, referent assignments made or ended by it, new structures and their
charter, agents invited and deactivated, identity documents verified.

Every action is one transaction; the people concerned are told in-app and by e-mail in it.
Only the administrator gets this far (``require`` first), so an unknown id is NOT_FOUND."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from auth.actions import Action, require
from connectors.hubdb import AgentRecord, AssignmentRecord, Page, StructureRecord
from connectors.hubdb.desk import IdentityDocumentRecord, ReferentRequestRecord
from connectors.hubdb.enums import AgentRole, StructureKind, SupportKind
from connectors.hubdb.writes import AgentContact, NewStructure, WriteTransaction
from resolvers.announcements import Announcements, publish
from resolvers.context import Info
from resolvers.directory_search import page_size, paged
from resolvers.errors import BAD_USER_INPUT, NOT_FOUND, coded_error
from resolvers.referents import check_referent, subject_payload
from resolvers.siret import validate_siret

__all__ = [
    "StructureInput",
    "assign_referent",
    "create_structure",
    "deactivate_agent",
    "decide_identity_verification",
    "end_referent_assignment",
    "identity_verifications",
    "invite_agent",
    "record_charter_signature",
    "referent_requests",
]

_MAX_TEXT = 2000
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _now() -> datetime:
    return datetime.now(UTC)


def _reason(reason: str | None, *, required: bool = False) -> str:
    text = (reason or "").strip()
    if required and not text:
        raise coded_error("Say why.", BAD_USER_INPUT, argument="reason")
    if len(text) > _MAX_TEXT:
        raise coded_error(
            f"A reason has at most {_MAX_TEXT} characters.", BAD_USER_INPUT, argument="reason"
        )
    return text


# --- what waits for the administrator --------------------------------------------------


async def referent_requests(
    info: Info, status: str | None, kinds: Sequence[str], first: int | None, after: str | None
) -> Page[ReferentRequestRecord]:
    require(Action.ADMIN_DESK, info.context.viewer)
    desk = info.context.services.desk
    return await paged(
        desk.referent_requests(
            status=status, kinds=kinds, first=page_size(first), after=after, now=_now()
        )
    )


async def identity_verifications(
    info: Info, status: str | None, first: int | None, after: str | None
) -> Page[IdentityDocumentRecord]:
    require(Action.ADMIN_DESK, info.context.viewer)
    desk = info.context.services.desk
    return await paged(desk.identity_documents(status=status, first=page_size(first), after=after))


# --- referent assignments ----------------------------------------------------------------


async def _agent(tx: WriteTransaction, agent_id: str, argument: str) -> AgentContact:
    agent = await tx.agent_contact(agent_id)
    if agent is None:
        raise coded_error(f"No agent has the id {agent_id!r}.", NOT_FOUND, argument=argument)
    return agent


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
    why = _reason(reason)
    now = _now()
    async with context.services.writer.transaction() as tx:
        company_siret, holder_project = await _subject_of(info, tx, siret, project_id)
        new = await _agent(tx, agent_id, "agentId")
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
    why = _reason(reason, required=True)
    now = _now()
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
        agent = await _agent(tx, found.agent_id, "assignmentId")
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


# --- structures and agents ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StructureInput:
    id: str
    name: str
    kind: str
    department_code: str | None = None
    postal_code: str | None = None
    city: str | None = None
    email: str | None = None
    phone: str | None = None
    labelled: bool = False
    in_network: bool = True
    support_kinds: tuple[str, ...] = ()


async def _fresh_structure(info: Info, structure_id: str) -> StructureRecord:
    info.context.services.directory.forget(structures=[structure_id])
    info.context.loaders.structures.clear_all()
    record = (await info.context.services.hub.structures([structure_id])).get(structure_id)
    assert record is not None
    return record


async def _fresh_agent(info: Info, agent_id: str) -> AgentRecord:
    info.context.services.directory.forget(agents=[agent_id])
    info.context.loaders.agents.clear_all()
    record = (await info.context.services.hub.agents([agent_id])).get(agent_id)
    assert record is not None
    return record


async def create_structure(info: Info, structure: StructureInput) -> StructureRecord:
    """A structure of the network; its agents join once its charter signature is recorded."""
    require(Action.ADMIN_DESK, info.context.viewer)
    if not _SLUG.match(structure.id):
        raise coded_error(
            "A structure's id is 3 to 64 lower-case letters, digits and hyphens.",
            BAD_USER_INPUT,
            argument="id",
        )
    if not structure.name.strip() or len(structure.name) > 200:
        raise coded_error("A structure's name has 1 to 200 characters.", BAD_USER_INPUT,
                          argument="name")  # fmt: skip
    if structure.kind not in StructureKind.__members__:
        raise coded_error(f"Unknown kind {structure.kind!r}.", BAD_USER_INPUT, argument="kind")
    unknown = [k for k in structure.support_kinds if k not in SupportKind.__members__]
    if unknown:
        raise coded_error(f"Unknown kinds of support: {unknown}.", BAD_USER_INPUT,
                          argument="supportKinds")  # fmt: skip
    if structure.email is not None and not _EMAIL.match(structure.email):
        raise coded_error("This is not an e-mail address.", BAD_USER_INPUT, argument="email")
    async with info.context.services.writer.transaction() as tx:
        created = await tx.create_structure(
            NewStructure(
                id=structure.id, name=structure.name.strip(), kind=structure.kind,
                department_code=structure.department_code, postal_code=structure.postal_code,
                city=structure.city, email=structure.email, phone=structure.phone,
                labelled=structure.labelled, in_network=structure.in_network,
                support_kinds=tuple(sorted(set(structure.support_kinds))),
            )
        )  # fmt: skip
    if not created:
        raise coded_error(f"A structure has the id {structure.id!r}.", BAD_USER_INPUT,
                          argument="id")  # fmt: skip
    return await _fresh_structure(info, structure.id)


async def record_charter_signature(
    info: Info, structure_id: str, signed_on: date
) -> StructureRecord:
    require(Action.ADMIN_DESK, info.context.viewer)
    if signed_on > _now().date():
        raise coded_error("A signature is not in the future.", BAD_USER_INPUT,
                          argument="signedOn")  # fmt: skip
    async with info.context.services.writer.transaction() as tx:
        recorded = await tx.record_charter_signature(structure_id, signed_on)
    if not recorded:
        raise coded_error("No such structure.", NOT_FOUND, argument="structureId")
    return await _fresh_structure(info, structure_id)


async def invite_agent(
    info: Info, structure_id: str, email: str, name: str, roles: Sequence[str]
) -> AgentRecord:
    """An agent's account, claimed by its first sign-in through the agents' identity
    provider with this e-mail; the invitation goes by e-mail. The structure must have signed
    the network charter. Only the administrator gives the ADMIN role (here too)."""
    require(Action.ADMIN_DESK, info.context.viewer)
    if not _EMAIL.match(email.strip()):
        raise coded_error("This is not an e-mail address.", BAD_USER_INPUT, argument="email")
    first, _, last = name.strip().partition(" ")
    if not first or not last or len(name) > 200:
        raise coded_error("Give the agent's first and last names.", BAD_USER_INPUT,
                          argument="name")  # fmt: skip
    if any(role not in AgentRole.__members__ for role in roles):
        raise coded_error("Unknown role.", BAD_USER_INPUT, argument="roles")
    now = _now()
    async with info.context.services.writer.transaction() as tx:
        structure = await tx.structure_exists(structure_id)
        if structure is None:
            raise coded_error("No such structure.", NOT_FOUND, argument="structureId")
        if not structure[1]:
            raise coded_error(
                "This structure has not signed the network charter: record its signature "
                "first (its agents join once it signed).",
                BAD_USER_INPUT,
                argument="structureId",
            )
        agent_id = await tx.invite_agent(
            structure_id=structure_id, email=email.strip(), first_name=first,
            last_name=last.strip(), roles=tuple(sorted(set(roles))), now=now,
        )  # fmt: skip
        if agent_id is None:
            raise coded_error("An account has this e-mail address already.", BAD_USER_INPUT,
                              argument="email")  # fmt: skip
        await tx.enqueue_mail(
            dedupe_key=f"agent-invitation:{agent_id}",
            to=email.strip().lower(),
            subject="Votre invitation au Hub Entreprendre Occitanie",
            body=f"Bonjour {first},\n\nL'administrateur du Hub Entreprendre Occitanie vous "
            "invite à rejoindre le réseau des développeurs. Connectez-vous au Hub avec votre "
            "compte professionnel (le fournisseur d'identité des agents) et cette adresse "
            "e-mail : votre compte vous attend.",
            now=now,
        )
    return await _fresh_agent(info, agent_id)


async def deactivate_agent(info: Info, agent_id: str, reassign_to: str) -> AgentRecord:
    """The agent no longer signs in; its current referent assignments and its places in
    project groups go to ``reassign_to`` (nothing is left orphaned), and the companies and
    the new agent are told."""
    context = info.context
    require(Action.ADMIN_DESK, context.viewer)
    if agent_id == reassign_to:
        raise coded_error("Reassign to another agent.", BAD_USER_INPUT, argument="reassignTo")
    now = _now()
    async with context.services.writer.transaction() as tx:
        leaving = await _agent(tx, agent_id, "agentId")
        heir = await _agent(tx, reassign_to, "reassignTo")
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
    return await _fresh_agent(info, agent_id)


# --- identity verifications --------------------------------------------------------------


async def decide_identity_verification(
    info: Info, document_id: str, accept: bool, reason: str | None
) -> IdentityDocumentRecord:
    """Accepts or rejects a pending identity document; the person is told. A rejection
    needs a reason, and the person may send another document."""
    context = info.context
    viewer = context.viewer
    require(Action.ADMIN_DESK, viewer)
    why = _reason(reason, required=not accept)
    now = _now()
    desk = context.services.desk
    if await desk.identity_document(document_id) is None:
        raise coded_error("No such identity document.", NOT_FOUND, argument="id")
    async with context.services.writer.transaction() as tx:
        account_id = await tx.decide_identity_document(
            document_id=document_id, accept=accept, reason=why or None,
            by=viewer.account_id or "", now=now,
        )  # fmt: skip
        if account_id is None:
            raise coded_error("This document was decided already.", BAD_USER_INPUT,
                              argument="id")  # fmt: skip
        contact = await tx.account_contact(account_id)
        assert contact is not None
        news = Announcements(tx, now)
        verdict = "IDENTITY_VERIFIED" if accept else "IDENTITY_REJECTED"
        await news.send(
            account_id, contact[0], kind=verdict, key=f"identity-decided:{document_id}",
            payload={"documentId": document_id, "reason": why},
            subject="Votre identité est vérifiée" if accept
            else "Votre pièce d'identité n'a pas pu être acceptée",
            body="L'administrateur du Hub a vérifié votre identité." if accept
            else f"L'administrateur du Hub n'a pas pu accepter votre pièce d'identité : {why}\n"
            "Vous pouvez en envoyer une autre.",
        )  # fmt: skip
    await publish(info, news)
    record = await desk.identity_document(document_id)
    assert record is not None
    return record
