"""Sign-up (hub FAQ: « saisir ses informations d'identité et se munir d'une pièce
d'identité »): a person the hub's own identity provider signed in gets an account bound to
the provider's ``iss`` + ``sub``. Its identity is vouched for by the provider's assurance
claims, or proven by an identity document the administrator checks."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from datetime import UTC, datetime
from typing import Protocol

from auth.actions import Action, require
from auth.viewer import Viewer, ViewerKind
from resolvers.announcements import Announcements, publish
from resolvers.context import Info
from resolvers.errors import BAD_USER_INPUT, coded_error

__all__ = ["Readable", "sign_up", "sniff_document", "submit_identity_document"]

_PHONE = re.compile(r"^\+?[0-9 .\-()]{6,32}$")
_SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)


class Readable(Protocol):
    """What Strawberry's ``Upload`` is under Starlette (``UploadFile``)."""

    async def read(self, size: int = -1) -> bytes: ...


def _now() -> datetime:
    return datetime.now(UTC)


async def sign_up(info: Info, kind: ViewerKind, phone: str | None) -> Viewer:
    """The viewer as the account bound to its identity. Idempotent: a second call for the
    same identity answers the same account (another kind is BAD_USER_INPUT)."""
    context = info.context
    viewer = context.viewer
    require(Action.SIGN_UP, viewer)
    if kind not in (ViewerKind.COMPANY_USER, ViewerKind.PROJECT_HOLDER):  # the input's enum
        raise coded_error("Sign up as a company user or a project holder.", BAD_USER_INPUT)
    if phone is not None and not _PHONE.match(phone.strip()):
        raise coded_error("This is not a phone number.", BAD_USER_INPUT, argument="phone")
    if viewer.kind is not ViewerKind.UNREGISTERED:
        return _same_kind(viewer, kind.value)
    assert viewer.issuer is not None and viewer.subject is not None and viewer.email
    status = "VERIFIED" if viewer.identity_assured else "DOCUMENT_REQUIRED"
    async with context.services.writer.transaction() as tx:
        found = await tx.sign_up(
            issuer=viewer.issuer,
            subject=viewer.subject,
            email=viewer.email,
            name=viewer.verified_name or viewer.email.split("@")[0],
            phone=(phone or "").strip() or None,
            kind=kind.value,
            identity_status=status,
            now=_now(),
        )
    if found is None:  # pragma: no cover - the e-mail's account was made meanwhile
        raise coded_error(
            "An account has this e-mail address: sign in again to use it.", BAD_USER_INPUT
        )
    account_id, account_kind = found
    signed_up = dataclasses.replace(
        viewer,
        kind=ViewerKind(account_kind),
        account_id=account_id,
        name=viewer.verified_name or viewer.email.split("@")[0],
        identity_status=status,
        notice=None,
    )
    context.viewer = signed_up
    return _same_kind(signed_up, kind.value)


def _same_kind(viewer: Viewer, kind: str) -> Viewer:
    if viewer.kind.value != kind:
        raise coded_error(
            f"You signed up already, as {viewer.kind.value}.", BAD_USER_INPUT, argument="kind"
        )
    return viewer


def sniff_document(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) from a file's first bytes: PDF, JPEG or PNG; None else.
    The declared type and the file name are never trusted."""
    for signature, content_type, extension in _SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    return None


async def submit_identity_document(info: Info, file: Readable) -> Viewer:
    """Checks the file (size, type by its first bytes) before anything is stored, keeps it
    in the file store, and queues it for the administrator in one transaction (the file is
    removed again if the transaction fails). The upload's temporary file is closed whatever
    happens."""
    try:
        return await _submit(info, file)
    finally:
        close = getattr(file, "close", None)
        if close is not None:
            await close()


async def _submit(info: Info, file: Readable) -> Viewer:
    context = info.context
    viewer = context.viewer
    require(Action.SUBMIT_IDENTITY_DOCUMENT, viewer)
    if viewer.identity_status == "VERIFIED":
        raise coded_error("Your identity is verified already.", BAD_USER_INPUT)
    if viewer.identity_status == "UNDER_REVIEW":
        raise coded_error("A document waits for the administrator's check already.", BAD_USER_INPUT)
    limit = context.services.identity_document_max_bytes
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise coded_error(
            f"An identity document has at most {limit // 1_000_000} MB.",
            BAD_USER_INPUT,
            argument="file",
        )
    kind = sniff_document(data)
    if kind is None:
        raise coded_error(
            "Send the identity document as a PDF, JPEG or PNG file.",
            BAD_USER_INPUT,
            argument="file",
        )
    content_type, extension = kind
    files = context.services.files
    key = await files.put(data, extension=extension)
    account_id = viewer.account_id or ""
    now = _now()
    try:
        async with context.services.writer.transaction() as tx:
            document_id = await tx.add_identity_document(
                account_id=account_id,
                file_key=key,
                content_type=content_type,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                now=now,
            )
            news = Announcements(tx, now)
            for admin_id, email in await tx.admin_accounts():
                await news.send(
                    admin_id,
                    email,
                    kind="IDENTITY_DOCUMENT_SUBMITTED",
                    key=f"identity-document:{document_id}",
                    payload={"documentId": document_id},
                    subject="Une pièce d'identité attend votre vérification",
                    body="Une personne inscrite sur le Hub a envoyé une pièce d'identité : "
                    "vérifiez-la depuis le bureau de l'administrateur.",
                )
    except BaseException:
        await files.delete(key)
        raise
    await publish(info, news)
    updated = dataclasses.replace(viewer, identity_status="UNDER_REVIEW")
    context.viewer = updated
    return updated
