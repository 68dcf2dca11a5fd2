"""The indicators' CSV download carries the GraphQL field's authorisation and period rules:
the structure's agents and the administrator get the annex's rows; anyone else, a bad or too
long period, a JSON error with the matching status."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import httpx
from asgi_lifespan import LifespanManager

from connectors.hubdb.indicators import INDICATORS
from gateway.app import create_app, dev_issuer
from gateway.settings import Settings
from tests.conftest import CountingTransport

PATH = "/structures/cci-gard/indicators.csv"
YEAR = {"from": "2025-01-01", "to": "2025-12-31"}
RECORD = """mutation { recordInteraction(input: {siret: "84215637400014", kind: WELCOME,
  channel: ON_SITE, on: "2025-03-01", segment: CREATEUR}) { id } }"""


async def test_the_export_answers_the_structures_agents_and_the_administrator_only(
    database_url: str, tmp_path: Path, upstream: CountingTransport
) -> None:
    settings = Settings(
        database_url=database_url, dev_secret_file=tmp_path / "secret", scheduler_enabled=False
    )
    issuer = dev_issuer(settings)

    def auth(email: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {issuer.issue(subject=email, email=email)}"}

    durand = auth("pierre.durand@cci-gard.example")
    sandbox = httpx.AsyncClient(base_url="http://sandbox.test", transport=upstream)
    async with LifespanManager(create_app(settings, entreprise_client=sandbox)) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gw.test") as client:
            recorded = await client.post("/graphql", headers=durand, json={"query": RECORD})
            assert recorded.json()["data"]["recordInteraction"]["id"]

            for who in ("pierre.durand@cci-gard.example", "helene.vidal@laregion.example"):
                answer = await client.get(PATH, params=YEAR, headers=auth(who))
                assert answer.status_code == 200, answer.text
                assert answer.headers["content-type"].startswith("text/csv")
                assert answer.headers["cache-control"] == "no-store"
                rows = list(csv.reader(io.StringIO(answer.text)))
                assert rows[0] == ["code", "label", "value"]
                assert [r[0] for r in rows[1:]] == [d.code for d in INDICATORS]
                values = {r[0]: int(r[2]) for r in rows[1:]}
                assert values["A02-IA4"] == 1 and values["A02-IA4-1"] == 1

            refused = {
                "julien.garcia@bge-occitanie.example": 403,
                "claire.leroy@leroy-sas.example": 403,
            }
            for who, status in refused.items():
                answer = await client.get(PATH, params=YEAR, headers=auth(who))
                assert answer.status_code == status
                assert answer.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
            anonymous = await client.get(PATH, params=YEAR)
            assert anonymous.status_code == 401

            for period in ({"from": "2025-12-31", "to": "2025-01-01"},
                           {"from": "2019-01-01", "to": "2025-12-31"},
                           {"from": "yesterday", "to": "2025-12-31"}, {}):  # fmt: skip
                answer = await client.get(PATH, params=period, headers=durand)
                assert answer.status_code == 400, period
                assert answer.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
