"""A unique key settles a race: the error a write raises when the row it would create is
already there, and how to tell that refusal from any other integrity error."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

__all__ = ["AlreadyExists", "is_unique_violation"]


class AlreadyExists(Exception):
    """The row the write would create is already there (unique key)."""


_SQLITE_UNIQUE = frozenset({"SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"})
_POSTGRES_UNIQUE = "23505"  # SQLSTATE unique_violation


def is_unique_violation(error: IntegrityError) -> bool:
    """Whether the database refused a row because a unique key (or the primary key) holds
    it already, as opposed to a foreign key, NOT NULL or CHECK violation."""
    driver_error = error.orig
    if getattr(driver_error, "sqlite_errorname", None) in _SQLITE_UNIQUE:
        return True
    return getattr(driver_error, "sqlstate", None) == _POSTGRES_UNIQUE
