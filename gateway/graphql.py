"""The GraphQL schema as served, and its HTTP view (POST + offline GraphiQL on GET)."""

from __future__ import annotations

import json
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql import NoSchemaIntrospectionCustomRule
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
)
from strawberry.http import GraphQLRequestData
from strawberry.http.parse_content_type import parse_content_type
from strawberry.schema.config import StrawberryConfig
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.unset import UnsetType

from auth.declarations import check_declarations
from auth.identity import Authenticator
from auth.oidc import IdentityProviderUnavailable
from auth.tokens import InvalidToken
from auth.viewer import ANONYMOUS, Viewer
from connectors.hubdb import DatabaseUnavailable
from gateway.audit import AuditTrail
from gateway.errors import ErrorPolicy, HubSchema, SubscriptionsOnlyOverWebsockets, Warnings
from gateway.executor import HubExecutor
from gateway.graphiql import graphiql_csp, graphiql_html
from gateway.identity_notice import IdentityNoticeExtension, notice_payload
from gateway.limits import BoundedValidationCache
from gateway.persisted import DocumentRefused, TrustedDocuments
from gateway.settings import Settings
from gateway.websocket import TokenBoundTransportWSHandler
from resolvers.context import Context, Services
from resolvers.notifications import viewer_for_websocket
from schema import Mutation, Query, Subscription

__all__ = ["GraphQLView", "build_schema"]

_PREFLIGHT_HEADERS = ("apollo-require-preflight", "graphql-require-preflight")
"""A multipart request must carry one: a header no cross-site form can send."""


def build_schema(settings: Settings) -> HubSchema:
    """Query limits are on by default; parsing and validation are cached (a validated
    document is not validated again), which matters on the hot path.

    Extensions are made per request (Strawberry keeps request state on them), but the limit
    rules are made once here: the validation cache is keyed by the rule classes, and the
    stock limiters would make new classes for every request, so nothing would ever hit.

    A document that selects more than MAX_FIELDS fields once its fragments are expanded is
    refused before validation. A field that declares no tier (a mutation no action) fails
    the build: ``UndeclaredFields`` names them."""
    limit_rules = [
        *QueryDepthLimiter(max_depth=settings.max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
    ]
    if not settings.introspection:
        limit_rules.append(NoSchemaIntrospectionCustomRule)
    extensions: list[Any] = [
        lambda: ParserCache(maxsize=512),
        lambda: AddValidationRules(limit_rules),
        lambda: BoundedValidationCache(max_fields=settings.max_fields, maxsize=512),
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        ErrorPolicy,
        SubscriptionsOnlyOverWebsockets,
        Warnings,
        AuditTrail,
        IdentityNoticeExtension,
    ]
    schema = HubSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,
        config=StrawberryConfig(),
        execution_context_class=HubExecutor,
    )
    check_declarations(schema._schema)
    return schema


class GraphQLView(GraphQL[Context, None]):
    """Reads the viewer and request id that the HTTP middlewares put on the request."""

    graphql_transport_ws_handler_class = TokenBoundTransportWSHandler

    def __init__(self, schema: HubSchema, services: Services, authenticator: Authenticator) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql",
            allow_queries_via_get=False,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            multipart_uploads_enabled=True,  # the identity document; CSRF: parse_http_body
        )
        self._services = services
        self._authenticator = authenticator
        self._documents = TrustedDocuments(services.partners)

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        """POST takes ``application/json``, and ``multipart/form-data`` (the GraphQL
        multipart request spec, for file uploads) only with a non-empty
        ``Apollo-Require-Preflight`` or ``GraphQL-Require-Preflight`` header: what a
        cross-site form or ``text/plain`` request can send is refused with 415 before
        anything runs (a browser sends JSON, or such a header, cross-site only after a CORS
        preflight, which the gateway does not grant)."""
        if request.method == "POST":
            content_type, _ = parse_content_type(request.content_type or "")
            multipart = content_type == "multipart/form-data"
            if multipart and not any(request.headers.get(name) for name in _PREFLIGHT_HEADERS):
                raise HTTPException(
                    415,
                    "Send a file upload with the header 'Apollo-Require-Preflight: true'.",
                )
            if content_type != "application/json" and not multipart:
                raise HTTPException(415, "Send GraphQL requests as application/json.")
        return await super().parse_http_body(request)

    def encode_json(self, data: object) -> str:
        """orjson: an answer of 3,700 fields encodes in a tenth of the standard library's
        time. Anything it refuses (an integer beyond 64 bits) goes the standard way. Text,
        not bytes: Strawberry sends bytes over a websocket as binary frames, which GraphQL
        websocket clients do not read."""
        try:
            return orjson.dumps(data).decode()
        except (orjson.JSONEncodeError, TypeError):
            return json.dumps(data, separators=(",", ":"))

    def decode_json(self, data: str | bytes) -> object:
        decoded = super().decode_json(data)
        if not isinstance(decoded, dict | list):
            raise HTTPException(400, "A GraphQL request is a JSON object.")
        return decoded

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        state = request.scope.get("state", {})
        viewer: Viewer = state.get("viewer", ANONYMOUS)
        return Context.create(viewer, self._services, state.get("request_id", "-"))

    async def execute_operation(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        request_data: GraphQLRequestData | list[GraphQLRequestData],
        context: Context,
        root_value: None,
        sub_response: Response,
    ) -> Any:
        """Persisted documents by id, and the keys restricted to them (gateway.persisted)."""
        if isinstance(request_data, GraphQLRequestData):
            try:
                request_data = await self._documents.resolve(
                    request_data, context.viewer, request_adapter.get_body
                )
            except DocumentRefused as refused:
                sub_response.status_code = 400
                return ExecutionResult(data=None, errors=[refused.error])
        elif context.viewer.partner is not None and context.viewer.partner.documents is not None:
            sub_response.status_code = 400
            return ExecutionResult(data=None, errors=[DocumentRefused(
                "Batched operations are not accepted from a key restricted to persisted "
                "documents.", "PERSISTED_QUERY_REQUIRED").error])  # fmt: skip
        return await super().execute_operation(
            request, request_adapter, request_data, context, root_value, sub_response
        )

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """graphql-transport-ws: the token comes in ``connection_init``; a bad one closes the
        socket (4403) before any operation runs. A valid token that names no usable account
        is acknowledged as anonymous, the ack's payload saying why."""
        try:
            context.viewer = await viewer_for_websocket(
                context.connection_params, self._authenticator
            )
        except (IdentityProviderUnavailable, DatabaseUnavailable):
            raise  # the handler closes with "try again later"
        except InvalidToken as error:
            raise ConnectionRejectionError({"message": str(error)}) from None
        notice = notice_payload(context.viewer)
        if notice is not None:
            return {"identity": notice}
        return await super().on_ws_connect(context)

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(graphiql_html(), headers={"Content-Security-Policy": graphiql_csp()})
