"""Rate limits of people (per account) and anonymous clients (per address: the socket's
peer, or the client a trusted proxy names), with their headers, shared through Redis."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from structlog.testing import capture_logs

from gateway.app import dev_issuer
from gateway.settings import Settings
from tests.conftest import CountingTransport
from tests.gateway.serving import served

REDIS_ENV = "TEST_REDIS_URL"
QUERY = {"query": "{ viewer { kind } }"}
REFERENT = "pierre.durand@cci-gard.example"
MANDATAIRE = "claire.leroy@leroy-sas.example"

Gateway = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def gateway(database_url: str, tmp_path: Path, upstream: CountingTransport) -> Gateway:
    """A gateway whose people and anonymous clients may send 2 requests a minute."""

    @asynccontextmanager
    async def start(**overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
        settings = Settings(**{
            "database_url": database_url, "dev_secret_file": tmp_path / "secret",
            "scheduler_enabled": False, "rate_limit_person": 2, "rate_limit_anonymous": 2,
            **overrides,
        })  # fmt: skip
        sandbox = httpx.AsyncClient(base_url="http://sandbox.test", transport=upstream)
        async with served(
            settings, entreprise_client=sandbox, base_url="http://gw.test"
        ) as started:
            yield started.client

    return start


def _bearer(database_url: str, tmp_path: Path, email: str) -> dict[str, str]:
    settings = Settings(database_url=database_url, dev_secret_file=tmp_path / "secret")
    return {"Authorization": f"Bearer {dev_issuer(settings).issue(subject=email, email=email)}"}


async def test_an_anonymous_client_is_refused_past_its_limit_with_the_time_to_wait(
    gateway: Gateway,
) -> None:
    async with gateway() as client:
        answers = [await client.post("/graphql", json=QUERY) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert [a.headers["ratelimit-limit"] for a in answers] == ["2", "2", "2"]
    assert [a.headers["ratelimit-remaining"] for a in answers] == ["1", "0", "0"]
    refused = answers[-1]
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.headers["retry-after"] == refused.headers["ratelimit-reset"]
    [error] = refused.json()["errors"]
    assert error["extensions"] == {"code": "RATE_LIMITED"}
    assert error["message"].startswith("This address made more than 2 requests in a minute")
    assert "retry-after" not in answers[0].headers


async def test_each_account_has_its_own_count_apart_from_its_address(
    gateway: Gateway, database_url: str, tmp_path: Path
) -> None:
    referent = _bearer(database_url, tmp_path, REFERENT)
    mandataire = _bearer(database_url, tmp_path, MANDATAIRE)
    async with gateway() as client:
        statuses = [
            (await client.post("/graphql", json=QUERY, headers=referent)).status_code
            for _ in range(3)
        ]
        other = await client.post("/graphql", json=QUERY, headers=mandataire)
        anonymous = await client.post("/graphql", json=QUERY)
    assert statuses == [200, 200, 429]
    assert other.status_code == 200 and other.headers["ratelimit-remaining"] == "1"
    assert anonymous.status_code == 200 and anonymous.headers["ratelimit-remaining"] == "1"


async def test_a_refusal_is_logged_with_the_viewer_kind_only(
    gateway: Gateway, database_url: str, tmp_path: Path
) -> None:
    referent = _bearer(database_url, tmp_path, REFERENT)
    async with gateway(rate_limit_person=1) as client:
        await client.post("/graphql", json=QUERY, headers=referent)
        with capture_logs() as logs:
            refused = await client.post("/graphql", json=QUERY, headers=referent)
    assert refused.status_code == 429
    [event] = [log for log in logs if log["event"] == "rate_limited"]
    assert event["viewer_kind"] == "AGENT"
    assert "127.0.0.1" not in str(logs) and REFERENT not in str(logs)


async def test_a_trusted_proxy_names_the_client_and_others_cannot(gateway: Gateway) -> None:
    async with gateway(trusted_proxies="127.0.0.1") as client:
        first = [
            (await client.post("/graphql", json=QUERY, headers=_forwarded("203.0.113.7")))
            for _ in range(3)
        ]
        second = await client.post("/graphql", json=QUERY, headers=_forwarded("203.0.113.8"))
    assert [a.status_code for a in first] == [200, 200, 429]
    assert second.status_code == 200
    async with gateway() as client:  # no trusted proxy: the header names no one
        spoofed = [
            (await client.post("/graphql", json=QUERY, headers=_forwarded(f"203.0.113.{n}")))
            for n in range(3)
        ]
    assert [a.status_code for a in spoofed] == [200, 200, 429]


async def test_a_limit_of_zero_is_no_limit(gateway: Gateway) -> None:
    async with gateway(rate_limit_anonymous=0) as client:
        answers = [await client.post("/graphql", json=QUERY) for _ in range(4)]
    assert {a.status_code for a in answers} == {200}
    assert "ratelimit-limit" not in answers[0].headers


@pytest.mark.redis
async def test_two_instances_share_one_count_through_redis(gateway: Gateway) -> None:
    url = os.environ.get(REDIS_ENV)
    if not url:
        pytest.skip(f"{REDIS_ENV} is not set: the shared (Redis) rate limit is not tried")
    address = _forwarded(f"2001:db8::{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}")
    shared = {"cache_url": url, "trusted_proxies": "127.0.0.1"}
    async with gateway(**shared) as first, gateway(**shared) as second:
        statuses = [
            (await first.post("/graphql", json=QUERY, headers=address)).status_code,
            (await second.post("/graphql", json=QUERY, headers=address)).status_code,
            (await first.post("/graphql", json=QUERY, headers=address)).status_code,
        ]
    assert statuses == [200, 200, 429]


def _forwarded(address: str) -> dict[str, str]:
    return {"X-Forwarded-For": address}
