"""Stand-ins for the three aid-scheme catalogues, on one server: the Région's (``/region``),
Bpifrance's (``/bpifrance``) and France Num's with its activators (``/francenum``), each in
its own wire format, paging, validation and error bodies (``docs/catalogues.md``).

Each source has its own run-time faults and call counts under ``/{source}/_sandbox``.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import math
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.catalogues.config import CataloguesConfig
from sandbox.catalogues.control import SourceState
from sandbox.catalogues.schemes import month_start
from sandbox.catalogues.seed import Payloads, payloads
from sandbox.control import control_routes

__all__ = ["CataloguesConfig", "create_app"]

Handler = Callable[[Request], Awaitable[Response]]
Answer = Callable[[Request, SourceState, Payloads], Response]

_ERROR_BODIES: dict[str, Callable[[str, str], object]] = {
    "region": lambda code, message: {"error": {"code": code, "message": message}},
    "bpifrance": lambda code, message: {"detail": message},
    "francenum": lambda code, message: {"erreur": message},
}


def create_app(config: CataloguesConfig | None = None) -> Starlette:
    config = config or CataloguesConfig()
    sources = {
        name: SourceState(f"/{name}", replace(config.faults, seed=config.faults.seed + n), body)
        for n, (name, body) in enumerate(_ERROR_BODIES.items())
    }
    region, bpifrance, francenum = sources.values()
    seed = _LazySeed(config)

    def endpoint(state: SourceState, answer: Answer) -> Handler:
        async def handler(request: Request) -> Response:
            await state.admit(request)
            refused = _refused(request, state, config.api_key)
            if refused is not None:
                return refused
            fault = await state.injected_fault()
            if fault is not None:
                return fault
            return answer(request, state, await seed.payloads())

        return handler

    routes = [
        Route("/region/api/v1/dispositifs", endpoint(region, _region), methods=["GET"]),
        Route("/bpifrance/api/aids/", endpoint(bpifrance, _bpifrance), methods=["GET"]),
        Route("/francenum/api/v2/dispositifs", endpoint(francenum, _francenum_dispositifs),
              methods=["GET"]),
        Route("/francenum/api/v2/activateurs", endpoint(francenum, _francenum_activateurs),
              methods=["GET"]),
    ]  # fmt: skip
    for state in sources.values():
        routes += control_routes(state.faults, state.calls, prefix=state.prefix)
    app = Starlette(routes=routes)
    app.state.sources = sources
    return app


class _LazySeed:
    """Builds the month's catalogue on first use, off the event loop, once."""

    def __init__(self, config: CataloguesConfig) -> None:
        self._config = config
        self._lock = asyncio.Lock()
        self._built: tuple[date, Payloads] | None = None

    async def payloads(self) -> Payloads:
        month = month_start(self._config.today or date.today())
        if self._built is None or self._built[0] != month:
            async with self._lock:
                if self._built is None or self._built[0] != month:
                    built = await asyncio.to_thread(payloads, self._config.seed, month)
                    self._built = (month, built)
        return self._built[1]


def _refused(request: Request, state: SourceState, api_key: str) -> Response | None:
    """Bpifrance wants its key before anything else."""
    if state.prefix != "/bpifrance":
        return None
    given = request.headers.get("x-api-key")
    if given is None:
        return state.error(401, "unauthorized", "Informations d'authentification non fournies.")
    if given != api_key:
        return state.error(401, "unauthorized", "Clé d'API invalide.")
    return None


def _number(request: Request, name: str, default: int) -> int | None:
    """The query parameter as a positive integer; None when it is not one."""
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
        return None
    return int(raw)


def _url(request: Request, **params: Any) -> str:
    return str(request.url.replace(query=urlencode(params)))


# Région: ?page=&per_page= → {data, meta, links}


def _region(request: Request, state: SourceState, seed: Payloads) -> Response:
    page, per_page = _number(request, "page", 1), _number(request, "per_page", 50)
    if page is None:
        return state.error(400, "bad_request", "page doit être un entier supérieur ou égal à 1")
    if per_page is None or per_page > 100:
        return state.error(400, "bad_request", "per_page doit être un entier entre 1 et 100")
    items = seed.region
    pages = math.ceil(len(items) / per_page)
    start = (page - 1) * per_page
    return JSONResponse({
        "data": list(items[start:start + per_page]),
        "meta": {"page": page, "per_page": per_page, "total": len(items), "pages": pages},
        "links": {
            "self": _url(request, page=page, per_page=per_page),
            "next": _url(request, page=page + 1, per_page=per_page) if page < pages else None,
            "prev": _url(request, page=min(page - 1, pages), per_page=per_page)
            if page > 1 and pages else None,
        },
    })  # fmt: skip


# Bpifrance: ?page=&page_size= → {count, next, previous, results} (Aides-territoires)


def _bpifrance(request: Request, state: SourceState, seed: Payloads) -> Response:
    page_size = _number(request, "page_size", 30)
    if page_size is None or page_size > 100:
        return state.error(400, "bad_request", "page_size doit être un entier entre 1 et 100.")
    items = seed.bpifrance
    pages = max(math.ceil(len(items) / page_size), 1)
    page = _number(request, "page", 1)
    if page is None or page > pages:
        return state.error(404, "not_found", "Page invalide.")
    start = (page - 1) * page_size
    return JSONResponse({
        "count": len(items),
        "next": _url(request, page=page + 1, page_size=page_size) if page < pages else None,
        "previous": _url(request, page=page - 1, page_size=page_size) if page > 1 else None,
        "results": list(items[start:start + page_size]),
    })  # fmt: skip


# France Num: ?limit=&cursor= → {items, next_cursor, total}


def _francenum_dispositifs(request: Request, state: SourceState, seed: Payloads) -> Response:
    return _by_cursor(request, state, "dispositifs", seed.francenum)


def _francenum_activateurs(request: Request, state: SourceState, seed: Payloads) -> Response:
    return _by_cursor(request, state, "activateurs", seed.activators)


def _by_cursor(
    request: Request, state: SourceState, listing: str, items: tuple[dict[str, Any], ...]
) -> Response:
    limit = _number(request, "limit", 50)
    if limit is None or limit > 500:
        return state.error(400, "bad_request", "limit doit être un entier entre 1 et 500")
    cursor = request.query_params.get("cursor")
    start = 0 if cursor is None else _decode_cursor(cursor, listing, len(items))
    if start is None:
        return state.error(400, "bad_request", "curseur invalide")
    end = start + limit
    return JSONResponse({
        "items": list(items[start:end]),
        "next_cursor": _encode_cursor(listing, end) if end < len(items) else None,
        "total": len(items),
    })  # fmt: skip


def _encode_cursor(listing: str, offset: int) -> str:
    return base64.urlsafe_b64encode(f"{listing}:{offset}".encode()).decode().rstrip("=")


def _decode_cursor(cursor: str, listing: str, total: int) -> int | None:
    """The offset a cursor of this listing stands for; None when it is not one we issued."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    name, _, offset = text.partition(":")
    if name != listing or not (offset.isascii() and offset.isdigit()):
        return None
    return int(offset) if 0 < int(offset) < total else None
