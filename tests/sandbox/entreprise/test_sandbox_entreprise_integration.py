"""The real connector, over real HTTP (aiohttp transport), against the sandbox on uvicorn."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import httpx
import pytest

from connectors.cache import RawCache
from connectors.entreprise import EntrepriseConfig, EntrepriseConnector, create_client
from connectors.errors import NotFound, UpstreamUnavailable
from sandbox.entreprise import LEROY_SIRET, SandboxConfig, create_app
from tests.servers import serving

OBJECT = "Tests d'intégration"


@pytest.fixture
async def sandbox_url() -> AsyncIterator[str]:
    async with serving(create_app(SandboxConfig())) as url:
        yield url


@pytest.fixture
async def connector(sandbox_url: str) -> AsyncIterator[EntrepriseConnector]:
    config = EntrepriseConfig(
        base_url=sandbox_url, token="sandbox-token", recipient="13002526500013", max_retries=1,
        backoff_base=0.01,
    )  # fmt: skip
    connector = EntrepriseConnector(create_client(config), config, RawCache())
    yield connector
    await connector.aclose()


async def test_connector_reads_leroy_from_the_sandbox(connector: EntrepriseConnector) -> None:
    etablissement = await connector.etablissement(LEROY_SIRET, object=OBJECT)
    assert etablissement.name == "LEROY SAS"
    assert etablissement.created_on == date(2018, 4, 12)
    assert (etablissement.address.department_code, etablissement.address.region_code) == (
        "30",
        "76",
    )
    assert etablissement.diffusible and etablissement.active and etablissement.head_office

    unite_legale = await connector.unite_legale("842156374", object=OBJECT)
    assert unite_legale.head_office_siret == LEROY_SIRET

    mandataires = await connector.mandataires_sociaux("842156374", object=OBJECT)
    assert ("Claire", "LEROY", "Présidente") in [
        (m.first_name, m.last_name, m.role) for m in mandataires
    ]

    turnovers = await connector.chiffres_affaires(LEROY_SIRET, object=OBJECT)
    assert [(t.year, t.amount) for t in turnovers] == [
        (2023, 3_412_000),
        (2022, 3_105_000),
        (2021, 2_874_000),
    ]

    social = await connector.attestation_vigilance("842156374", object=OBJECT)
    fiscal = await connector.attestation_fiscale("842156374", object=OBJECT)
    assert social.up_to_date and fiscal.up_to_date
    assert social.valid_until is not None and social.valid_until > date.today()


async def test_non_diffusible_sole_trader_comes_back_flagged(
    connector: EntrepriseConnector,
) -> None:
    etablissement = await connector.etablissement("90012345600015", object=OBJECT)
    assert etablissement.diffusible is False
    assert etablissement.legal_form_code == "1000"


async def test_unknown_company_is_not_found(connector: EntrepriseConnector) -> None:
    with pytest.raises(NotFound):
        await connector.etablissement("12345678200010", object=OBJECT)


async def test_cache_and_faults_counted_by_the_sandbox(
    sandbox_url: str, connector: EntrepriseConnector
) -> None:
    async with httpx.AsyncClient(base_url=sandbox_url) as control:
        await connector.etablissement(LEROY_SIRET, object=OBJECT)
        await connector.etablissement(LEROY_SIRET, object="another purpose")
        stats = (await control.get("/_sandbox/stats")).json()
        assert stats["calls"] == {f"/v3/insee/sirene/etablissements/{LEROY_SIRET}": 1}

        await control.post("/_sandbox/faults", json={"error_rate": 1})
        with pytest.raises(UpstreamUnavailable):
            await connector.unite_legale("842156374", object=OBJECT)
        stats = (await control.get("/_sandbox/stats")).json()
        assert stats["calls"]["/v3/insee/sirene/unites_legales/842156374"] == 2  # one retry
