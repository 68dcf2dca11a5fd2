"""GraphQL over HTTP (the GraphQL Foundation's specification): which media type the client
reads, and the status code of an answer.

A client whose ``Accept`` prefers ``application/graphql-response+json`` gets that media
type: a request error (the document does not parse, is not valid, exceeds a limit, or its
variables do not fit) is HTTP 400 and has no ``data``. Any other client (``application/json``,
``*/*``, no ``Accept``) keeps the legacy rules: HTTP 200 with ``data: null``. Errors the
HTTP layer produces itself (a body that is not JSON, a wrong method or content type) are
JSON in both, ``{"errors": [{"message", "extensions": {"code"}}]}``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

import orjson
from graphql import GraphQLError
from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import Scope, Send
from strawberry.http.parse_content_type import parse_content_type
from strawberry.types import ExecutionResult

from gateway.request_headers import request_header

__all__ = [
    "GRAPHQL_RESPONSE",
    "JSON",
    "content_headers",
    "error_response",
    "is_json",
    "is_request_error",
    "media_type_for",
    "response_media_type",
    "send_error",
]

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
_CODES = {
    400: "BAD_USER_INPUT",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    406: "NOT_ACCEPTABLE",
    415: "UNSUPPORTED_MEDIA_TYPE",
}


def response_media_type(headers: Headers) -> str:
    """``application/graphql-response+json`` when the client ranks it at least as high as
    ``application/json`` (and above zero); otherwise ``application/json``."""
    return media_type_for(headers.get("accept"))


def media_type_for(accept: str | None) -> str:
    """``response_media_type`` of a request whose ``Accept`` is ``accept``."""
    return _media_type_for(accept) if accept else JSON


@lru_cache(maxsize=256)
def _media_type_for(accept: str) -> str:
    """Read once per ``Accept`` value: a client sends the same one on every request, and
    reading it was a hundredth of a warm request's CPU."""
    ranks = {GRAPHQL_RESPONSE: 0.0, JSON: 0.0}
    for item in accept.split(","):
        media_type, *parameters = (part.strip() for part in item.split(";"))
        media_type = media_type.lower()
        if media_type not in ranks:
            continue
        ranks[media_type] = max(ranks[media_type], _quality(parameters))
    if ranks[GRAPHQL_RESPONSE] > 0 and ranks[GRAPHQL_RESPONSE] >= ranks[JSON]:
        return GRAPHQL_RESPONSE
    return JSON


def _quality(parameters: list[str]) -> float:
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                return max(0.0, min(1.0, float(value)))
            except ValueError:
                return 0.0
    return 1.0


def is_request_error(result: ExecutionResult) -> bool:
    """Nothing ran: no data and only errors that belong to no field (parse, validation,
    limits, variables, a refused persisted document)."""
    return (
        result.data is None
        and bool(result.errors)
        and all(isinstance(e, GraphQLError) and e.path is None for e in result.errors or ())
    )


async def send_error(
    send: Send,
    status: int,
    message: str,
    extensions: Mapping[str, str | int],
    headers: Sequence[tuple[bytes, bytes]] = (),
) -> None:
    """The same, straight to an ASGI ``send`` (for the request pipeline's steps)."""
    body = orjson.dumps({"errors": [{"message": message, "extensions": extensions}]})
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", JSON.encode()),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def error_response(status: int, message: str, media_type: str = JSON) -> Response:
    """An error of the HTTP layer, as a GraphQL response body with a code."""
    error = {"message": message, "extensions": {"code": _CODES.get(status, "BAD_REQUEST")}}
    return Response(orjson.dumps({"errors": [error]}), status_code=status, media_type=media_type)


def content_headers(scope: Scope) -> tuple[str | None, str | None]:
    """The request's first ``Content-Type`` and first ``Accept`` (None without one), as
    Starlette's ``Headers.get`` reads each, from the headers read once
    (``gateway.request_headers``)."""
    content_type = request_header(scope, b"content-type")
    accept = request_header(scope, b"accept")
    return (
        None if content_type is None else content_type.decode("latin-1"),
        None if accept is None else accept.decode("latin-1"),
    )


@lru_cache(maxsize=256)
def is_json(content_type: str) -> bool:
    """The request's ``Content-Type`` is JSON's; read once per value (a client sends the same
    one each time, and parsing it took a tenth of a kept answer's time)."""
    media_type, _ = parse_content_type(content_type)
    return media_type == "application/json"
