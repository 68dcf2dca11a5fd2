"""Accounts by e-mail, by id, or for a sign-in, each with its agent when it is an agent's."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from connectors.hubdb import _directory
from connectors.hubdb._loaders._tables import ACCOUNTS, AGENTS
from connectors.hubdb.records import AccountRecord

__all__ = ["load_accounts_by_email", "load_accounts_by_id", "load_accounts_for_sign_in"]


def _load_accounts(connection: Connection, where: sa.ColumnElement[bool]) -> list[AccountRecord]:
    """Accounts with, for agents' accounts, the agent (one statement)."""
    agent_ids = (
        sa.select(AGENTS.c.id)
        .join(ACCOUNTS, ACCOUNTS.c.id == AGENTS.c.account_id)
        .where(where)
        .scalar_subquery()
    )
    attributes = _directory.agent_attributes(sa.select(agent_ids))
    rows = connection.execute(
        sa.select(
            ACCOUNTS.c.id,
            ACCOUNTS.c.email,
            ACCOUNTS.c.name,
            ACCOUNTS.c.phone,
            ACCOUNTS.c.kind,
            ACCOUNTS.c.idp_issuer,
            ACCOUNTS.c.idp_subject,
            ACCOUNTS.c.identity_status,
            AGENTS.c.deactivated_at,
            *_directory.agent_columns(),
            attributes.c.attribute_kind,
            attributes.c.attribute_value,
        )
        .select_from(ACCOUNTS)
        .outerjoin(AGENTS, AGENTS.c.account_id == ACCOUNTS.c.id)
        .outerjoin(attributes, attributes.c.agent_id == AGENTS.c.id)
        .where(where)
    )
    accounts: dict[str, Any] = {}
    agents = _directory.AgentRows()
    for row in rows:
        accounts.setdefault(row.id, row)
        agents.add(row)
    agent_records = {record.account_id: record for record in agents.records().values()}
    return [
        AccountRecord(
            id=row.id,
            email=row.email,
            name=row.name,
            phone=row.phone,
            kind=row.kind,
            agent=agent_records.get(row.id),
            idp_issuer=row.idp_issuer,
            idp_subject=row.idp_subject,
            identity_status=row.identity_status,
            deactivated=row.deactivated_at is not None,
        )
        for row in accounts.values()
    ]


def load_accounts_by_email(
    connection: Connection, emails: Sequence[str]
) -> dict[str, AccountRecord]:
    """``emails`` are already normalised (trimmed, lower-cased)."""
    records = _load_accounts(connection, ACCOUNTS.c.email.in_(emails))
    return {record.email: record for record in records}


def load_accounts_for_sign_in(
    connection: Connection, issuer: str, subject: str, email: str
) -> list[AccountRecord]:
    """The account bound to (``issuer``, ``subject``) and the one with ``email`` (already
    normalised), in one statement: none, one, or both."""
    bound = sa.and_(ACCOUNTS.c.idp_issuer == issuer, ACCOUNTS.c.idp_subject == subject)
    return _load_accounts(connection, sa.or_(bound, ACCOUNTS.c.email == email))


def load_accounts_by_id(connection: Connection, ids: Sequence[str]) -> dict[str, AccountRecord]:
    records = _load_accounts(connection, ACCOUNTS.c.id.in_(ids))
    return {record.id: record for record in records}
