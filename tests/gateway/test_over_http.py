"""GraphQL over HTTP: the media type a client asks for, the status codes of request errors,
and a code on every error the gateway produces itself."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from starlette.datastructures import Headers

from gateway.errors import SubscriptionsOnlyOverWebsockets
from gateway.graphql import build_schema
from gateway.over_http import GRAPHQL_RESPONSE, JSON, response_media_type
from gateway.settings import Settings
from tests.conftest import CountingTransport
from tests.gateway.serving import served
from tests.gateway.test_hostile_input import client

SPEC = {"accept": f"{GRAPHQL_RESPONSE}, {JSON};q=0.9"}  # what Apollo Client and urql send
LEGACY = {"accept": JSON}
VARIABLE_SIRET = "query($s: String!) { company(siret: $s) { name } }"
OPTIONS: dict[str, Any] = {"scheduler_enabled": False, "max_depth": 4, "max_aliases": 3,
                           "max_tokens": 200, "max_fields": 50}  # fmt: skip


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    secret = tmp_path / "secret"
    return Settings(database_url=database_url, dev_secret_file=secret, **OPTIONS)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, JSON),
        ("*/*", JSON),
        (JSON, JSON),
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE}, {JSON};q=0.9", GRAPHQL_RESPONSE),
        (f"{JSON}, {GRAPHQL_RESPONSE}", GRAPHQL_RESPONSE),
        (f"{JSON}, {GRAPHQL_RESPONSE};q=0.5", JSON),
        (f"{GRAPHQL_RESPONSE};q=0", JSON),
        (f"{GRAPHQL_RESPONSE};q=oops", JSON),
    ],
)
def test_the_media_type_is_the_one_the_client_ranks_first(
    accept: str | None, expected: str
) -> None:
    headers = Headers({"accept": accept} if accept is not None else {})
    assert response_media_type(headers) == expected


@pytest.mark.parametrize(
    ("query", "variables", "extensions"),
    [
        ("{ viewer { kind }", None, {"code": "GRAPHQL_PARSE_FAILED"}),
        ("{ viewer { kindd } }", None, {"code": "GRAPHQL_VALIDATION_FAILED"}),
        (VARIABLE_SIRET, {"s": 842}, {"code": "BAD_USER_INPUT"}),
        (VARIABLE_SIRET, None, {"code": "BAD_USER_INPUT"}),
        (
            "{ a: viewer { kind } b: viewer { kind } c: viewer { kind } d: viewer { kind } }",
            None,
            {"code": "QUERY_TOO_COMPLEX", "limit": "aliases"},
        ),
        (
            '{ company(siret: "84215637400014") { referent { company { referent { company { siret } } } } } }',
            None,
            {"code": "QUERY_TOO_COMPLEX", "limit": "depth"},
        ),
        (
            "{ " + "viewer { kind } " * 80 + "}",
            None,
            {"code": "QUERY_TOO_COMPLEX", "limit": "tokens"},
        ),
        (
            ("{ ...F4 } fragment F4 on Query { ...F3 ...F3 } fragment F3 on Query { ...F2 ...F2 } "
            "fragment F2 on Query { ...F1 ...F1 } "
            "fragment F1 on Query { ...F0 ...F0 } "
            "fragment F0 on Query { viewer { kind email name } }"),
            None,
            {"code": "QUERY_TOO_COMPLEX", "limit": "fields"},
        ),
    ],
    ids=["parse", "validation", "variable-type", "variable-missing", "aliases", "depth",
         "tokens", "fields"],
)  # fmt: skip
async def test_a_request_error_is_400_without_data_for_a_graphql_response_client(
    client: httpx.AsyncClient,
    upstream: CountingTransport,
    query: str,
    variables: dict[str, Any] | None,
    extensions: dict[str, str],
) -> None:
    body = {"query": query, "variables": variables}
    spec = await client.post("/graphql", json=body, headers=SPEC)
    assert spec.status_code == 400
    assert spec.headers["content-type"] == GRAPHQL_RESPONSE
    assert "data" not in spec.json()
    assert [e["extensions"] for e in spec.json()["errors"]] == [extensions]
    legacy = await client.post("/graphql", json=body, headers=LEGACY)
    assert legacy.status_code == 200
    assert legacy.headers["content-type"] == JSON
    assert legacy.json() == {"data": None, "errors": spec.json()["errors"]}
    assert sum(upstream.calls.values()) == 0


async def test_an_answer_with_field_errors_is_200_in_the_client_s_media_type(
    client: httpx.AsyncClient,
) -> None:
    query = '{ company(siret: "84215637400014") { name turnover { year } } }'
    response = await client.post("/graphql", json={"query": query}, headers=SPEC)
    assert response.status_code == 200
    assert response.headers["content-type"] == GRAPHQL_RESPONSE
    body = response.json()
    assert body["data"]["company"] == {"name": "LEROY SAS", "turnover": None}
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]


async def test_the_http_layer_s_errors_are_in_the_client_s_media_type(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/graphql", content=b"{", headers={**SPEC, "content-type": JSON})
    assert response.status_code == 400
    assert response.headers["content-type"] == GRAPHQL_RESPONSE
    assert response.json()["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT"}


@pytest.mark.parametrize("suggestions", [True, False])
async def test_field_suggestions_follow_the_setting(
    database_url: str, tmp_path: Path, upstream: CountingTransport, suggestions: bool
) -> None:
    settings = Settings(
        database_url=database_url,
        dev_secret_file=tmp_path / "secret",
        scheduler_enabled=False,
        field_suggestions=suggestions,
    )
    query = '{ company(siret: "84215637400014") { turnove } }'
    async with served(settings) as gateway:
        (error,) = (await gateway.client.post("/graphql", json={"query": query})).json()["errors"]
    assert error["message"].startswith("Cannot query field 'turnove' on type 'Company'.")
    assert ("Did you mean 'turnover'?" in error["message"]) is suggestions
    assert error["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}


__all__ = ["client"]  # the fixture, shared with the hostile inputs' tests


async def test_an_extension_s_failure_is_masked_too(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: SubscriptionsOnlyOverWebsockets) -> Iterator[None]:
        raise RuntimeError("secret internal detail")
        yield

    monkeypatch.setattr(SubscriptionsOnlyOverWebsockets, "on_execute", broken)
    context = SimpleNamespace(request_id="req-0001")
    result = await build_schema(Settings()).execute("{ __typename }", context_value=context)
    (error,) = result.errors or ()
    assert error.message == "Unexpected error."
    assert error.extensions == {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-0001"}
