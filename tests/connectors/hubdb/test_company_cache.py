"""The company company_cache, on both backends: a warm read sends no statement (on SQLite, only the
count of writes), and every kind of write to what a company's access is decided from —
made behind the cache's back, as another process or instance would — is seen by the next
read; a write elsewhere keeps what is cached; a read under way when a change is signalled
is not kept. What PostgreSQL's listener does when its connection is lost is in
``test_company_cache_listener.py``."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from connectors.hubdb import CompanyCache, CompanyReads
from connectors.hubdb.models import CollaboratorInvitation, Company, Project, PublicAid
from connectors.hubdb.writes import HubWriter

LEROY = "84215637400014"
UNREGISTERED = "55203253400646"
_CHANGE_SEEN_WITHIN_S = 10.0
"""How long a notification may take to arrive on PostgreSQL (a bound, not a timing)."""


@dataclass(frozen=True)
class Read:
    facts: Any
    projects: Any
    invitations: Any
    aids: Any


async def _read(company_cache: CompanyCache | CompanyReads, siret: str = LEROY) -> Read:
    facts, projects, invitations, aids = await asyncio.gather(
        company_cache.company_facts([siret]),
        company_cache.projects([siret]),
        company_cache.pending_invitations([siret]),
        company_cache.public_aids([siret]),
    )
    return Read(facts[siret], projects[siret], invitations[siret], aids[siret])


async def _sent_by_a_read(
    company_cache: CompanyCache | CompanyReads, fresh_statements: list[str]
) -> list[str]:
    """The statements one read of LEROY sends, but the count of writes (SQLite's signal)."""
    fresh_statements.clear()
    await _read(company_cache)
    return [
        statement for statement in fresh_statements if "company_change_counter" not in statement
    ]


async def _sql(engine: AsyncEngine, statement: str, **values: Any) -> None:
    async with engine.begin() as connection:
        await connection.execute(sa.text(statement), values)


async def _eventually(
    company_cache: CompanyCache, seen: Callable[[Read], bool], siret: str = LEROY
) -> Read:
    """The first read that shows the change; fails when none does within the bound."""
    deadline = asyncio.get_running_loop().time() + _CHANGE_SEEN_WITHIN_S
    while True:
        read = await _read(company_cache, siret)
        if seen(read) or asyncio.get_running_loop().time() > deadline:
            return read
        await asyncio.sleep(0.02)


def _backend(engine: AsyncEngine) -> str:
    return engine.dialect.name


async def _rename_member(engine: AsyncEngine, _: Any) -> None:
    await _sql(engine, "UPDATE accounts SET name = 'Claire Leroy-Vidal' WHERE id = :id",
               id="account-claire-leroy")  # fmt: skip


async def _remove_member(engine: AsyncEngine, _: Any) -> None:
    await _sql(engine, "DELETE FROM company_memberships WHERE siret = :s AND account_id = :a",
               s=LEROY, a="account-thomas-blanc")  # fmt: skip


async def _end_referent(engine: AsyncEngine, _: Any) -> None:
    await _sql(engine, "UPDATE referent_assignments SET status = 'ENDED' WHERE siret = :s",
               s=LEROY)  # fmt: skip


async def _move_referent(engine: AsyncEngine, _: Any) -> None:
    await _sql(engine, "UPDATE agents SET structure_id = 'bge-occitanie' WHERE id = :id",
               id="agent-pierre-durand")  # fmt: skip


async def _rename_project(engine: AsyncEngine, _: Any) -> None:
    await _sql(engine, "UPDATE projects SET title = 'Électrolyseur' WHERE id = :id",
               id="project-leroy-pile-hydrogene")  # fmt: skip


async def _remove_actor(engine: AsyncEngine, _: Any) -> None:
    await _sql(engine, "DELETE FROM project_actors WHERE project_id = :p AND agent_id = :a",
               p="project-leroy-pile-hydrogene", a="agent-lucie-mercier")  # fmt: skip


async def _invite(_: AsyncEngine, sessions: async_sessionmaker[AsyncSession]) -> None:
    now = datetime.now(UTC)
    async with sessions.begin() as session:
        session.add(CollaboratorInvitation(
            id=str(uuid.uuid4()), siret=LEROY, email="nouvelle@leroy.example", name="Nouvelle",
            role="COLLABORATOR", token_hash=uuid.uuid4().hex, status="PENDING",
            created_at=now, expires_at=now + timedelta(days=7),
        ))  # fmt: skip


async def _record_aid(_: AsyncEngine, sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as session:
        session.add(PublicAid(
            id=str(uuid.uuid4()), siret=LEROY, granted_on=date(2026, 11, 2), amount=12_000,
            grantor="Région Occitanie (test)", scheme="Pass Export", regulation="2023/2831",
        ))  # fmt: skip


WRITES: dict[str, tuple[Callable[[AsyncEngine, Any], Awaitable[None]], Callable[[Read], bool]]] = {
    "a member's account renamed": (
        _rename_member,
        lambda r: any(p.name == "Claire Leroy-Vidal" for p in r.facts.people),
    ),
    "a membership removed": (
        _remove_member,
        lambda r: "account-thomas-blanc" not in r.facts.members,
    ),
    "the referent assignment ended": (_end_referent, lambda r: r.facts.referent is None),
    "the referent moved to another structure": (
        _move_referent,
        lambda r: r.facts.referent.structure_id == "bge-occitanie",
    ),
    "a project renamed": (_rename_project, lambda r: r.projects[0].title == "Électrolyseur"),
    "a project actor removed": (
        _remove_actor,
        lambda r: all(a.agent_id != "agent-lucie-mercier" for a in r.projects[0].actors),
    ),
    "a collaborator invited": (_invite, lambda r: len(r.invitations) == 1),
    "a public aid recorded": (
        _record_aid,
        lambda r: any(a.grantor == "Région Occitanie (test)" for a in r.aids),
    ),
}


@pytest.mark.parametrize("write", list(WRITES))
async def test_a_write_behind_the_cache_is_seen_by_the_next_read(
    write: str,
    company_cache: CompanyCache,
    fresh_engine: AsyncEngine,
    fresh_session_factory: async_sessionmaker[AsyncSession],
) -> None:
    change, seen = WRITES[write]
    before = await _read(company_cache)
    assert not seen(before)
    await change(fresh_engine, fresh_session_factory)
    after = (
        await _read(company_cache)
        if _backend(fresh_engine) == "sqlite"  # the count is read first: at once
        else await _eventually(company_cache, seen)
    )
    assert seen(after)


async def test_a_company_registered_behind_the_cache_is_seen(
    company_cache: CompanyCache,
    fresh_engine: AsyncEngine,
    fresh_session_factory: async_sessionmaker[AsyncSession],
) -> None:
    assert not (await _read(company_cache, UNREGISTERED)).facts.registered
    async with fresh_session_factory.begin() as session:
        session.add(Company(siret=UNREGISTERED, siren=UNREGISTERED[:9], display_name="Nouvelle"))
    after = await _eventually(company_cache, lambda r: r.facts.registered, UNREGISTERED)
    assert after.facts.registered


async def test_a_warm_read_sends_no_statement_but_the_count(
    company_cache: CompanyCache, fresh_engine: AsyncEngine, fresh_statements: list[str]
) -> None:
    await _read(company_cache)
    fresh_statements.clear()
    await _read(company_cache)
    counts = ["company_change_counter" in statement for statement in fresh_statements]
    if _backend(fresh_engine) == "sqlite":
        assert counts == [True] * 4  # one per kept read
    else:
        assert counts == []


async def test_one_requests_reads_ask_for_the_count_once(
    company_cache: CompanyCache, fresh_engine: AsyncEngine, fresh_statements: list[str]
) -> None:
    await _read(company_cache)
    fresh_statements.clear()
    await _read(company_cache.for_request())
    await _read(company_cache.for_request())
    counts = ["company_change_counter" in statement for statement in fresh_statements]
    assert counts == ([True] * 2 if _backend(fresh_engine) == "sqlite" else [])


async def test_a_write_behind_the_cache_is_seen_by_the_next_requests_reads(
    company_cache: CompanyCache,
    fresh_engine: AsyncEngine,
    fresh_session_factory: async_sessionmaker[AsyncSession],
) -> None:
    change, seen = WRITES["a public aid recorded"]
    running = company_cache.for_request()
    assert not seen(await _read(running))
    await change(fresh_engine, fresh_session_factory)
    if _backend(fresh_engine) == "sqlite":
        assert not seen(await _read(running))  # the request runs on what it was told first
        assert seen(await _read(company_cache.for_request()))
    else:
        assert await _eventually(company_cache, seen)


async def test_this_instances_write_is_seen_at_once_by_a_running_request(
    company_cache: CompanyCache, fresh_statements: list[str]
) -> None:
    running = company_cache.for_request()
    await _read(running)
    assert await _sent_by_a_read(running, fresh_statements) == []  # kept
    company_cache.forget_all()  # what HubWriter's committed transaction does
    assert (
        len(await _sent_by_a_read(running, fresh_statements)) == 4
    )  # read again, not what was dropped


async def test_a_write_elsewhere_keeps_what_is_cached(
    company_cache: CompanyCache, fresh_engine: AsyncEngine, fresh_statements: list[str]
) -> None:
    await _read(company_cache)
    await _sql(fresh_engine, "UPDATE structures SET name = 'CCI du Gard (Nîmes)' WHERE id = :id",
               id="cci-gard")  # fmt: skip
    await asyncio.sleep(0.2)  # on PostgreSQL, time for a notification, had there been one
    assert await _sent_by_a_read(company_cache, fresh_statements) == []


async def test_forget_drops_a_company_at_once(
    company_cache: CompanyCache, fresh_engine: AsyncEngine, fresh_statements: list[str]
) -> None:
    await _read(company_cache)
    company_cache.forget([LEROY])
    assert len(await _sent_by_a_read(company_cache, fresh_statements)) == 4


async def test_a_read_under_way_when_a_change_is_signalled_is_not_kept(
    company_cache: CompanyCache, fresh_engine: AsyncEngine, fresh_statements: list[str]
) -> None:
    started, release = asyncio.Event(), asyncio.Event()
    hub_facts = company_cache._facts._fetch

    async def slow(sirets: Any) -> Any:
        found = await hub_facts(sirets)
        started.set()
        await release.wait()
        return found

    company_cache._facts._fetch = slow
    reading = asyncio.ensure_future(company_cache.company_facts([LEROY]))
    await started.wait()
    company_cache.forget([LEROY])  # the write lands while the read is under way
    release.set()
    await reading
    company_cache._facts._fetch = hub_facts
    fresh_statements.clear()
    await company_cache.company_facts([LEROY])
    assert any("company_memberships" in statement for statement in fresh_statements)  # read again


async def test_callers_get_lists_of_their_own(company_cache: CompanyCache) -> None:
    first = await _read(company_cache)
    first.projects.clear()
    assert len((await _read(company_cache)).projects) == 1


async def test_this_instances_write_is_seen_at_once_not_when_the_signal_arrives(
    company_cache: CompanyCache, fresh_session_factory: async_sessionmaker[AsyncSession]
) -> None:
    writer = HubWriter(fresh_session_factory, committed=company_cache.forget_all)
    await _read(company_cache)
    async with writer.transaction() as tx:
        await tx.session.execute(
            sa.update(Project)
            .where(Project.id == "project-leroy-pile-hydrogene")
            .values(title="Électrolyseur")
        )
    assert (await _read(company_cache)).projects[0].title == "Électrolyseur"  # no wait


async def test_a_rolled_back_write_keeps_what_is_cached(
    company_cache: CompanyCache,
    fresh_session_factory: async_sessionmaker[AsyncSession],
    fresh_statements: list[str],
) -> None:
    writer = HubWriter(fresh_session_factory, committed=company_cache.forget_all)
    await _read(company_cache)
    with pytest.raises(RuntimeError):
        async with writer.transaction() as tx:
            await tx.session.execute(sa.update(Project).values(title="Électrolyseur"))
            raise RuntimeError("refused")
    assert await _sent_by_a_read(company_cache, fresh_statements) == []


async def test_without_its_signal_nothing_is_kept_and_the_reads_still_answer(
    company_cache: CompanyCache, fresh_engine: AsyncEngine, fresh_statements: list[str]
) -> None:
    """A database whose signal cannot be read (not migrated to 0014 yet; on PostgreSQL, not
    listening): every read goes to the database."""
    if _backend(fresh_engine) == "sqlite":
        await _sql(fresh_engine, "DROP TABLE company_change_counter")
    else:
        await company_cache._signals.aclose()
        company_cache._signals._listening = False  # type: ignore[attr-defined]
    for _ in range(2):
        fresh_statements.clear()
        assert (await _read(company_cache)).facts.registered
        assert sum("company_memberships" in statement for statement in fresh_statements) == 1


async def test_what_is_kept_is_handed_out_without_an_await_the_signal_asked_once(
    company_cache: CompanyCache, fresh_engine: AsyncEngine, fresh_statements: list[str]
) -> None:
    """``kept_facts``/``kept_projects``: what a request's loaders answer at once. Whether
    what is kept may be served is asked as a request's reads ask it, once per request (on
    SQLite, the count of writes read straight from the driver)."""
    warmed = await _read(company_cache)
    fresh_statements.clear()
    reads = company_cache.for_request()

    assert reads.kept_facts(LEROY) == warmed.facts
    kept = reads.kept_projects(LEROY)
    assert kept == warmed.projects
    assert kept is not None
    kept.clear()  # a list of the caller's own
    assert reads.kept_projects(LEROY) == warmed.projects
    await reads.company_facts([LEROY])  # the request's reads do not ask again
    counts = ["company_change_counter" in statement for statement in fresh_statements]
    assert counts == ([True] if _backend(fresh_engine) == "sqlite" else [])
    company_cache.forget([LEROY])
    assert (reads.kept_facts(LEROY), reads.kept_projects(LEROY)) == (None, None)


async def test_a_write_behind_the_cache_is_not_handed_out_at_once(
    company_cache: CompanyCache, fresh_engine: AsyncEngine
) -> None:
    await _read(company_cache)
    await _rename_member(fresh_engine, None)
    deadline = asyncio.get_running_loop().time() + _CHANGE_SEEN_WITHIN_S
    while company_cache.for_request().kept_facts(LEROY) is not None:
        assert asyncio.get_running_loop().time() < deadline, "the change was never seen"
        await asyncio.sleep(0.02)
    assert any(p.name == "Claire Leroy-Vidal" for p in (await _read(company_cache)).facts.people)


async def test_without_its_signal_nothing_is_handed_out_without_an_await(
    company_cache: CompanyCache, fresh_engine: AsyncEngine
) -> None:
    await _read(company_cache)
    if _backend(fresh_engine) == "sqlite":
        await _sql(fresh_engine, "DROP TABLE company_change_counter")
    else:
        await company_cache._signals.aclose()
        company_cache._signals._listening = False  # type: ignore[attr-defined]
    reads = company_cache.for_request()
    await reads.company_facts([LEROY])
    assert (reads.kept_facts(LEROY), reads.kept_projects(LEROY)) == (None, None)
