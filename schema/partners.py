"""Partner access as the administrator runs it: API keys of structures, the persisted
documents a key may be restricted to, and the audit trail of tier-2 reads."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from auth.actions import Action, Allowed
from auth.scopes import Scope
from auth.tiers import Tier
from auth.viewer import ViewerKind
from auth.visibility import tiered
from connectors.hubdb.audit import AuditEventRecord, UpstreamCallRecord
from connectors.hubdb.partners import ApiKeyRecord, PersistedQueryRecord
from resolvers import audit, partners
from resolvers import directory as resolve_directory
from resolvers.context import Info
from schema.directory import Structure
from schema.pagination import Connection

__all__ = [
    "ApiKey",
    "AuditEntry",
    "CreatedApiKey",
    "PartnerMutation",
    "PartnerQuery",
    "PersistedQuery",
    "UpstreamCall",
]


@strawberry.type(description="A structure's API key, as the administrator sees it (never its "
                 "secret, which was shown once, at creation).")  # fmt: skip
class ApiKey:
    id: strawberry.ID = tiered(Tier.PUBLIC)
    name: str = tiered(Tier.PUBLIC)
    prefix: str = tiered(Tier.PUBLIC, description="The key's first, non-secret characters.")
    scopes: list[Scope] = tiered(Tier.PUBLIC)
    persisted_queries: list[str] | None = tiered(
        Tier.PUBLIC, description="The documents (SHA-256) the key is restricted to; null: any."
    )
    rate_limit_per_minute: int | None = tiered(
        Tier.PUBLIC, description="Null: the gateway's default (API_KEY_RATE_LIMIT)."
    )
    created_at: datetime = tiered(Tier.PUBLIC)
    expires_at: datetime | None = tiered(Tier.PUBLIC)
    revoked_at: datetime | None = tiered(Tier.PUBLIC)
    structure_id: strawberry.Private[str]

    @tiered(Tier.PUBLIC)
    async def structure(self, info: Info) -> Structure | None:
        record = await resolve_directory.structure(info, self.structure_id)
        return Structure.from_record(record) if record else None

    @classmethod
    def of(cls, record: ApiKeyRecord) -> ApiKey:
        return cls(
            id=strawberry.ID(record.id),
            name=record.name,
            prefix=f"hubk_{record.prefix}",
            scopes=[Scope[name] for name in record.scopes if name in Scope.__members__],
            persisted_queries=None if record.documents is None else list(record.documents),
            rate_limit_per_minute=record.rate_limit,
            created_at=record.created_at,
            expires_at=record.expires_at,
            revoked_at=record.revoked_at,
            structure_id=record.structure_id,
        )


@strawberry.type(description="A new API key: `key` is shown this once and stored nowhere.")
class CreatedApiKey:
    key: str = tiered(
        Tier.PUBLIC, description="Send it as `Authorization: Bearer <key>`; keep it secret."
    )
    api_key: ApiKey = tiered(Tier.PUBLIC)


@strawberry.type(description="A trusted document, sent by its id instead of its text.")
class PersistedQuery:
    id: str = tiered(Tier.PUBLIC, description="The SHA-256 of the document's text (hex).")
    name: str | None = tiered(Tier.PUBLIC)
    document: str = tiered(Tier.PUBLIC)
    created_at: datetime = tiered(Tier.PUBLIC)

    @classmethod
    def of(cls, record: PersistedQueryRecord) -> PersistedQuery:
        return cls(id=record.id, name=record.name, document=record.document,
                   created_at=record.created_at)  # fmt: skip


@strawberry.type(description="How one API Entreprise read behind an audited read was served.")
class UpstreamCall:
    endpoint: str = tiered(Tier.PUBLIC)
    identifier: str = tiered(Tier.PUBLIC, description="The SIRET or SIREN asked for.")
    object: str = tiered(Tier.PUBLIC, description="The purpose sent as `object`.")
    outcome: str = tiered(
        Tier.PUBLIC,
        description="UPSTREAM (a call was made), CACHE (a fresh cached copy: no call), SHARED "
        "(an identical call in flight answered: no call of its own), STALE (the call failed, "
        "an older copy was served), FAILED.",
    )

    @classmethod
    def of(cls, record: UpstreamCallRecord) -> UpstreamCall:
        return cls(endpoint=record.endpoint, identifier=record.identifier,
                   object=record.object, outcome=record.outcome)  # fmt: skip


@strawberry.type(description="One company read at tier 2 in one request.")
class AuditEntry:
    id: strawberry.ID = tiered(Tier.PUBLIC)
    at: datetime = tiered(Tier.PUBLIC)
    request_id: str = tiered(Tier.PUBLIC, description="The gateway's own request id.")
    client_request_id: str | None = tiered(
        Tier.PUBLIC,
        description="The client's own `X-Request-Id`, when it sent a well-formed one (echoed "
        "as `X-Client-Request-Id`): to find a read from the caller's logs.",
    )
    viewer_kind: ViewerKind = tiered(Tier.PUBLIC)
    account_id: strawberry.ID | None = tiered(Tier.PUBLIC, description="A person who read.")
    api_key_id: strawberry.ID | None = tiered(Tier.PUBLIC, description="A key that read.")
    structure_id: strawberry.ID | None = tiered(Tier.PUBLIC)
    siret: str = tiered(Tier.PUBLIC)
    access: str = tiered(Tier.PUBLIC, description="The reader's access: TIER2 or ADMIN.")
    fields: list[str] = tiered(Tier.PUBLIC, description="The tier-2 fields read.")
    upstream_calls: list[UpstreamCall] = tiered(Tier.PUBLIC)

    @classmethod
    def of(cls, record: AuditEventRecord) -> AuditEntry:
        def some_id(value: str | None) -> strawberry.ID | None:
            return None if value is None else strawberry.ID(value)

        return cls(
            id=strawberry.ID(record.id),
            at=record.occurred_at,
            request_id=record.request_id,
            client_request_id=record.client_request_id,
            viewer_kind=ViewerKind(record.viewer_kind),
            account_id=some_id(record.account_id),
            api_key_id=some_id(record.api_key_id),
            structure_id=some_id(record.structure_id),
            siret=record.siret,
            access=record.access,
            fields=list(record.fields),
            upstream_calls=[UpstreamCall.of(call) for call in record.upstream_calls],
        )


@strawberry.input(description="Which reads: every criterion given must match.")
class AuditFilterInput:
    siret: str | None = None
    agent_id: strawberry.ID | None = None
    api_key_id: strawberry.ID | None = None
    since: datetime | None = strawberry.field(default=None, name="from",
                                              description="Inclusive.")  # fmt: skip
    until: datetime | None = strawberry.field(default=None, name="to", description="Exclusive.")


@strawberry.input(description="A new API key for a structure.")
class CreateApiKeyInput:
    structure_id: strawberry.ID
    name: str = strawberry.field(description="What the key is for (e.g. the CRM's name).")
    scopes: list[Scope]
    expires_at: datetime | None = None
    rate_limit_per_minute: int | None = None
    persisted_queries: list[str] | None = strawberry.field(
        default=None,
        description="Restrict the key to these registered documents (SHA-256 ids).",
    )

    def to_request(self) -> partners.KeyRequest:
        return partners.KeyRequest(
            structure_id=str(self.structure_id),
            name=self.name,
            scopes=frozenset(self.scopes),
            expires_at=self.expires_at,
            rate_limit=self.rate_limit_per_minute,
            documents=None if self.persisted_queries is None else tuple(self.persisted_queries),
        )


@strawberry.type
class PartnerQuery:
    @tiered(Tier.ADMIN, description="The partner API keys, newest first (never their secret).")
    async def api_keys(
        self, info: Info, structure_id: strawberry.ID | None = None, include_revoked: bool = True
    ) -> list[ApiKey] | None:
        records = await partners.api_keys(
            info, str(structure_id) if structure_id else None, include_revoked
        )
        return [ApiKey.of(record) for record in records]

    @tiered(Tier.ADMIN, description="The registered persisted documents.")
    async def persisted_queries(self, info: Info) -> list[PersistedQuery] | None:
        return [PersistedQuery.of(record) for record in await partners.persisted_queries(info)]

    @tiered(
        Tier.ADMIN,
        description="Every tier-2 read of a company by an agent, the administrator or a "
        "partner key, newest first.",
    )
    async def audit_trail(
        self,
        info: Info,
        filter: AuditFilterInput | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[AuditEntry] | None:
        criteria = filter or AuditFilterInput()
        page = await audit.audit_trail(
            info,
            siret=criteria.siret,
            agent_id=str(criteria.agent_id) if criteria.agent_id else None,
            api_key_id=str(criteria.api_key_id) if criteria.api_key_id else None,
            since=criteria.since,
            until=criteria.until,
            first=first,
            after=after,
        )
        return Connection.of(page, AuditEntry.of)


def _mutation(description: str) -> Any:
    return strawberry.mutation(
        description=description, directives=[Allowed(action=Action.MANAGE_PARTNER_ACCESS)]
    )


@strawberry.type
class PartnerMutation:
    @_mutation("Create an API key for a structure; its secret is in the answer, this once.")
    async def create_api_key(self, info: Info, input: CreateApiKeyInput) -> CreatedApiKey:
        key, record = await partners.create_api_key(info, input.to_request())
        return CreatedApiKey(key=key, api_key=ApiKey.of(record))

    @_mutation("Revoke an API key: refused from the next request (within 10 s everywhere).")
    async def revoke_api_key(self, info: Info, id: strawberry.ID) -> ApiKey:
        return ApiKey.of(await partners.revoke_api_key(info, str(id)))

    @_mutation("Register a trusted document; its id is the SHA-256 of its exact text.")
    async def register_persisted_query(
        self, info: Info, document: str, name: str | None = None
    ) -> PersistedQuery:
        return PersistedQuery.of(await partners.register_persisted_query(info, document, name))
