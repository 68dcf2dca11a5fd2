"""Every path to a company's tier-2 data is audited, and the list of paths comes from the
schema: every field whose declared tier opens only at tier 2 (``TIER2``, ``PROJECT_GROUP``),
and every root field that reads the company its argument names (``@readsCompany``,
declared beside its resolver). Each path read by an agent, the administrator or a partner
key writes an audit event naming it; refused, or read by the company's own members, none."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import GraphQLObjectType, GraphQLSchema, get_named_type, is_non_null_type

from auth.declarations import declarations
from auth.scopes import Scope
from auth.tiers import Tier
from connectors.hubdb.audit import AuditFilter
from gateway.errors import HubSchema
from gateway.graphql import build_schema
from gateway.settings import Settings
from resolvers.context import Services
from tests.conftest import Run, errors_by_path
from tests.partners import execute_as, make_key

LEROY = "84215637400014"
DURAND = "pierre.durand@cci-gard.example"  # LEROY's accepted referent
VIDAL = "helene.vidal@laregion.example"  # the administrator
CLAIRE = "claire.leroy@leroy-sas.example"  # LEROY's mandataire
GARCIA = "julien.garcia@bge-occitanie.example"  # an agent of another structure: tier 1
MARTIN = "marc.martin@ademe.example"  # outside the network, in a group of LEROY's project
TIER2_TIERS = frozenset({Tier.TIER2, Tier.PROJECT_GROUP})
# How to reach each root field that reads a company through an argument (LEROY's data):
# a field newly declared @readsCompany fails the derivation test until it is here.
ROOT_CALLS = {
    "Query.eligibility": f'eligibility(siret: "{LEROY}", '
    'schemeId: "paysdelaloire:investissement-numerique")',
    "Query.estimateAid": f'estimateAid(siret: "{LEROY}", '
    'schemeId: "paysdelaloire:investissement-numerique", '
    'expenses: [{amount: "20000", category: "software"}])',
    "Query.application": 'application(id: "QXBwbGljYXRpb246REVMOjEwMDE=")',  # LEROY's, DEL
}


def _selection(type_: GraphQLObjectType, depth: int = 2) -> str:
    """The scalar fields of ``type_``, and its object fields' down to ``depth``."""
    parts = []
    for name, field_ in type_.fields.items():
        named = get_named_type(field_.type)
        if not isinstance(named, GraphQLObjectType):
            parts.append(name)
        elif depth > 0 and not any(is_non_null_type(a.type) for a in field_.args.values()):
            parts.append(f"{name} {{ {_selection(named, depth - 1)} }}")
    return " ".join(parts) or "__typename"


def tier2_paths(schema: GraphQLSchema) -> dict[str, str]:
    """``{"Company.turnover": "<query>", "Query.eligibility": "<query>", …}``: every path to
    tier-2 data the schema declares, with a query reaching it in LEROY."""
    company = schema.type_map["Company"]
    assert isinstance(company, GraphQLObjectType)
    paths = {}
    for declaration in declarations(schema):
        type_ = schema.type_map[declaration.type_name]
        assert isinstance(type_, GraphQLObjectType)
        field_ = type_.fields[declaration.field_name]
        named = get_named_type(field_.type)
        inner = f" {{ {_selection(named)} }}" if isinstance(named, GraphQLObjectType) else ""
        if declaration.tier in TIER2_TIERS:
            # company-bound tiers are decided on a company: only Company's fields carry them
            assert declaration.type_name == "Company", declaration.name
            paths[declaration.name] = (
                f'{{ company(siret: "{LEROY}") {{ {declaration.field_name}{inner} }} }}'
            )
        if declaration.reads is not None:
            assert declaration.reads.tier in TIER2_TIERS, declaration.name
            assert declaration.name in ROOT_CALLS, f"{declaration.name} needs its call"
            paths[declaration.name] = f"{{ {ROOT_CALLS[declaration.name]}{inner} }}"
    return paths


_SCHEMA = build_schema(Settings())
PATHS = tier2_paths(_SCHEMA._schema)


def test_the_paths_are_derived_from_the_schema() -> None:
    """The company's tier-2 fields and the root fields reading a company by argument are
    all there; and no root query field takes a SIRET but Company's (whose fields carry their
    tiers) without declaring what it reads."""
    assert {"Company.turnover", "Company.compliance", "Company.balanceSheets"} <= set(PATHS)
    assert {"Query.eligibility", "Query.estimateAid", "Query.application"} <= set(PATHS)
    assert set(ROOT_CALLS) <= set(PATHS)
    query = _SCHEMA._schema.query_type
    assert query is not None
    reading = {d.name for d in declarations(_SCHEMA._schema) if d.reads is not None}
    for name, field_ in query.fields.items():
        if "siret" in field_.args and get_named_type(field_.type).name != "Company":
            assert f"Query.{name}" in reading, f"Query.{name} takes a SIRET: @readsCompany?"


async def _events(services: Services) -> list[Any]:
    return list((await services.audit.page(AuditFilter(), first=100)).items)


def _field(path: str) -> str:
    return path.split(".", 1)[1]


MAY_BE_NULL = {"Company.segment"}
"""Paths whose answer for LEROY is null (an old company with no transfer declared): answered
when not refused."""


def _answered(result: Any, path: str) -> bool:
    """The path's own field answered (a nested field of another tier may still be refused
    to this viewer, e.g. a scheme's funding expert to a partner key)."""
    where = f"company.{_field(path)}" if path.startswith("Company.") else _field(path)
    data = result.data or {}
    value = (
        data.get("company", {}).get(_field(path))
        if path.startswith("Company.")
        else (data.get(_field(path)))
    )
    refused = where in errors_by_path(result)
    return not refused and (value is not None or (path in MAY_BE_NULL and result.data is not None))


@pytest.mark.parametrize("path", sorted(PATHS))
@pytest.mark.parametrize(("who", "access"), [(DURAND, "TIER2"), (VIDAL, "ADMIN")])
async def test_an_agents_read_of_each_path_is_audited(
    run: Run, services: Services, path: str, who: str, access: str
) -> None:
    result = await run(PATHS[path], as_=who)
    assert _answered(result, path), result
    (event,) = await _events(services)
    assert (event.siret, event.access) == (LEROY, access)
    assert _field(path) in event.fields


@pytest.mark.parametrize("path", sorted(PATHS))
async def test_a_partner_keys_read_of_each_path_is_audited(
    schema: HubSchema, services: Services, path: str
) -> None:
    scopes = frozenset({Scope.COMPANIES_READ, Scope.DIRECTORY_READ})
    _, key = await make_key(services, "cci-gard", scopes)
    result = await execute_as(schema, services, key, PATHS[path])
    assert _answered(result, path), result
    (event,) = await _events(services)
    assert event.viewer_kind == "PARTNER" and _field(path) in event.fields


@pytest.mark.parametrize("path", sorted(PATHS))
@pytest.mark.parametrize("who", [GARCIA, None])
async def test_a_refused_read_of_each_path_writes_nothing(
    run: Run, services: Services, path: str, who: str | None
) -> None:
    result = await run(PATHS[path], as_=who)
    assert not _answered(result, path)
    assert set(errors_by_path(result).values()) & {"FORBIDDEN", "UNAUTHENTICATED"}
    assert await _events(services) == []


@pytest.mark.parametrize("path", sorted(PATHS))
async def test_the_companys_own_read_of_each_path_is_not_audited(
    run: Run, services: Services, path: str
) -> None:
    result = await run(PATHS[path], as_=CLAIRE)
    assert _answered(result, path), result
    assert await _events(services) == []


async def test_a_project_group_agents_read_of_the_projects_is_audited(
    run: Run, services: Services
) -> None:
    """Below tier 2 (an agent outside the network), but in the group of one of LEROY's
    projects: it sees that project, and the read is recorded with the access it has."""
    result = await run(PATHS["Company.projects"], as_=MARTIN)
    assert _answered(result, "Company.projects"), result
    (event,) = await _events(services)
    assert (event.siret, event.viewer_kind, event.fields) == (LEROY, "AGENT", ("projects",))
    assert event.access in ("PUBLIC", "TIER1")
