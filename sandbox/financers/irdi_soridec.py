"""A stand-in for Irdi-Soridec's list of funds (docs/catalogues.md):

- ``GET /irdisoridec/api/fonds.json`` → ``{editeur, mis_a_jour, fonds}``, one document, no
  paging, no authentication; tickets in thousands of euros, turnover ceilings in millions;
- errors ``{"erreur": {"code", "libelle"}}``;
- faults and call counts under ``/irdisoridec/_sandbox`` (``sandbox.control``).
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.catalogues.control import SourceState
from sandbox.control import control_routes
from sandbox.entreprise.faults import SandboxConfig
from sandbox.financers.seed import irdi_funds

__all__ = ["create_app"]

_UPDATED = "2026-11-02"


def _error(code: str, message: str) -> object:
    return {"erreur": {"code": code, "libelle": message}}


def create_app(faults: SandboxConfig | None = None) -> Starlette:
    state = SourceState("/irdisoridec", faults or SandboxConfig(), _error)
    funds = irdi_funds()

    async def document(request: Request) -> Response:
        fault = await state.admitted(request)
        if fault is not None:
            return fault
        return JSONResponse({"editeur": "Irdi-Soridec", "mis_a_jour": _UPDATED,
                             "fonds": list(funds)})  # fmt: skip

    routes = [
        Route("/irdisoridec/api/fonds.json", document, methods=["GET"]),
        *control_routes(state.faults, state.calls, prefix=state.prefix),
    ]
    return Starlette(routes=routes)
