"""Bounds on what a client may send: texts and lists longer than anything the hub stores
or searches are ``BAD_USER_INPUT``, never a database error or a slow scan."""

from __future__ import annotations

from collections.abc import Sequence

from resolvers.errors import BAD_USER_INPUT, coded_error

__all__ = ["MAX_ITEMS", "MAX_TEXT", "bounded_items", "bounded_text"]

MAX_TEXT = 200
"""Names, titles, search texts (the longest such column)."""
MAX_ITEMS = 50
"""Values of a multi-valued filter or profile list."""


def bounded_text(value: str | None, argument: str, limit: int = MAX_TEXT) -> str | None:
    if value is not None and len(value) > limit:
        raise coded_error(
            f"`{argument}` has at most {limit} characters.", BAD_USER_INPUT, argument=argument
        )
    return value


def bounded_items(
    values: Sequence[str], argument: str, *, limit: int = MAX_ITEMS, text: int = 64
) -> Sequence[str]:
    if len(values) > limit:
        raise coded_error(
            f"`{argument}` has at most {limit} values.", BAD_USER_INPUT, argument=argument
        )
    for value in values:
        bounded_text(value, argument, text)
    return values
