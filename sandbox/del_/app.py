"""A stand-in for DEL: démarches-simplifiées' GraphQL API (``POST /api/v2/graphql``),
served by graphql-core from ``sandbox.del_.sdl``.

Reads: ``dossier(number)``, ``demarche(number){dossiers(state, updatedSince, first, after)}``
and the Région's ``dossiers(siret | updatedSince, …)`` and ``dossierByIdempotencyKey``;
writes: ``dossierDeposer`` (the same idempotency key answers the same dossier) and
``dossierDemanderPaiement``. An unknown dossier is a GraphQL error with
``extensions.code = "not_found"``, as démarches-simplifiées answers. Faults and call counts
under ``/_sandbox``; a bearer token always.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from graphql import GraphQLError, GraphQLResolveInfo, build_schema, graphql
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from connectors.del_.wire import PAYMENT_KINDS
from connectors.platforms.models import Application, Platform
from sandbox.catalogues.control import SourceState
from sandbox.control import control_routes
from sandbox.del_.sdl import SDL
from sandbox.del_.wire import dossier, pair
from sandbox.platforms.config import DEL_TOKEN, PlatformConfig
from sandbox.platforms.lazy import Lazy
from sandbox.platforms.seed import applications, schemes_by_platform
from sandbox.platforms.store import Refused, Store

__all__ = ["create_app"]

Info = GraphQLResolveInfo[Any]


def _error(code: str, message: str) -> object:
    return {"errors": [{"message": message, "extensions": {"code": code}}]}


class _World:
    """The store and the démarches (one per DEL scheme, numbered from 100)."""

    def __init__(self, config: PlatformConfig) -> None:
        self.store = Store(
            Platform.DEL, applications(config.seed, config.today), lambda n, now: str(1000 + n)
        )
        schemes = schemes_by_platform(config.today).by_platform[Platform.DEL]
        self.demarches = {100 + n: scheme for n, (scheme, _) in enumerate(schemes)}
        self.numbers = {scheme: number for number, scheme in self.demarches.items()}

    def render(self, application: Application) -> dict[str, Any]:
        scheme = application.scheme_id or ""
        return dossier(application, (self.numbers.get(scheme, 0), scheme))


def create_app(config: PlatformConfig | None = None) -> Starlette:
    config = config or PlatformConfig(token=DEL_TOKEN)
    state = SourceState("", config.faults, _error)
    world = Lazy(lambda: _World(config))
    schema = build_schema(SDL)
    _bind(schema)

    async def endpoint(request: Request) -> Response:
        await state.admit(request)
        if request.headers.get("authorization") != f"Bearer {config.token}":
            return state.error(401, "unauthorized", "Jeton d'accès absent ou invalide.")
        fault = await state.injected_fault()
        if fault is not None:
            return fault
        try:
            body = json.loads(await request.body())
        except ValueError:
            body = None
        if not isinstance(body, dict) or not isinstance(body.get("query"), str):
            return state.error(400, "bad_request", "Un document GraphQL est attendu.")
        result = await graphql(
            schema, body["query"], context_value=await world.get(),
            variable_values=body.get("variables") or None,
        )  # fmt: skip
        return JSONResponse(result.formatted)

    routes = [
        Route("/api/v2/graphql", endpoint, methods=["POST"]),
        *control_routes(state.faults, state.calls),
    ]
    app = Starlette(routes=routes)
    app.state.source = state
    app.state.world = world
    return app


def _bind(schema: Any) -> None:
    query, mutation = schema.query_type.fields, schema.mutation_type.fields
    query["dossier"].resolve = _dossier
    query["demarche"].resolve = _demarche
    query["dossiers"].resolve = _dossiers
    query["dossierByIdempotencyKey"].resolve = _by_key
    mutation["dossierDeposer"].resolve = _deposer
    mutation["dossierDemanderPaiement"].resolve = _paiement
    schema.type_map["Demarche"].fields["dossiers"].resolve = _demarche_dossiers


def _world(info: Info) -> _World:
    world: _World = info.context
    return world


def _not_found(what: str) -> GraphQLError:
    return GraphQLError(f"{what} not found", extensions={"code": "not_found"})


def _dossier(_: Any, info: Info, number: int) -> dict[str, Any]:
    world = _world(info)
    found = world.store.get(str(number))
    if found is None:
        raise _not_found("Dossier")
    return world.render(found)


def _demarche(_: Any, info: Info, number: int) -> dict[str, Any]:
    scheme = _world(info).demarches.get(number)
    if scheme is None:
        raise _not_found("Demarche")
    return {"id": f"demarche-{number}", "number": number, "title": scheme, "dispositif": scheme}


def _demarche_dossiers(demarche: dict[str, Any], info: Info, **args: Any) -> Any:
    world = _world(info)
    found = [a for a in world.store.all() if a.scheme_id == demarche["dispositif"]]
    return _connection(world, _filtered(found, args), args)


def _dossiers(_: Any, info: Info, **args: Any) -> Any:
    world = _world(info)
    siret = args.get("siret")
    if siret is None and args.get("updatedSince") is None:
        raise GraphQLError("siret or updatedSince is required")
    found = world.store.of_siret(siret) if siret is not None else world.store.all()
    return _connection(world, _filtered(found, args), args)


def _by_key(_: Any, info: Info, key: str) -> dict[str, Any] | None:
    world = _world(info)
    found = world.store.by_key(key)
    return None if found is None else world.render(found)


def _deposer(_: Any, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    world = _world(info)
    champs = {c["label"]: c["value"] for c in input["champs"]}
    siret, scheme = input["siret"], input["dispositif"]
    problems = []
    if not (len(siret) == 14 and siret.isdigit()):
        problems.append("Le SIRET doit comporter 14 chiffres")
    if scheme not in world.numbers:
        problems.append(f"Aucune démarche DEL pour le dispositif {scheme}")
    requested = _amount(champs.get("Montant sollicité"))
    if requested is None:
        problems.append("Le champ « Montant sollicité » doit être un montant positif")
    if not (champs.get("Intitulé du projet") or "").strip():
        problems.append("Le champ « Intitulé du projet » est obligatoire")
    if problems or requested is None:
        return {"dossier": None, "errors": [{"message": p} for p in problems]}
    application, _ = world.store.file(
        siret=siret, scheme_id=scheme, title=champs["Intitulé du projet"], requested=requested,
        key=input["idempotencyKey"], now=datetime.now(UTC),
    )  # fmt: skip
    return {"dossier": world.render(application), "errors": None}


def _paiement(_: Any, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    world = _world(info)
    kind, amount = PAYMENT_KINDS.get(input["nature"]), _amount(input["montant"])
    if kind is None or amount is None:
        return {"dossier": None, "errors": [{"message": "nature ou montant invalide"}]}
    try:
        updated = world.store.request_payment(
            str(input["dossierNumber"]), kind=kind, amount=amount, key=input["idempotencyKey"],
            now=datetime.now(UTC),
        )  # fmt: skip
    except LookupError:
        raise _not_found("Dossier") from None
    except Refused as exc:
        return {"dossier": None, "errors": [{"message": str(exc)}]}
    return {"dossier": world.render(updated), "errors": None}


def _filtered(found: Sequence[Application], args: dict[str, Any]) -> list[Application]:
    since = args.get("updatedSince")
    if since is not None:
        try:
            moment = datetime.fromisoformat(since)
        except ValueError:
            raise GraphQLError("updatedSince: an ISO 8601 date-time") from None
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        found = [a for a in found if a.updated_at > moment]
    ordered = sorted(found, key=lambda a: int(a.reference))
    state = args.get("state")
    return [a for a in ordered if state is None or _state(a) == state]


def _state(application: Application) -> str:
    return pair(application.status)[0]


def _connection(world: _World, found: list[Application], args: dict[str, Any]) -> Any:
    first = args.get("first") or 100
    if not 1 <= first <= 100:
        raise GraphQLError("first must be between 1 and 100")
    start = _offset(args.get("after"))
    shown = found[start : start + first]
    end = start + len(shown)
    return {
        "pageInfo": {
            "hasNextPage": end < len(found), "hasPreviousPage": start > 0,
            "startCursor": _cursor(start) if shown else None,
            "endCursor": _cursor(end) if shown else None,
        },
        "nodes": [world.render(a) for a in shown],
    }  # fmt: skip


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _offset(cursor: str | None) -> int:
    if cursor is None:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise GraphQLError("invalid cursor") from None
    name, _, offset = text.partition(":")
    if name != "offset" or not offset.isdigit():
        raise GraphQLError("invalid cursor")
    return int(offset)


def _amount(value: Any) -> int | None:
    try:
        amount = float(value)
    except (TypeError, ValueError):
        return None
    return int(amount) if 0 < amount < 1e9 else None
