"""The error policy: expected failures keep their code, unexpected ones are masked and logged
with the request id, so no internal detail reaches a client."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import structlog
from graphql import GraphQLError
from strawberry.extensions import MaskErrors, SchemaExtension
from strawberry.schema import Schema
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType

from connectors.errors import ConnectorError
from resolvers.errors import from_connector_error

__all__ = [
    "BAD_USER_INPUT",
    "PARSE_FAILED",
    "QUERY_TOO_COMPLEX",
    "VALIDATION_FAILED",
    "ErrorPolicy",
    "HubSchema",
    "SubscriptionsOnlyOverWebsockets",
]

PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
BAD_USER_INPUT = "BAD_USER_INPUT"
QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
_TOKENS_LIMIT = "Document contains more than"
"""How graphql-core's parser words the token limit (``MaxTokensLimiter``): the one parse
error that is a limit, not a typo."""
_SUGGESTION = re.compile(r" ?Did you mean .*\?$", re.DOTALL)

_log = structlog.get_logger("gateway.errors")


def _is_expected(error: GraphQLError) -> bool:
    original = error.original_error
    if original is None:  # syntax, validation and limit errors: safe and useful
        return True
    # Connector failures are mapped to coded errors; GraphQL errors are ours (coded) or
    # graphql-core's (input coercion: "Expected value of type …"), both safe to show.
    return isinstance(original, (ConnectorError, GraphQLError))


class ErrorPolicy(MaskErrors):
    """Connector failures become coded errors naming their source; anything unexpected
    becomes "Unexpected error." with the request id, for the logs.

    Every error the gateway itself produces before execution carries a code, as Apollo
    names them: ``GRAPHQL_PARSE_FAILED`` (not a document), ``GRAPHQL_VALIDATION_FAILED``
    (not valid against the schema), ``QUERY_TOO_COMPLEX`` (a limit: depth, aliases,
    tokens, fields), ``BAD_USER_INPUT`` (variables that do not fit their types).

    With ``suggestions`` off (production), graphql-core's "Did you mean 'turnover'?" is
    cut from every message: it would name fields and values to someone probing the schema
    with introspection off."""

    def __init__(self, *, suggestions: bool = True) -> None:
        super().__init__(error_message="Unexpected error.")
        self._suggestions = suggestions
        self._validation_errors: set[int] = set()

    def on_validate(self) -> Iterator[None]:
        yield
        errors = self.execution_context.pre_execution_errors or ()
        self._validation_errors = {id(error) for error in errors}

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return [self._process(error) for error in errors]

    def _process(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if isinstance(original, ConnectorError):
            coded = from_connector_error(original)
            return GraphQLError(
                coded.message,
                nodes=error.nodes,
                path=error.path,
                extensions=coded.extensions,
            )
        if _is_expected(error):
            if error.path is None and not (error.extensions or {}).get("code"):
                error = _with(error, extensions=self._request_error_code(error))
            if not self._suggestions and _SUGGESTION.search(error.message):
                error = _with(error, message=_SUGGESTION.sub("", error.message))
            return error
        return _masked(error, getattr(self.execution_context.context, "request_id", None))

    def _request_error_code(self, error: GraphQLError) -> dict[str, Any]:
        if id(error) in self._validation_errors:
            return {"code": VALIDATION_FAILED}
        if self.execution_context.graphql_document is None:
            if _TOKENS_LIMIT in error.message:
                return {"code": QUERY_TOO_COMPLEX, "limit": "tokens"}
            return {"code": PARSE_FAILED}
        return {"code": BAD_USER_INPUT}  # variable coercion, before any resolver ran


def _masked(error: GraphQLError, request_id: str | None) -> GraphQLError:
    return GraphQLError(
        "Unexpected error.",
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
    )


def _with(
    error: GraphQLError,
    *,
    message: str | None = None,
    extensions: dict[str, Any] | None = None,
) -> GraphQLError:
    """A copy: validation errors are cached across requests, so they are never changed."""
    return GraphQLError(
        error.message if message is None else message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions={**(error.extensions or {}), **(extensions or {})},
    )


class HubSchema(Schema):
    """Logs only the unexpected errors, once, with the request id and the traceback; and
    masks those that escaped ``ErrorPolicy``: an exception raised by an extension's hook is
    turned into the result after every hook ran, so no extension saw it.

    ``compiled``: the operations answered by compiled plans (``gateway.execution``), set by
    ``gateway.graphql.build_schema``."""

    compiled: Any = None

    async def execute(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        result = await super().execute(*args, **kwargs)
        if result.errors and not all(_is_expected(error) for error in result.errors):
            context = kwargs.get("context_value", args[2] if len(args) > 2 else None)
            request_id = getattr(context, "request_id", None)
            result.errors = [
                error if _is_expected(error) else _masked(error, request_id)
                for error in result.errors
            ]
        return result

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        context: Any = execution_context.context if execution_context else None
        for error in errors:
            if not _is_expected(error):
                _log.error(
                    "unexpected_error",
                    request_id=getattr(context, "request_id", None),
                    path=error.path,
                    exc_info=error.original_error,
                )


class SubscriptionsOnlyOverWebsockets(SchemaExtension):
    """A websocket keeps one context (viewer, loaders) for its whole life: good for a
    subscription, wrong for queries and mutations, which must see access as it is now.
    Those go over HTTP; over a websocket they are refused."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        websocket = getattr(context, "connection_params", None) is not None
        if websocket and self.execution_context.operation_type is not OperationType.SUBSCRIPTION:
            raise GraphQLError(
                "Over a websocket the hub takes subscriptions only; send queries and "
                "mutations over HTTP.",
                extensions={"code": "BAD_USER_INPUT"},
            )
        yield


class Warnings(SchemaExtension):
    """A partial answer says so: what a resolver noted with ``Context.warn`` (a source that
    failed without failing the query) comes out in ``extensions.warnings``."""

    def get_results(self) -> dict[str, Any]:
        warnings = getattr(self.execution_context.context, "warnings", None)
        return {"warnings": list(warnings)} if warnings else {}
