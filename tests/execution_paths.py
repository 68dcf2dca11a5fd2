"""The two ways the gateway answers a query, for tests that must hold on both: graphql-core's
(``schema.execute``), and the compiled path (``gateway.execution``) as the HTTP view runs it:
a known operation answered from its plan, anything the plan hands over answered by
graphql-core, whole, with a context of its own."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from strawberry.types import ExecutionResult

from auth.viewer import Viewer
from gateway.errors import HubSchema
from gateway.graphql import encode_answer
from resolvers.context import Context, Services

__all__ = ["PATHS", "ExecutionPath"]

PATHS = ("graphql-core", "compiled")


@dataclass
class ExecutionPath:
    """``compiled``: every request is answered as a repeated one is over HTTP, down to the
    bytes the view sends (decoded again to be compared): an operation not known yet is
    first run once by graphql-core (the earlier request, a context of its own) and learnt
    when that run has data (the document passed validation and the limits; the HTTP view
    waits for an answer without any error, which most of these documents give the
    administrator alone); then the plan answers, and graphql-core when it hands over.
    Counts what the plans answered and handed over."""

    name: str
    answered_by_plan: int = 0
    handed_over: int = 0

    async def execute(
        self,
        schema: HubSchema,
        query: str,
        viewer: Viewer,
        services: Services,
        request_id: str,
        variables: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        if self.name == "compiled":
            compiled = schema.compiled
            if (query, None) not in compiled:
                earlier = await _graphql_core(
                    schema, query, viewer, services, request_id, variables
                )
                if earlier.data is not None:
                    compiled.learn(query, None)
            if (query, None) in compiled:
                context = Context.create(viewer, services, request_id)
                body = await compiled.answer_encoded(
                    query, None, variables, viewer, context, encode_answer
                )
                if body is not None:
                    answer = orjson.loads(body)
                    self.answered_by_plan += 1
                    return ExecutionResult(
                        data=answer["data"], errors=None, extensions=answer.get("extensions", {})
                    )
                self.handed_over += 1
        return await _graphql_core(schema, query, viewer, services, request_id, variables)

    def assert_exercised(self) -> None:
        """Through the compiled path, the plans answered some requests and handed some over
        (else the test proved nothing of it)."""
        if self.name == "compiled":
            assert self.answered_by_plan > 0, "no request was answered by a plan"
            assert self.handed_over > 0, "no request was handed over to graphql-core"


async def _graphql_core(
    schema: HubSchema,
    query: str,
    viewer: Viewer,
    services: Services,
    request_id: str,
    variables: dict[str, Any] | None,
) -> ExecutionResult:
    context = Context.create(viewer, services, request_id)  # never another run's
    return await schema.execute(query, variable_values=variables, context_value=context)
