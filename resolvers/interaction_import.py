"""A structure's existing records of support, imported from CSV: every row checked as
``recordInteraction`` checks one, a bad row reported with its line and reason; the good rows
kept, or none, as the caller chooses."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from graphql import GraphQLError

from auth.actions import Action, require
from connectors.hubdb.enums import Channel, InteractionKind, Segment
from resolvers.context import Info
from resolvers.errors import BAD_USER_INPUT, coded_error
from resolvers.interactions import NewInteraction, checked_values

__all__ = ["COLUMNS", "MAX_ROWS", "ImportOutcome", "ImportProblem", "import_interactions"]

COLUMNS = (
    "siret", "project_id", "kind", "channel", "offer_id", "level", "product", "on", "minutes",
    "segment",
)  # fmt: skip
"""The header, in this order; ``siret`` or ``project_id``, ``kind``, ``channel`` and ``on``
are needed, the others may be empty."""
MAX_ROWS = 5_000


@dataclass(frozen=True, slots=True)
class ImportProblem:
    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    imported: int
    problems: tuple[ImportProblem, ...]


def _optional(row: Mapping[str, str | None], column: str) -> str | None:
    value = (row.get(column) or "").strip()
    return value or None


def _number(row: Mapping[str, str | None], column: str) -> int | None:
    value = _optional(row, column)
    try:
        return None if value is None else int(value)
    except ValueError:
        raise ValueError(f"{column}: {value!r} is not a whole number") from None


def _choice(row: Mapping[str, str | None], column: str, kind: type[Any]) -> Any:
    value = _optional(row, column)
    try:
        return None if value is None else kind(value.upper())
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise ValueError(f"{column}: {value!r} is not one of {allowed}") from None


def _parse(row: Mapping[str | None, Any]) -> NewInteraction:
    if row.get(None):
        raise ValueError(f"more fields than the {len(COLUMNS)} columns of the header")
    fields: dict[str, str | None] = {str(key): value for key, value in row.items()}
    for needed in ("kind", "channel", "on"):
        if _optional(fields, needed) is None:
            raise ValueError(f"{needed} is empty")
    try:
        on = date.fromisoformat(str(_optional(fields, "on")))
    except ValueError:
        raise ValueError(f"on: {_optional(fields, 'on')!r} is not a date (YYYY-MM-DD)") from None
    return NewInteraction(
        siret=_optional(fields, "siret"),
        project_id=_optional(fields, "project_id"),
        kind=_choice(fields, "kind", InteractionKind),
        channel=_choice(fields, "channel", Channel),
        on=on,
        offer_id=_optional(fields, "offer_id"),
        level=_number(fields, "level"),
        product=_optional(fields, "product"),
        minutes=_number(fields, "minutes"),
        segment=_choice(fields, "segment", Segment),
    )


def _read(text: str) -> tuple[list[str], list[tuple[int, dict[str | None, Any]]]]:
    """The header and each row with its line; ``BAD_USER_INPUT`` for a file the CSV reader
    cannot read (a NUL byte, an unclosed quote, a huge field) or past ``MAX_ROWS``."""
    reader = csv.DictReader(io.StringIO(text))
    read: list[tuple[int, dict[str | None, Any]]] = []
    try:
        header = [name.strip().lower() for name in reader.fieldnames or ()]
        for row in reader:
            if len(read) >= MAX_ROWS:
                raise coded_error(
                    f"At most {MAX_ROWS} rows per import.", BAD_USER_INPUT, argument="csv"
                )
            read.append((reader.line_num, row))
    except csv.Error as error:
        raise coded_error(
            f"The CSV cannot be read at line {reader.line_num}: {error}.",
            BAD_USER_INPUT,
            argument="csv",
        ) from None
    return header, read


async def import_interactions(info: Info, text: str, keep_valid_rows: bool) -> ImportOutcome:
    """Checks every row; writes the good ones in one transaction when every row is good, or
    when ``keep_valid_rows``; otherwise writes nothing. Lines are the file's (the header is
    line 1)."""
    require(Action.RECORD_INTERACTION, info.context.viewer)
    header, read = _read(text)
    if header != list(COLUMNS):
        expected = ",".join(COLUMNS)
        return ImportOutcome(0, (ImportProblem(1, f"the header must be: {expected}"),))
    rows: list[dict[str, Any]] = []
    problems: list[ImportProblem] = []
    for line, row in read:
        try:
            rows.append(await checked_values(info, _parse(row)))
        except ValueError as error:
            problems.append(ImportProblem(line, str(error)))
        except GraphQLError as error:
            if (error.extensions or {}).get("code") != BAD_USER_INPUT:
                raise
            problems.append(ImportProblem(line, error.message))
    if (problems and not keep_valid_rows) or not rows:
        return ImportOutcome(0, tuple(problems))
    now = datetime.now(UTC)
    async with info.context.services.writer.transaction() as tx:
        for values in rows:
            await tx.record_interaction(values, now)
    return ImportOutcome(len(rows), tuple(problems))
