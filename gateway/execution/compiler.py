"""An operation compiled into a plan (``gateway.execution.plan`` runs it).

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

What the compiler does not take (``Unsupported``): mutations and subscriptions, introspection,
abstract types, types with ``is_type_of``, ``@defer``/``@stream``, fragment arguments."""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from dataclasses import replace
from operator import attrgetter
from typing import Any, NamedTuple

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLField,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
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
from graphql.execution.values import VariableValues
from graphql.pyutils import Path
from strawberry.permission import PermissionExtension
from strawberry.types.arguments import convert_arguments
from strawberry.types.field import StrawberryField
from strawberry.types.info import Info

from auth.visibility import declares_loads_only, declares_reads_only
from gateway.execution.guards import (
    Decide,
    GatedRead,
    decider,
    decides_fields,
    gates_of,
    guarded,
    guarded_after,
)
from gateway.execution.info import CallSite, PlanInfo
from gateway.execution.kept import kept_answers, kept_lists
from gateway.execution.leaves import leaf_completer
from gateway.execution.plain import as_is, constant_read, named_by, plain_getter, plain_read
from gateway.execution.plan import (
    Complete,
    Plan,
    PlannedField,
    Read,
    Run,
    attributes_completer,
    complete_object,
    list_completer,
)

__all__ = ["Unsupported", "compile_operation", "directive_variables"]

_INCLUSION = frozenset({"include", "skip"})


class Unsupported(Exception):
    """The operation uses what the compiler does not take; the reason says what."""


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
    ) -> tuple[PlannedField, ...]:
        """The planned fields of a selection; the fields of one tier share a ``Gate``: their
        permission is asked once per object."""
        fields: list[PlannedField] = []
        gated: list[tuple[int, str, Any]] = []  # (index in fields, GraphQL name, permission)
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
                    PlannedField(
                        key, constant_read(parent.name), True, as_is, awaits=False, leaf=True,
                        attribute=named_by(parent.name), own=True, whole=True,
                    )
                )  # fmt: skip
                continue
            if name.startswith("__"):
                raise Unsupported("introspection")
            definition = self.schema.get_field(parent, name)
            if definition is None:
                raise Unsupported(f"no field {parent.name}.{name}")
            type_ = definition.type
            non_null = is_non_null_type(type_)
            named = type_.of_type if non_null else type_  # type: ignore[union-attr]
            field = definition.extensions.get("strawberry-definition")
            plain = plain_getter(field)
            declared = plain is not None or declares_reads_only(field)
            direct = None
            if plain is not None and not node.arguments and not definition.args:
                read: Read = plain_read(plain)
            else:
                plain = None
                nodes = [d.node for d in group]
                direct = self.direct_reader(parent, definition, nodes, key, field)
                read = (
                    direct.read
                    if direct is not None
                    else self.reader(parent, definition, nodes, key)
                )
                if direct is not None and direct.gated is not None:
                    gated.append((len(fields), name, direct.permission))
            attribute = isinstance(plain, attrgetter)  # an attribute holds a value
            completion = self.completion(named, group)
            fields.append(
                PlannedField(
                    key,
                    read,
                    non_null,
                    completion.complete,
                    awaits=not attribute,
                    leaf=is_leaf_type(named),
                    attribute=plain if attribute else None,
                    driven=direct is not None and declares_loads_only(field),
                    own=plain is not None and completion.own,
                    whole=declared and completion.whole,
                    gated_read=direct.gated if direct is not None else None,
                )
            )
        for index, gate in gates_of(gated).items():
            fields[index] = replace(fields[index], gate=gate)
        return tuple(fields)

    def reader(
        self, parent: GraphQLObjectType, definition: GraphQLField, nodes: list[FieldNode], key: str
    ) -> Read:
        """Reads the field through ``GraphQLField.resolve``, Strawberry's whole resolver."""
        resolve = definition.resolve
        if resolve is None:
            raise Unsupported(f"{parent.name}.{definition} has no resolver")
        site = CallSite(parent, definition, nodes, key)

        def read(source: Any, path: Path, run: Run) -> Any:
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
    ) -> _Direct | None:
        """Calls the field's own function, as Strawberry's resolver would after its layers:
        its permissions first (``auth.visibility.VisibleTo``: the tier check and the audit
        of a tier-2 read; a refusal hands the request to graphql-core, which reports it),
        then the function with the converted arguments and ``info``. None for a field that
        has anything else around its function (another extension, an exception handler).
        A field with one permission that decides for several fields at once
        (``decide_fields``) may be read after its gate granted it (``_Direct.gated``)."""
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
        permissions: list[Decide] = []
        asked: list[Any] = []
        for extension in field.extensions:
            if type(extension) is not PermissionExtension or extension.fail_silently:
                return None
            asked.extend(extension.permissions)
            permissions.extend(decider(permission) for permission in extension.permissions)
        function = resolver.wrapped_func
        pass_self = resolver.self_parameter is not None
        source_names = [
            p.name for p in (resolver.parent_parameter, resolver.root_parameter) if p is not None
        ]
        info_name = resolver.info_parameter.name if resolver.info_parameter else None
        site = CallSite(parent, definition, nodes, key)
        arguments = field.arguments
        scalars = converter.scalar_registry
        config = strawberry_schema.config
        make_info = config.info_class
        lazy = make_info is Info  # not a schema's own info class: ``PlanInfo`` is an ``Info``

        def prepared(path: Path, run: Run) -> tuple[Any, dict[str, Any]]:
            """The field's info and its converted arguments."""
            if lazy:
                info = PlanInfo(site, path, run, field)
            else:
                info = make_info(_raw_info=site.info(path, run), _field=field)
            if site.has_arguments:
                kwargs = convert_arguments(site.arguments(run), arguments, scalars, config, info)
            else:
                kwargs = {}
            return info, kwargs

        def read(source: Any, path: Path, run: Run) -> Any:
            info, kwargs = prepared(path, run)
            if permissions:
                return guarded(permissions, source, info, kwargs, call)
            return call(source, info, kwargs)

        def gated(source: Any, path: Path, run: Run, granting: Any) -> Any:
            info, kwargs = prepared(path, run)
            return guarded_after(granting, source, info, kwargs, call)

        def call(source: Any, info: Any, kwargs: dict[str, Any]) -> Any:
            for source_name in source_names:
                kwargs[source_name] = source
            if info_name is not None:
                kwargs[info_name] = info
            return function(source, **kwargs) if pass_self else function(**kwargs)

        shared = len(asked) == 1 and decides_fields(asked[0])
        return _Direct(read, gated if shared else None, asked[0] if shared else None)

    def completion(self, type_: GraphQLOutputType, group: FieldDetailsList) -> _Completion:
        """How to complete a value of ``type_`` (not wrapped in non-null) that is not None."""
        if is_leaf_type(type_):
            return _Completion(leaf_completer(type_), pathless=True, own=True, whole=True)
        if is_list_type(type_):
            item = type_.of_type
            item_non_null = is_non_null_type(item)
            named = item.of_type if item_non_null else item
            each = self.completion(named, group)
            complete = list_completer(item_non_null, each.complete, each.pathless)
            key_name = _kept_answer_key(named) if is_object_type(named) else None
            if each.own and key_name is not None:
                complete = kept_lists(complete, key_name)
            return _Completion(complete, pathless=False, own=each.own, whole=each.whole)
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
            own = all(f.own for f in fields)
            if all(f.attribute is not None and f.leaf for f in fields):
                complete, pathless = attributes_completer(fields), True
            else:
                complete, pathless = _object_completer(fields), False
            key_name = _kept_answer_key(object_type)
            if own and key_name is not None:
                complete = kept_answers(complete, attrgetter(key_name))
            whole = all(f.whole for f in fields)
            return _Completion(complete, pathless or own, own, whole)  # own: no info below
        raise Unsupported(f"the abstract type {type_}")


class _Direct(NamedTuple):
    """A field read by its own function (``_Compiler.direct_reader``)."""

    read: Read
    gated: GatedRead | None
    """Its read once its one permission granted it, when that permission may be asked once
    for all the object's fields of its tier (``permission``'s ``decide_fields``)."""
    permission: Any


class _Completion(NamedTuple):
    complete: Complete
    pathless: bool
    """It completes without the value's path: nothing below is given an info (a leaf, an
    object of attributes holding leaves)."""
    own: bool
    """What it completes depends on the value alone: nothing below reads the request (no
    info, no permission, no argument), so an answer may be kept (``kept_answers``)."""
    whole: bool
    """Everything below is ``PlannedField.whole``."""


def _object_completer(fields: tuple[PlannedField, ...]) -> Complete:
    return lambda value, path, run: complete_object(fields, value, path, run)


def _kept_answer_key(object_type: GraphQLObjectType) -> str | None:
    """The attribute that names an object's content, when its type declares one
    (``__kept_answer_key__``, e.g. ``schema.eligibility.SchemeEligibility``)."""
    definition = object_type.extensions.get("strawberry-definition")
    origin = getattr(definition, "origin", None)
    key_name = getattr(origin, "__kept_answer_key__", None)
    return key_name if isinstance(key_name, str) else None
