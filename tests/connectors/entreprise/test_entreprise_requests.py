"""What every call sends: bearer token, context, recipient, object — and the shared client."""

from __future__ import annotations

import asyncio
import contextlib

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
from starlette.types import Receive, Scope, Send

from connectors.entreprise import EntrepriseConfig, EntrepriseConnector, create_client
from connectors.entreprise.config import CALLS_AT_ONCE
from resolvers.directory_search import MAX_PAGE
from tests.servers import serving

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


async def test_shared_client_sends_a_page_of_companies_calls_at_once() -> None:
    """A portfolio page (``MAX_PAGE`` companies) reads each établissement in one wave: the
    server holds every request until all of them arrived, or until the pool is seen to stop
    short of the page."""
    page = MAX_PAGE
    in_flight = 0
    most = 0
    all_arrived = asyncio.Event()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        nonlocal in_flight, most
        if scope["type"] != "http":
            return
        in_flight += 1
        most = max(most, in_flight)
        if in_flight == page:
            all_arrived.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(all_arrived.wait(), timeout=2)
        in_flight -= 1
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    async with serving(app) as url:
        config = EntrepriseConfig(base_url=url, token=TOKEN, recipient=RECIPIENT)
        client = create_client(config)
        try:
            answers = await asyncio.gather(*(client.get(f"/{n}") for n in range(page)))
        finally:
            await client.aclose()

    assert [answer.status_code for answer in answers] == [200] * page
    assert most == page == CALLS_AT_ONCE
