"""The public aids a company received."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from connectors.hubdb.models import PublicAid
from connectors.hubdb.records import PublicAidRecord

__all__ = ["load_public_aids"]


def load_public_aids(
    connection: Connection, sirets: Sequence[str]
) -> dict[str, list[PublicAidRecord]]:
    """Each company's public aids, newest first."""
    aids = PublicAid.__table__
    rows = connection.execute(
        sa.select(aids)
        .where(aids.c.siret.in_(sirets))
        .order_by(aids.c.granted_on.desc(), aids.c.id)
    )
    found: dict[str, list[PublicAidRecord]] = {siret: [] for siret in sirets}
    for row in rows:
        found[row.siret].append(
            PublicAidRecord(
                id=row.id, siret=row.siret, granted_on=row.granted_on, amount=row.amount,
                grantor=row.grantor, scheme=row.scheme, regulation=row.regulation,
            )
        )  # fmt: skip
    return found
