"""Real HTTP end to end for the submission platforms: the Mes aides en ligne, DEL, catalogue
and API Entreprise sandboxes served by uvicorn, the gateway served over them on the seeded
hub database: each canonical company's applications as its member (both platforms merged),
LEROY's as its referent, anonymous and another company refused."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.app import create_app, dev_issuer
from gateway.settings import Settings
from sandbox.catalogues import create_app as create_catalogues
from sandbox.del_ import create_app as create_del
from sandbox.entreprise.app import SandboxConfig
from sandbox.entreprise.app import create_app as create_entreprise
from sandbox.mesaides import create_app as create_mesaides
from tests.servers import serving

LEROY, DRONES, FABRE = "84215637400014", "79345612000013", "51234987900027"
MEMBERS = {
    LEROY: "claire.leroy@leroy-sas.example",
    DRONES: "ines.moreau@occitanie-drones.example",
    FABRE: "antoine.fabre@menuiserie-fabre.example",
}
REFERENT = "pierre.durand@cci-gard.example"
APPLICATIONS = """query($siret: String!) { company(siret: $siret) { applications {
  totalCount edges { node { platform reference status platformStatus granted paid
    scheme { id } payments { kind status amount } } } } } }"""


@pytest.fixture
async def gateway_url(tmp_path: Path, database_url: str) -> AsyncIterator[tuple[str, Settings]]:
    async with (
        serving(create_entreprise(SandboxConfig())) as entreprise,
        serving(create_mesaides()) as mesaides,
        serving(create_del()) as del_,
        serving(create_catalogues()) as catalogues,
    ):
        settings = Settings(
            database_url=database_url,
            entreprise_url=entreprise,
            mesaides_url=mesaides,
            del_url=del_,
            region_catalogue_url=catalogues,
            bpifrance_catalogue_url=catalogues,
            francenum_url=catalogues,
            dev_secret_file=tmp_path / "secret",
        )
        async with serving(create_app(settings)) as gateway:
            yield gateway, settings


async def _applications(gateway: str, siret: str, token: str | None) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(base_url=gateway) as client:
        response = await client.post(
            "/graphql", json={"query": APPLICATIONS, "variables": {"siret": siret}}, headers=headers
        )
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


def _nodes(answer: dict[str, Any]) -> list[dict[str, Any]]:
    assert "errors" not in answer, answer["errors"]
    return [edge["node"] for edge in answer["data"]["company"]["applications"]["edges"]]


async def test_each_canonical_companys_applications_as_its_member_and_its_referent(
    gateway_url: tuple[str, Settings],
) -> None:
    gateway, settings = gateway_url
    issuer = dev_issuer(settings)
    tokens = {siret: issuer.issue(subject=siret, email=email) for siret, email in MEMBERS.items()}

    leroy = _nodes(await _applications(gateway, LEROY, tokens[LEROY]))
    drones = _nodes(await _applications(gateway, DRONES, tokens[DRONES]))
    fabre = _nodes(await _applications(gateway, FABRE, tokens[FABRE]))
    as_referent = _nodes(
        await _applications(gateway, LEROY, issuer.issue(subject="d", email=REFERENT))
    )

    assert [(a["platform"], a["status"]) for a in leroy] == [
        ("DEL", "ADVANCE_PAID"), ("MES_AIDES_EN_LIGNE", "CLOSED"),
    ]  # fmt: skip
    industrie = leroy[0]
    assert industrie["scheme"] == {"id": "region:parcours-industrie-du-futur"}
    assert industrie["platformStatus"] == "accepte · Avance versée"
    assert industrie["payments"] == [{"kind": "ADVANCE", "status": "PAID", "amount": 6000}]
    assert (industrie["granted"], industrie["paid"]) == (20000, 6000)
    assert [(a["platform"], a["status"], a["platformStatus"]) for a in drones] == [
        ("DEL", "UNDER_REVIEW", "en_instruction")
    ]
    assert [(a["platform"], a["status"], a["platformStatus"]) for a in fabre] == [
        ("MES_AIDES_EN_LIGNE", "REJECTED", "Rejetée")
    ]
    assert as_referent == leroy


async def test_anonymous_and_another_company_are_refused(
    gateway_url: tuple[str, Settings],
) -> None:
    gateway, settings = gateway_url
    other = dev_issuer(settings).issue(subject="f", email=MEMBERS[FABRE])

    for token in (None, other):
        answer = await _applications(gateway, LEROY, token)
        assert answer["data"] == {"company": {"applications": None}}
        assert [e["extensions"]["code"] for e in answer["errors"]] == ["FORBIDDEN"]
