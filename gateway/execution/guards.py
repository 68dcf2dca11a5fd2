"""A field's permissions, asked before its function is called: field by field
(``guarded``), or once per object for all its selected fields of one tier (``Gate``, then
``guarded_after``). A refusal hands the request to graphql-core (``NotCompiled``), which
reports it; a permission that answers with an awaitable is awaited before the function
runs."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from graphql.pyutils import Path

from gateway.execution.cancel import cancellable
from gateway.execution.run import NotCompiled, Run, awaitable

__all__ = [
    "PERMISSION_AWAITED",
    "Decide",
    "Gate",
    "GatedRead",
    "decider",
    "decides_fields",
    "gates_of",
    "guarded",
    "guarded_after",
]

Decide = Callable[[Any, Any, dict[str, Any]], Any]
"""Asks a field's permission (source, info, arguments): True to grant, or an awaitable."""
Call = Callable[[Any, Any, dict[str, Any]], Any]
"""Calls a field's function (source, info, arguments), once its permissions granted it."""
GatedRead = Callable[[Any, Path, "Run", Any], Any]
"""Reads a field whose permission its gate granted (``True``), or will tell (a future)."""


@dataclass(frozen=True, slots=True, eq=False)
class Gate:
    """The permission an object's selected fields of one tier share (their permissions'
    ``decision_key`` is the same: ``auth.visibility.VisibleTo.decide_fields``), asked once
    per object for all of them, instead of once per field."""

    decide: Callable[[Any, Any, tuple[str, ...]], Any]
    """(source, the request's context, the fields' names): True, False, or an awaitable."""
    fields: tuple[str, ...]
    """The GraphQL names of the fields behind it, in the selection's order (the audit
    records each)."""

    def ask(self, source: Any, run: Run) -> Any:
        """True when granted; a future of the answer when it is not known yet; a refusal
        hands the request to graphql-core, which reports it field by field."""
        granted = self.decide(source, run.context, self.fields)
        if granted is True:
            return True
        if granted is False or not awaitable(granted):
            raise NotCompiled
        future = asyncio.ensure_future(cancellable(granted))
        run.tasks.append(future)
        return future


def guarded(
    permissions: list[Decide],
    source: Any,
    info: Any,
    kwargs: dict[str, Any],
    call: Call,
) -> Any:
    """The field's value once every permission granted it (each asked with the source, the
    info and the arguments, as Strawberry's ``PermissionExtension`` asks them).

    Answered at once when every permission answers at once and the field's function returns
    a value (a tier-checked attribute: most of them): a coroutine there would cost the
    request a task of its own for each such field of each object. An awaitable otherwise."""
    for index, permission in enumerate(permissions):
        granted = permission(source, info, kwargs)
        if awaitable(granted):
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
    call: Call,
) -> Any:
    """``guarded``, once a permission answered with an awaitable (``granting``)."""
    if await granting is not True:
        raise NotCompiled
    value = guarded(permissions, source, info, kwargs, call)
    return await value if awaitable(value) else value


def guarded_after(
    granting: Any,
    source: Any,
    info: Any,
    kwargs: dict[str, Any],
    call: Call,
) -> Any:
    """The field's value once its gate granted it: at once (``granting`` is True), or once
    the gate's future of the answer is (``Gate.ask``)."""
    if granting is True:
        return call(source, info, kwargs)
    return _guarded_later(granting, [], source, info, kwargs, call)


PERMISSION_AWAITED = _guarded_later.__code__
"""A guarded field's coroutine while a permission is awaited (that may be anything)."""


def decider(permission: Any) -> Decide:
    """How the plan asks ``permission``: its ``decide`` when it has one (an answer at once
    when it can give one: ``auth.visibility.VisibleTo``), else ``has_permission``."""
    decide = getattr(permission, "decide", None)
    if decide is not None:
        return lambda source, info, _kwargs: decide(source, info)
    return lambda source, info, kwargs: permission.has_permission(source, info, **kwargs)


def decides_fields(permission: Any) -> bool:
    """The permission may be asked once for several fields of an object (``Gate``)."""
    return callable(getattr(permission, "decide_fields", None)) and hasattr(
        permission, "decision_key"
    )


def gates_of(gated: list[tuple[int, str, Any]]) -> dict[int, Gate]:
    """The gate of each of an object's ``gated`` fields (its index, GraphQL name and
    permission): one per ``decision_key``, over every name behind it."""
    names: dict[Any, dict[str, None]] = {}
    for _, name, permission in gated:
        names.setdefault(permission.decision_key, {})[name] = None
    gates: dict[Any, Gate] = {}
    found: dict[int, Gate] = {}
    for index, _, permission in gated:
        key = permission.decision_key
        gate = gates.get(key)
        if gate is None:
            gate = gates[key] = Gate(permission.decide_fields, tuple(names[key]))
        found[index] = gate
    return found
