from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import jwt
import pytest

from sandbox.oidc import OIDCProvider, create_app, create_multi_app
from sandbox.oidc.app import (
    DISCOVERY_PATH,
    JWKS_PATH,
    MINT_PATH,
    providers_setting,
    sandbox_providers,
)
from tests.servers import serving


@pytest.fixture
async def provider() -> AsyncIterator[OIDCProvider]:
    provider = OIDCProvider()
    async with serving(create_app(provider)) as url:
        provider.issuer = url
        yield provider


@pytest.fixture
async def http(provider: OIDCProvider) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=provider.issuer) as client:
        yield client


async def test_discovery_names_the_issuer_and_its_jwks(
    provider: OIDCProvider, http: httpx.AsyncClient
) -> None:
    document = (await http.get(DISCOVERY_PATH)).json()
    assert document["issuer"] == provider.issuer
    assert document["jwks_uri"] == provider.issuer + JWKS_PATH


async def test_issued_token_verifies_with_the_served_key(
    provider: OIDCProvider, http: httpx.AsyncClient
) -> None:
    token = provider.issue({"sub": "a1", "aud": "hub", "email": "a@b.example"})
    keys = {key["kid"]: key for key in (await http.get(JWKS_PATH)).json()["keys"]}
    kid = jwt.get_unverified_header(token)["kid"]
    payload = jwt.decode(token, jwt.PyJWK(keys[kid]), algorithms=["RS256"], audience="hub")
    assert (payload["iss"], payload["sub"]) == (provider.issuer, "a1")


async def test_rotation_publishes_a_new_current_key_and_retirement_removes_the_old(
    provider: OIDCProvider, http: httpx.AsyncClient
) -> None:
    old = provider.current_kid
    new = provider.rotate()
    assert jwt.get_unverified_header(provider.issue({"sub": "a"}))["kid"] == new
    assert [key["kid"] for key in (await http.get(JWKS_PATH)).json()["keys"]] == [old, new]
    provider.retire(old)
    assert [key["kid"] for key in (await http.get(JWKS_PATH)).json()["keys"]] == [new]
    assert jwt.get_unverified_header(provider.issue({"sub": "a"}, kid=old))["kid"] == old


async def test_ec_keys_are_published_for_es256(
    provider: OIDCProvider, http: httpx.AsyncClient
) -> None:
    kid = provider.rotate("EC")
    key = next(k for k in (await http.get(JWKS_PATH)).json()["keys"] if k["kid"] == kid)
    assert (key["kty"], key["crv"], key["alg"]) == ("EC", "P-256", "ES256")
    assert jwt.get_unverified_header(provider.issue({"sub": "a"}))["alg"] == "ES256"


async def test_outage_answers_503_and_requests_are_counted(
    provider: OIDCProvider, http: httpx.AsyncClient
) -> None:
    provider.available = False
    assert (await http.get(JWKS_PATH)).status_code == 503
    assert (await http.get(DISCOVERY_PATH)).status_code == 503
    assert provider.requests == {JWKS_PATH: 1, DISCOVERY_PATH: 1}


async def test_two_issuers_share_one_server_each_with_its_own_keys() -> None:
    agents, hub = OIDCProvider(), OIDCProvider()
    async with serving(create_multi_app({"agents": agents, "hub": hub})) as url:
        agents.issuer, hub.issuer = f"{url}/agents", f"{url}/hub"
        async with httpx.AsyncClient() as http:
            for provider in (agents, hub):
                document = (await http.get(provider.issuer + DISCOVERY_PATH)).json()
                assert document["issuer"] == provider.issuer
                keys = (await http.get(document["jwks_uri"])).json()["keys"]
                assert [key["kid"] for key in keys] == [provider.current_kid]
    assert agents.current_kid != hub.current_kid
    assert agents.requests == hub.requests == {DISCOVERY_PATH: 1, JWKS_PATH: 1}


async def test_mint_answers_a_token_with_the_given_claims_and_a_verified_email(
    provider: OIDCProvider, http: httpx.AsyncClient
) -> None:
    response = await http.get(MINT_PATH, params={"email": "a@b.example", "given_name": "Ana",
                                                 "usual_name": "Bel", "siret": "13002526500013",
                                                 "admin": "true"})  # fmt: skip
    keys = {key["kid"]: key for key in (await http.get(JWKS_PATH)).json()["keys"]}
    kid = jwt.get_unverified_header(response.text)["kid"]
    claims = jwt.decode(response.text, jwt.PyJWK(keys[kid]), algorithms=["RS256"],
                        audience="hub-gateway")  # fmt: skip
    assert claims["email"] == "a@b.example" and claims["email_verified"] is True
    assert (claims["given_name"], claims["usual_name"], claims["siret"]) == (
        "Ana",
        "Bel",
        "13002526500013",
    )
    assert claims["sub"].startswith("sandbox-") and "admin" not in claims
    assert (await http.get(MINT_PATH)).status_code == 400


def test_the_sandbox_setting_names_an_agents_and_a_company_provider() -> None:
    providers = sandbox_providers("http://127.0.0.1:8002")
    assert json.loads(providers_setting(providers)) == [
        {"issuer": "http://127.0.0.1:8002/agents", "audience": "hub-gateway", "kind": "AGENT"},
        {"issuer": "http://127.0.0.1:8002/hub", "audience": "hub-gateway", "kind": "COMPANY"},
    ]
