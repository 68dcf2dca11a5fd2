"""A compiled plan, run for one request: from the viewer and the loaded records to the
answer's ``data``.

A plan (made by ``gateway.execution.compiler``) is a tree of ``PlannedField``: for each
selected field, how to read it and how to complete its value, closures made once per
operation. Running it runs no field collection, no argument parsing of literals and no type
dispatch: it reads each field, completes leaves (``gateway.execution.leaves``), lists
item by item and objects field by field into a dict, and fills in a pending value's place
when it is done (``gateway.execution.run.Run``: a callback, not a task per value), so the DataLoaders batch what
the fields of a list's items load.

A plan answers only what graphql-core would answer without an error. Anything else — a
resolver that raises (a refused tier: FORBIDDEN), a null in a non-null position, a value a
scalar cannot serialise — raises ``NotCompiled``, and the request runs on graphql-core,
whole, which reports it exactly. What the plan ran before that is reads only: the request's
context is dropped with it (its audit buffer and warnings), and the rerun gets a new one."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from types import CoroutineType
from typing import Any, TypeGuard

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLSchema,
    OperationDefinitionNode,
)
from graphql.execution.values import VariableValues
from graphql.pyutils import Path
from graphql.type.definition import GraphQLResolveInfoHelpers
from strawberry.schema.schema import (
    _OperationContextAwareGraphQLResolveInfo as _StrawberryResolveInfo,
)

from gateway.execution.cancel import cancellable
from gateway.execution.guards import PERMISSION_AWAITED, Gate, GatedRead
from gateway.execution.run import NotCompiled, Run, awaitable

__all__ = [
    "Complete",
    "NotCompiled",
    "Plan",
    "PlannedField",
    "Read",
    "Run",
    "attributes_completer",
    "complete_object",
    "list_completer",
    "resolve_info",
]
"""What the compiler builds plans of; the package exports none of it."""

Read = Callable[[Any, Path, "Run"], Any]
"""Reads a field of its parent (``source``) at ``path``: the value, or an awaitable of it."""
Complete = Callable[[Any, Path | None, "Run"], Any]
"""Completes a value that is not None: the answer's piece, or an awaitable of it."""


@dataclass(frozen=True, slots=True)
class PlannedField:
    """A selected field of a plan: how to read it of its parent and complete its value."""

    key: str
    """The response name (the alias, else the field's name)."""
    read: Read
    non_null: bool
    complete: Complete
    awaits: bool = True
    """False for a read that never gives an awaitable (plain data, ``__typename``)."""
    leaf: bool = False
    """Its value completes without a path (a scalar or an enum: no resolver below it)."""
    attribute: Callable[[Any], Any] | None = None
    """For a field that is an attribute of its parent (or ``__typename``): how to read it of
    the parent alone (``read`` does the same, given a path and the run)."""
    driven: bool = False
    """Its resolver awaits nothing but the request's DataLoaders (``loads_only``): its
    coroutine is run without a task (``Run.drive``)."""
    own: bool = False
    """Its answer depends on its parent alone: read without info, permission or argument,
    and completed likewise all the way down."""
    whole: bool = False
    """Its answer is made of its parent, its arguments and the cached partner records it
    reads, all the way down (``reads_only`` fields, plain data): an anonymous answer made of
    such fields may be kept whole (``gateway.execution.whole``)."""
    gate: Gate | None = None
    """Its permission, shared with the object's other fields of its tier: asked once per
    object, then the field is read by ``gated_read`` (``read`` asks it itself)."""
    gated_read: GatedRead | None = None


@dataclass(frozen=True, slots=True)
class Plan:
    """An operation compiled for one set of ``@include``/``@skip`` values."""

    schema: GraphQLSchema
    operation: OperationDefinitionNode
    fragment_definitions: dict[str, FragmentDefinitionNode]
    root_fields: tuple[PlannedField, ...]
    """What resolvers' info carries (schema, operation, fragments), and the root's fields."""

    @property
    def whole(self) -> bool:
        """Every field is ``PlannedField.whole``: an anonymous answer may be kept whole."""
        return all(f.whole for f in self.root_fields)

    async def run(
        self, context: Any, variables: VariableValues, *, encoded: bool = False
    ) -> dict[str, Any]:
        """The answer's ``data``, or ``NotCompiled`` when graphql-core must answer.
        ``encoded``: the data goes to the encoder and nowhere else, so parts of it may be
        kept answers already encoded (``gateway.execution.kept.KeptJSON``)."""
        run = Run(self, context, variables, encoded=encoded)
        try:
            data = complete_object(self.root_fields, None, None, run)
        except BaseException:
            await run.abandon()
            raise
        await run.wait()
        return data


def list_completer(item_non_null: bool, complete_item: Complete, pathless_items: bool) -> Complete:
    """Completes a list item by item; an item still pending is filled in when it is done
    (``Run.later``). ``pathless_items``: an item completes without its path (a leaf, an
    object of attributes: no resolver of theirs is given an info), so none is made."""

    def complete(value: Any, path: Any, run: Run) -> Any:
        """``path``: the list's (a list is never a leaf: it always has one)."""
        if isinstance(value, (str, bytes, Mapping)) or not hasattr(value, "__iter__"):
            raise NotCompiled  # graphql-core reports a list that is not one
        answer: list[Any] = []
        for index, item in enumerate(value):
            if awaitable(item):
                answer.append(None)
                run.later(item, _ItemSlot(answer, index, item_non_null, complete_item, path))
                continue
            if item is None:
                if item_non_null:
                    raise NotCompiled
                answer.append(None)
                continue
            answer.append(complete_item(item, None if pathless_items else path.add_key(index), run))
        return answer

    return complete


class _ItemSlot:
    """Fills a list's pending item in once its value is there."""

    __slots__ = ("answer", "complete", "index", "non_null", "path")

    def __init__(
        self, answer: list[Any], index: int, non_null: bool, complete: Complete, path: Path
    ) -> None:
        self.answer, self.index, self.non_null = answer, index, non_null
        self.complete, self.path = complete, path

    def __call__(self, value: Any, run: Run) -> None:
        if value is None:
            if self.non_null:
                raise NotCompiled
            return
        self.answer[self.index] = self.complete(value, self.path.add_key(self.index), run)


def complete_object(
    fields: tuple[PlannedField, ...], source: Any, path: Path | None, run: Run
) -> dict[str, Any]:
    """The dict of ``fields`` read of ``source``; a field still pending is filled in when
    its value is there (``Run.later``)."""
    answer: dict[str, Any] = {}
    decided: dict[Gate, Any] | None = None
    for field in fields:
        try:
            gate = field.gate
            if gate is None:
                value = field.read(source, path, run)  # type: ignore[arg-type]
            else:
                if decided is None:
                    decided = {}
                granted = decided.get(gate)
                if granted is None:
                    granted = decided[gate] = gate.ask(source, run)
                value = field.gated_read(source, path, run, granted)  # type: ignore[misc,arg-type]
        except NotCompiled:
            raise
        except Exception:  # noqa: BLE001 - graphql-core reports it
            raise NotCompiled from None
        key = field.key
        if field.awaits and awaitable(value):
            answer[key] = None
            if (
                field.driven
                and type(value) is CoroutineType
                and value.cr_code is not PERMISSION_AWAITED
            ):
                run.drive(value, _FieldSlot(answer, field, path))
            else:
                run.later(value, _FieldSlot(answer, field, path))
            continue
        if value is None:
            if field.non_null:
                raise NotCompiled
            answer[key] = None
            continue
        answer[key] = field.complete(value, None if field.leaf else Path(path, key, None), run)
    return answer


class _FieldSlot:
    """Fills an object's pending field in once its value is there."""

    __slots__ = ("answer", "field", "path")

    def __init__(self, answer: dict[str, Any], field: PlannedField, path: Path | None) -> None:
        self.answer, self.field, self.path = answer, field, path

    def __call__(self, value: Any, run: Run) -> None:
        field = self.field
        if value is None:
            if field.non_null:
                raise NotCompiled
            return
        key = field.key
        self.answer[key] = field.complete(
            value, None if field.leaf else Path(self.path, key, None), run
        )


def attributes_completer(fields: tuple[PlannedField, ...]) -> Complete:
    """Completes an object whose every field is an attribute holding a leaf (a criterion:
    its name, outcome and value): one loop, no path, nothing to await. ``complete_object``
    does the same, field by field, ready for resolvers and pending values."""
    steps = tuple((f.key, f.attribute, f.non_null, f.complete) for f in fields)

    def complete(source: Any, _path: Path | None, run: Run) -> Any:
        answer: dict[str, Any] = {}
        try:
            for key, attribute, non_null, complete_leaf in steps:
                value = attribute(source)  # type: ignore[misc]
                if value is None:
                    if non_null:
                        raise NotCompiled
                    answer[key] = None
                else:
                    answer[key] = complete_leaf(value, None, run)
        except NotCompiled:
            raise
        except Exception:  # noqa: BLE001 - graphql-core reports it
            raise NotCompiled from None
        return answer

    return complete


async def _gather(awaitables: Sequence[Awaitable[Any]]) -> list[Any]:
    """Awaits them concurrently (a DataLoader batches the loads they make); when one fails,
    the others are cancelled before the failure goes on, so no work is left behind. What a
    resolver's info offers as ``gather``."""
    tasks = [asyncio.ensure_future(cancellable(pending)) for pending in awaitables]
    try:
        return await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


def resolve_info(
    name: str,
    nodes: list[FieldNode],
    return_type: GraphQLOutputType,
    parent: GraphQLObjectType,
    path: Path,
    run: Run,
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


def _is_awaitable(value: Any) -> TypeGuard[Awaitable[Any]]:
    return inspect.isawaitable(value)


def _track(values: Any) -> None:
    for value in values:
        if inspect.isawaitable(value):
            asyncio.ensure_future(value)


_HELPERS = GraphQLResolveInfoHelpers(gather=_gather, track=_track)
