"""Newest-first pages of a table with time cursors (notifications, audit events)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from connectors.pagination import Page, assemble_page, decode_time_cursor, encode_time_cursor

__all__ = ["newest_first_page"]

_R = TypeVar("_R")


def newest_first_page(
    connection: Connection,
    table: sa.FromClause,
    moment: sa.ColumnElement[datetime],
    matching: Sequence[sa.ColumnElement[bool]],
    record: Callable[[sa.Row[Any]], _R],
    *,
    first: int,
    after: str | None,
) -> Page[_R]:
    """A page of ``table``'s rows that match, newest ``moment`` first (ties by id), with time
    cursors; ``total`` counts every match, all pages. Two statements.
    ``ValueError("invalid cursor")`` for an ``after`` not made here."""
    if first < 0:
        raise ValueError("first must not be negative")
    conditions = list(matching)
    if after is not None:
        at, id_ = decode_time_cursor(after)
        conditions.append(sa.or_(moment < at, sa.and_(moment == at, table.c.id < id_)))
    query = (
        sa.select(table)
        .where(*conditions)
        .order_by(moment.desc(), table.c.id.desc())
        .limit(first + 1)
    )
    rows = connection.execute(query).all()
    total = connection.scalar(sa.select(sa.func.count()).select_from(table).where(*matching))

    def cursor(row: sa.Row[Any]) -> str:
        return encode_time_cursor(row._mapping[moment], row.id)

    return assemble_page(rows, first, item=record, cursor=cursor, total=total or 0, after=after)
