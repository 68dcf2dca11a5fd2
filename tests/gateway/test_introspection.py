"""Introspection (and field suggestions): on in sandbox mode, off by default in production,
a setting both ways."""

from __future__ import annotations

import pytest

from gateway.graphql import build_schema
from gateway.settings import Settings

PRODUCTION = {
    "mode": "production",
    "entreprise_url": "https://entreprise.api.gouv.fr",
    "oidc_issuer": "https://idp.example",
    "region_catalogue_url": "https://r.test",
    "bpifrance_catalogue_url": "https://b.test",
    "francenum_url": "https://f.test",
    "crealia_url": "https://c.test",
    "france_initiative_url": "https://fi.test",
    "irdi_soridec_url": "https://i.test",
    "mesaides_url": "https://m.test",
    "del_url": "https://d.test",
    "events_url": "https://e.test",
    "news_url": "https://n.test/rss.xml",
}
SCHEMA = "{ __schema { queryType { name } } }"
TYPE = '{ __type(name: "Company") { fields { name } } }'


@pytest.mark.parametrize("setting", ["introspection", "field_suggestions"])
def test_introspection_and_suggestions_are_on_in_sandbox_mode_and_off_by_default_in_production(
    monkeypatch: pytest.MonkeyPatch, setting: str
) -> None:
    monkeypatch.delenv(setting.upper(), raising=False)
    assert getattr(Settings(), setting) is True
    assert getattr(Settings(**PRODUCTION), setting) is False
    monkeypatch.setenv(setting.upper(), "true")
    assert getattr(Settings(**PRODUCTION), setting) is True
    monkeypatch.setenv(setting.upper(), "false")
    assert getattr(Settings(), setting) is False


@pytest.mark.parametrize("query", [SCHEMA, TYPE])
async def test_a_schema_built_with_introspection_answers_it(query: str) -> None:
    result = await build_schema(Settings(introspection=True)).execute(query)
    assert result.errors is None and result.data


@pytest.mark.parametrize(
    "query", [SCHEMA, TYPE, ("query { ...F } fragment F on Query { __schema { types { name } } }")]
)
async def test_a_schema_built_without_introspection_refuses_it(query: str) -> None:
    # the same document first validated by a schema that allows it: the validation cache
    # must not let it through the other
    await build_schema(Settings(introspection=True)).execute(query)
    result = await build_schema(Settings(introspection=False)).execute(query)
    assert result.data is None
    assert "introspection" in result.errors[0].message.lower()


async def test_without_introspection_ordinary_queries_and_typename_still_answer() -> None:
    schema = build_schema(Settings(introspection=False))
    result = await schema.execute("{ __typename }")
    assert result.errors is None and result.data == {"__typename": "Query"}
