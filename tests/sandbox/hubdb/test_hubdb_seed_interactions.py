"""The support the CCIs recorded in the seed: a few hundred interactions over two years, every
CCI's, every kind, channel and segment present, each one that ``recordInteraction`` would
accept; the CCI du Gard's indicators answer figures."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from connectors.hubdb.enums import Channel, InteractionKind, Segment
from resolvers.interactions import MAX_MINUTES
from sandbox.hubdb.interactions import FIRST_DAY, LAST_DAY
from sandbox.hubdb.vocabulary import CCI_NAMES
from tests.conftest import Run
from tests.seed_world import COMPANIES

DURAND = "pierre.durand@cci-gard.example"
INDICATORS = """query($from: Date!, $to: Date!) {
  indicators(structureId: "cci-gard", period: {from: $from, to: $to}) { code value } }"""


async def _interactions(engine: AsyncEngine) -> list[Any]:
    async with engine.connect() as connection:
        return list(await connection.execute(sa.text("SELECT * FROM interactions")))


async def test_every_cci_recorded_a_few_hundred_interactions_of_every_kind_and_channel(
    engine: AsyncEngine,
) -> None:
    rows = await _interactions(engine)

    assert 300 <= len(rows) <= 1000
    assert {row.structure_id for row in rows} == {cci for cci, _ in CCI_NAMES.values()}
    assert {row.kind for row in rows} == set(InteractionKind)
    assert {row.channel for row in rows} == set(Channel)
    assert {row.segment for row in rows} == set(Segment)
    days = [row.occurred_on for row in rows]
    days = [date.fromisoformat(day) if isinstance(day, str) else day for day in days]
    assert FIRST_DAY <= min(days) and max(days) <= LAST_DAY
    by_year = Counter(day.year for day in days)
    assert by_year[2025] >= 100 and by_year[2026] >= 100


async def test_each_seeded_interaction_is_one_record_interaction_would_accept(
    engine: AsyncEngine,
) -> None:
    async with engine.connect() as connection:
        offers = {row.id: row for row in await connection.execute(sa.text(
            "SELECT id, structure_id, segment, level FROM offers"))}  # fmt: skip
        codes: dict[str, set[str]] = {}
        for offer_id, code in await connection.execute(
            sa.text("SELECT offer_id, code FROM offer_products WHERE code IS NOT NULL")
        ):
            codes.setdefault(offer_id, set()).add(code)
        staff = dict(list(await connection.execute(sa.text("SELECT id, structure_id FROM agents"))))
        companies = set(await connection.scalars(sa.text("SELECT siret FROM companies")))
        holders = dict(list(await connection.execute(sa.text(
            "SELECT id, holder_account_id FROM projects WHERE holder_account_id IS NOT NULL"))))  # fmt: skip

    for row in await _interactions(engine):
        assert staff[row.agent_id] == row.structure_id
        if row.siret is not None:
            assert row.project_id is None and row.siret in companies
            assert row.siret not in COMPANIES  # the canonical examples stay as documented
            assert row.person == f"company:{row.siret}"
        else:
            assert row.person == f"account:{holders[row.project_id]}"
        if row.offer_id is None:
            assert row.level is None and row.product is None
        else:
            offer = offers[row.offer_id]
            assert offer.structure_id == row.structure_id
            assert (offer.level, offer.segment) == (row.level, row.segment)
            assert row.product is None or row.product in codes[row.offer_id]
        assert 1 <= row.minutes <= MAX_MINUTES


async def test_the_cci_du_gards_indicators_answer_figures(run: Run) -> None:
    for period in ({"from": "2025-01-01", "to": "2025-12-31"},
                   {"from": "2026-01-01", "to": "2026-11-30"}):  # fmt: skip
        result = await run(INDICATORS, as_=DURAND, variables=period)

        assert result.errors is None
        values = {i["code"]: i["value"] for i in result.data["indicators"]}
        for code in ("A02-IA4", "A02-IA4-1", "A02-IA4-2", "A02-IA9", "IA1", "A02-IA10"):
            assert values[code] > 0, (period, code)
        assert sum(1 for value in values.values() if value) >= len(values) // 2
