"""Concurrent answers to one referent request on PostgreSQL, with real concurrent sessions:
exactly one wins, the other is told the request was answered already."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.conftest import Run, errors_by_path
from tests.databases import seeded_database

pytestmark = pytest.mark.postgres

RESPOND = """mutation($id: ID!, $accept: Boolean!) {
  respondToReferentRequest(assignmentId: $id, accept: $accept) { status } }"""


@pytest.fixture
async def database_url(tmp_path: Path) -> AsyncIterator[str]:
    async with seeded_database("postgresql", tmp_path) as url:
        yield url


async def test_two_simultaneous_answers_on_postgres_exactly_one_wins(run: Run) -> None:
    found = await run(
        '{ company(siret: "44306184100047") { referent { id } } }',
        as_="paul.girard@biocosmetiques.example",
    )
    assignment_id = found.data["company"]["referent"]["id"]
    durand = "pierre.durand@cci-gard.example"
    results = await asyncio.gather(
        *(
            run(RESPOND, as_=durand, variables={"id": assignment_id, "accept": accept})
            for accept in (True, False, True, False)
        )
    )
    winners = [r for r in results if r.errors is None]
    losers = [errors_by_path(r)["respondToReferentRequest"] for r in results if r.errors]
    assert len(winners) == 1 and losers == ["BAD_USER_INPUT"] * 3
