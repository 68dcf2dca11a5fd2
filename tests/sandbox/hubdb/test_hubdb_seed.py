from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from connectors.hubdb import HubRepository, create_engine, create_session_factory, migrate
from connectors.hubdb.models import Account, Base, ReferentAssignment
from sandbox.hubdb import canonical_rows, seed
from tests.connectors.hubdb.canonical import LEROY

CANONICAL_COUNTS = {
    "structures": 5,
    "structure_support_kinds": 21,
    "accounts": 12,
    "agents": 7,
    "agent_roles": 7,
    "agent_filieres": 8,
    "agent_domains": 11,
    "agent_territories": 57,
    "companies": 4,
    "company_memberships": 5,
    "referent_assignments": 4,
    "projects": 1,
    "project_actors": 3,
    "notifications": 0,
    "email_outbox": 0,
    "referent_change_requests": 0,
    "partner_api_keys": 0,  # made by the administrator at run time, never seeded
    "persisted_queries": 0,
    "audit_events": 0,
    "public_aids": 6,  # LEROY's five and FABRE's one (the de minimis examples)
    "identity_documents": 0,
    "submissions": 0,  # filed at run time
    "platform_polls": 0,
    "application_statuses": 0,
    "collaborator_invitations": 0,
    "account_filieres": 0,
    "favourites": 0,
    "offers": 0,  # the full seed's: every CCI's national offers, BGE and Initiative offers
    "offer_products": 0,
    "interactions": 0,  # the full seed's: the CCIs' recorded support (sandbox/hubdb/interactions.py)
    "satisfaction_surveys": 0,  # sent at run time
}


async def _dump(
    session_factory: async_sessionmaker[AsyncSession],
) -> dict[str, list[tuple[object, ...]]]:
    dump: dict[str, list[tuple[object, ...]]] = {}
    async with session_factory() as session:
        for table in Base.metadata.sorted_tables:
            if table.name == "company_change_counter":
                continue  # it counts writes (the company cache's signal on SQLite), not data
            rows = await session.execute(sa.select(table).order_by(*table.primary_key.columns))
            dump[table.name] = [tuple(row) for row in rows]
    return dump


async def test_seed_writes_the_canonical_identities(empty_url: str) -> None:
    await migrate(empty_url)
    engine = create_engine(empty_url)
    try:
        session_factory = create_session_factory(engine)
        await seed(session_factory, canonical_rows)
        dump = await _dump(session_factory)
    finally:
        await engine.dispose()

    assert {name: len(rows) for name, rows in dump.items()} == CANONICAL_COUNTS


async def test_the_full_seed_keeps_every_canonical_row_as_it_is(
    empty_url: str, fresh_session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await migrate(empty_url)
    engine = create_engine(empty_url)
    try:
        only_canonical = await _dump_after_seed(create_session_factory(engine))
    finally:
        await engine.dispose()
    full = await _dump(fresh_session_factory)

    for table, rows in only_canonical.items():
        assert set(rows) <= set(full[table]), table


async def _dump_after_seed(
    session_factory: async_sessionmaker[AsyncSession],
) -> dict[str, list[tuple[object, ...]]]:
    await seed(session_factory, canonical_rows)
    return await _dump(session_factory)


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
