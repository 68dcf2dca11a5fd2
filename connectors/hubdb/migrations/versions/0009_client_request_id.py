"""The audit trail keeps the client's ``X-Request-Id`` beside the gateway's own request id:
``audit_events.client_request_id``.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 23:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("audit_events", sa.Column("client_request_id", sa.String(64), nullable=True))


def downgrade() -> None:
    op.drop_column("audit_events", "client_request_id")
