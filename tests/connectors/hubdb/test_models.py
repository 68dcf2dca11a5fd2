from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from connectors.hubdb import HubRepository
from connectors.hubdb.models import Account, Project, ReferentAssignment

from .canonical import ATLANTIQUE, BIOCOSMETIQUES, LEROY


async def test_a_company_cannot_have_two_current_referents(
    fresh_session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with fresh_session_factory() as session:
        session.add(
            ReferentAssignment(id="second", siret=LEROY, agent_id="agent-sophie-roux",
                               status="PENDING")
        )  # fmt: skip
        with pytest.raises(IntegrityError):
            await session.commit()


async def test_refused_requests_stay_beside_the_current_referent(
    fresh_session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with fresh_session_factory() as session, session.begin():
        session.add_all(
            [
                ReferentAssignment(id=f"refused-{n}", siret=LEROY, agent_id="agent-sophie-roux",
                                   status="REFUSED", refusal_reason="hors territoire")
                for n in range(2)
            ]
        )  # fmt: skip

    async with fresh_session_factory() as session:
        count = await session.scalar(
            sa.select(sa.func.count()).where(ReferentAssignment.siret == LEROY)
        )
    assert count == 3


async def test_a_refused_referent_can_be_replaced(
    fresh_session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with fresh_session_factory() as session, session.begin():
        await session.execute(
            sa.update(ReferentAssignment)
            .where(ReferentAssignment.siret == BIOCOSMETIQUES)
            .values(status="REFUSED")
        )
        session.add(
            ReferentAssignment(id="new-choice", siret=BIOCOSMETIQUES,
                               agent_id="agent-sophie-roux", status="PENDING")
        )  # fmt: skip

    facts = await HubRepository(fresh_session_factory).company_facts([BIOCOSMETIQUES])
    referent = facts[BIOCOSMETIQUES].referent
    assert referent is not None
    assert (referent.id, referent.status) == ("new-choice", "PENDING")


async def test_emails_are_stored_lower_cased(
    fresh_session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with fresh_session_factory() as session, session.begin():
        session.add(
            Account(id="a1", email=" Jane.DOE@Mail.example ", name="Jane", kind="PROJECT_HOLDER")
        )

    async with fresh_session_factory() as session:
        assert await session.scalar(sa.select(Account.email).where(Account.id == "a1")) == (
            "jane.doe@mail.example"
        )


async def test_the_same_email_in_another_case_is_a_duplicate(
    fresh_session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with fresh_session_factory() as session:
        session.add(
            Account(id="dup", email="CLAIRE.LEROY@leroy-sas.example", name="C", kind="COMPANY_USER")
        )
        with pytest.raises(IntegrityError):
            await session.commit()


async def test_the_database_refuses_an_upper_case_email_written_around_the_model(
    fresh_session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with fresh_session_factory() as session:
        with pytest.raises(IntegrityError):
            await session.execute(
                sa.insert(Account.__table__).values(
                    id="raw", email="Raw@Mail.example", name="R", kind="AGENT",
                    created_at=datetime.now().astimezone(),
                )
            )  # fmt: skip


async def test_unknown_status_is_refused(
    fresh_session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with fresh_session_factory() as session:
        session.add(
            ReferentAssignment(id="odd", siret=LEROY, agent_id="agent-sophie-roux", status="MAYBE")
        )
        with pytest.raises(IntegrityError):
            await session.commit()


async def test_a_project_needs_a_title(
    fresh_session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with fresh_session_factory() as session:
        session.add(Project(id="untitled", siret=LEROY, title="   "))
        with pytest.raises(IntegrityError):
            await session.commit()


async def test_a_project_belongs_to_a_company_or_a_holder(
    fresh_session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with fresh_session_factory() as session:
        session.add(Project(id="orphan", title="Orphan"))
        with pytest.raises(IntegrityError):
            await session.commit()


async def test_referent_assignment_needs_a_registered_company(
    fresh_session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with fresh_session_factory() as session:
        session.add(
            ReferentAssignment(id="nowhere", siret=ATLANTIQUE, agent_id="agent-sophie-roux",
                               status="PENDING")
        )  # fmt: skip
        with pytest.raises(IntegrityError):
            await session.commit()


async def test_naive_datetimes_are_refused(
    fresh_session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with fresh_session_factory() as session:
        session.add(
            ReferentAssignment(id="naive", siret=BIOCOSMETIQUES, agent_id="agent-sophie-roux",
                               status="REFUSED", requested_at=datetime(2025, 1, 1, 9))
        )  # fmt: skip
        with pytest.raises(StatementError, match="naive datetime"):
            await session.commit()
