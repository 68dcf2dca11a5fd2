"""Limits on what a request may cost before anything runs: the size of its body (HTTP 413
before parsing) and the size of its operation once fragments are expanded (a fragment
that spreads another twice, twenty deep, is a million fields in 2,000 tokens).

Depth, aliases and tokens are Strawberry's own limiters (``gateway/graphql.py``)."""

from __future__ import annotations

import json
from collections.abc import Iterator

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import ValidationCache

__all__ = ["BodyLimitMiddleware", "BoundedValidationCache", "expanded_size"]


class BodyLimitMiddleware:
    """Answers 413 to a request whose body passes ``max_bytes`` (declared or sent), before
    anything reads it; otherwise hands the body on unchanged."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._too_large(send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._too_large(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(b"".join(chunks), receive), send)

    async def _too_large(self, send: Send) -> None:
        message = f"The request body is larger than {self.max_bytes} bytes."
        body = json.dumps(
            {"errors": [{"message": message, "extensions": {"code": "PAYLOAD_TOO_LARGE"}}]}
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _content_length(scope: Scope) -> int | None:
    for key, value in scope.get("headers", ()):
        if key == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # e.g. http.disconnect while the response streams

    return replayed


def expanded_size(document: DocumentNode, ceiling: int) -> int:
    """How many fields the document's operations select once every fragment is expanded,
    counted up to just past ``ceiling`` (each fragment is sized once; a cycle counts
    nothing here: the validation rules report it)."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    sizes: dict[str, int] = {}
    visiting: set[str] = set()

    def fragment(name: str) -> int:
        if name not in sizes:
            if name in visiting or name not in fragments:
                return 0
            visiting.add(name)
            sizes[name] = selection(fragments[name].selection_set)
            visiting.discard(name)
        return sizes[name]

    def selection(node: SelectionSetNode | None) -> int:
        total = 0
        for child in _selections(node):
            if isinstance(child, FieldNode):
                total += 1 + selection(child.selection_set)
            elif isinstance(child, FragmentSpreadNode):
                total += fragment(child.name.value)
            elif isinstance(child, InlineFragmentNode):
                total += selection(child.selection_set)
            if total > ceiling:
                return ceiling + 1
        return total

    total = 0
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            total = min(total + selection(definition.selection_set), ceiling + 1)
    return total


def _selections(node: SelectionSetNode | None) -> Iterator[object]:
    return iter(node.selections) if node is not None else iter(())


class BoundedValidationCache(ValidationCache):
    """Strawberry's validation cache, preceded by the expanded-size check: a document past
    ``max_fields`` fields is refused before any validation rule walks it (some rules expand
    fragments, so a fragment bomb would cost them seconds)."""

    def __init__(self, *, max_fields: int, maxsize: int) -> None:
        super().__init__(maxsize=maxsize)
        self.max_fields = max_fields

    def on_validate(self) -> Iterator[None]:
        document = self.execution_context.graphql_document
        if document is not None and expanded_size(document, self.max_fields) > (self.max_fields):
            self.execution_context.pre_execution_errors = [
                GraphQLError(
                    f"This query selects more than {self.max_fields} fields once its "
                    "fragments are expanded.",
                    extensions={"code": "QUERY_TOO_COMPLEX"},
                )
            ]
            yield
            return
        yield from super().on_validate()
