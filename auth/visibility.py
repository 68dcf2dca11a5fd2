"""The one visibility mechanism: each field declares its tier, one permission checks it.

``tiered(Tier.TIER2)`` is used in ``schema/`` in place of ``strawberry.field``. It adds the
``@visibility(tier: …)`` directive to the SDL, so frontend teams see the rule, and, for every
tier but PUBLIC, a permission that runs before the field's resolver: a refused field is
``null`` with an error ``extensions.code = "FORBIDDEN"``, its resolver and upstream calls
never run, and the rest of the query answers.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, Protocol

import strawberry
from strawberry.permission import BasePermission, PermissionExtension
from strawberry.schema_directive import Location

from auth.costs import Read, cost_directive
from auth.relations import baseline_access
from auth.scopes import Scope
from auth.tiers import Access, Tier, allows
from auth.viewer import Viewer

__all__ = [
    "LOADS_ONLY",
    "READS_ONLY",
    "ReadsCompany",
    "Visibility",
    "VisibilityContext",
    "VisibleTo",
    "criterion",
    "declares_loads_only",
    "declares_reads_only",
    "field_tier",
    "refused_everywhere",
    "tiered",
]


@strawberry.schema_directive(
    locations=[Location.FIELD_DEFINITION, Location.INPUT_FIELD_DEFINITION],
    name="visibility",
    description="Who may see this field (docs/visibility.md); refused fields answer null + FORBIDDEN.",
)
class Visibility:
    tier: Tier


@strawberry.schema_directive(
    locations=[Location.FIELD_DEFINITION],
    name="readsCompany",
    description="This root field reads data of the company its `argument` names (a SIRET, "
    "or an id that leads to one) at `tier`: its resolver refuses a viewer without that tier "
    "on the company (FORBIDDEN), and a granted tier-2 read is recorded in the audit trail "
    "like a tier-2 field of `Company`.",
)
class ReadsCompany:
    """Declared beside the resolver of a root field whose answer comes from a company's
    data of a higher tier than the field's own (a verdict from its turnover, an estimate from
    its equity): the tier's check and the audit are the resolver's, by
    ``Context.require_company_tier``, and tests list these fields from the schema."""

    argument: str
    tier: Tier


class VisibilityContext(Protocol):
    """What the permission needs from the request context (implemented by resolvers.context.Context)."""

    @property
    def viewer(self) -> Viewer: ...

    async def company_access(self, siret: str) -> Access: ...

    def known_company_access(self, siret: str) -> Access | None: ...

    async def company_diffusible(self, siret: str) -> bool | None: ...

    async def may_see_agent_contact(self, agent_id: str) -> bool: ...

    async def in_project_group(self, siret: str) -> bool: ...

    def record_tier2_read(
        self, siret: str, field: str, access: Access, *, group: bool = False
    ) -> None: ...


_MESSAGES = {
    Tier.AUTHENTICATED: "Sign in to see this (the directory is for the hub's users).",
    Tier.PUBLIC_IF_DIFFUSIBLE: "This company is not diffusible: its identity is reserved to "
    "network members and the company itself.",
    Tier.TIER1: "Reserved to network members (tier 1) and the company itself.",
    Tier.TIER2: "Reserved to the company's referent, its structure (tier 2) and the company "
    "itself.",
    Tier.TIER1_EVERYWHERE: "Reserved to network members (the hub's agents) and the administrator.",
    Tier.PROJECT_GROUP: "Reserved to the company's referent, its structure (tier 2), the "
    "company itself and the agents of its project groups.",
    Tier.NETWORK: "Reserved to network members (the hub's agents) and the administrator.",
    Tier.NETWORK_OR_CHOSEN: "An agent's contact details are reserved to network members and "
    "to the companies that chose this agent.",
    Tier.ADMIN: "Reserved to the hub administrator.",
}


class VisibleTo(BasePermission):
    """Grants a field when the viewer's access to the parent object opens its tier.

    The parent of a company-tier field has a ``siret``; the parent of an agent-contact field
    has an ``id``. Instances hold only their (immutable) tier: Strawberry shares them between
    concurrent requests."""

    def __init__(self, tier: Tier) -> None:
        self.tier = tier
        self.error_extensions = {"code": "FORBIDDEN"}
        self.message = _MESSAGES[tier]
        self._directive = Visibility(tier=tier)

    @property
    def schema_directive(self) -> object:
        return self._directive

    async def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        decided = self.decide(source, info)
        return decided if type(decided) is bool else await decided

    def decide(self, source: Any, info: strawberry.Info) -> bool | Awaitable[bool]:
        """``has_permission``'s answer, given at once when it can be (``decide_fields``):
        the compiled execution asks this, since a coroutine for each tiered field of each
        object cost the request a task apiece."""
        return self.decide_fields(source, info.context, (info.field_name,))

    @property
    def decision_key(self) -> Tier:
        """Permissions with the same key answer the same for the same object and viewer:
        a plan asks one of them once per object for all its fields of that tier
        (``decide_fields``)."""
        return self.tier

    def decide_fields(
        self, source: Any, context: VisibilityContext, fields: tuple[str, ...]
    ) -> bool | Awaitable[bool]:
        """Whether the viewer may see ``fields`` (GraphQL names, all of this tier) of the
        object ``source``; a granted tier-2 read of each is recorded in the audit. Given at
        once when the viewer alone decides, or its access to the object was already worked
        out in this request (the usual case: a company's first field works it out for the
        others, or a list's resolver for all of its companies,
        ``Context.learn_company_access``); else an awaitable of it."""
        by_viewer = _granted_by_viewer(self.tier, context.viewer)
        if by_viewer is not None:
            return by_viewer
        if self.tier is Tier.NETWORK_OR_CHOSEN:
            return context.may_see_agent_contact(str(source.id))
        access = context.known_company_access(source.siret)
        if access is None:
            return self._decide_once_known(context, source.siret, fields)
        return self._granted(context, source.siret, fields, access)

    async def _decide_once_known(
        self, context: VisibilityContext, siret: str, fields: tuple[str, ...]
    ) -> bool:
        decided = self._granted(context, siret, fields, await context.company_access(siret))
        return decided if type(decided) is bool else await decided

    def _granted(
        self, context: VisibilityContext, siret: str, fields: tuple[str, ...], access: Access
    ) -> bool | Awaitable[bool]:
        """Whether ``access`` opens the tier; an awaitable when the company's diffusion or
        its project groups must be read to tell."""
        if self.tier is Tier.PUBLIC_IF_DIFFUSIBLE and not allows(
            self.tier, access, diffusible=False
        ):
            return _diffusible_or_in_group(context, siret)
        if allows(self.tier, access):
            if self.tier in (Tier.TIER2, Tier.PROJECT_GROUP):
                for field in fields:
                    context.record_tier2_read(siret, field, access)  # the audit
            return True
        if self.tier is Tier.PROJECT_GROUP:
            return _granted_to_project_group(context, siret, fields, access)
        return False


async def _diffusible_or_in_group(context: VisibilityContext, siret: str) -> bool:
    """Unknown diffusion (the source is down) lets the resolver run: it fails the same way.
    The agents of a project group see the company's identity."""
    return await context.company_diffusible(siret) is not False or await context.in_project_group(
        siret
    )


async def _granted_to_project_group(
    context: VisibilityContext, siret: str, fields: tuple[str, ...], access: Access
) -> bool:
    """An agent of one of the company's project groups reads its tier-2 data below tier 2:
    audited too."""
    if not await context.in_project_group(siret):
        return False
    for field in fields:
        context.record_tier2_read(siret, field, access, group=True)
    return True


def _granted_by_viewer(tier: Tier, viewer: Viewer) -> bool | None:
    """Whether the viewer alone opens ``tier``, or None when the object decides."""
    if tier is Tier.AUTHENTICATED:
        return viewer.is_authenticated and viewer.grants(Scope.DIRECTORY_READ)
    if tier is Tier.ADMIN:
        return viewer.is_admin
    if tier is Tier.NETWORK:  # a partner key reads contacts with DIRECTORY_READ only
        return viewer.is_admin or (viewer.network_member and viewer.grants(Scope.DIRECTORY_READ))
    if tier is Tier.TIER1_EVERYWHERE:
        return allows(Tier.TIER1, baseline_access(viewer))
    return None


_OPEN_TO_ANYONE = frozenset({Tier.PUBLIC, Tier.PUBLIC_IF_DIFFUSIBLE})


def refused_everywhere(viewer: Viewer) -> frozenset[Tier]:
    """The tiers this viewer is refused on every object: its permission refuses a field of
    one before the resolver runs (what a query's price leaves out, ``gateway/pricing.py``).
    Someone not signed in has no relation to any company, project or agent: only what
    anyone sees."""
    if not viewer.is_authenticated:
        return frozenset(Tier) - _OPEN_TO_ANYONE
    return frozenset(tier for tier in _BY_VIEWER if not _granted_by_viewer(tier, viewer))


_BY_VIEWER = (Tier.AUTHENTICATED, Tier.ADMIN, Tier.NETWORK, Tier.TIER1_EVERYWHERE)
"""The tiers ``_granted_by_viewer`` decides from the viewer alone."""


READS_ONLY = "hub.reads_only"
"""The key of a field's metadata that says it is ``tiered(..., reads_only=True)``."""
LOADS_ONLY = "hub.loads_only"
"""The key of a field's metadata that says it is ``tiered(..., loads_only=True)``."""


def tiered(
    tier: Tier,
    *,
    description: str | None = None,
    name: str | None = None,
    deprecation_reason: str | None = None,
    cost: int | None = None,
    reads: tuple[Read, ...] = (),
    result_reads: tuple[Read, ...] = (),
    list_size: int | None = None,
    own: bool = False,
    reads_company: ReadsCompany | None = None,
    reads_only: bool = False,
    loads_only: bool = False,
) -> Any:
    """``strawberry.field`` with a declared visibility tier (usable as a decorator), and
    what the field costs when it is not the default (``auth/costs.py``: the partner reads it
    makes, the items its list is assumed to hold, whether they are the viewer's own).
    ``deprecation_reason`` follows the policy of docs/schema-changes.md (what to use
    instead, "deprecated on …, removed on or after …"); ``reads_company``: the company data
    of a higher tier its arguments reach (``ReadsCompany``). ``reads_only``: the field's
    value is made of its object, its arguments and the partner records it reads through the
    shared cache alone (no clock, no hub database, no viewer but its tier): an anonymous
    answer made of such fields may be kept whole while those records stay fresh
    (``READS_ONLY``, docs/execution.md). ``loads_only``: the field's resolver awaits
    nothing but loads of the request's DataLoaders (no partner call, no database read, no
    timeout of its own): a compiled plan runs it without a task (``LOADS_ONLY``,
    docs/execution.md)."""
    metadata = {
        **({READS_ONLY: True} if reads_only else {}),
        **({LOADS_ONLY: True} if loads_only else {}),
    } or None
    directives: list[object] = [
        *cost_directive(cost, reads, result_reads, list_size, own),
        *([] if reads_company is None else [reads_company]),
    ]
    if tier is Tier.PUBLIC:
        return strawberry.field(
            description=description,
            name=name,
            deprecation_reason=deprecation_reason,
            directives=[Visibility(tier=tier), *directives],
            metadata=metadata,
        )
    return strawberry.field(
        description=description,
        name=name,
        deprecation_reason=deprecation_reason,
        extensions=[PermissionExtension(permissions=[VisibleTo(tier)])],
        directives=directives,
        metadata=metadata,
    )


def criterion(
    tier: Tier, *, description: str | None = None, deprecation_reason: str | None = None
) -> Any:
    """A filter's input field (default ``None``) with the tier of the value it reads, shown
    in the SDL like a field's; a search confines criteria above the viewer's tier
    (``auth.relations.company_search_scope``)."""
    return strawberry.field(
        default=None,
        description=description,
        deprecation_reason=deprecation_reason,
        directives=[Visibility(tier=tier)],
    )


def declares_loads_only(field: object) -> bool:
    """A Strawberry field is declared ``tiered(..., loads_only=True)``."""
    return _declares(field, LOADS_ONLY)


def declares_reads_only(field: object) -> bool:
    """A Strawberry field is declared ``tiered(..., reads_only=True)``."""
    return _declares(field, READS_ONLY)


def _declares(field: object, key: str) -> bool:
    metadata = getattr(field, "metadata", None)
    return bool(metadata and metadata.get(key))


def field_tier(type_: type, python_name: str) -> Tier | None:
    """The tier a Strawberry type's field declares, or None when it declares none."""
    definition = type_.__strawberry_definition__  # type: ignore[attr-defined]
    for field in definition.fields:
        if field.python_name == python_name:
            for directive in field.directives:
                if isinstance(directive, Visibility):
                    return directive.tier
    return None
