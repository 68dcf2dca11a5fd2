"""What a field costs, declared beside its tier: ``tiered(Tier.X, reads=…, list_size=…)``.

A field costs 1 each time it resolves; a field that reads a partner costs
``PARTNER_READ_COST`` more per read it makes, unless it declares its own ``cost``. The
partner reads are named (``Read``), so that the fields of one object that share a read
(a company's name and address: one Sirene record) count it once. A list's items are counted
``first`` times when the field (or, for a Relay connection, its ``edges``) takes ``first``;
otherwise ``list_size`` times, or ``DEFAULT_LIST_SIZE``.

The declaration shows in the SDL as ``@cost(weight:, reads:, resultReads:, listSize:,
own:)`` beside ``@visibility``; ``gateway/pricing.py`` reads it from the built schema and
prices a document before it runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import strawberry
from graphql import GraphQLField
from strawberry.schema_directive import Location

__all__ = [
    "COMPANY_PROFILE_READS",
    "DEFAULT_LIST_SIZE",
    "ELIGIBILITY_READS",
    "PARTNER_READ_COST",
    "Cost",
    "FieldCost",
    "Read",
    "cost_directive",
    "field_cost",
]

PARTNER_READ_COST = 10
"""What one partner read adds to a field's cost (a field alone costs 1)."""

DEFAULT_LIST_SIZE = 10
"""How many items a list without ``first`` or a declared ``list_size`` is assumed to hold."""


@strawberry.enum(description="A partner read a field may make (counted once per object).")
class Read(Enum):
    SIRENE_ETABLISSEMENT = "SIRENE_ETABLISSEMENT"
    SIRENE_UNITE_LEGALE = "SIRENE_UNITE_LEGALE"
    INFOGREFFE_MANDATAIRES = "INFOGREFFE_MANDATAIRES"
    DGFIP_TURNOVER = "DGFIP_TURNOVER"
    BANQUE_DE_FRANCE_BALANCE_SHEETS = "BANQUE_DE_FRANCE_BALANCE_SHEETS"
    GIP_MDS_HEADCOUNT = "GIP_MDS_HEADCOUNT"
    URSSAF_COMPLIANCE = "URSSAF_COMPLIANCE"
    DGFIP_COMPLIANCE = "DGFIP_COMPLIANCE"
    DEL_APPLICATIONS = "DEL_APPLICATIONS"
    MES_AIDES_APPLICATIONS = "MES_AIDES_APPLICATIONS"
    OPENAGENDA_EVENTS = "OPENAGENDA_EVENTS"
    REGION_NEWS = "REGION_NEWS"


COMPANY_PROFILE_READS = (
    Read.SIRENE_ETABLISSEMENT,
    Read.SIRENE_UNITE_LEGALE,
    Read.DGFIP_TURNOVER,
    Read.BANQUE_DE_FRANCE_BALANCE_SHEETS,
    Read.GIP_MDS_HEADCOUNT,
    Read.URSSAF_COMPLIANCE,
    Read.DGFIP_COMPLIANCE,
)
"""What the eligibility engine reads of a company (resolvers/company_profile.py)."""

ELIGIBILITY_READS = (*COMPANY_PROFILE_READS, Read.DEL_APPLICATIONS, Read.MES_AIDES_APPLICATIONS)
"""The profile, and the aids the company received on the platforms (its de minimis headroom:
resolvers/aids_received.py)."""


@strawberry.schema_directive(
    locations=[Location.FIELD_DEFINITION],
    name="cost",
    description="What this field costs each time it resolves (the partner reads it may make, "
    "and the items a list is assumed to hold without `first`); a request over "
    "MAX_QUERY_COST or over its partner-read budget is refused with QUERY_TOO_COSTLY.",
)
class Cost:
    weight: int
    reads: list[Read]
    result_reads: list[Read]
    """Reads made for the object the field returns (``company(siret)`` reads its Sirene
    record): counted with the reads of that object's own fields."""
    list_size: int | None = None
    own: bool = False
    """The viewer's own items (its companies, its portfolio): none for an anonymous viewer,
    so nothing below the field is counted for one."""


@dataclass(frozen=True, slots=True)
class FieldCost:
    weight: int = 1
    reads: frozenset[Read] = frozenset()
    result_reads: frozenset[Read] = frozenset()
    list_size: int | None = None
    own: bool = False


_DEFAULT = FieldCost()


def cost_directive(
    cost: int | None,
    reads: tuple[Read, ...],
    result_reads: tuple[Read, ...],
    list_size: int | None,
    own: bool,
) -> list[object]:
    """The ``@cost`` directive a field declares, or none when it costs the default."""
    if cost is None and not reads and not result_reads and list_size is None and not own:
        return []
    if cost is None:
        cost = 1 + PARTNER_READ_COST * len({*reads, *result_reads})
    return [
        Cost(
            weight=cost,
            reads=list(reads),
            result_reads=list(result_reads),
            list_size=list_size,
            own=own,
        )
    ]


def field_cost(field: GraphQLField) -> FieldCost:
    """What a field of the built schema declares (the default for a field that declares
    nothing: 1, no read, the default list size)."""
    definition = (field.extensions or {}).get("strawberry-definition")
    for directive in getattr(definition, "directives", ()):
        if isinstance(directive, Cost):
            return FieldCost(
                directive.weight,
                frozenset(directive.reads),
                frozenset(directive.result_reads),
                directive.list_size,
                directive.own,
            )
    return _DEFAULT
