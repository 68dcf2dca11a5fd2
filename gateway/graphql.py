"""The GraphQL HTTP view (POST; GET for GraphiQL and persisted queries), and the schema as
served (``gateway.served_schema``, re-exported)."""

from __future__ import annotations

import json
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.parse_content_type import parse_content_type
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.unset import UnsetType

from auth.identity import Authenticator
from auth.oidc import IdentityProviderUnavailable
from auth.tokens import InvalidToken
from auth.viewer import ANONYMOUS, Viewer
from connectors.hubdb import DatabaseUnavailable
from connectors.query_store import QueryStore
from gateway.access import note_result
from gateway.errors import HubSchema
from gateway.execution import KEPT_WHOLE, WholeAnswers, kept_as_fragment, kept_as_value
from gateway.graphiql import graphiql_csp, graphiql_html
from gateway.identity_notice import notice_payload
from gateway.json_input import UnreadableJSON, decode_request_json
from gateway.kept_answers import KeptAnswer, KeptRequest, KeptRequests
from gateway.limits import read_body
from gateway.over_http import (
    GRAPHQL_RESPONSE,
    content_headers,
    error_response,
    is_json,
    is_request_error,
    media_type_for,
    response_media_type,
)
from gateway.persisted import DocumentRefused, TrustedDocuments
from gateway.request_headers import request_header
from gateway.served_schema import build_schema
from gateway.websocket import TokenBoundTransportWSHandler
from resolvers.context import Context, Services
from resolvers.notifications import viewer_for_websocket

__all__ = ["GraphQLView", "build_schema", "encode_answer"]  # build_schema: gateway.served_schema

_PREFLIGHT_HEADERS = ("apollo-require-preflight", "graphql-require-preflight")
"""A multipart request must carry one: a header no cross-site form can send."""


def encode_answer(data: object) -> bytes:
    """An answer's JSON, as an HTTP answer sends it. orjson: an answer of 3,700 fields
    encodes in a tenth of the standard library's time. Anything it refuses (an integer
    beyond 64 bits) goes the standard way. The data of a compiled plan's encoded run may
    hold kept answers already encoded (``gateway.execution.kept``), which both write."""
    try:
        return orjson.dumps(data, default=kept_as_fragment)
    except (orjson.JSONEncodeError, TypeError):
        return json.dumps(data, separators=(",", ":"), default=kept_as_value).encode()


class GraphQLView(GraphQL[Context, None]):
    """Reads the viewer and request id that the HTTP middlewares put on the request."""

    graphql_transport_ws_handler_class = TokenBoundTransportWSHandler

    def __init__(
        self,
        schema: HubSchema,
        services: Services,
        authenticator: Authenticator,
        *,
        personas_url: str | None = None,
        graphiql: bool = True,
        queries: QueryStore | None = None,
        trusted_only: bool = False,
        keep_public_answers: bool = True,
    ) -> None:
        """``personas_url``: GraphiQL's persona picker reads it (sandbox mode only);
        ``graphiql``: whether GET /graphql serves GraphiQL (GRAPHIQL; off in production mode
        unless set); ``queries`` stores automatic persisted queries; ``trusted_only`` runs the
        administrator's documents alone (``gateway.persisted``); ``keep_public_answers``:
        whether anonymous answers of public records are kept whole (``gateway.execution``,
        KEEP_PUBLIC_ANSWERS)."""
        super().__init__(
            schema,
            graphql_ide="graphiql" if graphiql else None,
            allow_queries_via_get=True,  # persisted queries only: gateway.persisted
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            multipart_uploads_enabled=True,  # the identity document; CSRF: parse_http_body
        )
        self._services = services
        self._authenticator = authenticator
        self._documents = TrustedDocuments(
            services.partners, queries=queries, trusted_only=trusted_only
        )
        self._personas_url = personas_url
        self._whole = WholeAnswers() if keep_public_answers else None
        """Anonymous answers of public records kept whole, from these services' reads."""
        self._kept_requests = KeptRequests(KEPT_WHOLE)

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        """POST takes ``application/json``, and ``multipart/form-data`` (the GraphQL
        multipart request spec, for file uploads) only with a non-empty
        ``Apollo-Require-Preflight`` or ``GraphQL-Require-Preflight`` header: what a
        cross-site form or ``text/plain`` request can send is refused with 415 before
        anything runs (a browser sends JSON, or such a header, cross-site only after a CORS
        preflight, which the gateway grants to ``CORS_ALLOWED_ORIGINS`` only)."""
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
        """Text, not bytes: Strawberry sends bytes over a websocket as binary frames, which
        GraphQL websocket clients do not read."""
        return encode_answer(data).decode()

    def encode_bytes(self, data: object) -> bytes:
        return encode_answer(data)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Strawberry's, with the HTTP layer's own errors as coded JSON (``over_http``)."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        if request.method == "POST" and await self._answer_compiled(request, send):
            return
        response: Response
        try:
            response = await self.run(request)
        except HTTPException as error:
            media_type = response_media_type(request.headers)
            response = error_response(error.status_code, error.reason, media_type)
        await response(scope, receive, send)

    def kept_request(self, scope: Scope, body: bytes) -> KeptRequest | None:
        """How this view reads a request without a token of ``body`` whose answer is kept
        whole; None when it would not hand one out (``send_kept`` does, for the request
        pipeline's door: ``gateway.pipeline``)."""
        whole = self._whole
        if whole is None:
            return None
        request = (body, request_header(scope, b"content-type"), request_header(scope, b"accept"))
        read = self._kept_requests.get(request)
        if read is None:
            if not self._compilable(scope, ANONYMOUS):
                return None
            found = self._compiled_request(scope, body)
            key = None if found is None else WholeAnswers.key(*found[:3])
            if found is None or key is None:
                return None
            read = KeptRequest(key, media_type_for(found[3]), found[1])
            if whole.get(key) is None:
                return None
            self._kept_requests.remember(request, read)
            return read
        if (read.key[0], read.operation_name) not in self.schema.compiled:  # type: ignore[attr-defined]
            return None  # its plan was dropped: graphql-core answers, as the view would
        return read if whole.get(read.key) is not None else None

    async def send_kept(self, read: KeptRequest, send: Send) -> bool:
        """Sends the answer ``read`` names, its operation noted; False if no longer kept."""
        whole = self._whole
        compiled = self.schema.compiled  # type: ignore[attr-defined]
        kept = None if whole is None else compiled.kept_by_key(whole, read.key, read.operation_name)
        if kept is None:
            return False
        await KeptAnswer(kept, read.media_type).send(send)
        return True

    async def _answer_compiled(self, request: Request, send: Send) -> bool:
        """Answers a JSON request of an operation that has a compiled plan; False, having
        sent nothing, when graphql-core must answer it (its body stays readable)."""
        viewer: Viewer = request.scope.get("state", {}).get("viewer", ANONYMOUS)
        if not self._compilable(request.scope, viewer):
            return False
        raw = read_body(request.scope)
        found = self._compiled_request(
            request.scope, raw if raw is not None else await request.body()
        )
        if found is None:
            return False
        query, name, variables, accept = found
        compiled, whole = self.schema.compiled, self._whole  # type: ignore[attr-defined]
        body = None if whole is None else compiled.kept_whole(whole, query, name, variables, viewer)
        if body is None:
            body = await compiled.answer_encoded(
                query, name, variables, viewer, self._context(request), self.encode_bytes, whole
            )
        if body is None:
            return False
        await KeptAnswer(body, media_type_for(accept)).send(send)
        return True

    def _compilable(self, scope: Scope, viewer: Viewer) -> bool:
        """A JSON request, and not only trusted documents run (``gateway.persisted``)."""
        content_type, _ = content_headers(scope)
        return (
            self.schema.compiled is not None  # type: ignore[attr-defined]
            and not self._documents.trusted_only
            and (viewer.partner is None or viewer.partner.documents is None)
            and is_json(content_type or "")
        )

    def _compiled_request(
        self, scope: Scope, raw: bytes
    ) -> tuple[str, str | None, dict[str, Any] | None, str | None] | None:
        """Query, operation name, variables, ``Accept`` of a request with a plan, or None."""
        try:
            payload = decode_request_json(raw)
        except UnreadableJSON:
            return None
        if not isinstance(payload, dict) or payload.get("extensions") is not None:
            return None  # a batch, or a persisted query (gateway.persisted)
        query, name, variables = (
            payload.get("query"),
            payload.get("operationName"),
            payload.get("variables"),
        )
        if (
            not isinstance(query, str)
            or not (name is None or isinstance(name, str))
            or not (variables is None or isinstance(variables, dict))
            or (query, name) not in self.schema.compiled  # type: ignore[attr-defined]
        ):
            return None
        return query, name, variables, content_headers(scope)[1]

    def parse_json(self, data: str | bytes) -> Any:
        try:
            return self.decode_json(data)
        except UnreadableJSON as error:
            raise HTTPException(400, error.reason) from None

    def decode_json(self, data: str | bytes) -> object:
        decoded = decode_request_json(data)
        if not isinstance(decoded, dict | list):
            raise HTTPException(400, "A GraphQL request is a JSON object.")
        return decoded

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        return self._context(request)

    def _context(self, request: Request | WebSocket) -> Context:
        """A new request context: the viewer, request id and client's id the middlewares put
        on the request (``gateway.middleware``)."""
        state = request.scope.get("state", {})
        viewer: Viewer = state.get("viewer", ANONYMOUS)
        return Context.create(
            viewer, self._services, state.get("request_id", "-"), state.get("client_request_id")
        )

    async def execute_operation(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        request_data: GraphQLRequestData | list[GraphQLRequestData],
        context: Context,
        root_value: None,
        sub_response: Response,
    ) -> Any:
        """The persisted documents (``gateway.persisted``), then the operation; the answer's
        media type and status code as the GraphQL-over-HTTP spec says (``gateway.over_http``)."""
        if response_media_type(request.headers) == GRAPHQL_RESPONSE:
            sub_response.media_type = GRAPHQL_RESPONSE
        try:
            request_data, register = await self._with_documents(
                request_data, context, request_adapter
            )
        except DocumentRefused as refused:
            sub_response.status_code = 400
            return ExecutionResult(data=None, errors=[refused.error])
        result = await super().execute_operation(
            request, request_adapter, request_data, context, root_value, sub_response
        )
        ran = isinstance(result, ExecutionResult) and not is_request_error(result)
        if register is not None and ran and isinstance(request_data, GraphQLRequestData):
            await self._documents.register(register, request_data.query or "")
        self._compile_after(request, request_data, result, register)
        if (
            sub_response.media_type == GRAPHQL_RESPONSE
            and isinstance(result, ExecutionResult)
            and is_request_error(result)
        ):
            sub_response.status_code = 400
        return result

    def _compile_after(
        self,
        request: Request,
        request_data: GraphQLRequestData | list[GraphQLRequestData],
        result: Any,
        register: str | None,
    ) -> None:
        """An operation sent as JSON text that graphql-core answered without an error is
        compiled for the next time (``gateway.execution``)."""
        compiled = self.schema.compiled  # type: ignore[attr-defined]
        if (
            compiled is not None
            and register is None
            and request.method == "POST"
            and isinstance(request_data, GraphQLRequestData)
            and isinstance(request_data.query, str)
            and isinstance(result, ExecutionResult)
            and not result.errors
            and result.data is not None
        ):
            compiled.learn(request_data.query, request_data.operation_name)

    async def _with_documents(
        self,
        request_data: GraphQLRequestData | list[GraphQLRequestData],
        context: Context,
        request_adapter: AsyncHTTPRequestAdapter,
    ) -> tuple[GraphQLRequestData | list[GraphQLRequestData], str | None]:
        """The request with its documents' text, and the APQ hash to store once it ran."""
        if isinstance(request_data, GraphQLRequestData):
            method = request_adapter.method

            async def raw() -> str | bytes:
                if method == "GET":
                    return json.dumps(dict(request_adapter.query_params))
                return await request_adapter.get_body()

            resolved = await self._documents.resolve(
                request_data, context.viewer, raw, method=method
            )
            return resolved.data, resolved.register
        if context.viewer.partner is not None and context.viewer.partner.documents is not None:
            raise DocumentRefused(
                "Batched operations are not accepted from a key restricted to persisted documents.",
                "PERSISTED_QUERY_REQUIRED",
            )
        return request_data, None

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        """A request error has no ``data`` under ``application/graphql-response+json``; the
        access line notes the answer's error codes (``gateway.access``)."""
        note_result(result)
        processed = await super().process_result(request, result)
        if is_request_error(result) and response_media_type(request.headers) == GRAPHQL_RESPONSE:
            processed.pop("data", None)
        return processed

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        if sub_response.media_type == GRAPHQL_RESPONSE:
            response.headers["content-type"] = GRAPHQL_RESPONSE
        return response

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
        page = graphiql_html(personas_url=self._personas_url)
        return HTMLResponse(page, headers={"Content-Security-Policy": graphiql_csp()})
