"""The network's structures and agents, as the administrator's desk makes them: a new
structure, its charter signature (after which its agents may join), and an agent invited
by e-mail."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from auth.actions import Action, require
from connectors.hubdb import AgentRecord, StructureRecord
from connectors.hubdb.enums import AgentRole, StructureKind, SupportKind
from connectors.hubdb.writes import NewStructure
from resolvers._desk_shared import fresh_agent, utc_now
from resolvers.context import Info
from resolvers.errors import BAD_USER_INPUT, NOT_FOUND, coded_error

__all__ = ["StructureInput", "create_structure", "invite_agent", "record_charter_signature"]

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


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
    if signed_on > utc_now().date():
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
    now = utc_now()
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
    return await fresh_agent(info, agent_id)
