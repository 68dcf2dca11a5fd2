"""Every upstream failure becomes one typed connector error, and none leaks the token."""

from __future__ import annotations

import httpx
import pytest
import respx
from entreprise_wire import (
    BAD_GATEWAY,
    ETABLISSEMENT_PATH,
    MANDATAIRES_PATH,
    NOT_FOUND,
    SIREN,
    SIRET,
    TOKEN,
    VIGILANCE_PATH,
    errors,
)

from connectors.entreprise import EntrepriseConnector
from connectors.errors import (
    ConnectorError,
    NotFound,
    RateLimited,
    UpstreamRefused,
    UpstreamUnavailable,
)

OBJECT = "Fiche entreprise"


async def test_404_is_not_found_and_not_retried(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    route = router.get(ETABLISSEMENT_PATH).respond(404, json=NOT_FOUND)

    with pytest.raises(NotFound) as caught:
        await connector.etablissement(SIRET, object=OBJECT)

    assert caught.value.source == "insee"
    assert "04003" in caught.value.message
    assert route.call_count == 1


@pytest.mark.parametrize("status", [400, 401, 403, 422])
async def test_refusals_are_upstream_refused_and_not_retried(
    router: respx.MockRouter, connector: EntrepriseConnector, status: int
) -> None:
    route = router.get(MANDATAIRES_PATH).respond(status, json=errors("00101", "Interdit"))

    with pytest.raises(UpstreamRefused) as caught:
        await connector.mandataires_sociaux(SIREN, object=OBJECT)

    assert caught.value.source == "infogreffe"
    assert route.call_count == 1


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_server_errors_are_upstream_unavailable(
    router: respx.MockRouter, connector: EntrepriseConnector, status: int
) -> None:
    router.get(VIGILANCE_PATH).respond(status, json=BAD_GATEWAY)

    with pytest.raises(UpstreamUnavailable) as caught:
        await connector.attestation_vigilance(SIREN, object=OBJECT)

    assert caught.value.source == "urssaf"


async def test_timeout_is_upstream_unavailable(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    router.get(ETABLISSEMENT_PATH).mock(side_effect=httpx.ReadTimeout("read timed out"))

    with pytest.raises(UpstreamUnavailable, match="timeout"):
        await connector.etablissement(SIRET, object=OBJECT)


async def test_connection_error_is_upstream_unavailable(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    router.get(ETABLISSEMENT_PATH).mock(side_effect=httpx.ConnectError("connection refused"))

    with pytest.raises(UpstreamUnavailable, match="connection error"):
        await connector.etablissement(SIRET, object=OBJECT)


async def test_429_without_retry_after_is_rate_limited_once_retries_run_out(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    route = router.get(ETABLISSEMENT_PATH).respond(429, json=errors("00429", "Trop de requêtes"))

    with pytest.raises(RateLimited) as caught:
        await connector.etablissement(SIRET, object=OBJECT)

    assert caught.value.retry_after is None
    assert route.call_count == 3


async def test_malformed_identifier_is_refused_without_a_call(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    route = router.get(url__regex=r".*").respond(200, json={})

    with pytest.raises(UpstreamRefused):
        await connector.etablissement("8421563740001", object=OBJECT)
    with pytest.raises(UpstreamRefused):
        await connector.unite_legale("84215637A", object=OBJECT)
    assert route.call_count == 0


async def test_missing_object_is_a_programming_error(connector: EntrepriseConnector) -> None:
    with pytest.raises(ValueError, match="object"):
        await connector.etablissement(SIRET, object=" ")


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(401, json=errors("00101", "Interdit", f"Bearer {TOKEN} refused")),
        httpx.Response(404, json=NOT_FOUND),
        httpx.Response(429, json={}, headers={"Retry-After": "30"}),
        httpx.Response(503, json=BAD_GATEWAY),
    ],
)
async def test_token_never_appears_in_errors(
    router: respx.MockRouter, connector: EntrepriseConnector, response: httpx.Response
) -> None:
    router.get(ETABLISSEMENT_PATH).mock(return_value=response)

    with pytest.raises(ConnectorError) as caught:
        await connector.etablissement(SIRET, object=OBJECT)

    assert TOKEN not in str(caught.value)
    assert TOKEN not in repr(caught.value)
    assert TOKEN not in caught.value.message


async def test_token_never_appears_in_transport_errors(
    router: respx.MockRouter, connector: EntrepriseConnector
) -> None:
    router.get(ETABLISSEMENT_PATH).mock(side_effect=httpx.ConnectError(f"failed with {TOKEN}"))

    with pytest.raises(UpstreamUnavailable) as caught:
        await connector.etablissement(SIRET, object=OBJECT)

    assert TOKEN not in str(caught.value)
