"""Helpers shared by the seed's generators: slugs, stable ids, fiction phone numbers,
working-day deadlines, and the rows-by-table shape they return."""

from __future__ import annotations

import itertools
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from connectors.hubdb.models import fold

__all__ = ["Rows", "add_working_days", "at", "phones", "slug", "stable_id"]

Rows = dict[str, list[dict[str, Any]]]
"""Seed rows by table name, each a complete dict of column values."""

_NAMESPACE = uuid.UUID("4d1f0c52-8a41-4b6e-9a53-6f2b9d1c7e10")


def slug(text: str) -> str:
    """ "Nîmes Métropole" -> "nimes-metropole"."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def stable_id(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, ":".join(parts)))


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def add_working_days(start: datetime, days: int) -> datetime:
    """``days`` working days after ``start`` (weekends skipped; the generated dates avoid
    public holidays)."""
    moment = start
    while days:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            days -= 1
    return moment


def phones(start: int) -> Iterator[str]:
    """Numbers of the French fiction range ``04 65 71 xx xx``, from ``start``."""
    for n in itertools.count(start):
        if n > 9999:
            raise RuntimeError("the fiction phone range is exhausted")
        yield f"04 65 71 {n // 100:02d} {n % 100:02d}"
