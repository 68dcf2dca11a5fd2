"""The "indicators" scenario: the CCI du Gard with 50,000 recorded interactions over five
years (written by the bench, deterministic), its agent asking for one year's indicators of
the annex, the years in rotation, on the warm gateway. The indicators are one SQL statement
whatever the number of interactions (tests/schema/test_indicators.py)."""

from __future__ import annotations

import itertools
import math
import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import aiohttp
import sqlalchemy as sa

from bench.client import GraphQLPoster, ReferenceCheck
from bench.report import ms, passed, table
from connectors.hubdb import create_engine
from connectors.hubdb.indicators import INDICATORS
from connectors.hubdb.models import Interaction

__all__ = [
    "AGENT_EMAIL",
    "INTERACTIONS",
    "TARGETS",
    "YEARS",
    "IndicatorsClient",
    "judge",
    "render",
    "seed_interactions",
]

AGENT_EMAIL = "pierre.durand@cci-gard.example"
STRUCTURE = "cci-gard"
INTERACTIONS = 50_000
YEARS = (2021, 2022, 2023, 2024, 2025)
TARGETS = {"warm_p50_ms_max": 200.0}
_PEOPLE = 9_000
_CHUNK = 5_000
_KINDS = (
    ("WELCOME", 30), ("SENSITISATION", 20), ("QUALIFICATION", 15), ("TRAINING", 8),
    ("ADVICE_MEETING", 15), ("WORKSHOP", 6), ("SUPPORT_PROGRAMME", 4), ("BUSINESS_PLAN", 2),
)  # fmt: skip
_SEGMENTS = (("CREATEUR", 55), ("REPRENEUR", 12), ("NOUVEAU_DIRIGEANT", 25), ("CEDANT", 8))
QUERY = """
query Indicators($s: ID!, $from: Date!, $to: Date!) {
  indicators(structureId: $s, period: {from: $from, to: $to}) { code value } }
"""


def _rows() -> list[dict[str, Any]]:
    rng = random.Random(15)
    kinds, kind_weights = zip(*_KINDS, strict=True)
    segments, segment_weights = zip(*_SEGMENTS, strict=True)
    start, days = date(YEARS[0], 1, 1), (date(YEARS[-1], 12, 31) - date(YEARS[0], 1, 1)).days
    now = datetime.now(UTC)
    rows = []
    for n in range(INTERACTIONS):
        person = rng.randrange(_PEOPLE)
        kind = rng.choices(kinds, kind_weights)[0]
        rows.append({
            "id": f"bench-{n:06d}", "structure_id": STRUCTURE, "agent_id": None,
            "siret": f"{person:014d}", "project_id": None, "person": f"company:{person:014d}",
            "kind": kind, "channel": "ON_SITE" if rng.random() < 0.6 else "REMOTE",
            "segment": rng.choices(segments, segment_weights)[0], "offer_id": None,
            "level": None, "product": "N12" if kind == "TRAINING" and rng.random() < 0.5 else None,
            "occurred_on": start + timedelta(days=rng.randrange(days + 1)),
            "minutes": rng.choice((30, 60, 90, 120)), "recorded_at": now,
        })  # fmt: skip
    return rows


async def seed_interactions(database_url: str) -> int:
    """Writes the scenario's interactions once (a second run finds them); returns how many
    the structure has."""
    table_ = Interaction.__table__
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            present = await connection.scalar(
                sa.select(sa.func.count()).select_from(table_).where(table_.c.id.like("bench-%"))
            )
            if not present:
                rows = _rows()
                for first in range(0, len(rows), _CHUNK):
                    await connection.execute(sa.insert(table_), rows[first : first + _CHUNK])
            total = await connection.scalar(
                sa.select(sa.func.count())
                .select_from(table_)
                .where(table_.c.structure_id == STRUCTURE)
            )
    finally:
        await engine.dispose()
    return int(total or 0)


def _problem(data: Any) -> str | None:
    found = (data or {}).get("indicators")
    if not isinstance(found, list) or [i.get("code") for i in found] != [
        d.code for d in INDICATORS
    ]:
        return "not the annex's indicators in order"
    values = {i["code"]: i["value"] for i in found}
    if not values["A02-IA4"] or values["A02-IA4"] > values["A02-IA4-1"] + values["A02-IA4-2"] + (
        values["A02-IA4-3"] + values["A02-IA4-4"]
    ):
        return "A02-IA4 is not a count of people welcomed"
    return None


class IndicatorsClient:
    """Asks for one year's indicators, the years in rotation, each year's answers checked
    against its first correct one (``ReferenceCheck``)."""

    def __init__(self, session: aiohttp.ClientSession, gateway_url: str, token: str) -> None:
        self._poster = GraphQLPoster(session, gateway_url, token)
        self._bodies = [
            GraphQLPoster.body(
                QUERY, "Indicators", {"s": STRUCTURE, "from": f"{y}-01-01", "to": f"{y}-12-31"}
            )
            for y in YEARS
        ]
        self._checks = [ReferenceCheck(_problem) for _ in YEARS]
        self._next = itertools.count()

    async def request(self) -> tuple[float, str | None]:
        index = next(self._next) % len(YEARS)
        seconds, status, body = await self._poster.post(self._bodies[index])
        return seconds, self._checks[index].failure(status, body)


def judge(result: dict[str, Any]) -> dict[str, str]:
    warm = result["warm"]
    p50 = warm["latency_ms"]["p50"]
    return {
        "warm_p50": passed(not math.isnan(p50) and p50 <= TARGETS["warm_p50_ms_max"]),
        "all_answers_correct": passed(int(warm.get("failed", 0)) == 0),
    }


def render(result: dict[str, Any]) -> str:
    warm, verdicts = result["warm"], result["verdicts"]
    label = f"warm p50, a year of {result['interactions']} interactions over {len(YEARS)} years"
    rows: list[tuple[str, ...]] = [
        (label, ms(warm["latency_ms"]["p50"]), "",
         f"≤ {TARGETS['warm_p50_ms_max']:g} ms → {verdicts['warm_p50']}"),
        ("warm p99", ms(warm["latency_ms"]["p99"]), "", ""),
        ("failed answers", str(warm.get("failed", 0)), "", verdicts["all_answers_correct"]),
    ]  # fmt: skip
    return "\n".join(table("indicators", ("", "value", "", "target"), rows))
