"""Invitations on PostgreSQL, with real concurrent sessions: two simultaneous invitations of
one address make one, an accepted invitation makes exactly one membership, and the invitee
sees its live invitation."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from resolvers.context import Services
from tests.conftest import Run, errors_by_path
from tests.databases import seeded_database
from tests.resolvers.test_invitations import ACCEPT, ANTOINE, CLAIRE, INVITE, LEROY, MINE, _token

pytestmark = pytest.mark.postgres


@pytest.fixture
async def database_url(tmp_path: Path) -> AsyncIterator[str]:
    async with seeded_database("postgresql", tmp_path) as url:
        yield url


async def test_simultaneous_invitations_of_one_address_make_one(run: Run) -> None:
    results = await asyncio.gather(
        *(run(INVITE, as_=CLAIRE, variables={"email": ANTOINE, "name": f"N{i}"}) for i in range(4))
    )
    made = [r for r in results if r.errors is None]
    refused = [errors_by_path(r)["addCollaborator"] for r in results if r.errors]
    assert len(made) == 1 and refused == ["BAD_USER_INPUT"] * 3


async def test_simultaneous_acceptances_make_one_membership(run: Run, services: Services) -> None:
    await run(INVITE, as_=CLAIRE, variables={"email": ANTOINE, "name": "Antoine"})
    token = await _token(services, ANTOINE)
    results = await asyncio.gather(
        *(run(ACCEPT, as_=ANTOINE, variables={"token": token}) for _ in range(4))
    )
    assert all(r.errors is None for r in results), [r.errors for r in results]
    listed = await run(
        '{ company(siret: "84215637400014") { collaborators { email status } } }', as_=CLAIRE
    )
    mine = [c for c in listed.data["company"]["collaborators"] if c["email"] == ANTOINE]
    assert mine == [{"email": ANTOINE, "status": "ACTIVE"}]


async def test_the_invitee_sees_its_live_invitation_on_postgresql(run: Run) -> None:
    await run(INVITE, as_=CLAIRE, variables={"email": ANTOINE, "name": "Antoine"})
    mine = await run(MINE, as_=ANTOINE)
    assert [i["company"]["siret"] for i in mine.data["viewer"]["invitations"]] == [LEROY]
    assert (await run(MINE, as_=CLAIRE)).data["viewer"]["invitations"] == []
