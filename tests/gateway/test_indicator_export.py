"""The indicators' CSV download carries the GraphQL field's authorisation and period rules:
the structure's agents and the administrator get the annex's rows; anyone else, a bad or too
long period, a JSON error with the matching status."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from connectors.hubdb import create_engine, create_session_factory
from connectors.hubdb.enums import Satisfaction
from connectors.hubdb.indicators import INDICATORS
from connectors.hubdb.surveys import PERFORMANCE_INDICATORS, SurveyAnswers
from connectors.hubdb.writes import HubWriter
from gateway.app import dev_issuer
from gateway.settings import Settings
from tests.conftest import CountingTransport
from tests.gateway.serving import served

PATH = "/structures/cci-gard/indicators.csv"
DURAND = "pierre.durand@cci-gard.example"
SURVEYED_YEAR = {"from": "2023-01-01", "to": "2023-12-31"}
YEAR = {"from": "2023-01-01", "to": "2023-12-31"}
"""Before the support the seed records (sandbox/hubdb/interactions.py): the one recorded here
is alone."""
RECORD = """mutation { recordInteraction(input: {siret: "84215637400014", kind: WELCOME,
  channel: ON_SITE, on: "2023-03-01", segment: CREATEUR}) { id } }"""


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
    async with served(settings, entreprise_client=sandbox, base_url="http://gw.test") as gateway:
        recorded = await gateway.client.post("/graphql", headers=durand, json={"query": RECORD})
        assert recorded.json()["data"]["recordInteraction"]["id"]

        for who in ("pierre.durand@cci-gard.example", "helene.vidal@laregion.example"):
            answer = await gateway.client.get(PATH, params=YEAR, headers=auth(who))
            assert answer.status_code == 200, answer.text
            assert answer.headers["content-type"].startswith("text/csv")
            assert answer.headers["cache-control"] == "no-store"
            rows = list(csv.reader(io.StringIO(answer.text)))
            assert rows[0] == ["code", "label", "value"]
            annex = rows[1 : len(INDICATORS) + 1]  # a calendar year: the survey follows
            assert [r[0] for r in annex] == [d.code for d in INDICATORS]
            values = {r[0]: int(r[2]) for r in annex}
            assert values["A02-IA4"] == 1 and values["A02-IA4-1"] == 1

        refused = {
            "julien.garcia@bge-occitanie.example": 403,
            "claire.leroy@leroy-sas.example": 403,
        }
        for who, status in refused.items():
            answer = await gateway.client.get(PATH, params=YEAR, headers=auth(who))
            assert answer.status_code == status
            assert answer.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        anonymous = await gateway.client.get(PATH, params=YEAR)
        assert anonymous.status_code == 401

        for period in ({"from": "2025-12-31", "to": "2025-01-01"},
                       {"from": "2019-01-01", "to": "2025-12-31"},
                       {"from": "yesterday", "to": "2025-12-31"}, {}):  # fmt: skip
            answer = await gateway.client.get(PATH, params=period, headers=durand)
            assert answer.status_code == 400, period
            assert answer.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_calendar_years_report_ends_with_the_satisfaction_surveys_rates(
    database_url: str, tmp_path: Path, upstream: CountingTransport
) -> None:
    settings = Settings(
        database_url=database_url, dev_secret_file=tmp_path / "secret", scheduler_enabled=False
    )
    token = dev_issuer(settings).issue(subject=DURAND, email=DURAND)
    headers = {"Authorization": f"Bearer {token}"}
    sandbox = httpx.AsyncClient(base_url="http://sandbox.test", transport=upstream)
    await _answered_surveys(database_url)
    async with served(settings, entreprise_client=sandbox, base_url="http://gw.test") as gateway:
        year = await gateway.client.get(PATH, params=SURVEYED_YEAR, headers=headers)
        part = await gateway.client.get(
            PATH, params={"from": "2023-01-01", "to": "2023-06-30"}, headers=headers
        )
        empty = await gateway.client.get(
            PATH, params={"from": "2022-01-01", "to": "2022-12-31"}, headers=headers
        )
    rows = list(csv.reader(io.StringIO(year.text)))
    survey = rows[len(INDICATORS) + 1 :]
    assert [r[0] for r in survey] == [
        "SURVEY_SENT", "SURVEY_ANSWERED", "SURVEY_RESPONSE_RATE",
        *(d.code for d in PERFORMANCE_INDICATORS),
    ]  # fmt: skip
    values = {r[0]: r[2] for r in survey}
    assert (values["SURVEY_SENT"], values["SURVEY_ANSWERED"]) == ("3", "2")
    assert values["SURVEY_RESPONSE_RATE"] == "0.6667"  # 2 of 3
    assert values["SATISFACTION"] == "1" and values["USEFULNESS"] == "0.5"  # 2 and 1 of 2
    assert "SURVEY_SENT" not in {r[0] for r in csv.reader(io.StringIO(part.text))}
    none_sent = list(csv.reader(io.StringIO(empty.text)))[len(INDICATORS) + 1 :]
    assert [r[2] for r in none_sent] == ["0", "0"] + [""] * 7  # no rate without an answer


async def _answered_surveys(database_url: str) -> None:
    """Three surveys of the CCI du Gard's 2023, two answered."""
    now = datetime.now(UTC)
    engine = create_engine(database_url)
    try:
        async with HubWriter(create_session_factory(engine)).transaction() as tx:
            for n, (satisfaction, yes) in enumerate(
                [("SATISFIED", True), ("VERY_SATISFIED", False), ("DISSATISFIED", False)]
            ):
                survey = await tx.add_survey(
                    structure_id="cci-gard", year=2023, person=f"company:{n}",
                    token_hash=f"{n}" * 64, now=now, expires_at=now + timedelta(days=1),
                )  # fmt: skip
                assert survey is not None
                if n < 2:  # the third did not answer
                    answers = SurveyAnswers(Satisfaction(satisfaction), yes, yes, yes, yes, yes)
                    assert await tx.answer_survey(survey, answers, now)
    finally:
        await engine.dispose()
