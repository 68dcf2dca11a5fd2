"""Sign-up over HTTP through the hub's own (local) identity provider, for both kinds of
account, and the identity document sent as a GraphQL multipart request, checked, queued,
downloaded by the administrator only, and accepted."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.settings import Settings
from resolvers.context import Services
from sandbox.oidc.app import OIDCProvider, create_multi_app, providers_setting
from tests.conftest import CountingTransport
from tests.gateway.serving import served
from tests.servers import serving

SIGN_UP = "mutation($kind: AccountKind!) { signUp(kind: $kind, phone: \"04 00 00 00 00\") " \
          "{ kind email name identityStatus } }"  # fmt: skip
VIEWER = {"query": "{ viewer { kind identityStatus } }"}
SUBMIT = "mutation($file: Upload!) { submitIdentityDocument(file: $file) { identityStatus } }"
PDF = b"%PDF-1.7\n" + b"0" * 1000
VIDAL = "helene.vidal@laregion.example"


@dataclass
class Gateway:
    client: httpx.AsyncClient
    agents: OIDCProvider
    hub: OIDCProvider
    services: Services

    async def post(self, body: dict[str, Any], token: str) -> dict[str, Any]:
        response = await self.client.post(
            "/graphql", json=body, headers={"Authorization": f"Bearer {token}"}
        )
        result: dict[str, Any] = response.json()
        return result

    async def upload(self, token: str | None, data: bytes, name: str = "id.pdf",
                     declared: str = "application/pdf") -> httpx.Response:  # fmt: skip
        operations = {"query": SUBMIT, "variables": {"file": None}}
        headers = {"Apollo-Require-Preflight": "true"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return await self.client.post(
            "/graphql",
            data={
                "operations": json.dumps(operations),
                "map": json.dumps({"0": ["variables.file"]}),
            },
            files={"0": (name, data, declared)},
            headers=headers,
        )


@pytest.fixture
async def gateway(
    database_url: str, tmp_path: Path, upstream: CountingTransport
) -> AsyncIterator[Gateway]:
    agents, hub = OIDCProvider(), OIDCProvider()
    async with serving(create_multi_app({"agents": agents, "hub": hub})) as url:
        agents.issuer, hub.issuer = f"{url}/agents", f"{url}/hub"
        settings = Settings(
            database_url=database_url, dev_secret_file=tmp_path / "secret",
            oidc_providers=json.loads(providers_setting({"agents": agents, "hub": hub})),
            scheduler_enabled=False, file_store_path=tmp_path / "files",
            identity_document_max_bytes=50_000,
        )  # fmt: skip
        sandbox = httpx.AsyncClient(base_url="http://sandbox.test", transport=upstream)
        async with served(
            settings, entreprise_client=sandbox, base_url="http://gw.test"
        ) as started:
            yield Gateway(started.client, agents, hub, started.app.state.services)


def _person(gateway: Gateway, email: str, **claims: str) -> str:
    return gateway.hub.mint({"email": email, "given_name": "Nora", "family_name": "Petit",
                             **claims})  # fmt: skip


@pytest.mark.parametrize("kind", ["COMPANY_USER", "PROJECT_HOLDER"])
async def test_a_person_signs_up_through_the_hub_provider_once_whatever_the_retries(
    gateway: Gateway, kind: str
) -> None:
    token = _person(gateway, "nora.petit@example.org")
    assert (await gateway.post(VIEWER, token))["data"]["viewer"]["kind"] == "UNREGISTERED"
    body = {"query": SIGN_UP, "variables": {"kind": kind}}
    first = await gateway.post(body, token)
    assert first["data"]["signUp"] == {"kind": kind, "email": "nora.petit@example.org",
                                       "name": "Nora Petit",
                                       "identityStatus": "DOCUMENT_REQUIRED"}  # fmt: skip
    again = await gateway.post(body, token)
    assert again["data"]["signUp"] == first["data"]["signUp"]
    assert (await gateway.post(VIEWER, token))["data"]["viewer"]["kind"] == kind
    other = "PROJECT_HOLDER" if kind == "COMPANY_USER" else "COMPANY_USER"
    refused = await gateway.post({"query": SIGN_UP, "variables": {"kind": other}}, token)
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    accounts = await gateway.services.hub.accounts_by_email(["nora.petit@example.org"])
    assert accounts["nora.petit@example.org"].idp_issuer == gateway.hub.issuer


async def test_an_assured_identity_needs_no_document_and_agents_cannot_sign_up(
    gateway: Gateway,
) -> None:
    token = _person(gateway, "max@example.org", acr="eidas2")
    signed = await gateway.post({"query": SIGN_UP, "variables": {"kind": "COMPANY_USER"}}, token)
    assert signed["data"]["signUp"]["identityStatus"] == "VERIFIED"
    agent = gateway.agents.mint({"email": "someone@cci.example"})
    refused = await gateway.post({"query": SIGN_UP, "variables": {"kind": "COMPANY_USER"}}, agent)
    assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_the_identity_document_is_checked_stored_and_shown_to_the_administrator_only(
    gateway: Gateway, tmp_path: Path
) -> None:
    token = _person(gateway, "nora.petit@example.org")
    await gateway.post({"query": SIGN_UP, "variables": {"kind": "PROJECT_HOLDER"}}, token)

    answer = await gateway.upload(token, b"%PDF-" + b"0" * 60_000)
    assert answer.status_code == 200, (answer.status_code, answer.text[:300])
    too_big = answer.json()
    assert too_big["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    disguised = (await gateway.upload(token, b"MZ\x90\x00 an executable", "id.pdf")).json()
    assert disguised["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert not list((tmp_path / "files").rglob("*.pdf"))  # nothing stored
    without_header = await gateway.client.post(
        "/graphql", headers={"Authorization": f"Bearer {token}"},
        data={"operations": json.dumps({"query": SUBMIT, "variables": {"file": None}}),
              "map": json.dumps({"0": ["variables.file"]})},
        files={"0": ("id.pdf", PDF, "application/pdf")},
    )  # fmt: skip
    assert without_header.status_code == 415  # what a cross-site form could send
    anonymous = (await gateway.upload(None, PDF)).json()
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    sent = (await gateway.upload(token, PDF)).json()
    assert sent["data"]["submitIdentityDocument"] == {"identityStatus": "UNDER_REVIEW"}
    assert len(list((tmp_path / "files").rglob("*.pdf"))) == 1

    admin = gateway.agents.mint({"email": VIDAL, "given_name": "Hélène", "usual_name": "Vidal"})
    queue = await gateway.post({"query": "{ identityVerifications { totalCount edges { node { "
                                "id email contentType size downloadPath } } } }"}, admin)  # fmt: skip
    node = queue["data"]["identityVerifications"]["edges"][0]["node"]
    assert (node["email"], node["contentType"], node["size"]) == (
        "nora.petit@example.org",
        "application/pdf",
        len(PDF),
    )
    path = node["downloadPath"]
    downloaded = await gateway.client.get(path, headers={"Authorization": f"Bearer {admin}"})
    assert downloaded.status_code == 200 and downloaded.content == PDF
    assert downloaded.headers["cache-control"] == "no-store"
    for who in (token, None):
        headers = {"Authorization": f"Bearer {who}"} if who else {}
        assert (await gateway.client.get(path, headers=headers)).status_code == 404
    refused = await gateway.post(VIEWER | {"query": "{ identityVerifications { totalCount } }"},
                                 token)  # fmt: skip
    assert refused["data"]["identityVerifications"] is None

    decided = await gateway.post({"query": "mutation($id: ID!) { decideIdentityVerification("
                                  "id: $id, accept: true) { status } }",
                                  "variables": {"id": node["id"]}}, admin)  # fmt: skip
    assert decided["data"]["decideIdentityVerification"]["status"] == "ACCEPTED"
    accounts = await gateway.services.hub.accounts_by_email(["nora.petit@example.org"])
    assert accounts["nora.petit@example.org"].identity_status == "VERIFIED"
