"""The compiled operations of a schema, and one HTTP request answered by its plan.

An operation is compiled once graphql-core has answered it without an error (so its
document parsed and passed every validation rule and limit, which depend on the document
alone), then kept per (query text, operation name) and per ``@include``/``@skip`` values.
A request of a known operation is answered by its plan; the rest (what depends on the
request: the variables' coercion, the viewer's price of the query, an error to report, an
audit trail that cannot be written) sends it to graphql-core, whole (``answer`` returns
None)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

import structlog
from cachetools import LRUCache
from graphql import DocumentNode, GraphQLSchema, OperationDefinitionNode, get_operation_ast, parse
from graphql.execution.values import VariableValues, get_variable_values
from strawberry.extensions import SchemaExtension

from auth.viewer import ANONYMOUS, Viewer
from connectors.freshness import recording_freshness
from gateway.access import note_operation
from gateway.audit import audit_pending, write_audit
from gateway.cost import CostPolicy
from gateway.execution.compiler import Unsupported, compile_operation, directive_variables
from gateway.execution.plan import NotCompiled, Plan
from gateway.execution.whole import WholeAnswers, WholeKey
from gateway.identity_notice import notice_payload
from gateway.settings import ConfigurationError
from gateway.tracing import operation_answered, operation_span

__all__ = ["CompiledOperations", "refuse_field_hooks"]

_log = structlog.get_logger("gateway.execution")

_UNRECORDED = nullcontext(None)

PLANS_PER_OPERATION = 16
"""The most plans kept for one operation (one per combination of its ``@include``/``@skip``
values): a client sending ever new combinations gets graphql-core, not ever more plans."""


@dataclass(slots=True)
class _Operation:
    document: DocumentNode
    operation: OperationDefinitionNode
    switches: tuple[str, ...]
    """The variables an ``@include``/``@skip`` reads: one plan per combination."""
    plans: dict[tuple[Any, ...], Plan | None] = field(default_factory=dict)
    """None: the compiler does not take this operation with these values."""


class CompiledOperations:
    """Plans by query text and operation name (``maxsize`` operations, least recently used
    dropped)."""

    def __init__(
        self,
        schema: GraphQLSchema,
        cost: CostPolicy,
        *,
        maxsize: int = 512,
        hide_suggestions: bool = False,
    ) -> None:
        self._schema = schema
        self._cost = cost
        self._hide_suggestions = hide_suggestions
        self._operations: LRUCache[tuple[str, str | None], _Operation | None] = LRUCache(
            maxsize=maxsize
        )

    def __contains__(self, key: tuple[str, str | None]) -> bool:
        return key in self._operations

    def learn(self, query: str, operation_name: str | None) -> None:
        """Keeps an operation graphql-core has just answered without an error (so valid)."""
        key = (query, operation_name)
        if key in self._operations:
            return
        document = parse(query)
        operation = get_operation_ast(document, operation_name)
        if operation is None or operation.operation.value != "query":
            self._operations[key] = None  # mutations and subscriptions: graphql-core's
            return
        self._operations[key] = _Operation(document, operation, directive_variables(document))

    async def answer(
        self,
        query: str,
        operation_name: str | None,
        raw_variables: Mapping[str, Any] | None,
        viewer: Viewer,
        context: Any,
    ) -> dict[str, Any] | None:
        """The response of a known operation, or None when graphql-core must answer it."""
        response: dict[str, Any] | None = await self._answer(
            query, operation_name, raw_variables, viewer, context, None, None
        )
        return response

    async def answer_encoded(
        self,
        query: str,
        operation_name: str | None,
        raw_variables: Mapping[str, Any] | None,
        viewer: Viewer,
        context: Any,
        encode: Callable[[dict[str, Any]], bytes],
        whole: WholeAnswers | None = None,
    ) -> bytes | None:
        """``answer``, encoded by ``encode``, and the request's audit events written (a round
        trip to the database on PostgreSQL): the bytes are handed out once the events are
        committed, never before, and None when they cannot be (fail closed). ``whole``:
        where an anonymous answer of public records is kept whole (``kept_whole``), for the
        services that read it (one per application)."""
        body: bytes | None = await self._answer(
            query, operation_name, raw_variables, viewer, context, encode, whole
        )
        return body

    async def _answer(
        self,
        query: str,
        operation_name: str | None,
        raw_variables: Mapping[str, Any] | None,
        viewer: Viewer,
        context: Any,
        encode: Callable[[dict[str, Any]], bytes] | None,
        whole: WholeAnswers | None,
    ) -> Any:
        known = self._operations.get((query, operation_name))
        if known is None:
            return None
        variables = get_variable_values(
            self._schema,
            known.operation.variable_definitions or (),
            dict(raw_variables or {}),
            max_errors=50,
            hide_suggestions=self._hide_suggestions,
        )
        if isinstance(variables, list):
            return None  # graphql-core reports them
        refusal = self._cost.refusal(
            self._schema, known.document, operation_name, raw_variables, query, viewer
        )
        if refusal is not None:
            return None
        plan = self._plan(known, operation_name, variables)
        if plan is None:
            return None
        started = (
            whole.start(query, operation_name, raw_variables)
            if whole is not None and plan.whole and viewer is ANONYMOUS
            else None
        )
        with (
            operation_span() as name_it,
            recording_freshness() if started is not None else _UNRECORDED as freshness,
        ):
            try:
                data = await plan.run(context, variables, encoded=encode is not None)
            except NotCompiled:
                return None
            audited = audit_pending(context)
            response = self._response(data, context, viewer)
            answer = response if encode is None else encode(response)
            if audited and await write_audit(context) is not None:
                return None  # graphql-core's run tries again, and refuses the data if it fails
            name_it(operation_name, "query")
        note_operation(operation_name, validated=True)
        if (
            whole is not None
            and started is not None
            and freshness is not None
            and isinstance(answer, bytes)  # encoded: kept answers are bytes
            and not audited
            and "extensions" not in response
        ):
            whole.keep(started, answer, freshness)
        return answer

    @staticmethod
    def kept_whole(
        whole: WholeAnswers,
        query: str,
        operation_name: str | None,
        raw_variables: Mapping[str, Any] | None,
        viewer: Viewer,
    ) -> bytes | None:
        """The bytes of an answer ``whole`` keeps for a request without a token
        (``gateway.execution.whole``), or None: the request is then answered as any other."""
        if viewer is not ANONYMOUS:
            return None
        key = WholeAnswers.key(query, operation_name, raw_variables)
        return None if key is None else CompiledOperations.kept_by_key(whole, key, operation_name)

    @staticmethod
    def kept_by_key(whole: WholeAnswers, key: WholeKey, operation_name: str | None) -> bytes | None:
        """``kept_whole`` of the request whose answer's key is ``key`` (``WholeAnswers.key``)."""
        body = whole.get(key)
        if body is not None:
            operation_answered(operation_name, "query")
            note_operation(operation_name, validated=True)
        return body

    @staticmethod
    def _response(data: dict[str, Any], context: Any, viewer: Viewer) -> dict[str, Any]:
        response: dict[str, Any] = {"data": data}
        extensions: dict[str, Any] = {}
        if context.warnings:
            extensions["warnings"] = list(context.warnings)
        notice = notice_payload(viewer)
        if notice is not None:
            extensions["identity"] = notice
        if extensions:
            response["extensions"] = extensions
        return response

    def _plan(
        self, known: _Operation, operation_name: str | None, variables: VariableValues
    ) -> Plan | None:
        switches = tuple(variables.coerced.get(name) for name in known.switches)
        if switches in known.plans:
            return known.plans[switches]
        if len(known.plans) >= PLANS_PER_OPERATION:
            return None  # n switches make 2ⁿ plans: past a few, graphql-core answers
        try:
            plan: Plan | None = compile_operation(
                self._schema, known.document, operation_name, variables
            )
        except Unsupported as reason:
            _log.debug("not_compiled", operation=operation_name, reason=str(reason))
            plan = None
        known.plans[switches] = plan
        return plan


def refuse_field_hooks(extensions: Sequence[SchemaExtension]) -> None:
    """A schema extension with a ``resolve`` hook (run around every field) would be skipped by
    every compiled plan, silently: such an extension is refused when the schema is built."""
    hooked = sorted({type(e).__name__ for e in extensions if e._implements_resolve()})
    if hooked:
        raise ConfigurationError(
            f"The schema extension(s) {', '.join(hooked)} have a resolve hook, run around "
            "every field: compiled execution (docs/execution.md) runs no per-field hook. Use "
            "operation-level hooks (on_operation, on_execute) instead."
        )
