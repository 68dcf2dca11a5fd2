"""The app over HTTP (ASGI, with its lifespan): tokens, GraphiQL, health, limits, errors."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from gateway.app import dev_issuer
from gateway.graphql import build_schema
from gateway.settings import ConfigurationError, Settings
from tests.conftest import CountingTransport
from tests.gateway.serving import served

LEROY_QUERY = (
    '{ company(siret: "84215637400014") { name turnover { year } } viewer { kind email } }'
)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    # The scheduled jobs have their own tests (test_app_workflow, test_scheduler).
    return Settings(
        database_url=database_url, dev_secret_file=tmp_path / "secret", scheduler_enabled=False
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
    async with served(settings, entreprise_client=sandbox) as gateway:
        yield gateway.client


def _token(settings: Settings, email: str, **kwargs: float) -> str:
    return dev_issuer(settings).issue(subject=email, email=email, **kwargs)


async def test_anonymous_query_gets_public_data_and_refusals(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": LEROY_QUERY})
    assert response.status_code == 200
    body = response.json()
    assert body["data"]["company"]["name"] == "LEROY SAS"
    assert body["data"]["viewer"] == {"kind": "ANONYMOUS", "email": None}
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
    assert body["errors"][0]["path"] == ["company", "turnover"]


async def test_referent_token_opens_tier2(client: httpx.AsyncClient, settings: Settings) -> None:
    token = _token(settings, "pierre.durand@cci-gard.example")
    response = await client.post(
        "/graphql", json={"query": LEROY_QUERY}, headers={"Authorization": f"Bearer {token}"}
    )
    body = response.json()
    assert "errors" not in body
    assert len(body["data"]["company"]["turnover"]) == 3
    assert body["data"]["viewer"] == {"kind": "AGENT", "email": "pierre.durand@cci-gard.example"}


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("Bearer not-a-token", "not valid"),
        ("Basic dXNlcjpwYXNz", "Bearer"),
        ("Bearer", "Bearer"),
    ],
)
async def test_bad_authorization_is_401_with_a_clear_message(
    client: httpx.AsyncClient, header: str, reason: str
) -> None:
    response = await client.post(
        "/graphql", json={"query": "{ viewer { kind } }"}, headers={"Authorization": header}
    )
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert reason in error["message"]


async def test_expired_token_is_401(client: httpx.AsyncClient, settings: Settings) -> None:
    token = _token(settings, "pierre.durand@cci-gard.example", now=time.time() - 86_400)
    response = await client.post(
        "/graphql",
        json={"query": "{ viewer { kind } }"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 401
    assert "expired" in response.json()["errors"][0]["message"]


async def test_token_for_an_unknown_person_is_served_as_unregistered_saying_why(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    token = _token(settings, "nobody@nowhere.example")
    response = await client.post(
        "/graphql",
        json={"query": "{ viewer { kind } }"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200
    assert response.json()["data"] == {"viewer": {"kind": "UNREGISTERED"}}
    assert response.json()["extensions"]["identity"]["code"] == "NO_ACCOUNT_YET"


async def test_graphiql_is_served_locally_with_a_csp(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    html = response.text
    assert "/static/graphiql/" in html
    assert "unpkg" not in html and "jsdelivr" not in html and "https://" not in html


async def test_queries_over_get_are_refused(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", params={"query": "{ viewer { kind } }"})
    assert response.status_code in (400, 405)


async def test_health_and_readiness(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["database"] == "ok"


async def test_the_gateway_makes_its_own_request_id_and_keeps_the_client_s_beside_it(
    client: httpx.AsyncClient,
) -> None:
    given = await client.get("/healthz", headers={"X-Request-Id": "abc-12345678"})
    assert len(given.headers["x-request-id"]) == 32
    assert given.headers["x-request-id"] != "abc-12345678"
    assert given.headers["x-client-request-id"] == "abc-12345678"
    again = await client.get("/healthz", headers={"X-Request-Id": "abc-12345678"})
    assert again.headers["x-request-id"] != given.headers["x-request-id"]
    made = await client.get("/healthz", headers={"X-Request-Id": "bad id!"})
    assert len(made.headers["x-request-id"]) == 32
    assert "x-client-request-id" not in made.headers


async def test_too_many_aliases_are_refused(client: httpx.AsyncClient) -> None:
    nested = "{ viewer { kind } " + "".join(f"a{i}: viewer {{ kind }} " for i in range(40)) + "}"
    body = (await client.post("/graphql", json={"query": nested})).json()
    assert body["data"] is None
    assert "alias" in body["errors"][0]["message"].lower()


async def test_unexpected_error_is_masked_with_a_request_id(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import resolvers.company

    async def broken(info, siret):  # type: ignore[no-untyped-def]
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(resolvers.company, "etablissement", broken)
    response = await client.post(
        "/graphql", json={"query": LEROY_QUERY}, headers={"X-Request-Id": "req-12345678"}
    )
    error = response.json()["errors"][0]
    assert error["message"] == "Unexpected error."
    request_id = response.headers["x-request-id"]
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
    assert "secret internal detail" not in response.text


def test_dev_issuer_refuses_to_start_beside_a_real_identity_provider(tmp_path: Path) -> None:
    settings = Settings(oidc_issuer="https://idp.example", dev_secret_file=tmp_path / "s")
    with pytest.raises(ConfigurationError):
        dev_issuer(settings)


async def test_too_deep_query_is_refused_before_any_call(upstream: CountingTransport) -> None:
    schema = build_schema(Settings(max_depth=3))
    deep = '{ company(siret: "84215637400014") { referent { agent { structure { name } } } } }'
    result = await schema.execute(deep)
    assert result.data is None
    assert "exceeds maximum operation depth" in result.errors[0].message
    assert sum(upstream.calls.values()) == 0


async def test_metrics_count_requests_and_upstream_calls(client: httpx.AsyncClient) -> None:
    await client.post("/graphql", json={"query": LEROY_QUERY})
    await client.get("/no-such-page")
    text = (await client.get("/metrics")).text
    assert 'hub_http_requests_total{route="/graphql",status="200"}' in text
    assert 'hub_http_requests_total{route="other",status="404"}' in text
    assert 'hub_upstream_calls_total{endpoint="etablissement",source="insee",status="200"}' in text
    assert 'hub_upstream_cache_reads_total{endpoint="etablissement",result="miss"}' in text
    assert "no-such-page" not in text


async def test_the_audit_event_has_the_gateway_s_request_id_and_the_client_s_beside_it(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    token = _token(settings, "pierre.durand@cci-gard.example")
    response = await client.post(
        "/graphql",
        json={"query": LEROY_QUERY},
        headers={"Authorization": f"Bearer {token}", "X-Request-Id": "crm-req-0001"},
    )
    assert "errors" not in response.json()
    engine = create_async_engine(settings.database_url)
    try:
        async with engine.connect() as connection:
            rows = (
                await connection.execute(
                    sa.text("SELECT request_id, client_request_id FROM audit_events")
                )
            ).all()
    finally:
        await engine.dispose()
    assert [tuple(row) for row in rows] == [(response.headers["x-request-id"], "crm-req-0001")]
