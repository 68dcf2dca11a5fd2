"""The annex's indicators over a hand-built set of interactions (alone: the seed's are
removed): each expected value is counted by hand from the annex's definitions (people once per period, requests and meetings
every time); for the structure's agents and the administrator only; one SQL statement
whatever the number of interactions."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from resolvers.context import Services
from tests.conftest import Run, errors_by_path

DURAND = "pierre.durand@cci-gard.example"  # CCI du Gard
GARCIA = "julien.garcia@bge-occitanie.example"  # BGE Occitanie
CLAIRE = "claire.leroy@leroy-sas.example"  # a company's mandataire
VIDAL = "helene.vidal@laregion.example"  # administrator
QUERY = """
query($structure: ID!, $from: Date!, $to: Date!) {
  indicators(structureId: $structure, period: {from: $from, to: $to}) { code label value }
}
"""
YEAR = {"structure": "cci-gard", "from": "2025-01-01", "to": "2025-12-31"}
C, R, N, T = "CREATEUR", "REPRENEUR", "NOUVEAU_DIRIGEANT", "CEDANT"
# (person, segment, kind, channel, day, product); the CCI du Gard's unless said
SET: list[tuple[str, str, str, str, str, str | None]] = [
    ("P1", C, "WELCOME", "ON_SITE", "2025-01-10", None),
    ("P1", C, "WELCOME", "ON_SITE", "2025-02-10", None),  # a second request, same person
    ("P2", R, "WELCOME", "REMOTE", "2025-03-01", None),
    ("P3", N, "WELCOME", "REMOTE", "2025-03-02", None),
    ("P4", T, "WELCOME", "ON_SITE", "2025-03-03", None),
    ("P1", C, "SENSITISATION", "ON_SITE", "2025-01-05", None),
    ("P5", C, "SENSITISATION", "REMOTE", "2025-01-06", None),
    ("P4", T, "SENSITISATION", "REMOTE", "2025-01-07", None),
    ("P1", C, "QUALIFICATION", "ON_SITE", "2025-02-11", None),
    ("P1", C, "QUALIFICATION", "REMOTE", "2025-04-11", None),  # qualified again: once
    ("P2", R, "QUALIFICATION", "ON_SITE", "2025-03-05", None),
    ("P3", N, "QUALIFICATION", "ON_SITE", "2025-03-06", None),
    ("P1", C, "TRAINING", "ON_SITE", "2025-05-01", "N12"),  # « 5 jours pour Entreprendre »
    ("P5", C, "TRAINING", "REMOTE", "2025-05-02", "N15"),  # another training
    ("P1", C, "ADVICE_MEETING", "ON_SITE", "2025-06-01", None),
    ("P1", C, "ADVICE_MEETING", "REMOTE", "2025-06-15", None),
    ("P5", C, "WORKSHOP", "ON_SITE", "2025-06-20", None),
    ("P1", C, "BUSINESS_PLAN", "ON_SITE", "2025-07-01", None),
    ("P2", R, "TRAINING", "ON_SITE", "2025-05-03", None),
    ("P2", R, "ADVICE_MEETING", "ON_SITE", "2025-05-04", None),
    ("P2", R, "SUPPORT_PROGRAMME", "ON_SITE", "2025-05-05", None),
    ("P3", N, "ADVICE_MEETING", "ON_SITE", "2025-05-06", None),
    ("P3", N, "ADVICE_MEETING", "ON_SITE", "2025-05-07", None),
    ("P6", N, "WORKSHOP", "ON_SITE", "2025-05-08", None),
    ("P6", N, "TRAINING", "ON_SITE", "2025-05-09", None),  # collective twice: once
    ("P3", N, "SUPPORT_PROGRAMME", "ON_SITE", "2025-05-10", None),
    ("P4", T, "ADVICE_MEETING", "ON_SITE", "2025-08-01", None),
    ("P4", T, "WORKSHOP", "ON_SITE", "2025-08-02", None),
    ("P4", T, "SUPPORT_PROGRAMME", "ON_SITE", "2025-08-03", None),
    ("P7", C, "WELCOME", "ON_SITE", "2024-12-31", None),  # the day before the period
    ("P8", C, "WELCOME", "ON_SITE", "2026-01-01", None),  # the day after
]
OTHER_STRUCTURE = [("P1", C, "ADVICE_MEETING", "ON_SITE", "2025-06-02", None)]
EXPECTED = {
    "A02-IA4": 4,  # P1 P2 P3 P4 welcomed (P1 twice: one person)
    "A02-IA4-1": 2,  # P1's two on-site requests
    "A02-IA4-2": 1,  # P2 remote
    "A02-IA4-3": 1,  # P3
    "A02-IA4-4": 1,  # P4
    "A02-IA9": 3,  # P1 P5 P4
    "A02-IA9-1": 2,  # P1 P5
    "A02-IA9-2": 0,
    "A02-IA9-3": 0,
    "A02-IA9-4": 1,  # P4
    "IA1": 3,  # P1 (twice) P2 P3
    "IA1-1": 1,
    "IA1-2": 1,
    "IA1-3": 1,
    "IA1-4": 0,
    "A02-IA10": 6,  # P1 P5 P2 P3 P6 P4
    "A02-IA10-1": 2,  # P1 P5
    "A02-IA10-1-A": 1,  # P1's « 5 jours »
    "A02-IA10-1-B": 1,  # P5's other training
    "A02-IA10-1-C": 2,  # P1's two meetings (not the BGE's)
    "A02-IA10-1-D": 1,  # P5's workshop
    "A02-IA10-1-E": 1,  # P1's business plan
    "A02-IA10-2": 1,  # P2
    "A02-IA10-2-A": 1,
    "A02-IA10-2-B": 1,
    "A02-IA10-2-C": 0,
    "A02-IA10-2-D": 1,
    "A02-IA10-3": 2,  # P3 P6
    "A02-IA10-3-A": 2,  # P3's two meetings
    "A02-IA10-3-B": 1,  # P6 (workshop and training)
    "A02-IA10-3-C": 1,  # P3
    "A02-IA10-4": 1,  # P4
    "A02-IA10-4-A": 1,
    "A02-IA10-4-B": 1,
    "A02-IA10-4-C": 1,
}


@pytest.fixture(autouse=True)
async def _nothing_else_recorded(services: Services) -> None:
    """The hand-built set alone: the support the seed records is removed first."""
    async with services.writer.transaction() as tx:
        await tx.session.execute(sa.text("DELETE FROM interactions"))


async def _record(
    services: Services, structure_id: str, rows: list[tuple[str, str, str, str, str, str | None]]
) -> None:
    async with services.writer.transaction() as tx:
        for person, segment, kind, channel, day, product in rows:
            siret = f"{int(person[1:]):014d}"
            values: dict[str, Any] = {
                "structure_id": structure_id, "agent_id": None, "siret": siret,
                "project_id": None, "person": f"company:{siret}", "kind": kind,
                "channel": channel, "segment": segment, "offer_id": None, "level": None,
                "product": product, "occurred_on": date.fromisoformat(day), "minutes": 60,
            }  # fmt: skip
            await tx.record_interaction(values, datetime.now(UTC))


async def test_every_indicator_of_the_annex_on_a_hand_built_set(
    run: Run, services: Services
) -> None:
    await _record(services, "cci-gard", SET)
    await _record(services, "bge-occitanie", OTHER_STRUCTURE)
    result = await run(QUERY, as_=DURAND, variables=YEAR)
    assert result.errors is None
    computed = {i["code"]: i["value"] for i in result.data["indicators"]}
    assert list(computed) == list(EXPECTED)  # every code, in the annex's order
    assert computed == EXPECTED
    labels = {i["code"]: i["label"] for i in result.data["indicators"]}
    assert (
        labels["A02-IA10-1-A"]
        == "Nombre de participants à la formation « 5 jours pour Entreprendre »"
    )


async def test_the_administrator_reads_any_structures_indicators(
    run: Run, services: Services
) -> None:
    await _record(services, "bge-occitanie", OTHER_STRUCTURE)
    result = await run(QUERY, as_=VIDAL, variables={**YEAR, "structure": "bge-occitanie"})
    computed = {i["code"]: i["value"] for i in result.data["indicators"]}
    assert computed["A02-IA10-1-C"] == 1 and computed["A02-IA10"] == 1


@pytest.mark.parametrize(
    ("who", "code"),
    [(GARCIA, "FORBIDDEN"), (CLAIRE, "FORBIDDEN"), ("holder", "FORBIDDEN"), (None, "FORBIDDEN")],
)
async def test_another_structures_agent_or_a_company_is_refused(
    run: Run, services: Services, who: str | None, code: str
) -> None:
    if who == "holder":
        async with services.writer.transaction() as tx:
            who = await tx.session.scalar(
                sa.text("SELECT email FROM accounts WHERE kind = 'PROJECT_HOLDER' ORDER BY id")
            )
    result = await run(QUERY, as_=who, variables=YEAR)
    assert result.data["indicators"] is None
    assert errors_by_path(result) == {"indicators": code}


@pytest.mark.parametrize(
    ("start", "end"),
    [("2025-12-31", "2025-01-01"), ("2020-01-01", "2025-01-01"), ("2020-01-01", "2026-06-30")],
)
async def test_a_reversed_period_or_one_of_five_years_or_more_is_bad_user_input(
    run: Run, start: str, end: str
) -> None:
    result = await run(QUERY, as_=DURAND, variables={**YEAR, "from": start, "to": end})
    assert errors_by_path(result) == {"indicators": "BAD_USER_INPUT"}


async def test_five_years_less_a_day_is_a_period(run: Run) -> None:
    result = await run(
        QUERY, as_=DURAND, variables={**YEAR, "from": "2020-01-01", "to": "2024-12-31"}
    )
    assert result.errors is None


async def test_the_indicators_take_one_statement_whatever_the_number_of_interactions(
    run: Run, services: Services
) -> None:
    statements: list[str] = []

    def count(*args: Any) -> None:
        if "interactions" in str(args[2]):
            statements.append(str(args[2]))

    engine = services.hub.engine.sync_engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        await run(QUERY, as_=DURAND, variables=YEAR)
        few = len(statements)
        await _record(services, "cci-gard", SET * 10)
        statements.clear()
        await run(QUERY, as_=DURAND, variables=YEAR)
        assert len(statements) == few == 1
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


NETWORK = """
query($from: Date!, $to: Date!) {
  networkIndicators(period: {from: $from, to: $to}) { code value }
}
"""


async def test_the_administrators_roll_up_counts_a_person_once_across_structures(
    run: Run, services: Services
) -> None:
    await _record(services, "cci-gard", SET)
    await _record(services, "bge-occitanie", OTHER_STRUCTURE)  # P1's meeting at the BGE
    period = {"from": YEAR["from"], "to": YEAR["to"]}
    result = await run(NETWORK, as_=VIDAL, variables=period)
    computed = {i["code"]: i["value"] for i in result.data["networkIndicators"]}
    assert computed == EXPECTED | {"A02-IA10-1-C": 3}  # one more meeting, no more people
    for who in (DURAND, GARCIA, CLAIRE, None):
        refused = await run(NETWORK, as_=who, variables=period)
        assert errors_by_path(refused) == {"networkIndicators": "FORBIDDEN"}
    reversed_ = await run(NETWORK, as_=VIDAL, variables={"from": YEAR["to"], "to": YEAR["from"]})
    assert errors_by_path(reversed_) == {"networkIndicators": "BAD_USER_INPUT"}
