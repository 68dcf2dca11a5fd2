from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import jwt
import pytest

from sandbox.oidc import OIDCProvider, create_app
from sandbox.oidc.app import DISCOVERY_PATH, JWKS_PATH
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
