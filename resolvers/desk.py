"""The administrator's desk (hub FAQ: « l'administrateur … crée le compte »): what waits for
the administrator, and identity documents verified. Referent assignments made or ended by it
are in ``resolvers.desk_referents``; new structures, their charter and agents invited in
``resolvers.desk_network``.

Every action is one transaction; the people concerned are told in-app and by e-mail in it.
Only the administrator gets this far (``require`` first), so an unknown id is NOT_FOUND."""

from __future__ import annotations

from collections.abc import Sequence

from auth.actions import Action, require
from connectors.hubdb import Page
from connectors.hubdb.desk import IdentityDocumentRecord, ReferentRequestRecord
from resolvers._desk_shared import checked_reason, utc_now
from resolvers.announcements import Announcements, publish
from resolvers.context import Info
from resolvers.directory_search import page_size, paged
from resolvers.errors import BAD_USER_INPUT, NOT_FOUND, coded_error

__all__ = ["decide_identity_verification", "identity_verifications", "referent_requests"]


# --- what waits for the administrator --------------------------------------------------


async def referent_requests(
    info: Info, status: str | None, kinds: Sequence[str], first: int | None, after: str | None
) -> Page[ReferentRequestRecord]:
    require(Action.ADMIN_DESK, info.context.viewer)
    desk = info.context.services.desk
    return await paged(
        desk.referent_requests(
            status=status, kinds=kinds, first=page_size(first), after=after, now=utc_now()
        )
    )


async def identity_verifications(
    info: Info, status: str | None, first: int | None, after: str | None
) -> Page[IdentityDocumentRecord]:
    require(Action.ADMIN_DESK, info.context.viewer)
    desk = info.context.services.desk
    return await paged(desk.identity_documents(status=status, first=page_size(first), after=after))


# --- identity verifications --------------------------------------------------------------


async def decide_identity_verification(
    info: Info, document_id: str, accept: bool, reason: str | None
) -> IdentityDocumentRecord:
    """Accepts or rejects a pending identity document; the person is told. A rejection
    needs a reason, and the person may send another document."""
    context = info.context
    viewer = context.viewer
    require(Action.ADMIN_DESK, viewer)
    why = checked_reason(reason, required=not accept)
    now = utc_now()
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
