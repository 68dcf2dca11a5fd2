"""The price of an operation, before it runs (``gateway/cost.py`` refuses what is over its
limits): what its fields cost and how many partner
reads it may make, each counted as often as the field may resolve.

Every field costs what it declares (``auth/costs.py``: 1 by default, more for a field that
reads a partner); a list multiplies what its items select by its ``first`` (a Relay
connection's ``first`` sizes its ``edges``), or else by its declared ``list_size``. The
partner reads of one object's fields are counted once for that object (a company's name and
address share one Sirene record). ``@include``/``@skip`` are ignored: a price is an upper
bound.

The price is planned once per document and operation (``CostLimit``'s own LRU beside the
validation cache): what depends on variables (``first: $n``) is kept as a product to
evaluate, so a request pays a dictionary lookup and a few multiplications.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from cachetools import LRUCache
from graphql import (
    BooleanValueNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    IntValueNode,
    NullValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_list_type,
)
from graphql.utilities import get_operation_ast

from auth.costs import DEFAULT_LIST_SIZE, FieldCost, Read, field_cost
from auth.tiers import Tier
from auth.visibility import Visibility

__all__ = ["CostPlanner", "Price"]

MAX_PAGE = 100
"""The largest ``first`` a page takes (larger is refused by the resolvers): the most a list
is counted."""
_UNSET_FIRST = 20
"""What ``first: null`` means to the resolvers."""


@dataclass(frozen=True, slots=True)
class Price:
    cost: int
    reads: int
    """Partner reads the operation may make, at most."""


@dataclass(frozen=True, slots=True)
class _VariableSize:
    """A list's size given by a variable (``first: $n``), or ``fallback`` without it."""

    name: str
    fallback: int

    def of(self, variables: Mapping[str, Any]) -> int:
        value = variables.get(self.name, self.fallback)
        if value is None:
            return _UNSET_FIRST
        if not isinstance(value, int) or isinstance(value, bool):
            return self.fallback  # the variable's coercion refuses it anyway
        return _clamp(value)


_Size = int | _VariableSize


@dataclass(frozen=True, slots=True)
class _Plan:
    """What one object's selection costs: constants, plus lists sized by variables."""

    cost: int
    reads: int
    sized: tuple[tuple[_Size, _Plan], ...] = ()

    def price(self, variables: Mapping[str, Any]) -> Price:
        cost, reads = self.cost, self.reads
        for size, plan in self.sized:
            count = size if isinstance(size, int) else size.of(variables)
            inner = plan.price(variables)
            cost += count * inner.cost
            reads += count * inner.reads
        return Price(cost, reads)


_FREE = _Plan(0, 0)
_Composite = GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType


class CostPlanner:
    """Prices the operations of documents against one schema (the first it is given: one
    planner per built schema); plans are kept per query text and operation name
    (``maxsize`` of them)."""

    def __init__(self, *, maxsize: int = 512) -> None:
        self._schema: GraphQLSchema | None = None
        self._plans: LRUCache[tuple[str, str | None, frozenset[Tier], bool], _Plan] = LRUCache(
            maxsize=maxsize
        )
        self._field_costs: dict[tuple[str, str], tuple[FieldCost, frozenset[Tier]]] = {}

    @property
    def schema(self) -> GraphQLSchema:
        assert self._schema is not None, "price() binds the planner to its schema"
        return self._schema

    def price(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
        query: str | None = None,
        *,
        refused: frozenset[Tier] = frozenset(),
        anonymous: bool = False,
    ) -> Price:
        """A field of a ``refused`` tier (``auth.visibility.refused_everywhere``), or the
        viewer's own items for an ``anonymous`` viewer, costs 1 and nothing below it."""
        if self._schema is None:
            self._schema = schema
        key = (query, operation_name, refused, anonymous) if query is not None else None
        plan = self._plans.get(key) if key is not None else None
        if plan is None:
            plan = self._plan_document(document, operation_name, refused, anonymous)
            if key is not None:
                self._plans[key] = plan
        return plan.price(variables or {})

    def _plan_document(
        self,
        document: DocumentNode,
        operation_name: str | None,
        refused: frozenset[Tier],
        anonymous: bool,
    ) -> _Plan:
        operation = get_operation_ast(document, operation_name)
        if operation is None:
            return _FREE  # graphql-core reports it
        root = self.schema.get_root_type(operation.operation)
        if root is None:
            return _FREE
        return _DocumentPlanner(self, document, operation, refused, anonymous).plan(root)

    def field_cost(
        self, type_: GraphQLObjectType | GraphQLInterfaceType, name: str
    ) -> tuple[FieldCost, frozenset[Tier]]:
        """What the field costs, and the tier it declares (none for a mutation's)."""
        key = (type_.name, name)
        found = self._field_costs.get(key)
        if found is None:
            field = type_.fields[name]
            definition = (field.extensions or {}).get("strawberry-definition")
            tiers = frozenset(
                d.tier for d in getattr(definition, "directives", ()) if isinstance(d, Visibility)
            )
            found = self._field_costs[key] = (field_cost(field), tiers)
        return found


class _DocumentPlanner:
    def __init__(
        self,
        planner: CostPlanner,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        refused: frozenset[Tier],
        anonymous: bool,
    ) -> None:
        self.planner = planner
        self.refused = refused
        self.anonymous = anonymous
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.variable_defaults = {
            d.variable.name.value: d.default_value.value
            for d in operation.variable_definitions or ()
            if isinstance(d.default_value, IntValueNode)
        }
        self.operation = operation

    def plan(self, root: GraphQLObjectType) -> _Plan:
        return self._selection(root, [self.operation.selection_set], frozenset(), None)

    def _selection(
        self,
        parent: _Composite,
        selection_sets: list[SelectionSetNode],
        inherited: frozenset[Read],
        edges_size: _Size | None,
    ) -> _Plan:
        """The plan of one object of ``parent`` for these (merged) selections; ``inherited``
        are the reads its field made for it; ``edges_size`` the ``first`` of the connection
        it is."""
        cost = 0
        reads = set(inherited)
        nested_reads = 0
        sized: list[tuple[_Size, _Plan]] = []
        for (type_, name, _), nodes in self._collect(parent, selection_sets, set()).items():
            declared, tiers = self.planner.field_cost(type_, name)
            if (tiers and tiers <= self.refused) or (self.anonymous and declared.own):
                cost += 1  # refused by its permission, or none of its own: nothing below
                continue
            cost += declared.weight
            reads |= declared.reads
            children = [node.selection_set for node in nodes if node.selection_set is not None]
            field = type_.fields[name]
            child_type = get_named_type(field.type)
            if not children or not isinstance(child_type, _Composite):
                continue
            first = _first(field, nodes[0], self.variable_defaults)
            if is_list_type(get_nullable_type(field.type)):
                size: _Size = (
                    first
                    if first is not None
                    else edges_size
                    if name == "edges" and edges_size is not None
                    else declared.list_size or DEFAULT_LIST_SIZE
                )
                child = self._selection(child_type, children, declared.result_reads, None)
            else:
                size = 1
                child = self._selection(child_type, children, declared.result_reads, first)
            if isinstance(size, int) and not child.sized:
                cost += size * child.cost
                nested_reads += size * child.reads
            else:
                sized.append((size, child))
        return _Plan(cost, len(reads) + nested_reads, tuple(sized))

    def _collect(
        self,
        parent: _Composite,
        selection_sets: Iterable[SelectionSetNode],
        spread: set[str],
    ) -> dict[tuple[Any, str, str], list[FieldNode]]:
        """The fields selected on ``parent`` (fragments expanded, same response names
        merged), by the type that defines them, their name and response name;
        introspection is free."""
        grouped: dict[tuple[Any, str, str], list[FieldNode]] = {}
        for field_type, node in self._fields(parent, selection_sets, spread):
            name = node.name.value
            if isinstance(field_type, GraphQLUnionType) or name not in field_type.fields:
                continue  # __typename on a union (free, as introspection), or unknown
            response = node.alias.value if node.alias else name
            grouped.setdefault((field_type, name, response), []).append(node)
        return grouped

    def _fields(
        self,
        parent: _Composite,
        selection_sets: Iterable[SelectionSetNode],
        spread: set[str],
    ) -> Iterator[tuple[_Composite, FieldNode]]:
        for selection_set in selection_sets:
            for selection in selection_set.selections:
                if isinstance(selection, FieldNode):
                    yield parent, selection
                elif isinstance(selection, InlineFragmentNode):
                    on = self._condition(parent, selection.type_condition)
                    yield from self._fields(on, [selection.selection_set], spread)
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    fragment = self.fragments.get(name)
                    if fragment is None or name in spread:
                        continue  # validation reports unknown fragments and cycles
                    on = self._condition(parent, fragment.type_condition)
                    yield from self._fields(on, [fragment.selection_set], {*spread, name})

    def _condition(self, parent: _Composite, condition: Any) -> _Composite:
        if condition is None:
            return parent
        named = self.planner.schema.get_type(condition.name.value)
        return named if isinstance(named, _Composite) else parent


def _first(
    field: GraphQLField, node: FieldNode, variable_defaults: Mapping[str, Any]
) -> _Size | None:
    """The ``first`` a field is asked for, when it takes one (capped at ``MAX_PAGE``)."""
    argument = field.args.get("first")
    if argument is None:
        return None
    default = argument.default_value if isinstance(argument.default_value, int) else None
    fallback = _clamp(default) if default is not None else MAX_PAGE
    for given in node.arguments or ():
        if given.name.value != "first":
            continue
        value = given.value
        if isinstance(value, IntValueNode):
            return _clamp(int(value.value))
        if isinstance(value, NullValueNode):
            return _UNSET_FIRST
        if isinstance(value, VariableNode):
            name = value.name.value
            if name in variable_defaults:
                fallback = _clamp(int(variable_defaults[name]))
            return _VariableSize(name, fallback)
        if isinstance(value, BooleanValueNode):
            return fallback
    return fallback


def _clamp(value: int) -> int:
    return max(0, min(value, MAX_PAGE))
