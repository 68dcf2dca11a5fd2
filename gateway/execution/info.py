"""The info a plan gives a field's own function: Strawberry's ``Info``, with what resolvers
and permissions read on every field at hand, and graphql-core's resolve info made only when
something else of it is asked (``CallSite``: how a selected field's info and arguments are
made for a run)."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from graphql import FieldNode, GraphQLField, GraphQLObjectType, GraphQLResolveInfo
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path
from strawberry.types.field import StrawberryField
from strawberry.types.info import Info

from gateway.execution.plan import resolve_info

if TYPE_CHECKING:
    from gateway.execution.run import Run

__all__ = ["CallSite", "PlanInfo"]


class PlanInfo(Info):
    """``Info`` whose ``context`` and ``field_name`` — what the visibility permission and
    most resolvers read, on every field of every object — come from the run and the
    selection. The rest (the path, the selected fields, the variables…) comes, as from any
    ``Info``, from graphql-core's resolve info, made on first use (``_raw_info``): making it
    for every field cost a warm portfolio some 430 of them per request, nearly none read."""

    def __init__(self, site: CallSite, path: Path, run: Run, field: StrawberryField) -> None:
        self._site = site
        self._path = path
        self._run = run
        self._field = field

    @property
    def context(self) -> Any:
        return self._run.context

    @property
    def field_name(self) -> str:
        return self._site.name

    @cached_property
    def _raw_info(self) -> GraphQLResolveInfo[Any]:  # type: ignore[override]
        return self._site.info(self._path, self._run)


class CallSite:
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
        self.name = self.node.name.value
        self.has_arguments = bool(definition.args or self.node.arguments)
        self.static: dict[str, Any] | None = None
        if self.has_arguments and not _reads_variables(self.node):
            self.static = get_argument_values(definition, self.node, None)

    def info(self, path: Path, run: Run) -> GraphQLResolveInfo[Any]:
        parent = self.parent
        return resolve_info(
            self.name,
            self.nodes,
            self.definition.type,
            parent,
            Path(path, self.key, parent.name),
            run,
        )

    def arguments(self, run: Run) -> dict[str, Any]:
        if self.static is not None:
            return self.static
        return get_argument_values(self.definition, self.node, run.variables)


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
