"""With OIDC_ISSUER set, the gateway verifies the provider's tokens (JWKS over HTTP) and the
dev issuer's tokens are refused."""

from __future__ import annotations

from pathlib import Path

import httpx
from asgi_lifespan import LifespanManager

from auth.tokens import DevTokenIssuer
from gateway.app import create_app
from gateway.settings import Settings
from sandbox.oidc.app import OIDCProvider
from sandbox.oidc.app import create_app as create_provider
from tests.conftest import CountingTransport
from tests.servers import serving

QUERY = {"query": "{ viewer { kind email name } }"}


async def test_tokens_of_the_configured_provider_open_the_gateway(
    database_url: str, tmp_path: Path, upstream: CountingTransport
) -> None:
    provider = OIDCProvider()
    async with serving(create_provider(provider)) as issuer_url:
        provider.issuer = issuer_url
        settings = Settings(
            database_url=database_url,
            dev_secret_file=tmp_path / "secret",
            oidc_issuer=issuer_url,
            oidc_audience="hub-gateway",
            scheduler_enabled=False,
        )
        sandbox = httpx.AsyncClient(base_url="http://sandbox.test", transport=upstream)
        app = create_app(settings, entreprise_client=sandbox)
        async with LifespanManager(app) as manager:
            transport = httpx.ASGITransport(app=manager.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://gw.test") as client:
                token = provider.issue(
                    {
                        "sub": "proconnect-123",
                        "aud": "hub-gateway",
                        "email": "Pierre.Durand@cci-gard.example",
                        "given_name": "Pierre",
                        "usual_name": "Durand",
                        "siret": "13000000000015",
                    }
                )
                ok = await client.post(
                    "/graphql", json=QUERY, headers={"Authorization": f"Bearer {token}"}
                )
                assert ok.json()["data"]["viewer"] == {
                    "kind": "AGENT",
                    "email": "pierre.durand@cci-gard.example",
                    "name": "Pierre Durand",
                }
                dev = DevTokenIssuer(b"k" * 32).issue(
                    subject="x", email="pierre.durand@cci-gard.example"
                )
                refused = await client.post(
                    "/graphql", json=QUERY, headers={"Authorization": f"Bearer {dev}"}
                )
                assert refused.status_code == 401
                wrong_audience = provider.issue(
                    {"sub": "x", "aud": "another-app", "email": "pierre.durand@cci-gard.example"}
                )
                refused = await client.post(
                    "/graphql", json=QUERY, headers={"Authorization": f"Bearer {wrong_audience}"}
                )
                assert refused.status_code == 401
