"""One catalogue source's run-time faults and call counts, and the ``_sandbox`` routes that
read and change them (the same as the API Entreprise sandbox's)."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.entreprise.faults import FaultInjector, SandboxConfig

__all__ = ["SourceState", "control_routes"]

ErrorBody = Callable[[str, str], object]
"""(machine code, human message) → the source's own error body."""


class SourceState:
    def __init__(self, prefix: str, config: SandboxConfig, error_body: ErrorBody) -> None:
        self.prefix = prefix
        self.faults = FaultInjector(config)
        self.calls: Counter[str] = Counter()
        self.error_body = error_body

    def error(self, status: int, code: str, message: str) -> JSONResponse:
        return JSONResponse(self.error_body(code, message), status_code=status)

    async def admit(self, request: Request) -> None:
        """Counts the call and waits the configured latency."""
        self.calls[request.url.path] += 1
        latency = self.faults.config.latency_ms
        if latency:
            await asyncio.sleep(latency / 1000)

    async def injected_fault(self) -> Response | None:
        fault = self.faults.draw()
        if fault == "rate_limit":
            response = self.error(429, "rate_limited", "Trop de requêtes, réessayez plus tard.")
            response.headers["Retry-After"] = "1"
            return response
        if fault == "timeout":
            await asyncio.sleep(self.faults.config.timeout_seconds)
            return self.error(504, "timeout", "Le service n'a pas répondu à temps.")
        if fault == "error":
            return self.error(self.faults.error_status(), "unavailable",
                              "Service temporairement indisponible.")  # fmt: skip
        return None


def control_routes(state: SourceState) -> list[Route]:
    async def get_faults(request: Request) -> Response:
        return JSONResponse(state.faults.settings())

    async def post_faults(request: Request) -> Response:
        try:
            changes = json.loads(await request.body() or b"{}")
        except ValueError:
            changes = None
        if not isinstance(changes, dict):
            return JSONResponse({"error": "expected a JSON object"}, status_code=400)
        try:
            return JSONResponse(state.faults.update(changes))
        except ValueError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)

    async def get_stats(request: Request) -> Response:
        return JSONResponse({"total": sum(state.calls.values()), "calls": dict(state.calls)})

    async def reset_stats(request: Request) -> Response:
        state.calls.clear()
        return JSONResponse({"total": 0, "calls": {}})

    base = f"{state.prefix}/_sandbox"
    return [
        Route(f"{base}/faults", get_faults, methods=["GET"]),
        Route(f"{base}/faults", post_faults, methods=["POST"]),
        Route(f"{base}/stats", get_stats, methods=["GET"]),
        Route(f"{base}/stats/reset", reset_stats, methods=["POST"]),
    ]
