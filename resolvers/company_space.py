"""The company space: created by a mandataire social, who then adds collaborators."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from auth.actions import Action, require
from connectors.errors import NotFound
from connectors.hubdb import normalize_email
from connectors.hubdb.writes import AlreadyExists
from resolvers.context import Info
from resolvers.errors import BAD_USER_INPUT, FORBIDDEN, NOT_FOUND, coded_error
from resolvers.inputs import bounded_text
from resolvers.names import named_mandataire
from resolvers.siret import validate_siret

__all__ = ["add_collaborator", "register_company", "remove_collaborator"]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_COLLABORATOR = "COLLABORATOR"
_PURPOSE = (
    "Hub Entreprendre Occitanie : vérification du mandataire social à la création de "
    "l'espace entreprise"
)


def _now() -> datetime:
    return datetime.now(UTC)


def _valid_email(email: str) -> str:
    email = email.strip()
    if len(email) > 254 or not _EMAIL.match(email):
        raise coded_error(f"{email!r} is not an e-mail address.", BAD_USER_INPUT, argument="email")
    return normalize_email(email)


async def register_company(info: Info, raw_siret: str) -> str:
    """Creates the space of the company; its caller becomes its first mandataire. Only a
    mandataire social of the SIREN per Infogreffe may (names compared without accents,
    case or order). The caller's name is the one its identity provider vouches for (token
    claims), never the account's name, which a mandataire may have typed for someone else."""
    viewer = info.context.viewer
    require(Action.REGISTER_COMPANY, viewer)
    siret = validate_siret(raw_siret)
    services = info.context.services
    try:
        establishment = await services.entreprise.etablissement(siret, object=_PURPOSE)
        mandataires = await services.entreprise.mandataires_sociaux(siret[:9], object=_PURPOSE)
    except NotFound:
        raise coded_error(f"No company has the SIRET {siret}.", NOT_FOUND) from None
    if named_mandataire(viewer.verified_name or "", mandataires) is None:
        raise coded_error(
            "Only a mandataire social of this company (per Infogreffe) can create its space; "
            "ask one of them to add you as a collaborator.",
            FORBIDDEN,
        )
    try:
        async with services.writer.transaction() as tx:
            await tx.register_company(
                siret=siret,
                display_name=establishment.name or siret,
                mandataire_account_id=viewer.account_id or "",
                now=_now(),
                sirene={
                    "postal_code": establishment.address.postal_code,
                    "city": establishment.address.city,
                    "department_code": establishment.address.department_code,
                    "naf_code": establishment.naf_code,
                    "active": establishment.active,
                },
            )
    except AlreadyExists:
        raise coded_error(
            "This company already has its space on the hub: ask its mandataire to add you.",
            BAD_USER_INPUT,
            argument="siret",
        ) from None
    info.context.forget_company(siret)
    return siret


async def add_collaborator(
    info: Info, raw_siret: str, email: str, name: str, phone: str | None
) -> str:
    siret = validate_siret(raw_siret)
    facts = await info.context.loaders.facts.load(siret)
    require(Action.MANAGE_COLLABORATORS, info.context.viewer, facts=facts)
    address = _valid_email(email)
    if not name.strip():
        raise coded_error("A collaborator needs a name.", BAD_USER_INPUT, argument="name")
    bounded_text(name.strip(), "name")
    bounded_text((phone or "").strip(), "phone", 32)
    try:
        async with info.context.services.writer.transaction() as tx:
            account_id = await tx.account_for(
                email=address, name=name.strip(), phone=(phone or "").strip() or None, now=_now()
            )
            await tx.add_member(siret=siret, account_id=account_id, role=_COLLABORATOR)
    except AlreadyExists:
        raise coded_error(
            f"{address} is already a member of this company space.",
            BAD_USER_INPUT,
            argument="email",
        ) from None
    info.context.forget_company(siret)
    return siret


async def remove_collaborator(info: Info, raw_siret: str, email: str) -> str:
    siret = validate_siret(raw_siret)
    facts = await info.context.loaders.facts.load(siret)
    require(Action.MANAGE_COLLABORATORS, info.context.viewer, facts=facts)
    address = normalize_email(email)
    member = next((p for p in facts.people if p.email == address), None)
    if member is None or member.role != _COLLABORATOR:
        raise coded_error(
            f"{address} is not a collaborator of this company space.",
            NOT_FOUND,
            argument="email",
        )
    async with info.context.services.writer.transaction() as tx:
        await tx.remove_member(siret=siret, account_id=member.account_id, role=_COLLABORATOR)
    info.context.forget_company(siret)
    return siret
