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

A type may declare ``__reuse_answers__ = True`` when its objects never change once made
(LRU caches hand out the same ones): what was completed for such an object is reused, the
same day, for the same selection (163 verdicts: 3.5 ms the first time, 0.2 ms after).

``HubExecutor`` also closes, unstarted, the resolvers' coroutines of the fields and list
items whose work graphql-core cancels before it began (``gateway.execution.cancel``).
"""

from __future__ import annotations

import inspect
import itertools
from collections.abc import Callable, Hashable
from datetime import date
from operator import attrgetter
from typing import Any, NamedTuple

from cachetools import LRUCache
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
    OperationType,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.field import StrawberryField

from gateway.execution.cancel import cancellable

__all__ = ["HubExecutor"]

Complete = Callable[[Any], Any]
"""Completes a value that is not None, or raises (any exception abandons the plain path)."""
Getter = Callable[[Any], Any]

_INCLUSION = frozenset({"include", "skip"})
_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1


class _Plan(NamedTuple):
    non_null: bool
    complete: Complete
    """Completes a value that is not None."""
    shape: Hashable
    """What the plan selects, by type and field names: equal shapes complete alike."""


class _NotPlain(Exception):
    """The answer needs graphql-core's general path (an error to report, most often)."""


_ABANDON = _NotPlain()


class HubExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor, with plain-data lists completed in one pass."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plain_lists: dict[tuple[GraphQLOutputType, int], tuple[Any, Complete | None]] = {}
        middleware = self.middleware_manager
        # Middleware wraps every field's resolver: only the general path runs it. A
        # subscription's executor is copied for each event: it keeps to the general path.
        self._plain_allowed = (middleware is None or not middleware.middlewares) and (
            self.operation.operation is not OperationType.SUBSCRIPTION
        )
        self._enum_names: dict[GraphQLEnumType, dict[Any, Any]] = {}
        self._today = date.today()

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

    def execute_field(self, *args: Any, **kwargs: Any) -> Any:
        return cancellable(super().execute_field(*args, **kwargs))

    def complete_list_item_value(
        self,
        item: Any,
        complete_results: list[Any],
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        is_awaitable = super().complete_list_item_value(item, complete_results, *args, **kwargs)
        if is_awaitable:
            complete_results[-1] = cancellable(complete_results[-1])
        return is_awaitable

    def complete_awaitable_list_item_value(self, *args: Any, **kwargs: Any) -> Any:
        return cancellable(super().complete_awaitable_list_item_value(*args, **kwargs))

    def _plain_list(
        self, list_type: GraphQLList[GraphQLOutputType], field_details_list: FieldDetailsList
    ) -> Complete | None:
        # Keyed by the identity of the field group, as graphql-core's collect_subfields is;
        # the group is kept alive with the entry, so its id is not reused during execution.
        key = (list_type, id(field_details_list))
        cached = self._plain_lists.get(key)
        if cached is None:
            plan = self._plan(list_type, field_details_list)
            cached = (field_details_list, plan.complete if plan else None)
            self._plain_lists[key] = cached
        return cached[1]

    def _plan(self, type_: GraphQLOutputType, field_details_list: FieldDetailsList) -> _Plan | None:
        """How to complete a value of ``type_`` for this selection, or None when not plain."""
        non_null = is_non_null_type(type_)
        named = type_.of_type if non_null else type_  # type: ignore[union-attr]
        if is_list_type(named):
            item = self._plan(named.of_type, field_details_list)
            if item is None:
                return None
            return _Plan(non_null, _list_completer(item), ("[", item.non_null, item.shape))
        if is_leaf_type(named):
            return _Plan(non_null, self._leaf_completer(named), named.name)
        if is_object_type(named):
            return self._object_plan(non_null, named, field_details_list)
        return None  # interfaces and unions resolve their type at run time: the general way

    def _object_plan(
        self, non_null: bool, object_type: GraphQLObjectType, field_details_list: FieldDetailsList
    ) -> _Plan | None:
        if object_type.is_type_of is not None:
            return None
        grouped, defer_usages, forbidden = self.collect_subfields(object_type, field_details_list)
        if defer_usages or forbidden:
            return None
        fields: list[tuple[str, str, Getter, _Plan]] = []
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
                typename = _Plan(True, _same, "__typename")
                fields.append((response_name, name, _constant(object_type.name), typename))
                continue
            field_def = self.schema.get_field(object_type, name)
            if field_def is None or field_def.args:
                return None
            getter = self._plain_getter(field_def.extensions.get("strawberry-definition"))
            plan = self._plan(field_def.type, group)
            if getter is None or plan is None:
                return None
            fields.append((response_name, name, getter, plan))
        shape = (object_type.name, tuple((r, n, plan.shape) for r, n, _, plan in fields))
        complete = _object([(r, get, plan.non_null, plan.complete) for r, _, get, plan in fields])
        definition = object_type.extensions.get("strawberry-definition")
        if getattr(getattr(definition, "origin", None), "__reuse_answers__", False):
            complete = _reused(complete, _shape_id(shape), self._today)
        return _Plan(non_null, complete, shape)

    def _plain_getter(self, field: Any) -> Getter | None:
        """How to read a plain-data field, as Strawberry's own resolver reads it."""
        if (
            not isinstance(field, StrawberryField)
            or field.extensions
            or field.permission_classes
            or field.is_async
        ):
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


def _list_completer(item_plan: _Plan) -> Complete:
    item_non_null, complete_item = item_plan.non_null, item_plan.complete

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


_SHAPES: LRUCache[Hashable, int] = LRUCache(maxsize=1_000)
_shape_ids = itertools.count()
_ANSWERS = "_hub_completed_answers"
"""Where an object of a reusing type keeps its answers: in its own ``__dict__``, so they live
and die with it (no cache to bound or to evict from)."""
_ANSWERS_PER_OBJECT = 4


def _shape_id(shape: Hashable) -> int:
    """A small key for a shape (an evicted shape comes back with a new one: a miss)."""
    found = _SHAPES.get(shape)
    if found is None:
        found = _SHAPES[shape] = next(_shape_ids)
    return found


def _reused(complete: Complete, shape: int, today: date) -> Complete:
    """The answer of an object completed before with the same shape, the same day.

    For types that declare ``__reuse_answers__ = True``: their objects are never changed once
    made, and what their plain fields answer depends on the object and the day only (a
    scheme is ``open`` or not by the day). The answer holds plain data only, visible to
    everyone; its object came through a field that this request was allowed to read."""
    key = (shape, today)

    def reuse(source: Any) -> Any:
        attributes = getattr(source, "__dict__", None)
        if attributes is None:
            return complete(source)
        answers = attributes.get(_ANSWERS)
        if answers is None or len(answers) >= _ANSWERS_PER_OBJECT:
            answers = attributes[_ANSWERS] = {}
        answer = answers.get(key)
        if answer is None:
            answer = answers[key] = complete(source)
        return answer

    return reuse


def _constant(value: str) -> Getter:
    return lambda _source: value


def _same(value: Any) -> Any:
    return value
