"""One catalogue source's run-time faults and call counts (``sandbox.control`` serves the
``_sandbox`` routes that read and change them)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sandbox.entreprise.faults import FaultInjector, SandboxConfig

__all__ = ["SourceState"]

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

    async def admitted(self, request: Request) -> Response | None:
        """Counts the call, waits the latency and draws a fault: the fault's answer, or None
        to answer the call."""
        await self.admit(request)
        return await self.injected_fault()

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
