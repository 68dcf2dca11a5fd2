"""The financers' stand-ins: the same records on every start, each partner's paging, key
and error bodies, faults injectable — and the real connector reads all three whole."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from connectors.cache import RawCache
from connectors.catalogues import CatalogueConfig, CatalogueConnector
from connectors.catalogues.models import AidKind, SchemeSource
from sandbox.financers import (
    FRANCE_INITIATIVE_KEY,
    FranceInitiativeConfig,
    create_crealia,
    create_france_initiative,
    create_irdi_soridec,
)
from sandbox.financers.seed import OCCITANIE_DEPARTMENTS

CREALIA = "/crealia/api/prets"
INITIATIVE = "/franceinitiative/v1/honour-loans"
IRDI = "/irdisoridec/api/fonds.json"
TOKEN = {"Authorization": f"Token {FRANCE_INITIATIVE_KEY}"}


def _client(app: Starlette, **headers: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url="http://financer.test", transport=httpx.ASGITransport(app=app), headers=headers
    )


async def _get(app: Starlette, path: str, **params: Any) -> httpx.Response:
    async with _client(app, **TOKEN) as client:
        return await client.get(path, params=params)


@pytest.mark.parametrize(
    ("create", "path", "params"),
    [
        (create_crealia, CREALIA, {"limit": 50}),
        (create_france_initiative, INITIATIVE, {"page[size]": 50}),
        (create_irdi_soridec, IRDI, {}),
    ],
)
async def test_two_starts_serve_the_same_records(
    create: Any, path: str, params: dict[str, Any]
) -> None:
    first, second = await _get(create(), path, **params), await _get(create(), path, **params)
    assert first.status_code == 200
    assert first.json() == second.json()


async def test_crealia_pages_by_offset_without_gaps_or_repeats() -> None:
    app, seen, offset = create_crealia(), [], 0
    while True:
        body = (await _get(app, CREALIA, offset=offset, limit=4)).json()
        seen += [loan["reference"] for loan in body["prets"]]
        offset += len(body["prets"])
        if offset >= body["pagination"]["total"] or not body["prets"]:
            break
    assert seen == sorted(set(seen)) and len(seen) == body["pagination"]["total"] == 6
    past = (await _get(app, CREALIA, offset=100)).json()
    assert past["prets"] == [] and past["pagination"]["total"] == 6


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 51}, {"offset": "-1"},
                                    {"limit": "dix"}])  # fmt: skip
async def test_crealia_refuses_bad_paging_in_its_own_error_body(params: dict[str, Any]) -> None:
    response = await _get(create_crealia(), CREALIA, **params)
    assert response.status_code == 400
    assert response.json()["succes"] is False and response.json()["message"]


async def test_france_initiative_chains_pages_by_next_with_each_pages_platforms() -> None:
    app, seen = create_france_initiative(), []
    async with _client(app, **TOKEN) as client:
        url: str | None = f"{INITIATIVE}?page[size]=20"
        while url is not None:
            response = await client.get(url)
            assert response.headers["content-type"] == "application/vnd.api+json"
            body = response.json()
            included = {p["id"] for p in body["included"]}
            for loan in body["data"]:
                assert loan["relationships"]["platform"]["data"]["id"] in included
            seen += [loan["id"] for loan in body["data"]]
            url = body["links"]["next"]
    # one platform per Occitanie department and two in Pays de la Loire, three loans each
    assert (
        len(seen) == len(set(seen)) == body["meta"]["total"] == 3 * (len(OCCITANIE_DEPARTMENTS) + 2)
    )


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Token wrong"},
                                     {"Authorization": f"Bearer {FRANCE_INITIATIVE_KEY}"}])  # fmt: skip
async def test_france_initiative_wants_its_token_first(headers: dict[str, str]) -> None:
    app = create_france_initiative(FranceInitiativeConfig())
    async with _client(app, **headers) as client:
        response = await client.get(INITIATIVE, params={"page[size]": 999})
    assert response.status_code == 401  # before the bad page size is looked at
    assert response.json()["errors"][0]["code"] == "unauthorized"


async def test_france_initiative_refuses_a_page_size_out_of_range() -> None:
    response = await _get(create_france_initiative(), INITIATIVE, **{"page[size]": 51})
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "bad_request"


async def test_irdi_soridec_publishes_its_funds_in_one_document_in_thousands() -> None:
    body = (await _get(create_irdi_soridec(), IRDI)).json()
    assert body["editeur"] == "Irdi-Soridec"
    stages = {stage for fund in body["fonds"] for stage in fund["stades"]}
    assert stages == {"amorcage", "developpement", "transmission"}
    assert all(fund["ticket_keur"]["max"] <= 10_000 for fund in body["fonds"])


@pytest.mark.parametrize(
    ("create", "prefix", "path", "error"),
    [
        (create_crealia, "/crealia", CREALIA, "succes"),
        (create_france_initiative, "/franceinitiative", INITIATIVE, "errors"),
        (create_irdi_soridec, "/irdisoridec", IRDI, "erreur"),
    ],
)
async def test_injected_faults_answer_in_the_partners_own_error_body(
    create: Any, prefix: str, path: str, error: str
) -> None:
    app = create()
    async with _client(app, **TOKEN) as client:
        changed = await client.post(f"{prefix}/_sandbox/faults", content=json.dumps(
            {"error_rate": 1.0}))  # fmt: skip
        assert changed.status_code == 200
        response = await client.get(path)
        stats = (await client.get(f"{prefix}/_sandbox/stats")).json()
    assert response.status_code in (502, 503)
    assert error in response.json()
    assert stats["calls"] == {path: 1}


async def test_the_real_connector_reads_the_three_stand_ins_whole() -> None:
    clients = {
        "crealia": _client(create_crealia()),
        "franceinitiative": _client(create_france_initiative()),
        "irdisoridec": _client(create_irdi_soridec()),
    }
    empty = httpx.MockTransport(
        lambda request: httpx.Response(
            200, json={"data": [], "meta": {"pages": 0}, "count": 0, "results": [], "items": []}
        )
    )
    for family in ("region", "bpifrance", "francenum"):
        clients[family] = httpx.AsyncClient(base_url="http://empty.test", transport=empty)
    config = CatalogueConfig(
        region_url="http://empty.test", bpifrance_url="http://empty.test",
        francenum_url="http://empty.test", bpifrance_key="k",
        crealia_url="http://financer.test", france_initiative_url="http://financer.test",
        france_initiative_key=FRANCE_INITIATIVE_KEY, irdi_soridec_url="http://financer.test",
    )  # fmt: skip
    connector = CatalogueConnector(config, RawCache(), clients=clients)
    try:
        found = await connector.schemes()
    finally:
        await connector.aclose()
    assert found.unavailable == ()
    by_source = {source: [s for s in found.schemes if s.source is source] for source in (
        SchemeSource.CREALIA, SchemeSource.FRANCE_INITIATIVE, SchemeSource.IRDI_SORIDEC)}  # fmt: skip
    assert [len(schemes) for schemes in by_source.values()] == [6, 45, 5]
    assert all(s.kind is AidKind.HONOUR_LOAN for s in by_source[SchemeSource.CREALIA])
    assert all(s.kind is AidKind.EQUITY for s in by_source[SchemeSource.IRDI_SORIDEC])
    assert all(s.amounts is not None and s.amounts.minimum for s in found.schemes)


async def test_every_contact_is_invented() -> None:
    """``.example`` addresses and ARCEP's telephone ranges reserved for fiction only."""
    served = json.dumps([
        (await _get(create_crealia(), CREALIA, limit=50)).json(),
        (await _get(create_france_initiative(), INITIATIVE, **{"page[size]": 50})).json(),
        (await _get(create_irdi_soridec(), IRDI)).json(),
    ])  # fmt: skip
    emails = re.findall(r"[\w.+-]+@[\w.-]+", served)
    phones = re.findall(r"\b0\d(?: \d\d){4}\b", served)
    assert emails and all(email.endswith(".example") for email in emails)
    assert phones and all(phone[:8] in _FICTION for phone in phones)
    assert all(
        re.match(r"https://[\w.-]+\.example/", url)
        for url in re.findall(r"https://\S+?(?=\")", served)
    )


_FICTION = {"01 99 00", "02 61 91", "03 53 01", "04 65 71", "05 36 49", "06 39 98"}
