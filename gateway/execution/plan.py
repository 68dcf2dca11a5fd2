"""A compiled plan, run for one request: from the viewer and the loaded records to the
answer's ``data``.

A plan (made by ``gateway.execution.compiler``) is a tree of ``PlannedField``: for each
selected field, how to read it and how to complete its value, closures made once per
operation. Running it runs no field collection, no argument parsing of literals and no type
dispatch: it reads each field, completes leaves (``gateway.execution.leaves``), lists
item by item and objects field by field into a dict, and fills in a pending value's place
when it is done (``Run``: a callback, not a task per value), so the DataLoaders batch what
the fields of a list's items load.

A plan answers only what graphql-core would answer without an error. Anything else — a
resolver that raises (a refused tier: FORBIDDEN), a null in a non-null position, a value a
scalar cannot serialise — raises ``NotCompiled``, and the request runs on graphql-core,
whole, which reports it exactly. What the plan ran before that is reads only: the request's
context is dropped with it (its audit buffer and warnings), and the rerun gets a new one."""

from __future__ import annotations

import asyncio
import contextvars
import inspect
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from types import CoroutineType, GeneratorType
from typing import Any, TypeGuard

import structlog
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

__all__ = [
    "Complete",
    "Decide",
    "NotCompiled",
    "Plan",
    "PlannedField",
    "Read",
    "Run",
    "attributes_completer",
    "complete_object",
    "guarded",
    "list_completer",
    "resolve_info",
]
"""What the compiler builds plans of; the package exports none of it."""

Read = Callable[[Any, Path, "Run"], Any]
"""Reads a field of its parent (``source``) at ``path``: the value, or an awaitable of it."""
Complete = Callable[[Any, Path | None, "Run"], Any]
"""Completes a value that is not None: the answer's piece, or an awaitable of it."""
Decide = Callable[[Any, Any, dict[str, Any]], Any]
"""Asks a field's permission (source, info, arguments): True to grant, or an awaitable."""


_log = structlog.get_logger(__name__)


class NotCompiled(Exception):
    """This request's answer needs graphql-core (an error to report, most often). Raised
    anew each time: one instance raised again and again kept every traceback it went
    through, and with them the frames, contexts and answers of every request handed over."""


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


class Run:
    """One request's run of a plan: what every resolver's info carries, and the values it
    still waits for.

    A value that is not there yet (a DataLoader's future, a resolver's coroutine) is not
    given a task of its own to be awaited in: ``later`` has its slot in the answer filled in
    by a callback once it is done, and the run ends when nothing is waited for any more. A
    coroutine is run by a task (it may await anything); a future is only waited for. The
    callbacks of one DataLoader batch's futures run one after the other, before the batch
    the loads they make form is sent: those loads batch as the ones before them did."""

    __slots__ = (
        "_done",
        "_failed",
        "_waiting",
        "context",
        "driven",
        "plan",
        "tasks",
        "variables",
        "waits",
    )

    def __init__(self, plan: Plan, context: Any, variables: VariableValues) -> None:
        self.plan = plan
        self.context = context
        self.variables = variables
        self.tasks: list[asyncio.Task[Any]] = []
        """The tasks the run started: cancelled and awaited when it is given up."""
        self.driven: dict[Any, contextvars.Context] = {}
        """The coroutines ``drive`` waits for, each with its context: closed when the run is
        given up."""
        self.waits = 0
        """How many values the run waited for so far (a completion that added none is
        whole when it returns: ``gateway.execution.kept``)."""
        self._waiting: dict[asyncio.Future[Any], list[Callable[[Any], None]]] = {}
        """The futures waited for, each with what proceeds once it is done."""
        self._done: asyncio.Future[None] | None = None
        self._failed = False

    def later(self, awaitable: Any, fill: Callable[[Any, Run], None]) -> None:
        """``fill(value, run)`` once ``awaitable`` gives its value; a failure hands the run
        to graphql-core (``NotCompiled``)."""
        if isinstance(awaitable, asyncio.Future):
            if awaitable.done():
                self._fill(fill, awaitable)
                return
            self._wait(awaitable, lambda done: self._fill(fill, done))
            return
        task = asyncio.ensure_future(cancellable(awaitable))
        self.tasks.append(task)
        self._wait(task, lambda done: self._fill(fill, done))

    def drive(self, coroutine: Any, fill: Callable[[Any, Run], None]) -> None:
        """Runs the coroutine of a resolver that awaits nothing but the request's DataLoaders
        (``tiered(..., loads_only=True)``) without a task: it is stepped until it waits for
        a future, and stepped again when the future is done, in a context of its own as a
        task would run it; then ``fill(value, run)``. It awaiting anything but a future
        hands the run to graphql-core."""
        self._step(coroutine, contextvars.copy_context(), fill)

    def _step(
        self, coroutine: Any, context: contextvars.Context, fill: Callable[[Any, Run], None]
    ) -> None:
        try:
            waited = context.run(coroutine.send, None)
        except StopIteration as returned:
            value = returned.value
        except Exception:  # noqa: BLE001 - graphql-core reports it
            raise NotCompiled from None
        else:
            if (
                not isinstance(waited, asyncio.Future)
                or isinstance(waited, asyncio.Task)
                or not waited._asyncio_future_blocking
            ):
                _close(coroutine, context)
                raise NotCompiled  # it awaits what only a task may run
            waited._asyncio_future_blocking = False
            self.driven[coroutine] = context
            self._wait(waited, lambda _done: self._resume_driven(coroutine, context, fill))
            return
        self._give(fill, value)

    def _resume_driven(
        self, coroutine: Any, context: contextvars.Context, fill: Callable[[Any, Run], None]
    ) -> None:
        self.driven.pop(coroutine, None)
        self._step(coroutine, context, fill)

    def _fill(self, fill: Callable[[Any, Run], None], future: asyncio.Future[Any]) -> None:
        try:
            value = future.result()
        except Exception:  # noqa: BLE001 - graphql-core reports it
            raise NotCompiled from None
        self._give(fill, value)

    def _give(self, fill: Callable[[Any, Run], None], value: Any) -> None:
        try:
            fill(value, self)
        except NotCompiled:
            raise
        except Exception:  # noqa: BLE001 - graphql-core reports it
            raise NotCompiled from None

    def _wait(self, future: asyncio.Future[Any], proceed: Callable[[Any], None]) -> None:
        """``proceed(future)`` once it is done: one callback per future, however many values
        wait for it (a company's name, NAF and address wait for its one établissement)."""
        self.waits += 1
        waiting = self._waiting.get(future)
        if waiting is not None:
            waiting.append(proceed)
            return
        if self._done is None:
            self._done = future.get_loop().create_future()
        self._waiting[future] = [proceed]
        future.add_done_callback(self._resume)

    def _resume(self, future: asyncio.Future[Any]) -> None:
        proceeds = self._waiting.pop(future)
        done = self._done
        assert done is not None
        if self._failed or done.done():
            if not future.cancelled():
                future.exception()  # retrieved: the run was given up already
            return
        try:
            for proceed in proceeds:
                proceed(future)
        except BaseException as error:  # noqa: BLE001 - the run's await raises it
            try:
                self._give_up()
            finally:
                if isinstance(error, asyncio.CancelledError):
                    done.cancel()
                else:
                    done.set_exception(error)
            return
        if not self._waiting:
            done.set_result(None)

    def _give_up(self) -> None:
        """Stops what the run started, as cancelling a task would: its tasks and the futures
        it waits for are cancelled (a DataLoader's batch of cancelled loads is not sent), the
        coroutines it was stepping are closed, each in its own context."""
        self._failed = True
        for task in self.tasks:
            task.cancel()
        for future in self._waiting:
            future.cancel()
        driven, self.driven = self.driven, {}
        for coroutine, context in driven.items():
            _close(coroutine, context)

    async def wait(self) -> None:
        """Until nothing is waited for; on a failure (or a cancellation), the run's tasks are
        cancelled and awaited before it goes on, so no work is left behind."""
        try:
            if self._waiting:
                assert self._done is not None
                await self._done
        except BaseException:
            await self.abandon()
            raise

    async def abandon(self) -> None:
        """Gives the run up and waits for its tasks to end."""
        self._give_up()
        if self.tasks:
            await asyncio.gather(*self.tasks, return_exceptions=True)


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

    async def run(self, context: Any, variables: VariableValues) -> dict[str, Any]:
        """The answer's ``data``, or ``NotCompiled`` when graphql-core must answer."""
        run = Run(self, context, variables)
        try:
            data = complete_object(self.root_fields, None, None, run)
        except BaseException:
            await run.abandon()
            raise
        await run.wait()
        return data


def guarded(
    permissions: list[Decide],
    source: Any,
    info: Any,
    kwargs: dict[str, Any],
    call: Callable[[Any, Any, dict[str, Any]], Any],
) -> Any:
    """The field's value once every permission granted it (each asked with the source, the
    info and the arguments, as Strawberry's ``PermissionExtension`` asks them).

    Answered at once when every permission answers at once and the field's function returns
    a value (a tier-checked attribute: most of them): a coroutine there would cost the
    request a task of its own for each such field of each object. An awaitable otherwise."""
    for index, permission in enumerate(permissions):
        granted = permission(source, info, kwargs)
        if _awaitable(granted):
            return _guarded_later(granted, permissions[index + 1 :], source, info, kwargs, call)
        if granted is not True:
            raise NotCompiled  # graphql-core reports the refusal
    return call(source, info, kwargs)


async def _guarded_later(
    granting: Awaitable[Any],
    permissions: list[Decide],
    source: Any,
    info: Any,
    kwargs: dict[str, Any],
    call: Callable[[Any, Any, dict[str, Any]], Any],
) -> Any:
    """``guarded``, once a permission answered with an awaitable (``granting``)."""
    if await granting is not True:
        raise NotCompiled
    value = guarded(permissions, source, info, kwargs, call)
    return await value if _awaitable(value) else value


def _close(coroutine: Any, context: contextvars.Context) -> None:
    """Closes a coroutine the run stepped, in its own context (a ``finally`` of its may
    reset what it set); one that will not close is left to the collector."""
    try:
        context.run(coroutine.close)
    except Exception:  # noqa: BLE001 - a failing finally must not keep the run from ending
        _log.warning("execution.close_failed", coroutine=getattr(coroutine, "__qualname__", "?"))


_LATER = _guarded_later.__code__
"""A guarded field's coroutine while a permission is awaited (that may be anything)."""


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
            if _awaitable(item):
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
    for field in fields:
        try:
            value = field.read(source, path, run)  # type: ignore[arg-type]
        except NotCompiled:
            raise
        except Exception:  # noqa: BLE001 - graphql-core reports it
            raise NotCompiled from None
        key = field.key
        if field.awaits and _awaitable(value):
            answer[key] = None
            if field.driven and type(value) is CoroutineType and value.cr_code is not _LATER:
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
    tasks = [asyncio.ensure_future(cancellable(awaitable)) for awaitable in awaitables]
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
