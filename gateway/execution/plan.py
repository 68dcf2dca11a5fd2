"""An operation compiled into a plan, and the plan run for one request.

``compile_operation`` walks the operation once, with graphql-core's own field collection
(fragments, ``@include``/``@skip`` for the values the plan is made for), and makes, for each
selected field, how to read it and how to complete its value: a closure per field and per
type, so that a request runs no field collection, no argument parsing of literals and no
type dispatch. Reading a field runs what Strawberry's resolver runs, without its layers:
the field's permissions (``auth.visibility.VisibleTo``: the tier check and the audit of a
tier-2 read), then the field's own function with Strawberry's conversion of its arguments
and the info Strawberry would give it (``_Compiler.direct_reader``); a field with anything
else around its function goes through ``GraphQLField.resolve``, Strawberry's whole resolver.
A field of plain data (visible to everyone, an attribute or a method reading its object
only) is read without any info.

A plan answers only what graphql-core would answer without an error. Anything else — a
resolver that raises (a refused tier: FORBIDDEN), a null in a non-null position, a value a
scalar cannot serialise — raises ``NotCompiled``, and the request runs on graphql-core,
whole, which reports it exactly. What the plan ran before that is reads only: the request's
context is dropped with it (its audit buffer and warnings), and the rerun gets a new one.

What the compiler does not take (``Unsupported``): mutations and subscriptions, introspection,
abstract types, types with ``is_type_of``, ``@defer``/``@stream``, fragment arguments."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter
from types import CoroutineType, GeneratorType
from typing import Any, TypeGuard

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLBoolean,
    GraphQLField,
    GraphQLID,
    GraphQLInt,
    GraphQLLeafType,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLSchema,
    GraphQLString,
    OperationDefinitionNode,
    OperationType,
    Undefined,
    get_operation_ast,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
)
from graphql.execution.collect_fields import (
    FieldDetailsList,
    FragmentDetails,
    collect_fields,
    collect_subfields,
)
from graphql.execution.values import VariableValues, get_argument_values
from graphql.pyutils import Path
from graphql.type.definition import GraphQLResolveInfoHelpers
from strawberry.permission import PermissionExtension
from strawberry.schema.schema import (
    _OperationContextAwareGraphQLResolveInfo as _StrawberryResolveInfo,
)
from strawberry.types.arguments import convert_arguments
from strawberry.types.field import StrawberryField

from gateway.execution.cancel import cancellable, close_unstarted

__all__ = ["NotCompiled", "Plan", "Unsupported", "compile_operation", "directive_variables"]

Read = Callable[[Any, Path, "_Run"], Any]
"""Reads a field of its parent (``source``) at ``path``: the value, or an awaitable of it."""
Complete = Callable[[Any, Path | None, "_Run"], Any]
"""Completes a value that is not None: the answer's piece, or an awaitable of it."""

_INCLUSION = frozenset({"include", "skip"})
_BUILT_IN = {
    scalar.name: scalar.serialize
    for scalar in (GraphQLString, GraphQLID, GraphQLBoolean, GraphQLInt)
}


class NotCompiled(Exception):
    """This request's answer needs graphql-core (an error to report, most often)."""


class Unsupported(Exception):
    """The operation uses what the compiler does not take; the reason says what."""


_NOT_COMPILED = NotCompiled()


@dataclass(frozen=True, slots=True)
class _Field:
    key: str
    """The response name (the alias, else the field's name)."""
    read: Read
    non_null: bool
    complete: Complete
    awaits: bool = True
    """False for a read that never gives an awaitable (plain data, ``__typename``)."""
    leaf: bool = False
    """Its value completes without a path (a scalar or an enum: no resolver below it)."""


@dataclass(slots=True)
class _Run:
    """One request's run of a plan: what every resolver's info carries."""

    plan: Plan
    context: Any
    variables: VariableValues


@dataclass(frozen=True, slots=True)
class Plan:
    """An operation compiled for one set of ``@include``/``@skip`` values."""

    schema: GraphQLSchema
    operation: OperationDefinitionNode
    fragment_definitions: dict[str, FragmentDefinitionNode]
    root_fields: tuple[_Field, ...]
    """What resolvers' info carries (schema, operation, fragments), and the root's fields."""

    async def run(self, context: Any, variables: VariableValues) -> dict[str, Any]:
        """The answer's ``data``, or ``NotCompiled`` when graphql-core must answer."""
        run = _Run(self, context, variables)
        data = _complete_object(self.root_fields, None, None, run)
        if type(data) is CoroutineType:
            data = await data
        return data  # type: ignore[no-any-return]


def directive_variables(document: DocumentNode) -> tuple[str, ...]:
    """The variables an ``@include``/``@skip`` of the document reads: a plan is made for each
    combination of their values."""
    names: set[str] = set()

    def visit(selection_set: Any) -> None:
        for selection in getattr(selection_set, "selections", None) or ():
            for directive in selection.directives or ():
                if directive.name.value in _INCLUSION:
                    for argument in directive.arguments or ():
                        name = getattr(argument.value, "name", None)
                        if name is not None and argument.value.kind == "variable":
                            names.add(name.value)
            visit(getattr(selection, "selection_set", None))

    for definition in document.definitions:
        visit(getattr(definition, "selection_set", None))
    return tuple(sorted(names))


def compile_operation(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: VariableValues,
) -> Plan:
    """The plan of a valid operation for the ``@include``/``@skip`` values of ``variables``;
    ``Unsupported`` when it uses what the compiler does not take."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        raise Unsupported("no such operation")
    if operation.operation is not OperationType.QUERY:
        raise Unsupported(f"a {operation.operation.value}")
    fragment_definitions = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    if any(d.variable_definitions for d in fragment_definitions.values()):
        raise Unsupported("fragment arguments")
    fragments = {name: FragmentDetails(d) for name, d in fragment_definitions.items()}
    root_type = schema.query_type
    assert root_type is not None
    compiler = _Compiler(schema, fragments, variables, operation)
    grouped, defer_usages, _ = collect_fields(schema, fragments, variables, root_type, operation)
    if defer_usages:
        raise Unsupported("@defer")
    root_fields = compiler.fields(root_type, grouped)
    return Plan(schema, operation, fragment_definitions, root_fields)


class _Compiler:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDetails],
        variables: VariableValues,
        operation: OperationDefinitionNode,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.operation = operation

    def fields(
        self, parent: GraphQLObjectType, grouped: Mapping[str, FieldDetailsList]
    ) -> tuple[_Field, ...]:
        fields = []
        for key, group in grouped.items():
            if any(
                details.defer_usage is not None or details.fragment_variable_values is not None
                for details in group
            ):
                raise Unsupported("@defer or fragment arguments")
            node = group[0].node
            if any(d.name.value not in _INCLUSION for n in group for d in n.node.directives or ()):
                raise Unsupported("a directive other than @include/@skip")
            name = node.name.value
            if name == "__typename":
                fields.append(
                    _Field(key, _constant(parent.name), True, _same, awaits=False, leaf=True)
                )
                continue
            if name.startswith("__"):
                raise Unsupported("introspection")
            definition = self.schema.get_field(parent, name)
            if definition is None:
                raise Unsupported(f"no field {parent.name}.{name}")
            type_ = definition.type
            non_null = is_non_null_type(type_)
            named = type_.of_type if non_null else type_  # type: ignore[union-attr]
            plain = _plain_getter(definition.extensions.get("strawberry-definition"))
            if plain is not None and not node.arguments and not definition.args:
                read: Read = _plain_read(plain)
            else:
                read = self.reader(parent, definition, [d.node for d in group], key)
            fields.append(
                _Field(
                    key,
                    read,
                    non_null,
                    self.completer(named, group),
                    awaits=not isinstance(plain, attrgetter),  # an attribute holds a value
                    leaf=is_leaf_type(named),
                )
            )
        return tuple(fields)

    def reader(
        self, parent: GraphQLObjectType, definition: GraphQLField, nodes: list[FieldNode], key: str
    ) -> Read:
        field = definition.extensions.get("strawberry-definition")
        direct = self.direct_reader(parent, definition, nodes, key, field)
        if direct is not None:
            return direct
        resolve = definition.resolve
        if resolve is None:
            raise Unsupported(f"{parent.name}.{definition} has no resolver")
        site = _CallSite(parent, definition, nodes, key)

        def read(source: Any, path: Path, run: _Run) -> Any:
            info = site.info(path, run)
            if not site.has_arguments:
                return resolve(source, info)
            return resolve(source, info, **site.arguments(run))

        return read

    def direct_reader(
        self,
        parent: GraphQLObjectType,
        definition: GraphQLField,
        nodes: list[FieldNode],
        key: str,
        field: Any,
    ) -> Read | None:
        """Calls the field's own function, as Strawberry's resolver would after its layers:
        its permissions first (``auth.visibility.VisibleTo``: the tier check and the audit
        of a tier-2 read; a refusal hands the request to graphql-core, which reports it),
        then the function with the converted arguments and ``info``. None for a field that
        has anything else around its function (another extension, an exception handler)."""
        strawberry_schema = getattr(self.schema, "_strawberry_schema", None)
        if not isinstance(field, StrawberryField) or strawberry_schema is None:
            return None
        resolver = field.base_resolver
        converter = strawberry_schema.schema_converter
        if (
            resolver is None
            or not inspect.isfunction(resolver.wrapped_func)
            or getattr(converter, "_exception_handler_specs", None)
        ):
            return None
        permissions: list[Any] = []
        for extension in field.extensions:
            if type(extension) is not PermissionExtension or extension.fail_silently:
                return None
            permissions.extend(extension.permissions)
        function = resolver.wrapped_func
        pass_self = resolver.self_parameter is not None
        source_names = [
            p.name for p in (resolver.parent_parameter, resolver.root_parameter) if p is not None
        ]
        info_name = resolver.info_parameter.name if resolver.info_parameter else None
        site = _CallSite(parent, definition, nodes, key)
        arguments = field.arguments
        scalars = converter.scalar_registry
        config = strawberry_schema.config
        make_info = config.info_class

        def read(source: Any, path: Path, run: _Run) -> Any:
            info = make_info(_raw_info=site.info(path, run), _field=field)
            if site.has_arguments:
                kwargs = convert_arguments(site.arguments(run), arguments, scalars, config, info)
            else:
                kwargs = {}
            if permissions:
                return _guarded(permissions, source, info, kwargs, call)
            return call(source, info, kwargs)

        def call(source: Any, info: Any, kwargs: dict[str, Any]) -> Any:
            for source_name in source_names:
                kwargs[source_name] = source
            if info_name is not None:
                kwargs[info_name] = info
            return function(source, **kwargs) if pass_self else function(**kwargs)

        return read

    def completer(self, type_: GraphQLOutputType, group: FieldDetailsList) -> Complete:
        """How to complete a value of ``type_`` (not wrapped in non-null) that is not None."""
        if is_leaf_type(type_):
            return _leaf(type_)
        if is_list_type(type_):
            item = type_.of_type
            item_non_null = is_non_null_type(item)
            named = item.of_type if item_non_null else item
            return _list(item_non_null, self.completer(named, group), is_leaf_type(named))
        if is_object_type(type_):
            object_type: GraphQLObjectType = type_
            if object_type.is_type_of is not None:
                raise Unsupported(f"{object_type.name} has is_type_of")
            grouped, defer_usages, _ = collect_subfields(
                self.schema, self.fragments, self.variables, self.operation, object_type, group
            )
            if defer_usages:
                raise Unsupported("@defer")
            fields = self.fields(object_type, grouped)
            return lambda value, path, run: _complete_object(fields, value, path, run)
        raise Unsupported(f"the abstract type {type_}")


class _CallSite:
    """A selected field's call: its resolve info per run, and its arguments as graphql-core
    coerces them (those written in the document once, at compile time)."""

    def __init__(
        self, parent: GraphQLObjectType, definition: GraphQLField, nodes: list[FieldNode], key: str
    ) -> None:
        self.parent = parent
        self.definition = definition
        self.nodes = nodes
        self.key = key
        self.node = nodes[0]
        self.has_arguments = bool(definition.args or self.node.arguments)
        self.static: dict[str, Any] | None = None
        if self.has_arguments and not _reads_variables(self.node):
            self.static = get_argument_values(definition, self.node, None)

    def info(self, path: Path, run: _Run) -> GraphQLResolveInfo[Any]:
        parent = self.parent
        return _resolve_info(
            self.node.name.value,
            self.nodes,
            self.definition.type,
            parent,
            Path(path, self.key, parent.name),
            run,
        )

    def arguments(self, run: _Run) -> dict[str, Any]:
        if self.static is not None:
            return self.static
        return get_argument_values(self.definition, self.node, run.variables)


async def _guarded(
    permissions: list[Any],
    source: Any,
    info: Any,
    kwargs: dict[str, Any],
    call: Callable[[Any, Any, dict[str, Any]], Any],
) -> Any:
    """The field's value once every permission granted it (as Strawberry's
    ``PermissionExtension`` asks them: with the source, the info and the arguments)."""
    for permission in permissions:
        granted = permission.has_permission(source, info, **kwargs)
        if inspect.isawaitable(granted):
            granted = await granted
        if granted is not True:
            raise _NOT_COMPILED  # graphql-core reports the refusal
    value = call(source, info, kwargs)
    if inspect.isawaitable(value):
        value = await value
    return value


def _reads_variables(node: FieldNode) -> bool:
    found = False

    def visit(value: Any) -> None:
        nonlocal found
        if value.kind == "variable":
            found = True
        for item in getattr(value, "values", None) or ():
            visit(item)
        for field in getattr(value, "fields", None) or ():
            visit(field.value)

    for argument in node.arguments or ():
        visit(argument.value)
    return found


def _plain_getter(field: Any) -> Callable[[Any], Any] | None:
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


def _plain_read(get: Callable[[Any], Any]) -> Read:
    return lambda source, _path, _run: get(source)


def _constant(value: str) -> Read:
    return lambda _source, _path, _run: value


def _same(value: Any, _path: Path | None, _run: _Run) -> Any:
    return value


_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1
_AS_IS: dict[str, Callable[[Any], bool]] = {
    "String": lambda value: type(value) is str,
    "ID": lambda value: type(value) is str,
    "Boolean": lambda value: type(value) is bool,
    "Int": lambda value: type(value) is int and _INT_MIN <= value <= _INT_MAX,
}
"""Values graphql-core's own scalars serialise to themselves: answered as they are."""


def _leaf(type_: GraphQLLeafType) -> Complete:
    serialize = type_.serialize
    as_is = _AS_IS.get(type_.name) if type_.serialize is _BUILT_IN.get(type_.name) else None

    def complete(value: Any, _path: Path | None, _run: _Run) -> Any:
        if as_is is not None and as_is(value):
            return value
        try:
            serialized = serialize(value)
        except Exception:  # noqa: BLE001 - graphql-core reports it
            raise _NOT_COMPILED from None
        if serialized is Undefined or serialized is None:
            raise _NOT_COMPILED
        return serialized

    return complete


def _list(item_non_null: bool, complete_item: Complete, leaf_items: bool) -> Complete:
    def complete(value: Any, path: Any, run: _Run) -> Any:
        """``path``: the list's (a list is never a leaf: it always has one)."""
        if isinstance(value, (str, bytes, Mapping)) or not hasattr(value, "__iter__"):
            raise _NOT_COMPILED  # graphql-core reports a list that is not one
        answer: list[Any] = []
        pending: list[tuple[int, Awaitable[Any]]] = []
        try:
            for index, item in enumerate(value):
                if _awaitable(item):
                    answer.append(None)
                    pending.append((index, _finish_item(item, item_non_null, complete_item,
                                                        path.add_key(index), run)))  # fmt: skip
                    continue
                if item is None:
                    if item_non_null:
                        raise _NOT_COMPILED
                    answer.append(None)
                    continue
                completed = complete_item(item, None if leaf_items else path.add_key(index), run)
                if type(completed) is CoroutineType:
                    pending.append((index, completed))
                answer.append(completed)
        except BaseException:
            _close(awaitable for _, awaitable in pending)
            raise
        if not pending:
            return answer
        return _fill(answer, pending)

    return complete


async def _finish_item(
    item: Awaitable[Any], non_null: bool, complete: Complete, path: Path, run: _Run
) -> Any:
    value = await item
    if value is None:
        if non_null:
            raise _NOT_COMPILED
        return None
    completed = complete(value, path, run)
    return await completed if type(completed) is CoroutineType else completed


async def _fill(answer: list[Any], pending: list[tuple[Any, Awaitable[Any]]]) -> Any:
    if len(pending) == 1:
        key, awaitable = pending[0]
        answer[key] = await awaitable
        return answer
    values = await _gather([awaitable for _, awaitable in pending])
    for (key, _), value in zip(pending, values, strict=True):
        answer[key] = value
    return answer


def _complete_object(fields: tuple[_Field, ...], source: Any, path: Path | None, run: _Run) -> Any:
    answer: dict[str, Any] = {}
    pending: list[tuple[str, Awaitable[Any]]] = []
    try:
        for field in fields:
            try:
                value = field.read(source, path, run)  # type: ignore[arg-type]
            except NotCompiled:
                raise
            except Exception:  # noqa: BLE001 - graphql-core reports it
                raise _NOT_COMPILED from None
            key = field.key
            if field.awaits and _awaitable(value):
                answer[key] = None
                pending.append((key, _finish_field(value, field, path, run)))
                continue
            if value is None:
                if field.non_null:
                    raise _NOT_COMPILED
                answer[key] = None
                continue
            completed = field.complete(value, None if field.leaf else Path(path, key, None), run)
            if type(completed) is CoroutineType:
                pending.append((key, completed))
            answer[key] = completed
    except BaseException:
        _close(awaitable for _, awaitable in pending)
        raise
    if not pending:
        return answer
    return _fill(answer, pending)  # type: ignore[arg-type]


async def _finish_field(value: Awaitable[Any], field: _Field, path: Path | None, run: _Run) -> Any:
    try:
        value = await value
    except NotCompiled:
        raise
    except Exception:  # noqa: BLE001 - graphql-core reports it
        raise _NOT_COMPILED from None
    if value is None:
        if field.non_null:
            raise _NOT_COMPILED
        return None
    completed = field.complete(value, None if field.leaf else Path(path, field.key, None), run)
    return await completed if type(completed) is CoroutineType else completed


async def _gather(awaitables: Sequence[Awaitable[Any]]) -> list[Any]:
    """Awaits them concurrently (a DataLoader batches the loads they make); when one fails,
    the others are cancelled before the failure goes on, so no work is left behind."""
    tasks = [asyncio.ensure_future(cancellable(awaitable)) for awaitable in awaitables]
    try:
        return await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


def _close(awaitables: Any) -> None:
    """Closes the coroutines a failure leaves unawaited (else Python warns of each)."""
    for awaitable in awaitables:
        close_unstarted(awaitable)


def _resolve_info(
    name: str,
    nodes: list[FieldNode],
    return_type: GraphQLOutputType,
    parent: GraphQLObjectType,
    path: Path,
    run: _Run,
) -> GraphQLResolveInfo[Any]:
    """The info graphql-core's executor gives a resolver, as Strawberry makes it: the
    variables as the plain coerced dict, and the request's ``extensions`` (a request that
    sends some is graphql-core's)."""
    plan = run.plan
    return _StrawberryResolveInfo(  # type: ignore[return-value]
        name,
        nodes,
        return_type,
        parent,
        path,
        plan.schema,
        plan.fragment_definitions,
        None,
        plan.operation,
        run.variables.coerced,
        run.context,
        _is_awaitable,
        None,
        _HELPERS,
        None,  # type: ignore[arg-type]  # Strawberry passes None when the request has none
    )


_AWAITABLE_CLASSES: dict[type, bool] = {CoroutineType: True}
"""Whether values of a class are awaitable (a generator is asked each time: only those made
by a generator-based coroutine are): inspect's check costs an ABC lookup per value."""


def _awaitable(value: Any) -> bool:
    cls = type(value)
    known = _AWAITABLE_CLASSES.get(cls)
    if known is None:
        if cls is GeneratorType:
            return inspect.isawaitable(value)
        known = _AWAITABLE_CLASSES[cls] = inspect.isawaitable(value)
    return known


def _is_awaitable(value: Any) -> TypeGuard[Awaitable[Any]]:
    return inspect.isawaitable(value)


def _track(values: Any) -> None:
    for value in values:
        if inspect.isawaitable(value):
            asyncio.ensure_future(value)


_HELPERS = GraphQLResolveInfoHelpers(gather=_gather, track=_track)
