"""The complete tier matrix, generated from the schema itself: every field of every type ×
every kind of viewer, both ways. The queries select every field the schema has (a field
added tomorrow is in them), the expected answer comes from the field's declared tier and
the seed (tests/seed_world.py), never from the code under test."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from graphql import (
    GraphQLField,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
)

from auth.declarations import declarations
from auth.scopes import Scope
from auth.tiers import Access, Tier
from auth.viewer import Viewer, ViewerKind
from connectors.hubdb.models import Account
from gateway.errors import HubSchema
from gateway.persisted import document_id
from resolvers.context import Services
from tests.execution_paths import ExecutionPath
from tests.partners import make_key
from tests.seed_world import SeedWorld

DURAND_ID = "agent-pierre-durand"
LEROY = "84215637400014"
# Arguments of the fields that need one; each root field is queried once per argument set.
ROOTS: dict[str, list[str]] = {
    "company": [],  # filled with every queried company
    "companies": ['(first: 3, filter: {siret: "84215637400014"})', "(first: 3)"],
    "agent": [f'(id: "{DURAND_ID}")', '(id: "agent-marc-martin")'],
    "agents": ['(first: 40, filter: {name: "Durand"})', "(first: 60)"],
    "structures": ["(first: 5)"],
    "viewer": [""],
    "notifications": ["(first: 5)"],
    "schemes": ['(first: 3, filter: {text: "industrie futur"})'],
    "scheme": ['(id: "region:parcours-industrie-du-futur")', '(id: "francenum:cheque-numerique")'],
    "activators": ["(first: 3)"],
    "eligibility": [f'(siret: "{LEROY}", schemeId: "paysdelaloire:investissement-numerique")'],
    "estimateAid": [
        (
            '(schemeId: "paysdelaloire:investissement-numerique", '
            'expenses: [{amount: "20000", category: "software"}])'
        )
    ],
    "apiKeys": [""],
    "persistedQueries": [""],
    "auditTrail": ["(first: 3)"],
    "application": ['(id: "QXBwbGljYXRpb246REVMOjEwMDE=")'],  # LEROY's dossier on DEL
    "referentRequests": ["(first: 3)"],
    "identityVerifications": ["(first: 3)"],
    "events": ["(first: 3)"],
    "news": ["(first: 3)"],
    "offers": ['(first: 2, filter: {structureId: "cci-gard"})'],
    "indicators": ['(structureId: "cci-gard", period: {from: "2025-01-01", to: "2025-12-31"})'],
    "networkIndicators": ['(period: {from: "2025-01-01", to: "2025-12-31"})'],
    "performanceIndicators": ['(structureId: "cci-gard", year: 2025)'],
    "networkPerformanceIndicators": ["(year: 2025)"],
}
# Root fields whose declared tier opens the door and whose resolver then checks the company
# named in the arguments (the tier that decides, and that company).
SUBJECTS: dict[str, tuple[Tier, str]] = {
    "Query.eligibility": (Tier.TIER2, LEROY),
    "Query.application": (Tier.TIER2, LEROY),
}
# Root fields whose resolver lets only the named structure's agents and the administrator in.
STRUCTURE_ACTIVITY = {"Query.indicators": "cci-gard", "Query.performanceIndicators": "cci-gard"}
# Fields about the viewer's own account: a partner key has none, nor has a person yet to
# sign up or the anonymous visitor, and all are refused them (the anonymous visitor may be
# told to sign in instead: UNAUTHENTICATED).
ACCOUNT_ONLY = {"Query.notifications", "Viewer.preferences", "Viewer.favourites"}
_NO_ACCOUNT = (ViewerKind.UNREGISTERED, ViewerKind.ANONYMOUS)
ARGUMENTS = {"Viewer.portfolio": "(first: 3)"}
# Object fields selected by their id only, so that the documents stay within the token limit
# (their types' fields are selected in full from another root: Query.offers, Query.structures,
# Query.company).
BRIEF = {
    "Structure.offers": "id",
    "Interaction.structure": "id",
    "Interaction.agent": "id",
    "Interaction.offer": "id",
    "Invitation.company": "siret",
}


def _selection(type_: GraphQLObjectType, path: tuple[str, ...]) -> str:
    """Every field of ``type_``; a type already on the path shows its scalar fields only
    (so cycles such as Company → referent → company end)."""
    parts = []
    for name, field_ in type_.fields.items():
        named = get_named_type(field_.type)
        if isinstance(named, GraphQLObjectType):
            if type_.name in path:
                continue
            brief = BRIEF.get(f"{type_.name}.{name}")
            inner = brief or _selection(named, (*path, type_.name))
            parts.append(f"{name}{ARGUMENTS.get(f'{type_.name}.{name}', '')} {{ {inner} }}")
        else:
            parts.append(name)
    return " ".join(parts)


def queries(schema: GraphQLSchema, companies: tuple[str, ...]) -> list[str]:
    query = schema.query_type
    assert query is not None
    assert set(ROOTS) == set(query.fields), "a new root field needs its arguments in ROOTS"
    roots = {**ROOTS, "company": [f'(siret: "{siret}")' for siret in companies]}
    found = []
    for name, field_ in query.fields.items():
        named = get_named_type(field_.type)
        assert isinstance(named, GraphQLObjectType)
        for arguments in roots[name]:
            found.append(f"{{ {name}{arguments} {{ {_selection(named, ('Query',))} }} }}")
    return found


@dataclass
class Matrix:
    """What was checked, to prove every declared field was seen both ways."""

    world: SeedWorld
    tiers: dict[str, Tier]
    seen: set[str] = field(default_factory=set)
    refused: set[str] = field(default_factory=set)
    wrong: list[str] = field(default_factory=list)

    def expected(self, viewer: Viewer, name: str, parent: dict[str, Any]) -> bool:
        tier = self.tiers[name]
        if name in ACCOUNT_ONLY and (viewer.partner is not None or viewer.kind in _NO_ACCOUNT):
            return False
        if name in STRUCTURE_ACTIVITY:
            own = viewer.agent_id is not None and viewer.structure_id == STRUCTURE_ACTIVITY[name]
            return viewer.partner is None and (viewer.is_admin or own)
        if name in SUBJECTS:
            subject_tier, siret = SUBJECTS[name]
            return self.world.sees(viewer, subject_tier, siret)
        if tier is Tier.PUBLIC:
            return True
        if tier is Tier.NETWORK:
            return viewer.is_admin or (
                self.world.network_member(viewer)
                and (viewer.partner is None or Scope.DIRECTORY_READ in viewer.partner.scopes)
            )
        if tier is Tier.ADMIN:
            return viewer.is_admin
        if tier is Tier.TIER1_EVERYWHERE:  # the search: tier 1 on a company of no relation
            return viewer.is_admin or self.world.access(viewer, "") is Access.TIER1
        if tier is Tier.AUTHENTICATED:
            return viewer.is_authenticated
        if tier is Tier.NETWORK_OR_CHOSEN:
            return self.world.sees_contact(viewer, parent["id"])
        return self.world.sees(viewer, tier, parent["siret"])

    def check(
        self,
        who: str,
        viewer: Viewer,
        type_: GraphQLObjectType,
        value: dict[str, Any],
        path: tuple[str | int, ...],
        errors: dict[tuple[str | int, ...], str],
    ) -> None:
        for name, field_ in type_.fields.items():
            if name not in value:
                continue
            here, cell = (*path, name), f"{type_.name}.{name}"
            if self.expected(viewer, cell, value):
                if errors.get(here) == "FORBIDDEN":
                    self.wrong.append(f"{who}: {cell} refused at {_dotted(here)}")
                    continue
                self.seen.add(cell)
                self._descend(who, viewer, field_, value[name], here, errors)
            else:
                self.refused.add(cell)
                refusals = {"FORBIDDEN"}
                if cell in ACCOUNT_ONLY and viewer.kind is ViewerKind.ANONYMOUS:
                    refusals.add("UNAUTHENTICATED")
                if value[name] is not None or errors.get(here) not in refusals:
                    self.wrong.append(
                        f"{who}: {cell} at {_dotted(here)} should be null + FORBIDDEN, got "
                        f"{value[name]!r} / {errors.get(here)}"
                    )

    def _descend(
        self,
        who: str,
        viewer: Viewer,
        field_: GraphQLField,
        value: Any,
        path: tuple[str | int, ...],
        errors: dict[tuple[str | int, ...], str],
    ) -> None:
        named = get_named_type(field_.type)
        if not isinstance(named, GraphQLObjectType) or value is None:
            return
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            where = (*path, index) if isinstance(value, list) else path
            self.check(who, viewer, named, item, where, errors)


def _reachable(root: GraphQLObjectType) -> set[str]:
    """The object types a query can reach from ``root``."""
    found: set[str] = set()
    pending = [root]
    while pending:
        type_ = pending.pop()
        if type_.name in found:
            continue
        found.add(type_.name)
        for field_ in type_.fields.values():
            named = get_named_type(field_.type)
            if isinstance(named, GraphQLObjectType):
                pending.append(named)
    return found


def _dotted(path: tuple[str | int, ...]) -> str:
    return ".".join(str(p) for p in path)


async def _queue_an_identity_document(services: Services) -> None:
    """The seed has none: one, for the administrator's desk (metadata only)."""
    async with services.writer.transaction() as tx:
        account_id = await tx.session.scalar(
            sa.select(Account.id).where(Account.kind == "PROJECT_HOLDER").order_by(Account.id)
        )
        assert account_id is not None
        await tx.add_identity_document(
            account_id=account_id, file_key="0" * 32 + ".pdf", content_type="application/pdf",
            size=1000, sha256="0" * 64, now=datetime.now(UTC),
        )  # fmt: skip


async def _notify_every_viewer(services: Services, world: SeedWorld) -> None:
    """The seed has no notifications nor favourites: give each signed-in viewer one of each,
    so that the Notification and Favourite types are seen too."""
    now = datetime.now(UTC)
    async with services.writer.transaction() as tx:
        for label, viewer in world.viewers.items():
            if viewer.account_id:
                await tx.notify(
                    account_id=viewer.account_id,
                    kind="MATRIX",
                    payload={"for": label},
                    dedupe_key=f"matrix:{viewer.account_id}",
                    now=now,
                )
    for viewer in world.viewers.values():  # and a favourite, for the Favourite type
        if viewer.account_id:
            await services.preferences.add_favourite(viewer.account_id, "OFFER", "matrix", now)


async def _invite_antoine(services: Services) -> None:
    """The seed has no invitations: LEROY's mandataire invites Antoine (another company's),
    so that the Invitation type is seen too."""
    now = datetime.now(UTC)
    async with services.writer.transaction() as tx:
        await tx.invite_collaborator(
            siret=LEROY, email="antoine.fabre@menuiserie-fabre.example", name="Antoine",
            phone=None, role="COLLABORATOR", token_hash="0" * 64,
            invited_by="account-claire-leroy", now=now, expires_at=now + timedelta(days=14),
        )  # fmt: skip


async def _record_an_interaction(services: Services) -> None:
    """The seed records none for the canonical companies: the CCI du Gard welcomed LEROY (its
    referent's)."""
    values = {
        "structure_id": "cci-gard", "agent_id": DURAND_ID, "siret": LEROY, "project_id": None,
        "person": f"company:{LEROY}", "kind": "WELCOME", "channel": "ON_SITE",
        "segment": "CREATEUR", "offer_id": "cci-gard:createur-1", "level": 1, "product": "N1",
        "occurred_on": date(2025, 3, 1), "minutes": 30,
    }  # fmt: skip
    async with services.writer.transaction() as tx:
        await tx.record_interaction(values, datetime.now(UTC))


async def _partner_access(services: Services) -> Viewer:
    """The seed has no partner keys nor persisted documents (the administrator makes them at
    run time): make one of each, so that their types are seen too; the key is one more kind
    of viewer (a member of the CCI du Gard, the accepted referent's structure of LEROY)."""
    _, key = await make_key(services)
    document = "{ viewer { kind } }"
    await services.partners.register_document(
        document_id(document), document, name="matrix", by=None, now=datetime.now(UTC)
    )
    return key


async def test_every_declared_field_for_every_kind_of_viewer_both_ways(
    schema: HubSchema, services: Services, seed_world: SeedWorld, execution_path: ExecutionPath
) -> None:
    await _notify_every_viewer(services, seed_world)
    await _queue_an_identity_document(services)
    await _record_an_interaction(services)
    await _invite_antoine(services)
    viewers = {**seed_world.viewers, "cci-gard key (every scope)": await _partner_access(services)}
    found = declarations(schema._schema)
    tiers = {d.name: d.tier for d in found if d.tier is not None}
    matrix = Matrix(seed_world, tiers)
    query_type = schema._schema.query_type
    assert query_type is not None
    documents = queries(schema._schema, seed_world.companies)
    for who, viewer in viewers.items():
        for document in documents:
            result = await execution_path.execute(schema, document, viewer, services, "matrix")
            errors = {
                tuple(e.path or ()): (e.extensions or {}).get("code", "")
                for e in result.errors or ()
            }
            expected_codes = {"FORBIDDEN", "NOT_FOUND"}
            if viewer.kind is ViewerKind.ANONYMOUS:  # ACCOUNT_ONLY fields (checked below)
                expected_codes.add("UNAUTHENTICATED")
            unexpected = {p: c for p, c in errors.items() if c not in expected_codes}
            assert not unexpected, f"{who}: {document}: {unexpected}"
            assert result.data is not None, f"{who}: {document}: {result.errors}"
            matrix.check(who, viewer, query_type, result.data, (), errors)

    assert not matrix.wrong, "\n".join(matrix.wrong)
    readable = _reachable(query_type)  # a mutation's payload (CreatedApiKey) is not
    declared = {name for name in tiers if name.split(".")[0] in readable}
    assert declared - matrix.seen == set(), "fields never seen by anyone who may see them"
    guarded = {name for name in declared if tiers[name] is not Tier.PUBLIC}
    assert guarded - matrix.refused == set(), "guarded fields never refused to anyone"
    execution_path.assert_exercised()


def test_the_generated_queries_select_every_field_of_every_type(
    schema: HubSchema, seed_world: SeedWorld
) -> None:
    documents = " ".join(queries(schema._schema, seed_world.companies))
    query_type = schema._schema.query_type
    assert query_type is not None
    readable = _reachable(query_type)
    for declaration in declarations(schema._schema):
        if declaration.action is None and declaration.type_name in readable:
            assert declaration.field_name in documents, declaration.name
