"""Collaborators join a company space by invitation.

A mandataire invites a person by e-mail (``addCollaborator``): only what it typed is kept
and shown (PENDING in the collaborators list), and no account is looked up, so whether the
address has an account, and that account's name, phone or other spaces, is never revealed to
the inviter. The invitee gets a secret token by e-mail (through the outbox) and accepts
(``acceptInvitation``) signed in with that very address; an agent never joins this way.
Invitations expire (``INVITATION_TTL``) and a mandataire may withdraw one
(``removeCollaborator``). The invitee sees the live invitations addressed to its own e-mail
(``invitations_to_viewer``: ``Viewer.invitations``), and accepts one by its id."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import UTC, datetime, timedelta

from auth.actions import Action, may, require
from connectors.hubdb import normalize_email
from connectors.hubdb.invitations import InvitationRecord, ReceivedInvitation
from connectors.hubdb.unique_keys import AlreadyExists
from resolvers.announcements import Announcements, publish
from resolvers.context import Info
from resolvers.errors import BAD_USER_INPUT, NOT_FOUND, coded_error
from resolvers.inputs import bounded_text

__all__ = [
    "INVITATION_TTL",
    "accept_invitation",
    "invitations_to_viewer",
    "invite_collaborator",
    "token_hash",
]

INVITATION_TTL = timedelta(days=14)
_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_COLLABORATOR = "COLLABORATOR"
_NO_SUCH = (
    "No invitation for your account has this token (or id): check the link of the e-mail, "
    "and that you are signed in with the address it was sent to."
)


def _now() -> datetime:
    return datetime.now(UTC)


def token_hash(token: str) -> str:
    """What is stored of an invitation's token: its SHA-256 (the token travels only in the
    e-mail)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


async def invite_collaborator(
    info: Info, siret: str, address: str, name: str, phone: str | None
) -> InvitationRecord:
    """The pending invitation (``siret``, ``address``, ``name`` checked by the caller, and
    the mandataire's right too), and its e-mail queued in the same transaction."""
    context = info.context
    facts = await context.loaders.facts.load(siret)
    if any(person.email == address for person in facts.people):
        raise coded_error(
            f"{address} is already a member of this company space.",
            BAD_USER_INPUT,
            argument="email",
        )
    token = secrets.token_urlsafe(32)
    now = _now()
    async with context.services.writer.transaction() as tx:
        invitation = await tx.invite_collaborator(
            siret=siret, email=address, name=name, phone=phone, role=_COLLABORATOR,
            token_hash=token_hash(token), invited_by=context.viewer.account_id, now=now,
            expires_at=now + INVITATION_TTL,
        )  # fmt: skip
        if invitation is None:
            raise coded_error(
                f"{address} is invited already; the invitation is pending (withdraw it with "
                "`removeCollaborator` to invite again).",
                BAD_USER_INPUT,
                argument="email",
            )
        company = await tx.company_display_name(siret) or siret
        await tx.enqueue_mail(
            dedupe_key=f"collaborator-invitation:{invitation.id}",
            to=address,
            subject=f"Invitation à l'espace de {company} sur le Hub Entreprendre Occitanie",
            body=f"Bonjour {name},\n\nUn mandataire de {company} vous invite à rejoindre "
            "l'espace de l'entreprise sur le Hub Entreprendre Occitanie. Connectez-vous au Hub "
            "avec cette adresse e-mail (inscrivez-vous d'abord si vous n'avez pas de compte) "
            "et acceptez l'invitation avec ce code :\n\n"
            f"    {token}\n\n"
            f'(mutation acceptInvitation(token: "{token}")). L\'invitation expire le '
            f"{invitation.expires_at:%d/%m/%Y}. Si vous ne l'attendiez pas, ignorez ce "
            "message.",
            now=now,
        )
    context.forget_company(siret)
    return invitation


async def invitations_to_viewer(info: Info) -> list[ReceivedInvitation]:
    """The live (pending, unexpired) invitations addressed to the viewer's own e-mail, those
    it may accept: none for anyone who may not (anonymous, agents and the administrator,
    partner keys, a person yet to sign up)."""
    viewer = info.context.viewer
    if not may(Action.ACCEPT_INVITATION, viewer) or not viewer.email:
        return []
    return await info.context.services.hub.invitations_to(viewer.email, _now())


async def accept_invitation(info: Info, token: str | None, invitation_id: str | None) -> str:
    """The SIRET of the space joined. The invitation is found by its token (or its id) and
    must be addressed to the viewer's own, verified e-mail; any other case reads alike, so
    that nothing is learnt of others' invitations. Accepting twice answers the same."""
    context = info.context
    viewer = context.viewer
    require(Action.ACCEPT_INVITATION, viewer)
    if (token is None) == (invitation_id is None):
        raise coded_error("Give the invitation's `token` or its `id`.", BAD_USER_INPUT)
    bounded_text(token, "token", 200)
    if invitation_id is not None and not _ID.match(invitation_id):
        raise coded_error(_NO_SUCH, NOT_FOUND)
    now = _now()
    async with context.services.writer.transaction() as tx:
        if token is not None:
            invitation = await tx.invitation(token_hash=token_hash(token.strip()))
        else:
            invitation = await tx.invitation(invitation_id=invitation_id)
        if invitation is None or invitation.email != normalize_email(viewer.email or ""):
            raise coded_error(_NO_SUCH, NOT_FOUND)
        if invitation.status == "ACCEPTED" and invitation.account_id == viewer.account_id:
            return invitation.siret
        if invitation.status != "PENDING":
            raise coded_error(
                "This invitation was withdrawn, or replaced by a newer one: ask the company's "
                "mandataire to invite you again.",
                BAD_USER_INPUT,
                reason=f"INVITATION_{invitation.status}",
            )
        if not await tx.accept_invitation(invitation.id, viewer.account_id or "", now):
            raise coded_error(
                f"This invitation expired on {invitation.expires_at:%d/%m/%Y}: ask the "
                "company's mandataire to invite you again.",
                BAD_USER_INPUT,
                reason="INVITATION_EXPIRED",
            )
        try:
            await tx.add_member(
                siret=invitation.siret, account_id=viewer.account_id or "", role=invitation.role
            )
        except AlreadyExists:
            pass  # a member already (e.g. a mandataire invited as a collaborator): nothing to add
        news = Announcements(tx, now)
        inviter = await tx.account_contact(invitation.invited_by or "")
        if invitation.invited_by is not None and inviter is not None:
            await news.send(
                invitation.invited_by,
                inviter[0],
                kind="COLLABORATOR_JOINED",
                key=f"collaborator-joined:{invitation.id}",
                payload={"siret": invitation.siret, "invitationId": invitation.id},
                subject="Un collaborateur a rejoint l'espace de votre entreprise",
                body=f"{invitation.name} ({invitation.email}) a accepté votre invitation et "
                "rejoint l'espace de votre entreprise sur le Hub Entreprendre Occitanie.",
            )
    await publish(info, news)
    context.forget_company(invitation.siret)
    return invitation.siret


async def revoke_invitation(info: Info, siret: str, address: str) -> bool:
    """Withdraws the pending invitation of ``address`` (the caller checked the right)."""
    async with info.context.services.writer.transaction() as tx:
        revoked = await tx.revoke_invitation(siret=siret, email=address, now=_now())
    if revoked:
        info.context.forget_company(siret)
    return revoked
