"""Posting one GraphQL document to a gateway over a keep-alive aiohttp session, timed until
the whole body has arrived."""

from __future__ import annotations

import json
import time
from typing import Any

import aiohttp

__all__ = ["GraphQLPoster", "graphql_failure"]


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

    async def post(self, body: bytes) -> tuple[float, int, bytes]:
        """(seconds until the whole body arrived, HTTP status, body)."""
        started = time.perf_counter()
        async with self._session.post(self._url, data=body, headers=self._headers) as response:
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
