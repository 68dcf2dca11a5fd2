"""What every call sends: bearer token, context, recipient, object — and the shared client."""

from __future__ import annotations

import httpx
import pytest
import respx
from entreprise_wire import (
    BASE_URL,
    CHIFFRES_AFFAIRES,
    CHIFFRES_PATH,
    ETABLISSEMENT,
    ETABLISSEMENT_PATH,
    FISCALE,
    FISCALE_PATH,
    MANDATAIRES,
    MANDATAIRES_PATH,
    RECIPIENT,
    SIREN,
    SIRET,
    TOKEN,
    UNITE_LEGALE,
    UNITE_LEGALE_PATH,
    VIGILANCE,
    VIGILANCE_PATH,
    wire,
)
from httpx_aiohttp import AiohttpTransport

from connectors.entreprise import EntrepriseConfig, EntrepriseConnector, create_client

ROUTES = [
    ("etablissement", SIRET, ETABLISSEMENT_PATH, ETABLISSEMENT),
    ("unite_legale", SIREN, UNITE_LEGALE_PATH, UNITE_LEGALE),
    ("mandataires_sociaux", SIREN, MANDATAIRES_PATH, MANDATAIRES),
    ("chiffres_affaires", SIRET, CHIFFRES_PATH, CHIFFRES_AFFAIRES),
    ("attestation_vigilance", SIREN, VIGILANCE_PATH, VIGILANCE),
    ("attestation_fiscale", SIREN, FISCALE_PATH, FISCALE),
]


@pytest.mark.parametrize(("method", "identifier", "path", "payload"), ROUTES)
async def test_every_call_sends_token_and_mandatory_parameters(
    router: respx.MockRouter,
    connector: EntrepriseConnector,
    method: str,
    identifier: str,
    path: str,
    payload: dict[str, object],
) -> None:
    route = router.get(path).respond(200, json=wire(payload))

    await getattr(connector, method)(identifier, object="Instruction aide 2025-0042")

    request = route.calls.last.request
    assert request.method == "GET"
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert dict(request.url.params) == {
        "context": "Hub Entreprendre Occitanie",
        "recipient": RECIPIENT,
        "object": "Instruction aide 2025-0042",
    }


async def test_create_client_uses_aiohttp_transport_bearer_and_explicit_timeout() -> None:
    config = EntrepriseConfig(base_url=BASE_URL, token=TOKEN, recipient=RECIPIENT, timeout=4.0)
    client = create_client(config)
    try:
        assert isinstance(client._transport, AiohttpTransport)
        assert client.headers["Authorization"] == f"Bearer {TOKEN}"
        assert str(client.base_url).rstrip("/") == BASE_URL
        assert client.timeout == httpx.Timeout(4.0, connect=2.0)
    finally:
        await client.aclose()


def test_config_repr_hides_the_token() -> None:
    config = EntrepriseConfig(base_url=BASE_URL, token=TOKEN, recipient=RECIPIENT)
    assert TOKEN not in repr(config)


def test_default_ttls_per_endpoint() -> None:
    config = EntrepriseConfig(base_url=BASE_URL, token=TOKEN, recipient=RECIPIENT)
    assert config.ttl_for("etablissement") == 24 * 3600
    assert config.ttl_for("attestation_vigilance") == 3600
    assert config.stale_ttl == 7 * 24 * 3600
