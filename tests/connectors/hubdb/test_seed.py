from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from connectors.hubdb import HubRepository, seed
from connectors.hubdb.models import Account, Base, ReferentAssignment

from .canonical import LEROY

EXPECTED_COUNTS = {
    "structures": 5,
    "accounts": 12,
    "agents": 7,
    "agent_roles": 7,
    "companies": 4,
    "company_memberships": 5,
    "referent_assignments": 4,
    "projects": 1,
    "project_actors": 3,
}


async def _dump(
    session_factory: async_sessionmaker[AsyncSession],
) -> dict[str, list[tuple[object, ...]]]:
    dump: dict[str, list[tuple[object, ...]]] = {}
    async with session_factory() as session:
        for table in Base.metadata.sorted_tables:
            rows = await session.execute(sa.select(table).order_by(*table.primary_key.columns))
            dump[table.name] = [tuple(row) for row in rows]
    return dump


async def test_seed_writes_the_canonical_identities(
    fresh_session_factory: async_sessionmaker[AsyncSession],
) -> None:
    dump = await _dump(fresh_session_factory)

    assert {name: len(rows) for name, rows in dump.items()} == EXPECTED_COUNTS


async def test_seed_twice_changes_nothing(
    fresh_session_factory: async_sessionmaker[AsyncSession],
) -> None:
    before = await _dump(fresh_session_factory)

    await seed(fresh_session_factory)

    assert await _dump(fresh_session_factory) == before


async def test_seed_keeps_rows_edited_since(
    fresh_session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with fresh_session_factory() as session, session.begin():
        await session.execute(
            sa.update(Account)
            .where(Account.id == "account-claire-leroy")
            .values(phone="04 65 71 99 99")
        )

    await seed(fresh_session_factory)

    accounts = await HubRepository(fresh_session_factory).accounts(["account-claire-leroy"])
    assert accounts["account-claire-leroy"].phone == "04 65 71 99 99"


async def test_seed_does_not_add_a_second_current_referent(
    fresh_session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with fresh_session_factory() as session, session.begin():
        await session.execute(
            sa.delete(ReferentAssignment).where(ReferentAssignment.siret == LEROY)
        )
        session.add(
            ReferentAssignment(id="changed-referent", siret=LEROY, agent_id="agent-sophie-roux",
                               status="ACCEPTED")
        )  # fmt: skip

    await seed(fresh_session_factory)

    facts = await HubRepository(fresh_session_factory).company_facts([LEROY])
    referent = facts[LEROY].referent
    assert referent is not None
    assert (referent.id, referent.agent_id) == ("changed-referent", "agent-sophie-roux")
