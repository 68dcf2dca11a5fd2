"""Posting one GraphQL document to a gateway over a keep-alive aiohttp session, timed until
the whole body has arrived."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import aiohttp

__all__ = ["GraphQLPoster", "ReferenceCheck", "graphql_failure"]


class GraphQLPoster:
    """One gateway, one bearer token, one keep-alive session."""

    def __init__(self, session: aiohttp.ClientSession, gateway_url: str, token: str) -> None:
        self._session = session
        self._url = f"{gateway_url}/graphql"
        self._headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    @staticmethod
    def body(query: str, operation: str, variables: dict[str, Any] | None = None) -> bytes:
        document: dict[str, Any] = {"query": query, "operationName": operation}
        if variables is not None:
            document["variables"] = variables
        return json.dumps(document).encode()

    async def post(
        self, body: bytes, headers: dict[str, str] | None = None
    ) -> tuple[float, int, bytes]:
        """(seconds until the whole body arrived, HTTP status, body); ``headers`` are sent
        besides the token's."""
        started = time.perf_counter()
        sent = {**self._headers, **headers} if headers else self._headers
        async with self._session.post(self._url, data=body, headers=sent) as response:
            answer = await response.read()
        return time.perf_counter() - started, response.status, answer


def graphql_failure(status: int, body: bytes) -> tuple[str | None, Any]:
    """(failure reason or None, the ``data`` of a successful answer)."""
    if status != 200:
        return f"HTTP {status}", None
    try:
        answer = json.loads(body)
    except ValueError:
        return "body is not JSON", None
    if not isinstance(answer, dict):
        return "body is not a JSON object", None
    if answer.get("errors"):
        codes = sorted({str((e.get("extensions") or {}).get("code")) for e in answer["errors"]})
        return f"errors: {', '.join(codes)}", None
    return None, answer.get("data")


class ReferenceCheck:
    """Checks a scenario's answers to one query: the first correct one in full (``problem`` of
    its data), which becomes the reference; later ones must carry the same data (a body
    byte-identical to the reference is accepted without parsing it again). ``every``, when
    given, judges each parsed body as well (what is outside ``data``, e.g. warnings)."""

    def __init__(
        self,
        problem: Callable[[Any], str | None],
        every: Callable[[bytes], str | None] | None = None,
    ) -> None:
        self._problem = problem
        self._every = every
        self._body: bytes | None = None
        self.data: Any = None
        """The reference's data, once an answer was correct."""

    def failure(self, status: int, body: bytes) -> str | None:
        if status == 200 and body == self._body:
            return None
        failure, data = graphql_failure(status, body)
        if failure is None and self._every is not None:
            failure = self._every(body)
        if failure is not None:
            return failure
        if self.data is None:
            problem = self._problem(data)
            if problem is not None:
                return problem
            self.data, self._body = data, body
            return None
        return None if data == self.data else "data differs from the reference"
