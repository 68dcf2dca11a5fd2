"""The Date and DateTime scalars as the hub reads them: Strawberry's, within the years
``MIN_YEAR``–``MAX_YEAR``. A date past them is ``BAD_USER_INPUT`` when it is read, so no
resolver's date arithmetic (a three-year window before ``asOf``, an audit period) can
overflow on ``0001-01-01`` or ``9999-12-31``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from graphql import GraphQLError
from strawberry.schema.types.base_scalars import DateDefinition, DateTimeDefinition
from strawberry.types.scalar import ScalarDefinition

__all__ = ["MAX_YEAR", "MIN_YEAR", "SCALAR_OVERRIDES"]

MIN_YEAR = 1900
MAX_YEAR = 2999


def _bounded(parse: Callable[[Any], Any], name: str) -> Callable[[Any], Any]:
    def parse_bounded(value: Any) -> Any:
        parsed = parse(value)
        if isinstance(parsed, dt.date) and not MIN_YEAR <= parsed.year <= MAX_YEAR:
            raise GraphQLError(
                f"A {name} is between the years {MIN_YEAR} and {MAX_YEAR}.",
                extensions={"code": "BAD_USER_INPUT"},
            )
        return parsed

    return parse_bounded


def _override(definition: ScalarDefinition) -> ScalarDefinition:
    assert definition.parse_value is not None
    return replace(
        definition,
        parse_value=_bounded(definition.parse_value, definition.name),
        implementation=None,
    )


SCALAR_OVERRIDES: dict[object, ScalarDefinition] = {
    dt.date: _override(DateDefinition),
    dt.datetime: _override(DateTimeDefinition),
}
