"""A compiled plan's leaves: a scalar or an enum completed as graphql-core completes it,
through its type's ``serialize``, with what needs no call answered at once: a leaf is
completed thousands of times in a warm ``eligibleSchemes``."""

from __future__ import annotations

from typing import Any

from graphql import (
    GraphQLBoolean,
    GraphQLID,
    GraphQLInt,
    GraphQLLeafType,
    GraphQLString,
    Undefined,
)
from graphql.pyutils import Path

from gateway.execution.plan import Complete, NotCompiled, Run

__all__ = ["enum_names", "leaf_completer"]

_BUILT_IN = {
    scalar.name: scalar.serialize
    for scalar in (GraphQLString, GraphQLID, GraphQLBoolean, GraphQLInt)
}

_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1
_AS_IS_CLASSES = {"String": str, "ID": str, "Boolean": bool}
"""graphql-core's own scalars that serialise a value of this class to itself."""


def leaf_completer(type_: GraphQLLeafType) -> Complete:
    """Completes a scalar or an enum through its type's ``serialize``. What ``serialize``
    would hand back as is (a ``str`` for graphql-core's own String, an ``int`` in range for
    its Int…) is answered at once, and a member of a Strawberry enum's own class by its name
    (``enum_names``): a leaf is completed thousands of times in a warm ``eligibleSchemes``."""
    serialize = type_.serialize

    def slow(value: Any) -> Any:
        try:
            serialized = serialize(value)
        except Exception:  # noqa: BLE001 - graphql-core reports it
            raise NotCompiled from None
        if serialized is Undefined or serialized is None:
            raise NotCompiled
        return serialized

    built_in = serialize is _BUILT_IN.get(type_.name)
    kind = _AS_IS_CLASSES.get(type_.name) if built_in else None
    if kind is not None:

        def complete_as_is(value: Any, _path: Path | None, _run: Run) -> Any:
            return value if type(value) is kind else slow(value)

        return complete_as_is
    if built_in and type_.name == "Int":

        def complete_int(value: Any, _path: Path | None, _run: Run) -> Any:
            if type(value) is int and _INT_MIN <= value <= _INT_MAX:
                return value
            return slow(value)

        return complete_int
    members = getattr(type_, "wrapped_cls", None)
    if members is None:
        return lambda value, _path, _run: slow(value)
    names = enum_names(type_)
    if len(names) == len(members) and all(names[m] == m.name for m in members):

        def complete_member(value: Any, _path: Path | None, _run: Run) -> Any:
            """Every member is named in GraphQL as in Python (checked above): its name."""
            return value._name_ if type(value) is members else slow(value)

        return complete_member

    def complete_renamed(value: Any, _path: Path | None, _run: Run) -> Any:
        if type(value) is members:
            name = names.get(value)
            if name is not None:
                return name
        return slow(value)

    return complete_renamed


def enum_names(type_: GraphQLLeafType) -> dict[Any, str]:
    """Each member of a Strawberry enum's class, by the name its type's ``serialize`` gives
    it: the first GraphQL value whose value equals the member's. ``serialize`` finds it by
    scanning every value of the type on each call (a tenth of a warm ``eligibleSchemes``,
    whose criteria carry four enums each); this is that scan, done once."""
    members = getattr(type_, "wrapped_cls", None)
    values = getattr(type_, "values", {})
    names: dict[Any, str] = {}
    for member in members or ():
        for name, value in values.items():
            if member.value == value.value:
                names[member] = name
                break
    return names
