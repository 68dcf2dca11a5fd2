"""The stand-in API Entreprise validates, answers and fails like the real one."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from sandbox.entreprise import SandboxConfig, create_app

TOKEN = "sandbox-token"
PARAMS = {"context": "Hub", "recipient": "13002526500013", "object": "Tests"}
LEROY = "/v3/insee/sirene/etablissements/84215637400014"


def _client(config: SandboxConfig | None = None) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(config)),
        base_url="http://sandbox",
        headers={"Authorization": f"Bearer {TOKEN}"},
    )


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with _client() as client:
        yield client


async def test_known_etablissement_is_served_in_the_wire_format(client: httpx.AsyncClient) -> None:
    response = await client.get(LEROY, params=PARAMS)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"data", "links", "meta"}
    assert (
        body["data"]["unite_legale"]["personne_morale_attributs"]["raison_sociale"] == "LEROY SAS"
    )
    assert isinstance(body["data"]["date_creation"], int)
    assert {"ratelimit-limit", "ratelimit-remaining", "ratelimit-reset"} <= set(response.headers)


@pytest.mark.parametrize(
    "path",
    [
        "/v3/insee/sirene/unites_legales/842156374",
        "/v3/infogreffe/rcs/unites_legales/842156374/mandataires_sociaux",
        "/v3/dgfip/etablissements/84215637400014/chiffres_affaires",
        "/v4/urssaf/unites_legales/842156374/attestation_vigilance",
        "/v4/dgfip/unites_legales/842156374/attestation_fiscale",
    ],
)
async def test_every_endpoint_answers_for_leroy(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path, params=PARAMS)
    assert response.status_code == 200
    assert "data" in response.json()


@pytest.mark.parametrize("authorization", [None, "Bearer wrong", "sandbox-token"])
async def test_missing_or_wrong_token_is_401(authorization: str | None) -> None:
    async with _client() as client:
        headers = {"Authorization": authorization} if authorization else {}
        if authorization is None:
            del client.headers["Authorization"]
        response = await client.get(LEROY, params=PARAMS, headers=headers)

    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "00101"


@pytest.mark.parametrize("missing", ["context", "recipient", "object"])
async def test_missing_mandatory_parameter_is_422_naming_it(
    client: httpx.AsyncClient, missing: str
) -> None:
    params = {key: value for key, value in PARAMS.items() if key != missing}

    response = await client.get(LEROY, params=params)

    assert response.status_code == 422
    assert missing in response.json()["errors"][0]["detail"]


async def test_recipient_must_be_a_siret(client: httpx.AsyncClient) -> None:
    response = await client.get(LEROY, params={**PARAMS, "recipient": "1234"})
    assert response.status_code == 422
    assert "recipient" in response.json()["errors"][0]["detail"]


@pytest.mark.parametrize(
    "path",
    ["/v3/insee/sirene/etablissements/84215637400015", "/v3/insee/sirene/unites_legales/12345"],
)
async def test_malformed_identifier_is_422(client: httpx.AsyncClient, path: str) -> None:
    assert (await client.get(path, params=PARAMS)).status_code == 422


async def test_unknown_company_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/v3/insee/sirene/etablissements/12345678200010", params=PARAMS)
    assert response.status_code == 404
    assert response.json()["errors"][0]["title"] == "Entité non trouvée"


async def test_sole_trader_has_no_rcs_directors(client: httpx.AsyncClient) -> None:
    path = "/v3/infogreffe/rcs/unites_legales/900123456/mandataires_sociaux"
    assert (await client.get(path, params=PARAMS)).status_code == 404


async def test_error_rate_injects_502_or_503(client: httpx.AsyncClient) -> None:
    await client.post("/_sandbox/faults", json={"error_rate": 1})

    response = await client.get(LEROY, params=PARAMS)

    assert response.status_code in (502, 503)
    assert "errors" in response.json()


async def test_rate_limit_rate_injects_429_with_retry_after(client: httpx.AsyncClient) -> None:
    await client.post("/_sandbox/faults", json={"rate_limit_rate": 1})

    response = await client.get(LEROY, params=PARAMS)

    assert response.status_code == 429
    assert response.headers["retry-after"] == "1"


async def test_timeout_rate_hangs_for_timeout_seconds(client: httpx.AsyncClient) -> None:
    await client.post("/_sandbox/faults", json={"timeout_rate": 1, "timeout_seconds": 0.05})

    response = await client.get(LEROY, params=PARAMS)

    assert response.status_code == 504


async def test_faults_can_be_read_changed_and_rejected(client: httpx.AsyncClient) -> None:
    assert (await client.get("/_sandbox/faults")).json()["error_rate"] == 0
    changed = await client.post("/_sandbox/faults", json={"latency_ms": 5, "error_rate": 0.5})
    assert changed.json()["latency_ms"] == 5 and changed.json()["error_rate"] == 0.5
    assert (await client.post("/_sandbox/faults", json={"error_rate": 2})).status_code == 400
    assert (await client.post("/_sandbox/faults", json={"nope": 1})).status_code == 400
    assert (await client.post("/_sandbox/faults", content=b"[1]")).status_code == 400


async def test_stats_count_calls_per_path_and_reset(client: httpx.AsyncClient) -> None:
    await client.get(LEROY, params=PARAMS)
    await client.get(LEROY, params=PARAMS)
    await client.get("/v3/insee/sirene/unites_legales/842156374", params=PARAMS)

    stats = (await client.get("/_sandbox/stats")).json()
    assert stats["calls"][LEROY] == 2
    assert stats["total"] == 3

    await client.post("/_sandbox/stats/reset")
    assert (await client.get("/_sandbox/stats")).json() == {"total": 0, "calls": {}}


async def test_quota_headers_count_down_and_429_past_the_quota() -> None:
    async with _client(SandboxConfig(quota_per_minute=2)) as client:
        first = await client.get(LEROY, params=PARAMS)
        second = await client.get(LEROY, params=PARAMS)
        third = await client.get(LEROY, params=PARAMS)

    assert first.headers["ratelimit-remaining"] == "1"
    assert second.headers["ratelimit-remaining"] == "0"
    assert third.status_code == 429 and int(third.headers["retry-after"]) >= 1
