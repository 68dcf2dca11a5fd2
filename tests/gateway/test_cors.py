"""CORS: the allowed origins' pages may call /graphql from a browser, without credentials;
other origins get no CORS header."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from gateway.cors import cors_policy
from gateway.settings import Settings
from tests.gateway.serving import served
from tests.gateway.test_introspection import PRODUCTION

APP = "https://app.example"
PREFLIGHT = {
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "authorization, content-type",
}


@pytest.fixture
async def client(database_url: str, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
        database_url=database_url,
        dev_secret_file=tmp_path / "secret",
        scheduler_enabled=False,
        cors_allowed_origins=[APP],
    )
    async with served(settings) as gateway:
        yield gateway.client


async def test_the_preflight_of_an_allowed_origin_is_granted_without_credentials(
    client: httpx.AsyncClient,
) -> None:
    response = await client.options("/graphql", headers={"Origin": APP, **PREFLIGHT})
    assert response.status_code in (200, 204)
    assert response.headers["access-control-allow-origin"] == APP
    assert "POST" in response.headers["access-control-allow-methods"]
    allowed = response.headers["access-control-allow-headers"].lower()
    assert "authorization" in allowed and "content-type" in allowed
    assert "access-control-allow-credentials" not in response.headers


async def test_an_allowed_origin_reads_the_answer_and_its_request_id(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/graphql", json={"query": "{ viewer { kind } }"}, headers={"Origin": APP}
    )
    assert response.json() == {"data": {"viewer": {"kind": "ANONYMOUS"}}}
    assert response.headers["access-control-allow-origin"] == APP
    assert "x-request-id" in response.headers["access-control-expose-headers"].lower()
    assert "access-control-allow-credentials" not in response.headers


@pytest.mark.parametrize("origin", ["https://evil.example", "https://app.example.evil.example"])
async def test_another_origin_gets_no_cors_header(client: httpx.AsyncClient, origin: str) -> None:
    preflight = await client.options("/graphql", headers={"Origin": origin, **PREFLIGHT})
    assert preflight.status_code == 403
    assert preflight.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert not [h for h in preflight.headers if h.startswith("access-control-")]
    simple = await client.post(
        "/graphql", json={"query": "{ viewer { kind } }"}, headers={"Origin": origin}
    )
    assert not [h for h in simple.headers if h.startswith("access-control-")]


@pytest.mark.parametrize(
    ("origin", "granted"),
    [
        ("http://localhost:5173", True),
        ("http://127.0.0.1:3000", True),
        ("http://localhost.evil.example", False),
        (APP, False),
    ],
)
async def test_the_sandbox_allows_pages_served_from_this_machine(
    database_url: str, tmp_path: Path, origin: str, granted: bool
) -> None:
    settings = Settings(
        database_url=database_url, dev_secret_file=tmp_path / "secret", scheduler_enabled=False
    )
    async with served(settings) as gateway:
        response = await gateway.client.options("/graphql", headers={"Origin": origin, **PREFLIGHT})
        assert (response.headers.get("access-control-allow-origin") == origin) is granted


def test_no_origin_is_allowed_by_default_in_production() -> None:
    assert cors_policy(Settings(**PRODUCTION)) is None
    listed = Settings(**PRODUCTION, cors_allowed_origins="https://a.example, https://b.example/")
    assert listed.cors_allowed_origins == ["https://a.example", "https://b.example"]
    assert listed.cors_origin_regex is None


async def test_a_request_without_origin_is_served_and_varies_by_origin(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/graphql", json={"query": "{ viewer { kind } }"})
    assert response.json() == {"data": {"viewer": {"kind": "ANONYMOUS"}}}
    assert "Origin" in response.headers["vary"]
    assert not [h for h in response.headers if h.startswith("access-control-")]


def test_an_answer_that_varies_already_varies_by_origin_too_and_is_granted_once() -> None:
    policy = cors_policy(Settings(**PRODUCTION, cors_allowed_origins=APP))
    assert policy is not None
    headers = [
        (b"vary", b"Accept"),
        (b"access-control-allow-origin", b"https://stale.example"),
        (b"content-type", b"application/json"),
    ]
    policy.mark(APP, headers)
    assert [value for name, value in headers if name == b"vary"] == [b"Accept, Origin"]
    assert [value for name, value in headers if name == b"access-control-allow-origin"] == [
        APP.encode()
    ]
    assert (b"content-type", b"application/json") in headers
