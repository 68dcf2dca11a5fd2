"""Limits on what a request may cost before anything runs: the size of its body (HTTP 413
before parsing) and the size of its operation once fragments are expanded (a fragment
that spreads another twice, twenty deep, is a million fields in 2,000 tokens).

Depth, aliases and tokens are Strawberry's own limiters (``gateway/graphql.py``)."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Iterable, Iterator
from types import CoroutineType
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
)
from starlette.types import Message, Receive, Scope, Send
from strawberry.extensions import ParserCache, ValidationCache

from gateway.over_http import send_error
from gateway.request_headers import request_header

__all__ = [
    "BodyLimit",
    "BoundedValidationCache",
    "ReportingParserCache",
    "coded_limit",
    "expanded_size",
    "read_body",
]


class BodyLimit:
    """Answers 413 to a request whose body passes ``max_bytes`` (declared or sent), before
    anything reads it; otherwise hands the body on unchanged. A multipart request (a file
    upload) may reach ``max_multipart_bytes`` instead.

    A client that sends its whole body before it reads (urllib, most scripts) would see the
    connection reset, not the 413, if the server closed on unread data: up to ``drain_bytes``
    past the limit are read and discarded first. A body that does not arrive within
    ``timeout`` seconds is answered 408 (a client trickling its body holds a connection)."""

    def __init__(
        self,
        max_bytes: int,
        max_multipart_bytes: int | None = None,
        *,
        drain_bytes: int = 8_388_608,
        timeout: float | None = None,
    ) -> None:
        self.max_bytes = max_bytes
        self.max_multipart_bytes = max_multipart_bytes or max_bytes
        self.drain_bytes = drain_bytes
        self.timeout = timeout

    async def read(self, scope: Scope, receive: Receive, send: Send) -> Receive | None:
        """What the endpoint receives: the body, read whole, then ``receive``'s messages.
        None when the request is answered here (408, 413) or its client is gone."""
        limit = self.max_multipart_bytes if _is_multipart(scope) else self.max_bytes
        declared = _content_length(scope)
        if declared is not None and declared > limit + self.drain_bytes:
            await _refuse(send, 413, f"The request body is larger than {limit} bytes.")
            return None
        try:
            body = await self._read(_timed(receive, self.timeout), limit)
        except TimeoutError:
            message = f"The request body did not arrive within {self.timeout:g} s."
            await _refuse(send, 408, message)
            return None
        except _ClientGone:
            return None
        if body is None:
            await _refuse(send, 413, f"The request body is larger than {limit} bytes.")
            return None
        scope[_BODY] = body
        return _replay(body, receive)

    def ready_body(
        self, scope: Scope, receive: Receive, *, within: int | None = None
    ) -> tuple[bytes | None, Receive]:
        """The body, when it came whole with the request, within ``max_bytes`` (and
        ``within``) as declared, so that reading it waits for nothing; and what the request
        receives from then on (the messages taken replayed first: ``read`` reads them again
        as if they had not been taken). None when any of that does not hold: ``read`` then
        decides."""
        declared = _content_length(scope)
        limit = self.max_bytes if within is None else min(within, self.max_bytes)
        if declared is None or declared > limit:  # within any request's limit
            return None, receive
        taken: list[Message] = []
        size = 0
        while True:
            waiting = receive()
            if type(waiting) is not CoroutineType:
                return None, _replay_taken(taken, waiting, receive)
            try:
                pending = waiting.send(None)
            except StopIteration as arrived:
                message: Message = arrived.value
            else:  # the client has not sent it all yet
                return None, _replay_taken(taken, _Resumed(waiting, pending), receive)
            taken.append(message)
            if message["type"] != "http.request":
                return None, _replay_taken(taken, None, receive)
            size += len(message.get("body", b""))
            if size > declared or not message.get("more_body", False):
                break
        if size != declared:
            return None, _replay_taken(taken, None, receive)
        body = (
            taken[0].get("body", b"")
            if len(taken) == 1
            else b"".join(message.get("body", b"") for message in taken)
        )
        scope[_BODY] = body
        return body, _replay(body, receive)

    async def _read(self, receive: Receive, limit: int) -> bytes | None:
        """The body; None when it passes ``limit`` (read on, and dropped, up to the drain
        bound)."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                raise _ClientGone
            chunk = message.get("body", b"")
            size += len(chunk)
            if size <= limit:
                chunks.append(chunk)
            elif chunks:
                chunks.clear()  # over the limit: what remains is read only to be dropped
            if not message.get("more_body", False) or size > limit + self.drain_bytes:
                break
        return b"".join(chunks) if size <= limit else None


_BODY = "gateway.body"


def read_body(scope: Scope) -> bytes | None:
    """The request's body as ``BodyLimit`` read it (whole, within its limits); None when it
    did not read it (what the endpoint receives is then the only way to it)."""
    body: bytes | None = scope.get(_BODY)
    return body


def _timed(receive: Receive, timeout: float | None) -> Receive:
    """``receive``, each message awaited within ``timeout`` seconds of the first wait
    (``TimeoutError`` past it). A message already there is handed over with no timer: uvicorn
    hands a body that came with the request's head at once, and setting and cancelling a
    timer for it was a twentieth of an answer kept whole (``gateway.execution.whole``)."""
    if timeout is None:
        return receive
    deadline: float | None = None

    async def timed() -> Message:
        nonlocal deadline
        waiting = receive()
        loop = asyncio.get_running_loop()
        if type(waiting) is not CoroutineType:  # another server's awaitable: awaited as is
            deadline = deadline or loop.time() + timeout
            async with asyncio.timeout_at(deadline):
                return await waiting
        try:
            pending = waiting.send(None)
        except StopIteration as arrived:
            return arrived.value  # type: ignore[no-any-return]
        deadline = deadline or loop.time() + timeout
        async with asyncio.timeout_at(deadline):
            message: Message = await _Resumed(waiting, pending)
        return message

    return timed


class _Resumed:
    """Awaits a coroutine already stepped once (``pending``: what it waits for), as if it had
    been awaited from the start: what the task sends or throws goes on to it."""

    __slots__ = ("_coroutine", "_pending")

    def __init__(self, coroutine: Any, pending: Any) -> None:
        self._coroutine = coroutine
        self._pending = pending

    def __await__(self) -> Any:
        coroutine, pending = self._coroutine, self._pending
        while True:
            try:
                sent = yield pending
            except BaseException as error:  # noqa: BLE001 - cancelled (the timeout), thrown in
                try:
                    pending = coroutine.throw(error)
                except StopIteration as done:
                    return done.value
            else:
                try:
                    pending = coroutine.send(sent)
                except StopIteration as done:
                    return done.value


class _ClientGone(Exception):
    """The client disconnected while it sent its body."""


async def _refuse(send: Send, status: int, message: str) -> None:
    code = {408: "REQUEST_TIMEOUT", 413: "PAYLOAD_TOO_LARGE"}[status]
    await send_error(send, status, message, {"code": code}, [(b"connection", b"close")])


def coded_limit(
    rules: Iterable[type[ASTValidationRule]], limit: str
) -> list[type[ASTValidationRule]]:
    """Strawberry's limiter rules, their errors coded ``QUERY_TOO_COMPLEX`` with the limit
    they passed (``depth``, ``aliases``). Made once: the validation cache is keyed by the
    rule classes."""
    extensions = {"code": "QUERY_TOO_COMPLEX", "limit": limit}

    def coded(rule: type[ASTValidationRule]) -> type[ASTValidationRule]:
        class Coded(rule):  # type: ignore[valid-type, misc]
            def __init__(self, context: ValidationContext) -> None:
                super().__init__(_CodingContext(context, extensions))

        Coded.__name__ = Coded.__qualname__ = rule.__name__
        return Coded

    return [coded(rule) for rule in rules]


class _CodingContext:
    """The validation context as a limiter rule sees it: what it reports gets a code (the
    stock limiters report from their constructor, straight to the context)."""

    def __init__(self, context: ValidationContext, extensions: dict[str, str]) -> None:
        self._context = context
        self._extensions = extensions

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)

    def report_error(self, error: GraphQLError) -> None:
        error.extensions = {**(error.extensions or {}), **self._extensions}
        self._context.report_error(error)


def _is_multipart(scope: Scope) -> bool:
    value = request_header(scope, b"content-type")
    return value is not None and bytes(value).lower().startswith(b"multipart/form-data")


def _content_length(scope: Scope) -> int | None:
    value = request_header(scope, b"content-length")
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
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
                    extensions={"code": "QUERY_TOO_COMPLEX", "limit": "fields"},
                )
            ]
            yield
            return
        yield from super().on_validate()


class ReportingParserCache(ParserCache):
    """Strawberry's parser cache, minus its one flaw: a document that does not parse (or
    passes the token limit) raised inside the hook, out of reach of the error policy, so
    the error went out with no code. Here the hook leaves the document unset, Strawberry
    parses it again and reports the error in the operation, where ``ErrorPolicy`` codes it
    (only a failing document is parsed twice)."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        try:
            context.graphql_document = self.cached_parse_document(
                context.query, **context.parse_options
            )
        except GraphQLError:
            context.graphql_document = None
        yield


def _replay_taken(
    taken: list[Message], waiting: Awaitable[Message] | None, receive: Receive
) -> Receive:
    """``receive`` as if the messages ``taken`` had not been: they come first, then what
    ``waiting`` (a call to ``receive`` begun) answers, then ``receive``'s."""
    pending = deque(taken)

    async def replayed() -> Message:
        nonlocal waiting
        if pending:
            return pending.popleft()
        if waiting is not None:
            began, waiting = waiting, None
            return await began
        return await receive()

    return replayed
