"""Company data: the federated API Entreprise record joined with the hub's own tables."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from weakref import WeakKeyDictionary

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    VariableNode,
)

from auth.costs import Cost, Read
from auth.relations import projects_in_view
from auth.tiers import Access, Tier, allows
from auth.visibility import Visibility
from connectors.entreprise import BalanceSheet, Compliance, Etablissement, Mandataire, Turnover
from connectors.errors import ConnectorError, NotFound
from connectors.hubdb import AssignmentRecord, PersonRecord, ProjectRecord
from connectors.hubdb.invitations import InvitationRecord
from resolvers.context import Info, Loaders
from resolvers.errors import NOT_FOUND, coded_error
from resolvers.siret import validate_siret

__all__ = [
    "balance_sheets",
    "collaborators",
    "etablissement",
    "find_company",
    "fiscal_compliance",
    "legal_representatives",
    "pending_collaborators",
    "prefetch_listed",
    "projects",
    "referent",
    "representatives",
    "social_compliance",
    "turnover",
]

_MANDATAIRE = "MANDATAIRE"
_COLLABORATOR = "COLLABORATOR"

# The upstream calls behind each Company field, started as soon as the company is found so
# that every call for one company runs concurrently (the cold sheet costs one round trip).
_PREFETCH: dict[str, Callable[[Loaders, str], Iterable[Awaitable[Any]]]] = {
    "legalRepresentatives": lambda loaders, siret: [loaders.mandataires.load(siret[:9])],
    "turnover": lambda loaders, siret: [loaders.turnover.load(siret)],
    "balanceSheets": lambda loaders, siret: [loaders.balance_sheets.load(siret[:9])],
    "compliance": lambda loaders, siret: [
        loaders.social_compliance.load(siret[:9]),
        loaders.fiscal_compliance.load(siret[:9]),
    ],
    # the company profile the eligibility engine reads (resolvers/company_profile.py), and
    # the aids it received on both platforms (its de minimis headroom): alongside the
    # établissement's read, not after it
    "eligibleSchemes": lambda loaders, siret: [
        loaders.turnover.load(siret),
        loaders.balance_sheets.load(siret[:9]),
        loaders.headcount.load(siret[:9]),
        loaders.social_compliance.load(siret[:9]),
        loaders.fiscal_compliance.load(siret[:9]),
        loaders.mesaides_applications.load(siret),
        loaders.del_applications.load(siret),
    ],
}


async def find_company(info: Info, raw_siret: str) -> str:
    """The validated SIRET of an existing company; ``NOT_FOUND`` when Sirene does not know it.

    When API Entreprise is down the company is still returned: its hub fields answer and
    each upstream field reports the failure itself."""
    siret = validate_siret(raw_siret)
    context = info.context
    record = context.loaders.etablissement.load(siret)
    _prefetch(info, siret, await context.company_access(siret))
    try:
        await record
    except NotFound:
        raise coded_error(f"No company has the SIRET {siret}.", NOT_FOUND) from None
    except ConnectorError:
        pass
    return siret


def _company_tiers(schema: Any) -> dict[str, Tier]:
    """The tier each Company field declares, by GraphQL name; read once per schema."""
    tiers = _TIERS.get(schema)
    if tiers is None:
        definition = schema.get_type_by_name("Company")
        tiers = _TIERS[schema] = {
            schema.config.name_converter.get_graphql_name(field): directive.tier
            for field in getattr(definition, "fields", ())
            for directive in field.directives
            if isinstance(directive, Visibility)
        }
    return tiers


_TIERS: WeakKeyDictionary[Any, dict[str, Tier]] = WeakKeyDictionary()


def _prefetch(info: Info, siret: str, access: Access) -> None:
    tiers = _company_tiers(info.schema)
    raw = info._raw_info
    selected = set(_child_names(raw.field_nodes, raw.fragments, raw.variable_values))
    for name in selected:
        start = _PREFETCH.get(name)
        tier = tiers.get(name)
        if start is not None and tier is not None and allows(tier, access):
            for pending in start(info.context.loaders, siret):
                info.context.start_read(pending)


def prefetch_listed(info: Info, sirets: Sequence[str], path: Sequence[str]) -> None:
    """A list of companies' établissements read at once, as soon as the list is known, when
    the selection of its companies (``path`` below the field: a page's ``edges``, ``node``)
    reads Sirene (a field declaring the read, ``Read.SIRENE_ETABLISSEMENT``). Their calls
    then go out together before the plan's first pass over the companies' fields, instead
    of after it: a cold list waits for that pass and the partner at once, not one after the
    other. Each field still decides its own tier: the établissement is public-tier data,
    which every field that reads it loads anyway."""
    raw = info._raw_info
    nodes: list[FieldNode] = list(raw.field_nodes)
    for name in path:
        found = _child_fields(nodes, raw.fragments, raw.variable_values)
        nodes = [node for node in found if node.name.value == name]
    reading = _reading_sirene(info.schema)
    fields = _child_fields(nodes, raw.fragments, raw.variable_values)
    if sirets and any(field.name.value in reading for field in fields):
        info.context.start_read(info.context.loaders.etablissement.load_many(list(sirets)))


def _reading_sirene(schema: Any) -> frozenset[str]:
    """The Company fields, by GraphQL name, that declare the Sirene établissement's read."""
    names = _SIRENE_READERS.get(schema)
    if names is None:
        definition = schema.get_type_by_name("Company")
        names = _SIRENE_READERS[schema] = frozenset(
            schema.config.name_converter.get_graphql_name(field)
            for field in getattr(definition, "fields", ())
            for directive in field.directives
            if isinstance(directive, Cost) and Read.SIRENE_ETABLISSEMENT in directive.reads
        )
    return names


_SIRENE_READERS: WeakKeyDictionary[Any, frozenset[str]] = WeakKeyDictionary()


def _child_names(
    nodes: Iterable[FieldNode | InlineFragmentNode | FragmentDefinitionNode],
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Any,
) -> Iterator[str]:
    """The names of the fields the nodes select, through fragments, as ``@include`` and
    ``@skip`` leave them (read from the document: no selection objects are built)."""
    return (field.name.value for field in _child_fields(nodes, fragments, variables))


def _child_fields(
    nodes: Iterable[FieldNode | InlineFragmentNode | FragmentDefinitionNode],
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Any,
) -> Iterator[FieldNode]:
    """The fields the nodes select, through fragments, as ``@include`` and ``@skip`` leave
    them."""
    for node in nodes:
        for selection in node.selection_set.selections if node.selection_set else ():
            if not _included(selection, variables):
                continue
            if isinstance(selection, FieldNode):
                yield selection
            elif isinstance(selection, InlineFragmentNode):
                yield from _child_fields([selection], fragments, variables)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = fragments.get(selection.name.value)
                if fragment is not None:
                    yield from _child_fields([fragment], fragments, variables)


def _included(node: Any, variables: Mapping[str, Any]) -> bool:
    """``@skip``/``@include`` of a node, its ``if`` a literal or a variable (resolvers get the
    coerced variables)."""
    for directive in node.directives or ():
        name = directive.name.value
        if name not in ("skip", "include"):
            continue
        condition = next((a.value for a in directive.arguments if a.name.value == "if"), None)
        if isinstance(condition, VariableNode):
            value = variables.get(condition.name.value)
        else:
            value = getattr(condition, "value", None)
        if (name == "skip") == (value is True):
            return False
    return True


async def etablissement(info: Info, siret: str) -> Etablissement:
    return await info.context.loaders.etablissement.load(siret)


async def representatives(info: Info, siret: str) -> list[PersonRecord]:
    facts = await info.context.loaders.facts.load(siret)
    return [person for person in facts.people if person.role == _MANDATAIRE]


async def collaborators(info: Info, siret: str) -> list[PersonRecord]:
    facts = await info.context.loaders.facts.load(siret)
    return [person for person in facts.people if person.role == _COLLABORATOR]


async def pending_collaborators(info: Info, siret: str) -> list[InvitationRecord]:
    """The invitations not accepted yet and not expired: what the mandataires typed."""
    now = datetime.now(UTC)
    return [i for i in await info.context.loaders.invitations.load(siret) if i.expires_at > now]


async def referent(info: Info, siret: str) -> AssignmentRecord | None:
    return (await info.context.loaders.facts.load(siret)).referent


async def legal_representatives(info: Info, siret: str) -> tuple[Mandataire, ...]:
    return await info.context.loaders.mandataires.load(siret[:9])


async def turnover(info: Info, siret: str) -> tuple[Turnover, ...]:
    return await info.context.loaders.turnover.load(siret)


async def balance_sheets(info: Info, siren: str) -> tuple[BalanceSheet, ...]:
    """Newest first (as the connector reads them)."""
    return await info.context.loaders.balance_sheets.load(siren)


async def social_compliance(info: Info, siren: str) -> Compliance:
    return await info.context.loaders.social_compliance.load(siren)


async def fiscal_compliance(info: Info, siren: str) -> Compliance:
    return await info.context.loaders.fiscal_compliance.load(siren)


async def projects(info: Info, siret: str) -> list[ProjectRecord]:
    """All of them from tier 2 up; for an agent of a project group, its projects only."""
    context = info.context
    found = await context.loaders.projects.load(siret)
    return projects_in_view(context.viewer, await context.company_access(siret), found)
