"""The gateway on real identity providers (two issuers on one local server, JWKS over HTTP):
each provider signs in its own kind of account only, a valid token naming no usable account
is served as anonymous with the reason, the mandataire check trusts the hub provider's
names only, an unreachable provider is a 503 (not a 401), and the dev issuer is off."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from auth.tokens import DevTokenIssuer
from gateway.settings import Settings
from resolvers.context import Services
from sandbox.oidc.app import OIDCProvider, create_multi_app, providers_setting
from tests.conftest import CountingTransport
from tests.gateway.serving import served
from tests.servers import serving

VIEWER = {"query": "{ viewer { kind email name } }"}
DURAND = "pierre.durand@cci-gard.example"
CLAIRE = "claire.leroy@leroy-sas.example"
ATLANTIQUE = "38271940900031"  # not on the hub; Infogreffe: Hugo LEMAIRE, Président
REGISTER = {
    "query": "mutation($siret: String!) { registerCompany(siret: $siret) { siret viewerAccess } }",
    "variables": {"siret": ATLANTIQUE},
}


@dataclass
class Gateway:
    client: httpx.AsyncClient
    agents: OIDCProvider
    hub: OIDCProvider
    services: Services

    async def post(self, body: dict[str, Any], token: str | None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return await self.client.post("/graphql", json=body, headers=headers)


@pytest.fixture
async def providers() -> AsyncIterator[tuple[OIDCProvider, OIDCProvider]]:
    agents, hub = OIDCProvider(), OIDCProvider()
    async with serving(create_multi_app({"agents": agents, "hub": hub})) as url:
        agents.issuer, hub.issuer = f"{url}/agents", f"{url}/hub"
        yield agents, hub


def _settings(database_url: str, tmp_path: Path, providers: str) -> Settings:
    return Settings(database_url=database_url, dev_secret_file=tmp_path / "secret",
                    oidc_providers=json.loads(providers), scheduler_enabled=False)  # fmt: skip


@pytest.fixture
async def gateway(
    database_url: str,
    tmp_path: Path,
    upstream: CountingTransport,
    providers: tuple[OIDCProvider, OIDCProvider],
) -> AsyncIterator[Gateway]:
    agents, hub = providers
    setting = providers_setting({"agents": agents, "hub": hub})
    sandbox = httpx.AsyncClient(base_url="http://sandbox.test", transport=upstream)
    settings = _settings(database_url, tmp_path, setting)
    async with served(settings, entreprise_client=sandbox, base_url="http://gw.test") as started:
        yield Gateway(started.client, agents, hub, started.app.state.services)


def _agent_token(provider: OIDCProvider, email: str = DURAND, **claims: Any) -> str:
    return provider.mint({"email": email, "given_name": "Pierre", "usual_name": "Durand",
                          "siret": "13000000000015", **claims})  # fmt: skip


async def test_the_agents_provider_signs_in_an_agent(gateway: Gateway) -> None:
    response = await gateway.post(VIEWER, _agent_token(gateway.agents))
    assert response.status_code == 200 and "identity" not in response.json().get("extensions", {})
    assert response.json()["data"]["viewer"] == {"kind": "AGENT", "email": DURAND,
                                                 "name": "Pierre Durand"}  # fmt: skip


async def test_the_hub_provider_signs_in_a_company_user(gateway: Gateway) -> None:
    token = gateway.hub.mint({"email": CLAIRE, "given_name": "Claire", "family_name": "Leroy"})
    response = await gateway.post(VIEWER, token)
    assert response.json()["data"]["viewer"]["kind"] == "COMPANY_USER"


async def test_the_agents_provider_never_makes_its_bearer_a_company_user(gateway: Gateway) -> None:
    response = await gateway.post(VIEWER, _agent_token(gateway.agents, CLAIRE))
    body = response.json()
    assert response.status_code == 200
    assert body["data"]["viewer"] == {"kind": "ANONYMOUS", "email": None, "name": None}
    assert body["extensions"]["identity"]["code"] == "WRONG_IDENTITY_PROVIDER"


async def test_the_hub_provider_never_makes_its_bearer_an_agent(gateway: Gateway) -> None:
    token = gateway.hub.mint({"email": DURAND, "given_name": "Pierre", "family_name": "Durand"})
    response = await gateway.post(VIEWER, token)
    body = response.json()
    assert response.status_code == 200
    assert body["data"]["viewer"]["kind"] == "ANONYMOUS"
    assert body["extensions"]["identity"]["code"] == "WRONG_IDENTITY_PROVIDER"
    company = {"query": '{ company(siret: "84215637400014") { representatives { email } } }'}
    refused = (await gateway.post(company, token)).json()
    assert refused["data"]["company"]["representatives"] is None  # tier 1 stays closed


async def test_a_valid_token_for_an_unknown_account_is_served_as_anonymous(
    gateway: Gateway,
) -> None:
    token = _agent_token(gateway.agents, "nobody@nowhere.example")
    response = await gateway.post(VIEWER, token)
    body = response.json()
    assert response.status_code == 200 and body["data"]["viewer"]["kind"] == "ANONYMOUS"
    assert body["extensions"]["identity"] == {
        "code": "UNKNOWN_ACCOUNT",
        "message": "The token is valid but names no account of the hub: you are served as an "
        "anonymous visitor. Ask the hub's administrator for an account.",
    }
    assert "nobody" not in response.text


async def test_the_hub_provider_makes_an_unknown_person_unregistered(gateway: Gateway) -> None:
    token = gateway.hub.mint({"email": "nobody@nowhere.example"})
    body = (await gateway.post(VIEWER, token)).json()
    assert body["data"]["viewer"]["kind"] == "UNREGISTERED"
    assert body["extensions"]["identity"]["code"] == "NO_ACCOUNT_YET"


async def test_a_token_of_an_unknown_issuer_or_of_the_dev_issuer_is_refused(
    gateway: Gateway,
) -> None:
    stranger = OIDCProvider("https://idp.attacker.example").mint({"email": DURAND})
    refused = await gateway.post(VIEWER, stranger)
    assert refused.status_code == 401 and "unknown issuer" in refused.text
    dev = DevTokenIssuer(b"k" * 32).issue(subject="x", email=DURAND)
    assert (await gateway.post(VIEWER, dev)).status_code == 401
    wrong_audience = gateway.agents.issue({"sub": "x", "aud": "another-app", "email": DURAND})
    refused = await gateway.post(VIEWER, wrong_audience)
    assert refused.status_code == 401 and "another audience" in refused.text


async def _hugo(services: Services) -> None:
    """A company user whose account name (typed into the hub) is the mandataire's."""
    async with services.writer.transaction() as tx:
        await tx.account_for(email="hugo@atlantique.example", name="Hugo Lemaire", phone=None,
                             now=datetime.now(UTC))  # fmt: skip


async def test_the_mandataire_check_uses_the_hub_providers_verified_names(
    gateway: Gateway,
) -> None:
    await _hugo(gateway.services)
    hugo = {"email": "hugo@atlantique.example"}
    unnamed = await gateway.post(REGISTER, gateway.hub.mint(hugo))  # the account's name: no proof
    assert unnamed.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    other = gateway.hub.mint({**hugo, "given_name": "Mallory", "family_name": "Martin"})
    assert (await gateway.post(REGISTER, other)).json()["errors"][0]["extensions"]["code"] == (
        "FORBIDDEN"
    )
    named = gateway.hub.mint({**hugo, "given_name": "Hugo", "family_name": "Lemaire"})
    homonym = (await gateway.post(REGISTER, named)).json()  # names alone: no proof
    assert homonym["errors"][0]["extensions"]["reason"] == "IDENTITY_NOT_PROVEN"
    assured = {**hugo, "given_name": "Hugo", "family_name": "Lemaire", "acr": "eidas2"}
    registered = (await gateway.post(REGISTER, gateway.hub.mint(assured))).json()
    assert registered["data"]["registerCompany"] == {"siret": ATLANTIQUE, "viewerAccess": "OWNER"}


async def test_the_agents_provider_cannot_register_a_company_for_a_company_user(
    gateway: Gateway,
) -> None:
    await _hugo(gateway.services)
    token = _agent_token(gateway.agents, "hugo@atlantique.example", given_name="Hugo",
                         usual_name="Lemaire")  # fmt: skip
    body = (await gateway.post(REGISTER, token)).json()
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert body["extensions"]["identity"]["code"] == "WRONG_IDENTITY_PROVIDER"


async def test_an_unreachable_provider_is_a_503_with_retry_after_not_a_401(
    database_url: str, tmp_path: Path, upstream: CountingTransport
) -> None:
    agents, hub = OIDCProvider(), OIDCProvider()
    async with serving(create_multi_app({"agents": agents, "hub": hub})) as url:
        agents.issuer, hub.issuer = f"{url}/agents", f"{url}/hub"
    # the providers' server is stopped: nothing answers at their address any more
    setting = providers_setting({"agents": agents, "hub": hub})
    sandbox = httpx.AsyncClient(base_url="http://sandbox.test", transport=upstream)
    settings = _settings(database_url, tmp_path, setting)
    async with served(settings, entreprise_client=sandbox, base_url="http://gw.test") as started:
        token = agents.mint({"email": DURAND})
        response = await started.client.post(
            "/graphql", json=VIEWER, headers={"Authorization": f"Bearer {token}"}
        )
        anonymous = await started.client.post("/graphql", json=VIEWER)
    assert response.status_code == 503
    assert 1 <= int(response.headers["retry-after"]) <= 5
    error = response.json()["errors"][0]
    assert error["extensions"] == {"code": "UPSTREAM_UNAVAILABLE", "source": "identity-provider"}
    assert "unreachable" in error["message"]
    assert anonymous.status_code == 200  # open data does not need the provider


async def test_a_provider_in_an_outage_keeps_serving_with_its_cached_keys(
    gateway: Gateway,
) -> None:
    token = _agent_token(gateway.agents)
    assert (await gateway.post(VIEWER, token)).status_code == 200
    gateway.agents.available = False
    again = _agent_token(gateway.agents)  # a new token, signed by the same (cached) key
    response = await gateway.post(VIEWER, again)
    assert response.status_code == 200 and response.json()["data"]["viewer"]["kind"] == "AGENT"
