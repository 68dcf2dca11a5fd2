"""A stand-in for OpenAgenda's public API (v2), one agenda of the Région's economic events.

- ``GET /v2/agendas/{uid}`` → the agenda ``{uid, title, slug, official}``, 404 if unknown
- ``GET /v2/agendas/{uid}/events?size=&timings[gte]=&timings[lte]=&after[0]=&after[1]=``
  → ``{total, events, after, success}``, by first timing then uid; ``after`` is the sort
  values of the page's last event (null on the last page); ``size`` at most 300
- the public read key in a ``key`` header (or query parameter), else 401
- faults and call counts under ``/_sandbox`` (``sandbox.control``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.catalogues.control import SourceState
from sandbox.control import control_routes
from sandbox.entreprise.faults import SandboxConfig
from sandbox.events.seed import AGENDA_UID, EVENTS_SEED, seed_events

__all__ = ["EVENTS_KEY", "EventsSandboxConfig", "create_app"]

EVENTS_KEY = "sandbox-openagenda-key"
_MAX_SIZE = 300


@dataclass(frozen=True, slots=True)
class EventsSandboxConfig:
    key: str = EVENTS_KEY
    seed: int = EVENTS_SEED
    today: date | None = None
    """The day the events are dated around (None: today)."""
    faults: SandboxConfig = field(default_factory=SandboxConfig)


def _error(code: str, message: str) -> object:
    return {"success": False, "error": code, "message": message}


def create_app(config: EventsSandboxConfig | None = None) -> Starlette:
    config = config or EventsSandboxConfig()
    state = SourceState("", config.faults, _error)
    events = sorted(
        seed_events(config.today or date.today(), config.seed),
        key=lambda e: (e["firstTiming"]["begin"], e["uid"]),
    )

    async def guard(request: Request) -> Response | None:
        await state.admit(request)
        key = request.headers.get("key") or request.query_params.get("key")
        if key != config.key:
            return state.error(401, "invalid_key", "Clé d'API absente ou invalide.")
        fault = await state.injected_fault()
        if fault is not None:
            return fault
        if request.path_params["uid"] != AGENDA_UID:
            return state.error(404, "not_found", "Agenda introuvable.")
        return None

    async def agenda(request: Request) -> Response:
        refused = await guard(request)
        if refused is not None:
            return refused
        return JSONResponse({
            "uid": int(AGENDA_UID), "slug": "evenements-economiques-occitanie",
            "title": "Événements économiques en Occitanie", "official": True,
        })  # fmt: skip

    async def listing(request: Request) -> Response:
        refused = await guard(request)
        if refused is not None:
            return refused
        params = request.query_params
        try:
            size = int(params.get("size", "20"))
            since = _moment(params.get("timings[gte]"))
            until = _moment(params.get("timings[lte]"))
        except ValueError:
            return state.error(400, "bad_request", "size: entier; timings: dates ISO 8601.")
        if not 1 <= size <= _MAX_SIZE:
            return state.error(400, "bad_request", f"size: entre 1 et {_MAX_SIZE}.")
        matching = [e for e in events if _within(e, since, until)]
        after = (params.get("after[0]"), params.get("after[1]"))
        if after[0] is not None:
            position = (after[0], int(after[1] or 0))
            matching_after = [
                e for e in matching if (e["firstTiming"]["begin"], e["uid"]) > position
            ]
        else:
            matching_after = matching
        page = matching_after[:size]
        more = len(matching_after) > size
        last = page[-1] if page else None
        return JSONResponse({
            "total": len(matching),
            "events": page,
            "after": [last["firstTiming"]["begin"], last["uid"]] if more and last else None,
            "success": True,
        })  # fmt: skip

    routes = [
        Route("/v2/agendas/{uid}", agenda, methods=["GET"]),
        Route("/v2/agendas/{uid}/events", listing, methods=["GET"]),
        *control_routes(state.faults, state.calls),
    ]
    return Starlette(routes=routes)


def _moment(value: str | None) -> datetime | None:
    if value is None:
        return None
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError("a date without its offset")
    return moment


def _within(event: dict[str, Any], since: datetime | None, until: datetime | None) -> bool:
    """Some timing of the event ends after ``since`` and begins before ``until``."""
    return any(
        (since is None or datetime.fromisoformat(t["end"]) >= since)
        and (until is None or datetime.fromisoformat(t["begin"]) <= until)
        for t in event["timings"]
    )
