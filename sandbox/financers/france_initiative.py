"""A stand-in for France Initiative's honour loans, in JSON:API (docs/catalogues.md):

- ``GET /franceinitiative/v1/honour-loans?page[number]=&page[size]=`` → ``{data, included,
  links: {self, next}, meta: {total}}`` (size 1–50, default 20; a page past the end answers an
  empty ``data``), each loan with its ``platform`` relationship, the page's platforms in
  ``included``; ``application/vnd.api+json``;
- ``Authorization: Token <key>`` required (401 before anything else);
- errors as JSON:API ``{"errors": [{"code", "title"}]}``;
- faults and call counts under ``/franceinitiative/_sandbox`` (``sandbox.control``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.catalogues.control import SourceState
from sandbox.control import control_routes
from sandbox.entreprise.faults import SandboxConfig
from sandbox.financers.seed import initiative_document

__all__ = ["FRANCE_INITIATIVE_KEY", "FranceInitiativeConfig", "create_app"]

FRANCE_INITIATIVE_KEY = "sandbox-franceinitiative-key"
_MAX_SIZE = 50
_MEDIA_TYPE = "application/vnd.api+json"


@dataclass(frozen=True, slots=True)
class FranceInitiativeConfig:
    key: str = FRANCE_INITIATIVE_KEY
    faults: SandboxConfig = field(default_factory=SandboxConfig)


class _ApiResponse(JSONResponse):
    media_type = _MEDIA_TYPE


def _error(code: str, message: str) -> object:
    return {"errors": [{"code": code, "title": message}]}


def create_app(config: FranceInitiativeConfig | None = None) -> Starlette:
    config = config or FranceInitiativeConfig()
    state = SourceState("/franceinitiative", config.faults, _error)
    loans, platforms = initiative_document()
    by_id = {platform["id"]: platform for platform in platforms}

    async def listing(request: Request) -> Response:
        await state.admit(request)
        if request.headers.get("authorization") != f"Token {config.key}":
            return state.error(401, "unauthorized", "Jeton d'API absent ou invalide.")
        fault = await state.injected_fault()
        if fault is not None:
            return fault
        number = _positive(request.query_params.get("page[number]"), 1)
        size = _positive(request.query_params.get("page[size]"), 20)
        if number is None:
            return state.error(400, "bad_request", "page[number] : un entier ≥ 1.")
        if size is None or size > _MAX_SIZE:
            return state.error(
                400, "bad_request", f"page[size] : un entier entre 1 et {_MAX_SIZE}."
            )
        page = loans[(number - 1) * size : number * size]
        related = dict.fromkeys(loan["relationships"]["platform"]["data"]["id"] for loan in page)
        more = number * size < len(loans)
        return _ApiResponse({
            "data": page,
            "included": [by_id[platform] for platform in related],
            "links": {
                "self": _link(request, number, size),
                "next": _link(request, number + 1, size) if more else None,
            },
            "meta": {"total": len(loans)},
        })  # fmt: skip

    routes = [
        Route("/franceinitiative/v1/honour-loans", listing, methods=["GET"]),
        *control_routes(state.faults, state.calls, prefix=state.prefix),
    ]
    return Starlette(routes=routes)


def _positive(raw: str | None, default: int) -> int | None:
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
        return None
    return int(raw)


def _link(request: Request, number: int, size: int) -> str:
    query: dict[str, Any] = {"page[number]": number, "page[size]": size}
    return str(request.url.replace(query=urlencode(query)))
