"""The company space: created by a mandataire social, who then adds collaborators."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import structlog

from auth.actions import Action, require
from connectors.errors import NotFound
from connectors.hubdb import normalize_email
from connectors.hubdb.invitations import InvitationRecord
from connectors.hubdb.unique_keys import AlreadyExists
from resolvers.context import Info
from resolvers.errors import BAD_USER_INPUT, FORBIDDEN, NOT_FOUND, coded_error
from resolvers.inputs import bounded_text
from resolvers.invitations import invite_collaborator, revoke_invitation
from resolvers.names import name_key, named_mandataire
from resolvers.siret import validate_siret

__all__ = ["add_collaborator", "register_company", "remove_collaborator"]

_log = structlog.get_logger(__name__)

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
    case or order), and only a person whose identity is proven (``_proven_name``): a name
    claim alone proves nothing, a homonym has the same. The decision is logged with the
    account id and codes only."""
    viewer = info.context.viewer
    require(Action.REGISTER_COMPANY, viewer)
    siret = validate_siret(raw_siret)
    proof, name = await _proven_name(info)
    if name is None:
        _log.info(
            "company_space.register", outcome="IDENTITY_NOT_PROVEN", account_id=viewer.account_id
        )
        raise coded_error(
            "Your identity is not proven: a name given by the identity provider alone does "
            "not show that you are this company's mandataire social. Sign in again through "
            "the hub's identity provider with a verified identity (FranceConnect or an eIDAS "
            "substantial/high means), or send an identity document "
            "(`submitIdentityDocument`) and wait for the administrator's check.",
            FORBIDDEN,
            reason="IDENTITY_NOT_PROVEN",
        )
    services = info.context.services
    try:
        establishment = await services.entreprise.etablissement(siret, object=_PURPOSE)
        mandataires = await services.entreprise.mandataires_sociaux(siret[:9], object=_PURPOSE)
    except NotFound:
        raise coded_error(f"No company has the SIRET {siret}.", NOT_FOUND) from None
    if named_mandataire(name, mandataires) is None:
        _log.info(
            "company_space.register",
            outcome="NOT_A_MANDATAIRE",
            proof=proof,
            account_id=viewer.account_id,
        )
        raise coded_error(
            "Only a mandataire social of this company (per Infogreffe) can create its space; "
            "ask one of them to add you as a collaborator.",
            FORBIDDEN,
            reason="NOT_A_MANDATAIRE",
        )
    _log.info(
        "company_space.register", outcome="ACCEPTED", proof=proof, account_id=viewer.account_id
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


async def _proven_name(info: Info) -> tuple[str, str | None]:
    """(how the caller's identity is proven, the name proven). The identity provider's
    assurance claim (``acr`` among its ``assured_acr_values``, or ``verified_claims``) vouches
    for the token's name; otherwise an identity document the administrator accepted vouches
    for the account's name, which it was checked against. Neither: the name is None."""
    viewer = info.context.viewer
    if viewer.identity_assured and viewer.verified_name:
        return "PROVIDER_ASSURANCE", viewer.verified_name
    if viewer.account_id is not None:
        verified = await info.context.services.desk.verified_name(viewer.account_id)
        if verified is not None and name_key(verified):
            return "IDENTITY_DOCUMENT", verified
    return "NONE", None


async def add_collaborator(
    info: Info, raw_siret: str, email: str, name: str, phone: str | None
) -> InvitationRecord:
    """An invitation (``resolvers.invitations``): nothing of any account is attached or
    shown until the invitee accepts."""
    siret = validate_siret(raw_siret)
    facts = await info.context.loaders.facts.load(siret)
    require(Action.MANAGE_COLLABORATORS, info.context.viewer, facts=facts)
    address = _valid_email(email)
    if not name.strip():
        raise coded_error("A collaborator needs a name.", BAD_USER_INPUT, argument="name")
    bounded_text(name.strip(), "name")
    bounded_text((phone or "").strip(), "phone", 32)
    return await invite_collaborator(
        info, siret, address, name.strip(), (phone or "").strip() or None
    )


async def remove_collaborator(info: Info, raw_siret: str, email: str) -> str:
    siret = validate_siret(raw_siret)
    facts = await info.context.loaders.facts.load(siret)
    require(Action.MANAGE_COLLABORATORS, info.context.viewer, facts=facts)
    address = normalize_email(email)
    member = next((p for p in facts.people if p.email == address), None)
    if member is None and await revoke_invitation(info, siret, address):
        return siret
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
