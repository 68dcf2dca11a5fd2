"""Partner keys over HTTP: made by the administrator, sent as ``Authorization: Bearer``;
unknown, revoked and expired keys answered 401 with a reason; 429 with ``Retry-After`` past
the key's rate limit; persisted documents and the keys restricted to them; and nothing in
the logs that carries a secret, a token or a person's data."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from prometheus_client import REGISTRY
from structlog.testing import capture_logs

from connectors.hubdb import create_engine
from gateway.app import create_app, dev_issuer
from gateway.persisted import document_id
from gateway.settings import ConfigurationError, Settings
from tests.conftest import CountingTransport
from tests.gateway.serving import served

VIDAL = "helene.vidal@laregion.example"
SHEET = '{ company(siret: "84215637400014") { name viewerAccess turnover { year } } }'
CREATE = """mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) {
  key apiKey { id } } }"""


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=database_url, dev_secret_file=tmp_path / "secret",
                    api_key_pepper_file=tmp_path / "pepper", scheduler_enabled=False)  # fmt: skip


@pytest.fixture
async def client(
    settings: Settings, upstream: CountingTransport
) -> AsyncIterator[httpx.AsyncClient]:
    sandbox = httpx.AsyncClient(base_url="http://sandbox.test", transport=upstream,
                                headers={"Authorization": "Bearer sandbox-token"})  # fmt: skip
    async with served(settings, entreprise_client=sandbox) as gateway:
        yield gateway.client


def _admin(settings: Settings) -> dict[str, str]:
    token = dev_issuer(settings).issue(subject=VIDAL, email=VIDAL)
    return {"Authorization": f"Bearer {token}"}


async def _post(client: httpx.AsyncClient, body: dict[str, Any], key: str | None = None,
                headers: dict[str, str] | None = None) -> httpx.Response:  # fmt: skip
    sent = dict(headers or {})
    if key is not None:
        sent["Authorization"] = f"Bearer {key}"
    return await client.post("/graphql", json=body, headers=sent)


async def _create(client: httpx.AsyncClient, settings: Settings, **extra: Any) -> tuple[str, str]:
    request = {"structureId": "cci-gard", "name": "CRM", "scopes": ["COMPANIES_READ"], **extra}
    response = await _post(client, {"query": CREATE, "variables": {"input": request}},
                           headers=_admin(settings))  # fmt: skip
    created = response.json()["data"]["createApiKey"]
    return created["key"], created["apiKey"]["id"]


async def test_a_key_reads_as_a_member_of_its_structure(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    key, _ = await _create(client, settings)
    response = await _post(client, {"query": SHEET}, key)
    assert response.status_code == 200
    body = response.json()
    assert "errors" not in body
    assert body["data"]["company"]["viewerAccess"] == "TIER2"
    assert response.headers["ratelimit-limit"] == "120"
    assert int(response.headers["ratelimit-remaining"]) == 119


@pytest.mark.parametrize(
    ("spoil", "reason"),
    [
        (lambda key: key[:-2] + "xx", "not known"),
        (lambda key: "hubk_0000000000_secret", "not known"),
    ],
)
async def test_an_unknown_key_is_401_with_a_reason(
    client: httpx.AsyncClient, settings: Settings, spoil: Any, reason: str
) -> None:
    key, _ = await _create(client, settings)
    response = await _post(client, {"query": SHEET}, spoil(key))
    assert response.status_code == 401
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "UNAUTHENTICATED" and reason in error["message"]


async def test_a_revoked_key_is_401(client: httpx.AsyncClient, settings: Settings) -> None:
    key, key_id = await _create(client, settings)
    assert (await _post(client, {"query": SHEET}, key)).status_code == 200
    revoke = "mutation ($id: ID!) { revokeApiKey(id: $id) { revokedAt } }"
    await _post(client, {"query": revoke, "variables": {"id": key_id}}, headers=_admin(settings))
    response = await _post(client, {"query": SHEET}, key)
    assert response.status_code == 401
    assert "revoked" in response.json()["errors"][0]["message"]


async def test_an_expired_key_is_401(
    client: httpx.AsyncClient, settings: Settings, database_url: str
) -> None:
    key, key_id = await _create(client, settings, expiresAt="2099-01-01T00:00:00Z")
    engine = create_engine(database_url)
    async with engine.begin() as connection:
        await connection.execute(sa.text("UPDATE partner_api_keys SET expires_at = "
                                         "'2020-01-01 00:00:00.000000' WHERE id = :id"),
                                 {"id": key_id})  # fmt: skip
    await engine.dispose()
    response = await _post(client, {"query": SHEET}, key)
    assert response.status_code == 401
    assert "expired on 2020-01-01" in response.json()["errors"][0]["message"]


async def test_past_its_rate_limit_a_key_gets_429_with_retry_after(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    key, _ = await _create(client, settings, rateLimitPerMinute=2)
    rejected_before = REGISTRY.get_sample_value("hub_rate_limited_total", {"limit": "api_key"})
    statuses = [(await _post(client, {"query": "{ viewer { kind } }"}, key)) for _ in range(3)]
    assert [r.status_code for r in statuses] == [200, 200, 429]
    rejected = REGISTRY.get_sample_value("hub_rate_limited_total", {"limit": "api_key"})
    assert rejected == (rejected_before or 0) + 1
    refused = statuses[-1]
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.headers["ratelimit-remaining"] == "0"
    assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    other, _ = await _create(client, settings, rateLimitPerMinute=2)
    assert (await _post(client, {"query": "{ viewer { kind } }"}, other)).status_code == 200


async def _register(client: httpx.AsyncClient, settings: Settings, document: str) -> str:
    mutation = "mutation ($d: String!) { registerPersistedQuery(document: $d) { id } }"
    response = await _post(client, {"query": mutation, "variables": {"d": document}},
                           headers=_admin(settings))  # fmt: skip
    return response.json()["data"]["registerPersistedQuery"]["id"]


async def test_a_restricted_key_runs_its_documents_and_nothing_else(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    doc_id = await _register(client, settings, SHEET)
    assert doc_id == document_id(SHEET)
    key, _ = await _create(client, settings, persistedQueries=[f"sha256:{doc_id}"])
    by_id = await _post(client, {"documentId": f"sha256:{doc_id}"}, key)
    by_apollo = await _post(client, {"extensions": {"persistedQuery": {
        "version": 1, "sha256Hash": doc_id}}}, key)  # fmt: skip
    by_text = await _post(client, {"query": SHEET}, key)
    for response in (by_id, by_apollo, by_text):
        assert response.status_code == 200
        assert response.json()["data"]["company"]["viewerAccess"] == "TIER2"
    other = await _post(client, {"query": "{ viewer { kind } }"}, key)
    assert other.status_code == 400
    assert other.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_REQUIRED"
    assert other.json()["data"] is None


async def test_an_unknown_document_id_is_400(client: httpx.AsyncClient) -> None:
    response = await _post(client, {"documentId": "sha256:" + "0" * 64})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


async def test_a_registered_document_runs_by_id_for_anyone_under_their_own_tiers(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    doc_id = await _register(client, settings, SHEET)
    response = await _post(client, {"documentId": doc_id})
    body = response.json()
    assert body["data"]["company"]["viewerAccess"] == "PUBLIC"
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_an_unrestricted_key_sends_any_document(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    key, _ = await _create(client, settings)
    response = await _post(client, {"query": "{ viewer { kind } }"}, key)
    assert response.json() == {"data": {"viewer": {"kind": "PARTNER"}}}


async def test_no_secret_token_email_or_name_reaches_the_logs(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    admin = _admin(settings)
    referent = dev_issuer(settings).issue(subject="d", email="pierre.durand@cci-gard.example",
                                          given_name="Pierre", family_name="Durand")  # fmt: skip
    full = (
        '{ company(siret: "84215637400014") { legalRepresentatives { firstName } '
        "collaborators { name email } turnover { year } representatives { name } } }"
    )
    with capture_logs() as logs:
        key, _ = await _create(client, settings, scopes=["COMPANIES_READ", "DIRECTORY_READ"])
        await _post(client, {"query": full}, headers={"Authorization": f"Bearer {referent}"})
        await _post(client, {"query": full}, key)
        await _post(client, {"query": full}, key[:-2] + "xx")  # refused: logged without it
        await _post(client, {"query": full}, headers={"Authorization": "Bearer forged.jwt.x"})
    written = json.dumps(logs, default=str)
    assert any(entry["event"] == "api_key.created" for entry in logs)
    assert any(entry["event"] == "token_refused" for entry in logs)
    secret = key.split("_", 2)[2]
    for forbidden in (secret, key[:-2], admin["Authorization"].split()[1], referent,
                      "Pierre", "Durand", "Claire", "Leroy", "LEROY", "Vidal", "Thomas",
                      "Blanc", "@", "pepper"):  # fmt: skip
        assert forbidden not in written, f"{forbidden!r} is in the logs"


def test_production_needs_a_pepper(tmp_path: Path) -> None:
    settings = Settings(mode="production", entreprise_url="https://entreprise.api.test",
                        oidc_issuer="https://id.example", dev_secret_file=tmp_path / "s",
                        region_catalogue_url="https://region.test",
                        bpifrance_catalogue_url="https://bpifrance.test",
                        francenum_url="https://francenum.test",
                        crealia_url="https://crealia.test",
                        france_initiative_url="https://franceinitiative.test",
                        irdi_soridec_url="https://irdisoridec.test",
                        mesaides_url="https://mesaides.test", del_url="https://del.test",
                        events_url="https://openagenda.test",
                        news_url="https://region.test/rss.xml")  # fmt: skip
    with pytest.raises(ConfigurationError, match="API_KEY_PEPPER"):
        create_app(settings)
