"""Hostile requests over HTTP (the ASGI app with its lifespan): each gets a clear 4xx or a
coded GraphQL error, nothing runs that should not, and the gateway answers normally after."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from gateway.app import dev_issuer
from gateway.settings import Settings
from tests.conftest import CountingTransport
from tests.gateway.serving import served

DURAND = "pierre.durand@cci-gard.example"
MUTATION = 'mutation { createProject(siret: "84215637400014", title: "CSRF") { id } }'
CLAIRE = "claire.leroy@leroy-sas.example"  # may create LEROY's projects


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        dev_secret_file=tmp_path / "secret",
        scheduler_enabled=False,
        max_body_bytes=200_000,
    )


@pytest.fixture
async def client(
    settings: Settings, upstream: CountingTransport
) -> AsyncIterator[httpx.AsyncClient]:
    sandbox = httpx.AsyncClient(
        base_url="http://sandbox.test",
        transport=upstream,
        headers={"Authorization": "Bearer sandbox-token"},
    )
    async with served(settings, entreprise_client=sandbox, timeout_s=30) as gateway:
        yield gateway.client
        # the process is unharmed: a normal query still answers
        after = await gateway.client.post("/graphql", json={"query": "{ viewer { kind } }"})
        assert after.status_code == 200
        assert after.json() == {"data": {"viewer": {"kind": "ANONYMOUS"}}}


def _auth(settings: Settings, email: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {dev_issuer(settings).issue(subject=email, email=email)}"}


async def _projects(database_url: str) -> int:
    engine = sa.ext.asyncio.create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            return int(await connection.scalar(sa.text("SELECT count(*) FROM projects")) or 0)
    finally:
        await engine.dispose()


async def _post(client: httpx.AsyncClient, body: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    async with asyncio.timeout(20):  # never hangs
        response = await client.post("/graphql", json=body, **kwargs)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _codes(body: dict[str, Any]) -> set[str]:
    return {e.get("extensions", {}).get("code", "GRAPHQL_VALIDATION") for e in body["errors"]}


async def test_a_body_over_the_limit_is_413_before_anything_reads_it(
    client: httpx.AsyncClient, upstream: CountingTransport
) -> None:
    query = '{ company(siret: "84215637400014") { name } }'
    padded = json.dumps({"query": query, "variables": {"pad": "x" * 300_000}}).encode()
    declared = await client.post(
        "/graphql", content=padded, headers={"content-type": "application/json"}
    )
    assert declared.status_code == 413
    assert declared.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it comes
        for start in range(0, len(padded), 16_384):
            yield padded[start : start + 16_384]

    streamed = await client.post(
        "/graphql", content=chunks(), headers={"content-type": "application/json"}
    )
    assert streamed.status_code == 413
    assert sum(upstream.calls.values()) == 0


async def test_a_body_under_the_limit_is_passed_on_whole(client: httpx.AsyncClient) -> None:
    spaced = "842 156 374 00014" + " " * 150_000  # spaces are removed from a SIRET
    body = {
        "query": "query($s: String!) { company(siret: $s) { siret } }",
        "variables": {"s": spaced},
    }
    assert (await _post(client, body)) == {"data": {"company": {"siret": "84215637400014"}}}


@pytest.mark.parametrize(
    ("content", "status", "says"),
    [
        (b'{"query": ', 400, "JSON"),
        (b'"{ viewer { kind } }"', 400, "JSON object"),
        (b"42", 400, "JSON object"),
        (b"null", 400, "JSON object"),
        (b'[{"query": "{ viewer { kind } }"}, {"query": "{ viewer { kind } }"}]', 400, "Batching"),
        (b'{"variables": {}}', 400, "No GraphQL query"),
        (b'{"query": 1}', 400, "must be a string"),
        (b'{"query": "{ viewer { kind } }", "variables": [1]}', 400, "variables"),
    ],
)
async def test_malformed_or_batched_bodies_are_400(
    client: httpx.AsyncClient, content: bytes, status: int, says: str
) -> None:
    response = await client.post(
        "/graphql", content=content, headers={"content-type": "application/json"}
    )
    assert response.status_code == status
    assert says in response.text


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"content": json.dumps({"query": MUTATION}), "headers": {"content-type": "text/plain"}},
        {"data": {"query": MUTATION}},  # a cross-site HTML form
        {"files": {"operations": (None, json.dumps({"query": MUTATION})), "map": (None, "{}")}},
        {"content": json.dumps({"query": MUTATION})},  # no content type at all
    ],
    ids=["text-plain", "form", "multipart-without-csrf-header", "no-content-type"],
)
async def test_what_a_cross_site_page_can_send_is_415_and_runs_nothing(
    client: httpx.AsyncClient,
    settings: Settings,
    database_url: str,
    request_kwargs: dict[str, Any],
) -> None:
    before = await _projects(database_url)
    headers = {**_auth(settings, CLAIRE), **request_kwargs.pop("headers", {})}
    response = await client.post("/graphql", headers=headers, **request_kwargs)
    assert response.status_code == 415
    assert await _projects(database_url) == before
    # the same mutation as JSON does run: the refusal was the content type
    ran = await _post(client, {"query": MUTATION}, headers=_auth(settings, CLAIRE))
    assert ran["data"]["createProject"]["id"]


async def test_a_mutation_over_get_is_refused_and_runs_nothing(
    client: httpx.AsyncClient, settings: Settings, database_url: str
) -> None:
    before = await _projects(database_url)
    response = await client.get(
        "/graphql",
        params={"query": MUTATION},
        headers={**_auth(settings, CLAIRE), "accept": "application/json"},
    )
    assert response.status_code in (400, 405)
    assert await _projects(database_url) == before
    other = await client.put("/graphql", json={"query": MUTATION}, headers=_auth(settings, CLAIRE))
    assert other.status_code == 405


async def test_a_deep_query_is_refused_before_any_call(
    client: httpx.AsyncClient, upstream: CountingTransport
) -> None:
    nested = "company { siret }"
    for _ in range(8):
        nested = f"referent {{ company {{ {nested} }} }}"
    body = await _post(client, {"query": f'{{ company(siret: "84215637400014") {{ {nested} }} }}'})
    assert body["data"] is None
    assert "maximum operation depth" in body["errors"][0]["message"]
    assert sum(upstream.calls.values()) == 0


async def test_an_alias_bomb_is_refused(client: httpx.AsyncClient) -> None:
    few = " ".join(f"a{i}: viewer {{ kind }}" for i in range(60))
    body = await _post(client, {"query": f"{{ {few} }}"})
    assert body["data"] is None and "aliases" in body["errors"][0]["message"]
    many = " ".join(f"a{i}: viewer {{ kind }}" for i in range(2000))
    body = await _post(client, {"query": f"{{ {many} }}"})
    assert body["data"] is None and "tokens" in body["errors"][0]["message"]


async def test_a_fragment_bomb_is_refused_before_validation(
    client: httpx.AsyncClient, upstream: CountingTransport
) -> None:
    fragments = " ".join(
        f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, 25)
    )
    query = (
        f"query {{ ...F24 }} {fragments} "
        'fragment F0 on Query { company(siret: "84215637400014") { name } }'
    )
    body = await _post(client, {"query": query})
    assert body["data"] is None
    assert _codes(body) == {"QUERY_TOO_COMPLEX"}
    assert sum(upstream.calls.values()) == 0


async def test_a_fragment_cycle_is_refused(client: httpx.AsyncClient) -> None:
    query = (
        "query { ...A } fragment A on Query { viewer { kind } ...B } fragment B on Query { ...A }"
    )
    body = await _post(client, {"query": query})
    assert body["data"] is None
    assert "Cannot spread fragment" in body["errors"][0]["message"]


@pytest.mark.parametrize(
    ("query", "variables", "argument"),
    [
        (
            "query($f: [String!]) { agents(filter: {filieres: $f}) { totalCount } }",
            {"f": ["bois"] * 5000},
            "filieres",
        ),
        (
            "query($f: [String!]) { agents(filter: {domains: $f}) { totalCount } }",
            {"f": ["x" * 1000]},
            "domains",
        ),
        (
            "query($n: String) { agents(filter: {name: $n}) { totalCount } }",
            {"n": "é" * 50_000},
            "name",
        ),
        (
            "query($n: String) { structures(filter: {name: $n}) { totalCount } }",
            {"n": "%" * 50_000},
            "name",
        ),
        ("query($id: ID!) { agent(id: $id) { name } }", {"id": "agent-" * 10_000}, "id"),
        ("query($s: String!) { company(siret: $s) { name } }", {"s": "1" * 100_000}, "siret"),
        (
            "mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) }",
            {"ids": [str(i) for i in range(5000)]},
            "ids",
        ),
        (
            (
                'mutation($t: String) { createProject(siret: "84215637400014", title: "T", theme: $t) '
                "{ id } }"
            ),
            {"t": "t" * 10_000},
            "theme",
        ),
        (
            (
                'mutation($p: String) { addCollaborator(siret: "84215637400014", email: "n@n.example", '
                'name: "N", phone: $p) { status } }'
            ),
            {"p": "0" * 10_000},
            "phone",
        ),
    ],
    ids=[
        "huge-list",
        "long-list-item",
        "long-name",
        "long-structure-name",
        "long-id",
        "long-siret",
        "huge-id-list",
        "long-theme",
        "long-phone",
    ],
)
async def test_huge_lists_and_very_long_strings_are_bad_user_input(
    client: httpx.AsyncClient,
    settings: Settings,
    query: str,
    variables: dict[str, Any],
    argument: str,
) -> None:
    body = await _post(
        client,
        {"query": query, "variables": variables},
        headers=_auth(settings, CLAIRE if "mutation" in query else DURAND),
    )
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert error["extensions"].get("argument", argument) == argument
    assert len(error["message"]) < 200  # the input is not echoed back


ADMIN = "helene.vidal@laregion.example"
RAW_JSON = {"content-type": "application/json"}


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b'{"query": "{ viewer { kind } }", "operationName": "\xff\xfe"}', "not valid UTF-8"),
        (b'{"query": "{ viewer { \xc3 kind } }"}', "not valid UTF-8"),
        (
            (b'{"query": "query($s: String!) { company(siret: $s) { name } }", '
            b'"variables": {"s": "\\ud800"}}'),
            "lone UTF-16 surrogate",
        ),
        (
            (b'{"query": "query($id: ID!) { application(id: $id) { id } }", '
            b'"variables": {"id": "app-\\udfff"}}'),
            "lone UTF-16 surrogate",
        ),
        (
            b'{"query": "{ viewer { kind } }", "variables": {"a": '
            + b"[" * 50_000
            + b"]" * 50_000
            + b"}}",
            "nests more than 64 levels",
        ),
        (
            b'{"query": "{ viewer { kind } }", "variables": {"a": '
            + b'{"a": ' * 65
            + b"1"
            + b"}" * 65
            + b"}}",
            "nests more than 64 levels",
        ),
    ],
    ids=["bad-utf8-in-a-string", "truncated-utf8", "surrogate-siret", "surrogate-id",
         "deep-json", "just-too-deep-json"],
)  # fmt: skip
async def test_unreadable_json_is_400_bad_user_input_with_the_reason(
    client: httpx.AsyncClient, settings: Settings, content: bytes, says: str
) -> None:
    response = await client.post(
        "/graphql", content=content, headers={**RAW_JSON, **_auth(settings, DURAND)}
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    (error,) = response.json()["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT"}
    assert says in error["message"]


async def test_json_nested_within_the_bound_is_read(client: httpx.AsyncClient) -> None:
    nested = '{"a": ' * 60 + "1" + "}" * 60
    body = f'{{"query": "{{ viewer {{ kind }} }}", "variables": {{"unused": {nested}}}}}'
    response = await client.post("/graphql", content=body.encode(), headers=RAW_JSON)
    assert response.json() == {"data": {"viewer": {"kind": "ANONYMOUS"}}}


async def test_a_lone_surrogate_in_the_document_is_a_parse_failure(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    for query in (
        '{ company(siret: "\\ud800") { name } }',
        '{ application(id: "\\ud800") { id } }',
    ):
        body = await _post(client, {"query": query}, headers=_auth(settings, DURAND))
        assert body["data"] is None
        (error,) = body["errors"]
        assert error["extensions"] == {"code": "GRAPHQL_PARSE_FAILED"}
        assert "Unicode" in error["message"]


@pytest.mark.parametrize(
    ("query", "variables", "as_"),
    [
        (
            '{ company(siret: "84215637400014") { deMinimis(asOf: "0001-01-01") { total } } }',
            None,
            DURAND,
        ),
        (
            'query($d: Date) { company(siret: "84215637400014") { deMinimis(asOf: $d) { total } } }',
            {"d": "9999-12-31"},
            DURAND,
        ),
        (
            "query($f: AuditFilterInput) { auditTrail(filter: $f) { totalCount } }",
            {"f": {"from": "0001-01-01T00:00:00+00:00"}},
            ADMIN,
        ),
        (
            '{ auditTrail(filter: {to: "9999-12-31T23:59:59+14:00"}) { totalCount } }',
            None,
            ADMIN,
        ),
    ],
    ids=["de-minimis-literal", "de-minimis-variable", "audit-from", "audit-to"],
)
async def test_extreme_dates_are_bad_user_input(
    client: httpx.AsyncClient,
    settings: Settings,
    upstream: CountingTransport,
    query: str,
    variables: dict[str, Any] | None,
    as_: str,
) -> None:
    body = await _post(
        client, {"query": query, "variables": variables}, headers=_auth(settings, as_)
    )
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert "between the years 1900 and 2999" in error["message"]
    assert sum(upstream.calls.values()) == 0


@pytest.mark.parametrize(
    ("content", "status", "code"),
    [
        (b'{"query": ', 400, "BAD_USER_INPUT"),
        (b'{"variables": {}}', 400, "BAD_USER_INPUT"),
    ],
)
async def test_the_http_layer_answers_its_errors_as_coded_json(
    client: httpx.AsyncClient, content: bytes, status: int, code: str
) -> None:
    response = await client.post("/graphql", content=content, headers=RAW_JSON)
    assert response.status_code == status
    assert response.json()["errors"][0]["extensions"] == {"code": code}
    put = await client.put("/graphql", json={"query": "{ viewer { kind } }"})
    assert put.status_code == 405
    assert put.json()["errors"][0]["extensions"] == {"code": "METHOD_NOT_ALLOWED"}
    plain = await client.post("/graphql", content=b"{}", headers={"content-type": "text/plain"})
    assert plain.status_code == 415
    assert plain.json()["errors"][0]["extensions"] == {"code": "UNSUPPORTED_MEDIA_TYPE"}
