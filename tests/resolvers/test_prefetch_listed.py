"""A list of companies reads their établissements at once, as soon as the list is known,
when its companies' selection reads Sirene; never when it does not."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
import strawberry
from graphql import FieldNode, FragmentDefinitionNode, OperationDefinitionNode, parse

from resolvers.company import _reading_sirene, prefetch_listed
from schema.query import Query

SIRETS = ["84215637400014", "41816609600069"]


@dataclass
class _Etablissements:
    asked: list[list[str]] = field(default_factory=list)

    def load_many(self, sirets: list[str]) -> str:
        self.asked.append(sirets)
        return "the pending read"


@dataclass
class _Context:
    loaders: Any
    started: list[object] = field(default_factory=list)

    def start_read(self, pending: object) -> None:
        self.started.append(pending)


@dataclass
class _RawInfo:
    field_nodes: list[FieldNode]
    fragments: dict[str, FragmentDefinitionNode]
    variable_values: dict[str, Any]


@dataclass
class _Info:
    schema: Any
    context: _Context
    _raw_info: _RawInfo


@pytest.fixture(scope="module")
def schema() -> strawberry.Schema:
    return strawberry.Schema(query=Query)


def _asked(schema: strawberry.Schema, query: str, variables: dict[str, Any] | None = None, sirets: list[str] = SIRETS) -> list[list[str]]:  # fmt: skip
    """The établissements ``prefetch_listed`` asks for, the query's ``portfolio`` field
    resolving to ``sirets``."""
    document = parse(query)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    viewer = operation.selection_set.selections[0]
    assert isinstance(viewer, FieldNode) and viewer.selection_set is not None
    portfolio = viewer.selection_set.selections[0]
    assert isinstance(portfolio, FieldNode)
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    etablissements = _Etablissements()
    context = _Context(loaders=type("Loaders", (), {"etablissement": etablissements})())
    info = _Info(schema, context, _RawInfo([portfolio], fragments, variables or {}))
    prefetch_listed(info, sirets, ("edges", "node"))  # type: ignore[arg-type]
    assert context.started == ["the pending read"] * len(etablissements.asked)
    return etablissements.asked


def test_the_company_fields_that_read_sirene_are_known_from_their_declarations(
    schema: strawberry.Schema,
) -> None:
    reading = _reading_sirene(schema)
    assert {"name", "address", "naf", "active"} <= reading
    assert not {"siret", "siren", "referent", "projects", "representatives"} & reading


def test_a_page_whose_companies_show_their_name_reads_every_etablissement_at_once(
    schema: strawberry.Schema,
) -> None:
    query = "{ viewer { portfolio { edges { node { siret name referent { status } } } } } }"
    assert _asked(schema, query) == [SIRETS]


def test_a_page_that_reads_no_sirene_field_asks_for_nothing(schema: strawberry.Schema) -> None:
    query = """{ viewer { portfolio { totalCount edges { node { siret
      referent { status } projects { title } } } } } }"""
    assert _asked(schema, query) == []
    assert _asked(schema, "{ viewer { portfolio { totalCount } } }") == []


def test_fields_through_fragments_count(schema: strawberry.Schema) -> None:
    spread = """query { viewer { portfolio { ...Page } } }
      fragment Page on CompanyConnection { edges { node { ...Identity } } }
      fragment Identity on Company { siret address { city } }"""
    inline = "{ viewer { portfolio { edges { node { ... on Company { naf { code } } } } } } }"
    assert _asked(schema, spread) == [SIRETS]
    assert _asked(schema, inline) == [SIRETS]


def test_a_field_left_out_by_its_directive_does_not_count(schema: strawberry.Schema) -> None:
    query = """query($named: Boolean!) { viewer { portfolio { edges { node {
      siret name @include(if: $named) } } } } }"""
    assert _asked(schema, query, {"named": False}) == []
    assert _asked(schema, query, {"named": True}) == [SIRETS]
    skipped = "{ viewer { portfolio { edges @skip(if: true) { node { name } } } } }"
    assert _asked(schema, skipped) == []


def test_an_empty_page_asks_for_nothing(schema: strawberry.Schema) -> None:
    query = "{ viewer { portfolio { edges { node { name } } } } }"
    assert _asked(schema, query, sirets=[]) == []
