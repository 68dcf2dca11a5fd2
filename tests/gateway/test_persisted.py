"""Automatic persisted queries (Apollo's protocol) beside the administrator's trusted
documents, over HTTP; and ``TRUSTED_DOCUMENTS_ONLY``."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.app import dev_issuer
from gateway.persisted import document_id
from gateway.services import open_hub_database
from gateway.settings import Settings
from tests.gateway.serving import served
from tests.gateway.test_hostile_input import CLAIRE, MUTATION, _projects

QUERY = "{ viewer { kind } }"
ANSWER = {"data": {"viewer": {"kind": "ANONYMOUS"}}}
SPEC = {"accept": "application/graphql-response+json,application/json;q=0.9"}


def _apq(query: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": document_id(query)}}


def _settings(database_url: str, tmp_path: Path, **options: Any) -> Settings:
    return Settings(
        database_url=database_url,
        dev_secret_file=tmp_path / "secret",
        scheduler_enabled=False,
        **options,
    )


@pytest.fixture
async def client(database_url: str, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    async with served(_settings(database_url, tmp_path)) as gateway:
        yield gateway.client


def _code(response: httpx.Response) -> str:
    return str(response.json()["errors"][0]["extensions"]["code"])


async def test_a_hash_the_gateway_does_not_know_is_not_found_then_stored_with_its_text(
    client: httpx.AsyncClient,
) -> None:
    unknown = await client.post("/graphql", json={"extensions": _apq(QUERY)})
    assert unknown.status_code == 400
    assert unknown.json()["errors"] == [
        {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
    ]
    registered = await client.post("/graphql", json={"query": QUERY, "extensions": _apq(QUERY)})
    assert registered.json() == ANSWER
    by_hash = await client.post("/graphql", json={"extensions": _apq(QUERY)})
    assert by_hash.json() == ANSWER
    over_get = await client.get(
        "/graphql", params={"extensions": json.dumps(_apq(QUERY))}, headers=SPEC
    )
    assert (over_get.status_code, over_get.json()) == (200, ANSWER)


async def test_a_text_that_does_not_match_its_hash_is_refused_and_not_stored(
    client: httpx.AsyncClient,
) -> None:
    other = "{ viewer { email } }"
    forged = await client.post("/graphql", json={"query": other, "extensions": _apq(QUERY)})
    assert (forged.status_code, _code(forged)) == (400, "BAD_USER_INPUT")
    assert forged.json()["errors"][0]["message"] == "provided sha does not match query"
    after = await client.post("/graphql", json={"extensions": _apq(QUERY)})
    assert _code(after) == "PERSISTED_QUERY_NOT_FOUND"


async def test_a_document_that_does_not_validate_is_not_stored(client: httpx.AsyncClient) -> None:
    wrong = "{ viewer { kindd } }"
    response = await client.post("/graphql", json={"query": wrong, "extensions": _apq(wrong)})
    assert _code(response) == "GRAPHQL_VALIDATION_FAILED"
    after = await client.post("/graphql", json={"extensions": _apq(wrong)})
    assert _code(after) == "PERSISTED_QUERY_NOT_FOUND"


async def test_get_runs_persisted_queries_only_and_never_a_mutation(
    client: httpx.AsyncClient, database_url: str, tmp_path: Path
) -> None:
    settings = _settings(database_url, tmp_path)
    token = dev_issuer(settings).issue(subject=CLAIRE, email=CLAIRE)
    auth = {"Authorization": f"Bearer {token}", "accept": "application/json"}
    text = await client.get("/graphql", params={"query": QUERY}, headers=auth)
    assert (text.status_code, _code(text)) == (400, "BAD_USER_INPUT")
    assert "by POST" in text.json()["errors"][0]["message"]
    before = await _projects(database_url)
    stored = await client.post(
        "/graphql", json={"query": MUTATION, "extensions": _apq(MUTATION)}, headers=auth
    )
    assert stored.json()["data"]["createProject"]["id"]
    mutation = await client.get(
        "/graphql", params={"extensions": json.dumps(_apq(MUTATION))}, headers=auth
    )
    assert mutation.status_code in (400, 405)
    assert await _projects(database_url) == before + 1  # the POST only


async def test_trusted_documents_only_runs_the_administrator_s_documents_alone(
    database_url: str, tmp_path: Path
) -> None:
    settings = _settings(database_url, tmp_path, trusted_documents_only=True)
    trusted = "{ viewer { kind email } }"
    async with open_hub_database(settings) as database:
        await database.partners.register_document(
            document_id(trusted), trusted, name="viewer", by=None, now=datetime.now(UTC)
        )
    async with served(settings) as gateway:
        free = await gateway.client.post("/graphql", json={"query": QUERY})
        assert (free.status_code, _code(free)) == (400, "PERSISTED_QUERY_REQUIRED")
        apq = await gateway.client.post(
            "/graphql", json={"query": QUERY, "extensions": _apq(QUERY)}
        )
        assert (apq.status_code, _code(apq)) == (400, "PERSISTED_QUERY_REQUIRED")
        by_hash = await gateway.client.post("/graphql", json={"extensions": _apq(QUERY)})
        assert _code(by_hash) == "PERSISTED_QUERY_NOT_FOUND"
        expected = {"data": {"viewer": {"kind": "ANONYMOUS", "email": None}}}
        by_id = await gateway.client.post("/graphql", json={"documentId": document_id(trusted)})
        assert by_id.json() == expected
        same_text = await gateway.client.post("/graphql", json={"query": trusted})
        assert same_text.json() == expected
        params = {"documentId": f"sha256:{document_id(trusted)}"}
        over_get = await gateway.client.get("/graphql", params=params, headers=SPEC)
        assert over_get.json() == expected
