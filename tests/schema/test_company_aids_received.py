"""Company.aidsReceived through the real schema, over the two platform sandboxes (in process)
and the seeded hub: LEROY's granted dossiers and its recorded aids, each aid once, tier 2 for
every kind of viewer both ways, audited, fed into deMinimis; a platform down is named and the
records still count."""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING, Any

import pytest
import sqlalchemy as sa

from connectors.hubdb import create_engine
from connectors.hubdb.audit import AuditFilter
from connectors.hubdb.models.aids import PublicAid
from sandbox.entreprise.faults import SandboxConfig
from sandbox.platforms.config import PlatformConfig

if TYPE_CHECKING:
    from resolvers.context import Services
    from tests.conftest import Run

LEROY = "84215637400014"
DURAND = "pierre.durand@cci-gard.example"
MEMBER = "claire.leroy@leroy-sas.example"
VIEWERS = {
    "anonymous": None,
    "claire (LEROY's mandataire)": MEMBER,
    "thomas (LEROY's collaborator)": "thomas.blanc@cabinet-blanc.example",
    "antoine (another company)": "antoine.fabre@menuiserie-fabre.example",
    "paul (chose a pending referent)": "paul.girard@biocosmetiques.example",
    "durand (LEROY's referent)": DURAND,
    "roux (the referent's structure)": "sophie.roux@cci-gard.example",
    "garcia (another structure)": "julien.garcia@bge-occitanie.example",
    "martin (agent outside the network)": "marc.martin@ademe.example",
    "vidal (admin)": "helene.vidal@laregion.example",
}
TIER2 = {"claire (LEROY's mandataire)", "thomas (LEROY's collaborator)",
         "durand (LEROY's referent)", "roux (the referent's structure)", "vidal (admin)"}  # fmt: skip
AIDS = """query($siret: String!) { company(siret: $siret) { aidsReceived {
  grantor scheme schemeId amount grantedOn regulation source platform reference } } }"""
WITH_CEILING = """query($siret: String!, $asOf: Date) { company(siret: $siret) {
  aidsReceived { reference amount }
  deMinimis(regulation: "2023/2831", asOf: $asOf) { total aids { source reference amount } } } }"""
# LEROY's DEL dossier 1001 (Industrie du futur, EU 2023/2831): €20,000 decided on 2023-04-07
DOSSIER = {
    "grantor": "Région Occitanie", "scheme": "Parcours régional Industrie du futur",
    "schemeId": "region:parcours-industrie-du-futur", "amount": 20000,
    "grantedOn": "2023-04-07", "regulation": "2023/2831", "source": "PLATFORM",
    "platform": "DEL", "reference": "1001",
}  # fmt: skip


def aids(result: Any) -> list[dict[str, Any]]:
    assert result.errors is None, result.errors
    return result.data["company"]["aidsReceived"]  # type: ignore[no-any-return]


async def test_leroys_aids_are_its_granted_dossiers_and_its_recorded_aids_newest_first(
    run: Run,
) -> None:
    found = aids(await run(AIDS, as_=MEMBER, variables={"siret": LEROY}))

    assert [(a["source"], a["reference"] or a["scheme"]) for a in found] == [
        ("HUB_RECORD", "Prêt d'amorçage"),
        ("HUB_RECORD", "Bourse French Tech"),
        ("HUB_RECORD", "Contrat Innovation"),
        ("PLATFORM", "1001"),
        ("HUB_RECORD", "Pass Export"),
        ("HUB_RECORD", "Contrat Croissance"),
        ("PLATFORM", "MAEL-2021-000001"),
    ]
    assert found[3] == DOSSIER
    assert found[6]["platform"] == "MES_AIDES_EN_LIGNE"
    assert found[6]["grantor"] == "Région Pays de la Loire"


@pytest.mark.parametrize("who", list(VIEWERS))
async def test_aids_received_are_tier_two(run: Run, who: str) -> None:
    result = await run(AIDS, as_=VIEWERS[who], variables={"siret": LEROY})

    if who in TIER2:
        assert DOSSIER in aids(result)
    else:
        assert result.data == {"company": {"aidsReceived": None}}
        assert [e.extensions["code"] for e in result.errors or ()] == ["FORBIDDEN"]  # type: ignore[index]


async def test_a_referents_read_of_aids_received_is_audited(run: Run, services: Services) -> None:
    aids(await run(AIDS, as_=DURAND, variables={"siret": LEROY}))

    (event,) = (await services.audit.page(AuditFilter(), first=10)).items
    assert (event.siret, event.access, set(event.fields)) == (LEROY, "TIER2", {"aidsReceived"})


async def test_de_minimis_counts_the_platforms_grants(run: Run) -> None:
    result = await run(WITH_CEILING, as_=MEMBER, variables={"siret": LEROY, "asOf": "2025-06-01"})

    ceiling = result.data["company"]["deMinimis"]  # type: ignore[index]
    # rolling three years from 2022-06-02: the 2022 Pass Export (EU 1407/2013 counts), the DEL
    # grant, the 2024 and 2025 aids; the 2021 ones are out, the loan is no de minimis aid
    assert ceiling["total"] == 30_000 + 20_000 + 45_000 + 12_500
    assert {"source": "PLATFORM", "reference": "1001", "amount": 20000} in ceiling["aids"]


async def test_a_hub_record_of_a_platform_grant_is_counted_once(
    run: Run, database_url: str
) -> None:
    engine = create_engine(database_url)
    async with engine.begin() as connection:
        await connection.execute(sa.insert(PublicAid.__table__).values(
            id=str(uuid.uuid4()), siret=LEROY, granted_on=date(2023, 4, 7), amount=20_000,
            grantor="Région Occitanie", scheme="Parcours régional Industrie du futur",
            regulation="2023/2831"))  # fmt: skip
    await engine.dispose()

    result = await run(WITH_CEILING, as_=MEMBER, variables={"siret": LEROY, "asOf": "2025-06-01"})

    assert result.errors is None
    assert len(result.data["company"]["aidsReceived"]) == 7  # type: ignore[index]
    assert result.data["company"]["deMinimis"]["total"] == 107_500  # type: ignore[index]


@pytest.mark.parametrize(
    "platforms_config", [PlatformConfig(token="", faults=SandboxConfig(error_rate=1.0))]
)
async def test_platforms_down_are_named_and_the_recorded_aids_still_count(
    run: Run, platforms_config: PlatformConfig
) -> None:
    result = await run(WITH_CEILING, as_=MEMBER, variables={"siret": LEROY, "asOf": "2025-06-01"})

    assert result.errors is None
    assert all(a["reference"] is None for a in result.data["company"]["aidsReceived"])  # type: ignore[index]
    assert result.data["company"]["deMinimis"]["total"] == 30_000 + 45_000 + 12_500  # type: ignore[index]
    assert {w["source"] for w in result.extensions["warnings"]} == {"mesaides", "del"}  # type: ignore[index]
