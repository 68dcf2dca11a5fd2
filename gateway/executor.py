"""The hub's GraphQL executor: graphql-core's, with lists of plain data completed in one pass.

Most of a large answer is plain data: 163 scheme verdicts with their criteria, a page of
activators. graphql-core completes every field of it the general way (resolve info,
awaitable checks, a path entry, error handling), about 8 µs a field, so an answer of 3,700
fields cost 30 ms of CPU. For a list whose whole selection is plain data,
``HubExecutor`` builds a completer once per request from the selection (fragments and
``@include``/``@skip`` resolved by graphql-core's own field collection) and runs it over
the items: a dictionary per object, a function call per field.

A field is plain data when it is visible to everyone (tier PUBLIC: no permission, no field
extension at all), takes no argument, and is an attribute or a method that reads its
object only (no ``info``, not async). A field of any other tier has a permission, so the
list that selects it goes the general way, and its permission and audit run as always.

The completer handles only answers in which graphql-core would report no error. A null in a
non-null position, an exception, an awaitable, a value that does not serialise: each
abandons it, and graphql-core completes the list again from the start. That is harmless
because everything the completer ran is plain data, which reads its object and does
nothing else. ``tests/gateway/test_executor.py`` checks that both ways give the same answers.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from operator import attrgetter
from typing import Any

from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLID,
    GraphQLInt,
    GraphQLLeafType,
    GraphQLList,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLString,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.field import StrawberryField

__all__ = ["HubExecutor"]

Complete = Callable[[Any], Any]
"""Completes a value that is not None, or raises (any exception abandons the plain path)."""
Getter = Callable[[Any], Any]

_INCLUSION = frozenset({"include", "skip"})
_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1


class _NotPlain(Exception):
    """The answer needs graphql-core's general path (an error to report, most often)."""


_ABANDON = _NotPlain()


class HubExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor, with plain-data lists completed in one pass."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plain_lists: dict[tuple[GraphQLOutputType, int], tuple[Any, Complete | None]] = {}
        middleware = self.middleware_manager
        # Middleware wraps every field's resolver: only the general path runs it.
        self._plain_allowed = middleware is None or not middleware.middlewares
        self._enum_names: dict[GraphQLEnumType, dict[Any, Any]] = {}

    def complete_list_value(
        self,
        return_type: GraphQLList[GraphQLOutputType],
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        if self._plain_allowed and type(result) in (list, tuple) and result:
            complete = self._plain_list(return_type, field_details_list)
            if complete is not None:
                try:
                    return complete(result)
                except Exception:  # noqa: BLE001, S110 - the general path reports it properly
                    pass
        return super().complete_list_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def _plain_list(
        self, list_type: GraphQLList[GraphQLOutputType], field_details_list: FieldDetailsList
    ) -> Complete | None:
        # Keyed by the identity of the field group, as graphql-core's collect_subfields is;
        # the group is kept alive with the entry, so its id is not reused during execution.
        key = (list_type, id(field_details_list))
        cached = self._plain_lists.get(key)
        if cached is None:
            completer = self._completer(list_type, field_details_list)
            cached = (field_details_list, completer[1] if completer else None)
            self._plain_lists[key] = cached
        return cached[1]

    def _completer(
        self, type_: GraphQLOutputType, field_details_list: FieldDetailsList
    ) -> tuple[bool, Complete] | None:
        """(non-null, completer of a value that is not None), or None when not plain data."""
        non_null = is_non_null_type(type_)
        named = type_.of_type if non_null else type_  # type: ignore[union-attr]
        complete: Complete | None
        if is_list_type(named):
            item = self._completer(named.of_type, field_details_list)
            complete = _list_completer(*item) if item else None
        elif is_leaf_type(named):
            complete = self._leaf_completer(named)
        elif is_object_type(named):
            complete = self._object_completer(named, field_details_list)
        else:  # interfaces and unions resolve their type at run time: the general way
            complete = None
        return (non_null, complete) if complete is not None else None

    def _object_completer(
        self, object_type: GraphQLObjectType, field_details_list: FieldDetailsList
    ) -> Complete | None:
        if object_type.is_type_of is not None:
            return None
        grouped, defer_usages, forbidden = self.collect_subfields(object_type, field_details_list)
        if defer_usages or forbidden:
            return None
        fields: list[tuple[str, Getter, bool, Complete]] = []
        for response_name, group in grouped.items():
            node = group[0].node
            if any(
                details.defer_usage is not None
                or details.fragment_variable_values is not None
                or details.node.arguments
                or any(d.name.value not in _INCLUSION for d in details.node.directives or ())
                for details in group
            ):
                return None
            name = node.name.value
            if name == "__typename":
                fields.append((response_name, _constant(object_type.name), True, _same))
                continue
            field_def = self.schema.get_field(object_type, name)
            if field_def is None or field_def.args:
                return None
            getter = self._plain_getter(field_def.extensions.get("strawberry-definition"))
            completer = self._completer(field_def.type, group)
            if getter is None or completer is None:
                return None
            fields.append((response_name, getter, *completer))
        return _object(fields)

    def _plain_getter(self, field: Any) -> Getter | None:
        """How to read a plain-data field, as Strawberry's own resolver reads it."""
        if not isinstance(field, StrawberryField) or field.extensions or field.is_async:
            return None
        if field.permission_classes:
            return None
        resolver = field.base_resolver
        if resolver is None:
            read = field.default_resolver
            python_name = field.python_name
            if read is getattr:
                return attrgetter(python_name)
            return lambda source: read(source, python_name)
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
        is_awaitable = self.is_awaitable

        def call(source: Any) -> Any:
            value = function(source)
            if is_awaitable(value):
                close = getattr(value, "close", None)
                if close is not None:
                    close()
                raise _ABANDON
            return value

        return call

    def _leaf_completer(self, leaf: GraphQLLeafType) -> Complete:
        coerce = self.complete_leaf_value
        if leaf is GraphQLString or leaf is GraphQLID:
            return lambda value: value if type(value) is str else coerce(leaf, value)
        if leaf is GraphQLBoolean:
            return lambda value: value if type(value) is bool else coerce(leaf, value)
        if leaf is GraphQLInt:
            return lambda value: (
                value
                if type(value) is int and _INT_MIN <= value <= _INT_MAX
                else coerce(leaf, value)
            )
        if isinstance(leaf, GraphQLEnumType):
            names = self._enum_names.setdefault(leaf, {})

            def enum_name(value: Any) -> Any:
                try:
                    return names[value]
                except KeyError:
                    names[value] = coerce(leaf, value)
                    return names[value]

            return enum_name
        return lambda value: coerce(leaf, value)


def _object(fields: list[tuple[str, Getter, bool, Complete]]) -> Complete:
    def complete(source: Any) -> dict[str, Any]:
        if isinstance(source, Exception):  # graphql-core raises it as the field's error
            raise _ABANDON
        answer: dict[str, Any] = {}
        for response_name, read, non_null, complete_value in fields:
            value = read(source)
            if value is None:
                if non_null:
                    raise _ABANDON
                answer[response_name] = None
            else:
                answer[response_name] = complete_value(value)
        return answer

    return complete


def _list_completer(item_non_null: bool, complete_item: Complete) -> Complete:
    def complete(items: Any) -> list[Any]:
        if type(items) not in (list, tuple):  # other iterables: the general path
            raise _ABANDON
        answer: list[Any] = []
        append = answer.append
        for item in items:
            if item is None:
                if item_non_null:
                    raise _ABANDON
                append(None)
            else:
                append(complete_item(item))
        return answer

    return complete


def _constant(value: str) -> Getter:
    return lambda _source: value


def _same(value: Any) -> Any:
    return value
