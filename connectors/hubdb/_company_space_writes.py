"""Writes of a company space: its registration, the accounts of its people and its
members, mixed into ``WriteTransaction``."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from connectors.hubdb.models import Account, Company, CompanyMembership, normalize_email
from connectors.hubdb.unique_keys import AlreadyExists

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from connectors.hubdb.models import Base

__all__ = ["CompanySpaceWrites"]


class CompanySpaceWrites:
    session: AsyncSession

    async def _insert(self, row: Base) -> bool:  # pragma: no cover - WriteTransaction's
        raise NotImplementedError

    async def register_company(
        self,
        *,
        siret: str,
        display_name: str,
        mandataire_account_id: str,
        now: datetime,
        sirene: Mapping[str, Any] | None = None,
    ) -> None:
        """The company space and its first mandataire; ``AlreadyExists`` if registered.
        ``sirene``: the searchable Sirene columns (``postal_code``, ``city``,
        ``department_code``, ``naf_code``, ``active``)."""
        company = Company(
            siret=siret, siren=siret[:9], display_name=display_name, registered_at=now,
            **(sirene or {}),
        )  # fmt: skip
        if not await self._insert(company):
            raise AlreadyExists(f"company {siret}")
        await self.add_member(siret=siret, account_id=mandataire_account_id, role="MANDATAIRE")

    async def account_for(self, *, email: str, name: str, phone: str | None, now: datetime) -> str:
        """The id of the account with this e-mail, created (company user) if new."""
        key = normalize_email(email)
        found = await self.session.scalar(sa.select(Account.id).where(Account.email == key))
        if found is not None:
            return found
        account_id = str(uuid.uuid4())
        row = Account(
            id=account_id, email=key, name=name, phone=phone, kind="COMPANY_USER", created_at=now
        )
        if await self._insert(row):
            return account_id
        # created meanwhile by a concurrent request: use that one
        existing = await self.session.scalar(sa.select(Account.id).where(Account.email == key))
        if existing is None:
            raise AlreadyExists(f"account {key}")
        return existing

    async def add_member(self, *, siret: str, account_id: str, role: str) -> None:
        """``AlreadyExists`` when the account is already a member of this space."""
        if not await self._insert(
            CompanyMembership(id=str(uuid.uuid4()), siret=siret, account_id=account_id, role=role)
        ):
            raise AlreadyExists(f"member of {siret}")

    async def remove_member(self, *, siret: str, account_id: str, role: str) -> bool:
        """Removes the membership if it has ``role``; whether there was one."""
        result = await self.session.execute(
            sa.delete(CompanyMembership).where(
                CompanyMembership.siret == siret,
                CompanyMembership.account_id == account_id,
                CompanyMembership.role == role,
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def company_name(self, siret: str) -> str:
        name = await self.session.scalar(
            sa.select(Company.display_name).where(Company.siret == siret)
        )
        return name or siret

    async def members(self, siret: str) -> list[tuple[str, str]]:
        """(account id, e-mail) of the company space's members, read in this transaction."""
        rows = await self.session.execute(
            sa.select(Account.id, Account.email)
            .join(CompanyMembership, CompanyMembership.account_id == Account.id)
            .where(CompanyMembership.siret == siret)
            .order_by(Account.id)
        )
        return [(account_id, email) for account_id, email in rows]
