"""A stand-in for Mes aides en ligne (a « Portail des aides »): REST/JSON, French labels.

- ``GET /api/v1/demandes?siret=|modifiees_depuis=|cle_idempotence=&page=&par_page=``
  → ``{demandes, pagination: {page, par_page, total, pages}}``
- ``GET /api/v1/demandes/{numero}`` → a demande, or 404
- ``POST /api/v1/demandes`` with ``Idempotency-Key`` → 201 the new demande; the same key
  again → 200 the same demande; 400 without a key, 422 for an invalid body
- ``POST /api/v1/demandes/{numero}/paiements`` with ``Idempotency-Key`` → 201 the demande
  with its payment request; 422 when the aid is not payable
- faults and call counts under ``/_sandbox`` (``sandbox.control``); a bearer token always.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from connectors.mesaides.lifecycle import PAYMENT_KINDS
from connectors.platforms.models import Platform
from sandbox.catalogues.control import SourceState
from sandbox.control import control_routes
from sandbox.mesaides.wire import demande
from sandbox.platforms.config import MESAIDES_TOKEN, PlatformConfig
from sandbox.platforms.lazy import Lazy
from sandbox.platforms.seed import applications
from sandbox.platforms.store import Refused, Store

__all__ = ["create_app"]


def _error(code: str, message: str) -> object:
    return {"code": code, "message": message}


def create_app(config: PlatformConfig | None = None) -> Starlette:
    config = config or PlatformConfig(token=MESAIDES_TOKEN)
    state = SourceState("", config.faults, _error)
    store = Lazy(
        lambda: Store(
            Platform.MES_AIDES_EN_LIGNE,
            applications(config.seed, config.today),
            lambda n, now: f"MAEL-{now.year}-{n:06d}",
        )
    )

    async def guard(request: Request) -> Response | None:
        await state.admit(request)
        if request.headers.get("authorization") != f"Bearer {config.token}":
            return state.error(401, "jeton_invalide", "Jeton d'accès absent ou invalide.")
        return await state.injected_fault()

    async def listing(request: Request) -> Response:
        refused = await guard(request)
        if refused is not None:
            return refused
        data = await store.get()
        params = request.query_params
        page, per_page = _number(params.get("page"), 1), _number(params.get("par_page"), 50)
        if page is None or per_page is None or per_page > 100:
            return state.error(
                400, "parametre_invalide", "page et par_page: entiers, par_page ≤ 100"
            )
        if "siret" in params:
            found = data.of_siret(params["siret"])
        elif "cle_idempotence" in params:
            known = data.by_key(params["cle_idempotence"])
            found = [] if known is None else [known]
        elif "modifiees_depuis" in params:
            try:
                since = datetime.fromisoformat(params["modifiees_depuis"])
            except ValueError:
                return state.error(400, "parametre_invalide", "modifiees_depuis: date ISO 8601")
            found = data.changed_since(since if since.tzinfo else since.replace(tzinfo=UTC))
        else:
            return state.error(
                400, "parametre_invalide", "siret, cle_idempotence ou modifiees_depuis requis"
            )
        pages = math.ceil(len(found) / per_page)
        shown = found[(page - 1) * per_page : page * per_page]
        return JSONResponse({
            "demandes": [demande(a) for a in shown],
            "pagination": {"page": page, "par_page": per_page, "total": len(found), "pages": pages},
        })  # fmt: skip

    async def one(request: Request) -> Response:
        refused = await guard(request)
        if refused is not None:
            return refused
        found = (await store.get()).get(request.path_params["numero"])
        if found is None:
            return state.error(404, "demande_introuvable", "Demande inconnue.")
        return JSONResponse(demande(found))

    async def deposer(request: Request) -> Response:
        refused = await guard(request)
        if refused is not None:
            return refused
        key = request.headers.get("idempotency-key")
        if not key:
            return state.error(400, "cle_manquante", "L'en-tête Idempotency-Key est requis.")
        body = await _body(request)
        problem = _invalid_demande(body)
        if problem is not None:
            return state.error(422, "demande_invalide", problem)
        application, created = (await store.get()).file(
            siret=body["siret"], scheme_id=body["dispositif"], title=body["intitule_projet"],
            requested=int(float(body["montant_demande"])), key=key, now=datetime.now(UTC),
        )  # fmt: skip
        return JSONResponse(demande(application), status_code=201 if created else 200)

    async def paiement(request: Request) -> Response:
        refused = await guard(request)
        if refused is not None:
            return refused
        key = request.headers.get("idempotency-key")
        if not key:
            return state.error(400, "cle_manquante", "L'en-tête Idempotency-Key est requis.")
        body = await _body(request)
        kind = PAYMENT_KINDS.get(str(body.get("nature")))
        amount = _amount(body.get("montant"))
        if kind is None or amount is None:
            return state.error(422, "paiement_invalide", "nature ou montant invalide")
        try:
            updated = (await store.get()).request_payment(
                request.path_params["numero"], kind=kind, amount=amount, key=key,
                now=datetime.now(UTC),
            )  # fmt: skip
        except LookupError:
            return state.error(404, "demande_introuvable", "Demande inconnue.")
        except Refused as exc:
            return state.error(422, "paiement_refuse", str(exc))
        return JSONResponse(demande(updated), status_code=201)

    routes = [
        Route("/api/v1/demandes", listing, methods=["GET"]),
        Route("/api/v1/demandes", deposer, methods=["POST"]),
        Route("/api/v1/demandes/{numero}", one, methods=["GET"]),
        Route("/api/v1/demandes/{numero}/paiements", paiement, methods=["POST"]),
        *control_routes(state.faults, state.calls),
    ]
    app = Starlette(routes=routes)
    app.state.source = state
    app.state.store = store
    return app


def _number(raw: str | None, default: int) -> int | None:
    if raw is None:
        return default
    return int(raw) if raw.isascii() and raw.isdigit() and int(raw) >= 1 else None


async def _body(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _amount(value: Any) -> int | None:
    try:
        amount = float(value)
    except (TypeError, ValueError):
        return None
    return int(amount) if 0 < amount < 1e9 else None


def _invalid_demande(body: dict[str, Any]) -> str | None:
    siret = body.get("siret")
    if not (isinstance(siret, str) and len(siret) == 14 and siret.isdigit()):
        return "siret: 14 chiffres"
    if not isinstance(body.get("dispositif"), str) or not body["dispositif"]:
        return "dispositif manquant"
    if not isinstance(body.get("intitule_projet"), str) or not body["intitule_projet"].strip():
        return "intitule_projet manquant"
    if _amount(body.get("montant_demande")) is None:
        return "montant_demande: un montant positif"
    return None
