"""A stand-in for Créalia's honour-loan listing (docs/catalogues.md):

- ``GET /crealia/api/prets?offset=&limit=`` → ``{prets, pagination: {offset, limit, total}}``
  (limit 1–50, default 25; offset ≥ 0; an offset past the end answers an empty page);
- bad parameters → 400 ``{"succes": false, "message": …}``; no authentication;
- faults and call counts under ``/crealia/_sandbox`` (``sandbox.control``).
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.catalogues.control import SourceState
from sandbox.control import control_routes
from sandbox.entreprise.faults import SandboxConfig
from sandbox.financers.seed import crealia_loans

__all__ = ["create_app"]

_MAX_LIMIT = 50


def _error(code: str, message: str) -> object:
    return {"succes": False, "message": message}


def create_app(faults: SandboxConfig | None = None) -> Starlette:
    state = SourceState("/crealia", faults or SandboxConfig(), _error)
    loans = crealia_loans()

    async def listing(request: Request) -> Response:
        fault = await state.admitted(request)
        if fault is not None:
            return fault
        offset = _integer(request.query_params.get("offset"), 0)
        limit = _integer(request.query_params.get("limit"), 25)
        if offset is None or offset < 0:
            return state.error(400, "bad_request", "offset doit être un entier positif ou nul")
        if limit is None or not 1 <= limit <= _MAX_LIMIT:
            return state.error(
                400, "bad_request", f"limit doit être un entier entre 1 et {_MAX_LIMIT}"
            )
        return JSONResponse({
            "prets": list(loans[offset:offset + limit]),
            "pagination": {"offset": offset, "limit": limit, "total": len(loans)},
        })  # fmt: skip

    routes = [
        Route("/crealia/api/prets", listing, methods=["GET"]),
        *control_routes(state.faults, state.calls, prefix=state.prefix),
    ]
    return Starlette(routes=routes)


def _integer(raw: str | None, default: int) -> int | None:
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()):
        return None
    return int(raw)
