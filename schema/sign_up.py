"""Sign-up and the identity document (GraphQL multipart request spec: ``Upload``)."""

from __future__ import annotations

from enum import Enum
from typing import Any, cast

import strawberry
from strawberry.file_uploads import Upload

from auth.actions import Action, Allowed
from auth.viewer import ViewerKind
from resolvers import sign_up
from resolvers.context import Info
from schema.viewer import Viewer

__all__ = ["AccountKind", "SignUpMutation"]


@strawberry.enum(description="The kind of account a person signs up for.")
class AccountKind(Enum):
    COMPANY_USER = strawberry.enum_value(
        "COMPANY_USER",
        description="A company's director or collaborator; a director then creates the "
        "company space (`registerCompany`).",
    )
    PROJECT_HOLDER = strawberry.enum_value(
        "PROJECT_HOLDER",
        description="A créateur or repreneur; then names its project (`createMyProject`).",
    )


def _mutation(action: Action, description: str) -> Any:
    return strawberry.mutation(description=description, directives=[Allowed(action=action)])


@strawberry.type
class SignUpMutation:
    @_mutation(
        Action.SIGN_UP,
        "Create the caller's account, bound to its identity provider's `sub`. Its identity is "
        "VERIFIED when the provider vouches for it (`acr` eidas2/eidas3, or OpenID Connect "
        "for Identity Assurance `verified_claims`), DOCUMENT_REQUIRED otherwise. Idempotent.",
    )
    async def sign_up(self, info: Info, kind: AccountKind, phone: str | None = None) -> Viewer:
        return Viewer.of(await sign_up.sign_up(info, ViewerKind(kind.value), phone))

    @_mutation(
        Action.SUBMIT_IDENTITY_DOCUMENT,
        "Send an identity document (PDF, JPEG or PNG, 5 MB at most) as a multipart request "
        "(GraphQL multipart request spec, with the header `Apollo-Require-Preflight: true`); the "
        "administrator checks it.",
    )
    async def submit_identity_document(self, info: Info, file: Upload) -> Viewer:
        readable = cast(sign_up.Readable, file)
        return Viewer.of(await sign_up.submit_identity_document(info, readable))
