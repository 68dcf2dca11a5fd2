"""The ``_sandbox`` control routes every sandbox partner serves: read and change its
run-time faults, read and reset its call counts."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.entreprise.faults import FaultInjector

__all__ = ["control_routes"]


def control_routes(
    faults: FaultInjector,
    calls: Counter[str],
    *,
    prefix: str = "",
    on_reset: Callable[[], None] | None = None,
) -> list[Route]:
    """``on_reset`` also runs when the counts are reset (e.g. to clear quota windows)."""

    async def get_faults(request: Request) -> Response:
        return JSONResponse(faults.settings())

    async def post_faults(request: Request) -> Response:
        try:
            changes = json.loads(await request.body() or b"{}")
        except ValueError:
            changes = None
        if not isinstance(changes, dict):
            return JSONResponse({"error": "expected a JSON object"}, status_code=400)
        try:
            return JSONResponse(faults.update(changes))
        except ValueError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)

    async def get_stats(request: Request) -> Response:
        return JSONResponse({"total": sum(calls.values()), "calls": dict(calls)})

    async def reset_stats(request: Request) -> Response:
        calls.clear()
        if on_reset is not None:
            on_reset()
        return JSONResponse({"total": 0, "calls": {}})

    base = f"{prefix}/_sandbox"
    return [
        Route(f"{base}/faults", get_faults, methods=["GET"]),
        Route(f"{base}/faults", post_faults, methods=["POST"]),
        Route(f"{base}/stats", get_stats, methods=["GET"]),
        Route(f"{base}/stats/reset", reset_stats, methods=["POST"]),
    ]
