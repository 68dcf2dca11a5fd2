"""Fields of plain data in a compiled plan: read as Strawberry's own resolver reads them,
with no info (an attribute, or a method that reads its object only), and the plan's
``__typename``."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from operator import attrgetter
from typing import Any

from graphql.pyutils import Path
from strawberry.types.field import StrawberryField

from gateway.execution.plan import Read, Run

__all__ = ["as_is", "constant_read", "named_by", "plain_getter", "plain_read"]


def plain_getter(field: Any) -> Callable[[Any], Any] | None:
    """How to read a field of plain data, as Strawberry's own resolver reads it: visible to
    everyone (no permission, no extension), not async, an attribute or a method that reads
    its object only."""
    if (
        not isinstance(field, StrawberryField)
        or field.extensions
        or field.permission_classes
        or field.is_async
    ):
        return None
    resolver = field.base_resolver
    if resolver is None:
        if field.default_resolver is getattr:
            return attrgetter(field.python_name)
        return None
    if (
        resolver.self_parameter is None
        or resolver.info_parameter is not None
        or resolver.parent_parameter is not None
        or resolver.root_parameter is not None
        or resolver.arguments
    ):
        return None
    function = resolver.wrapped_func
    if not inspect.isfunction(function):  # a staticmethod or classmethod object
        return None
    return function


def plain_read(get: Callable[[Any], Any]) -> Read:
    return lambda source, _path, _run: get(source)


def constant_read(value: str) -> Read:
    return lambda _source, _path, _run: value


def named_by(type_name: str) -> Callable[[Any], str]:
    return lambda _source: type_name


def as_is(value: Any, _path: Path | None, _run: Run) -> Any:
    return value
