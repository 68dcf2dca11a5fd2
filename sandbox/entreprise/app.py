"""A stand-in API Entreprise: same paths, parameters, wire format and failure modes.

Point the real connector at it (``base_url`` = the sandbox root) and it works unchanged.
Control endpoints under ``/_sandbox`` change latency and faults at run time and count calls.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.control import control_routes
from sandbox.entreprise import payloads
from sandbox.entreprise.faults import FaultInjector, SandboxConfig
from sandbox.entreprise.identifiers import is_siren, is_siret
from sandbox.entreprise.records import SandboxCompany
from sandbox.entreprise.seed import by_siren, companies

__all__ = ["SandboxConfig", "create_app"]

Builder = Callable[[SandboxCompany, date], dict[str, Any] | None]
Handler = Callable[[Request], Awaitable[Response]]

_PROVIDERS = {"insee": "INSEE", "infogreffe": "Infogreffe", "dgfip": "DGFIP - Adélie",
              "urssaf": "ACOSS", "gip_mds": "GIP-MDS",
              "banque_de_france": "Banque de France"}  # fmt: skip


class _State:
    def __init__(self, config: SandboxConfig) -> None:
        self.faults = FaultInjector(config)
        self.calls: Counter[str] = Counter()
        self.windows: dict[str, tuple[int, int]] = {}  # endpoint → (minute, calls in it)

    def spend_quota(self, endpoint: str) -> tuple[int, int]:
        """(remaining, reset timestamp) after counting this call in the current minute."""
        now = time.time()
        minute = int(now // 60)
        start, used = self.windows.get(endpoint, (minute, 0))
        used = used + 1 if start == minute else 1
        self.windows[endpoint] = (minute, used)
        return self.faults.config.quota_per_minute - used, (minute + 1) * 60


def _error(status: int, code: str, title: str, detail: str, **extra: Any) -> JSONResponse:
    return JSONResponse(payloads.error_body(code, title, detail, **extra), status_code=status)


def _unprocessable(code: str, detail: str, parameter: str) -> JSONResponse:
    return _error(422, code, "Entité non traitable", detail, parameter=parameter)


def _check_request(request: Request, token: str) -> JSONResponse | None:
    if request.headers.get("authorization") != f"Bearer {token}":
        return _error(
            401, "00101", "Interdit", "Votre token n'est pas valide ou n'est pas renseigné"
        )
    for code, parameter in (("00201", "context"), ("00202", "recipient"), ("00203", "object")):
        if not request.query_params.get(parameter, "").strip():
            return _unprocessable(code, f"Le paramètre {parameter} est obligatoire", parameter)
    recipient = request.query_params["recipient"]
    if len(recipient) != 14 or not recipient.isdigit():
        return _unprocessable(
            "00210", "Le paramètre recipient n'est pas un siret valide", "recipient"
        )
    return None


def _endpoint(state: _State, name: str, provider: str, kind: str, build: Builder) -> Handler:
    async def handler(request: Request) -> Response:
        state.calls[request.url.path] += 1
        config = state.faults.config
        if config.latency_ms:
            await asyncio.sleep(config.latency_ms / 1000)
        remaining, reset = state.spend_quota(name)
        headers = {
            "RateLimit-Limit": str(config.quota_per_minute),
            "RateLimit-Remaining": str(max(remaining, 0)),
            "RateLimit-Reset": str(reset),
        }
        response = await _answer(request, state, provider, kind, build, remaining, reset)
        response.headers.update(headers)
        return response

    return handler


async def _answer(
    request: Request,
    state: _State,
    provider: str,
    kind: str,
    build: Builder,
    remaining: int,
    reset: int,
) -> Response:
    config = state.faults.config
    refused = _check_request(request, config.token)
    if refused is not None:
        return refused
    identifier = request.path_params[kind]
    if not (is_siret(identifier) if kind == "siret" else is_siren(identifier)):
        return _unprocessable(
            "00301" if kind == "siret" else "00302",
            f"Le numéro de {kind} n'est pas correctement formatté",
            kind,
        )
    if remaining < 0:
        return _too_many(math.ceil(reset - time.time()))
    fault = state.faults.draw()
    if fault == "rate_limit":
        return _too_many(1)
    if fault == "timeout":
        await asyncio.sleep(config.timeout_seconds)
        return _error(504, "04002", "Délai d'attente dépassé",
                      "Le fournisseur de données n'a pas répondu à temps",
                      provider=_PROVIDERS[provider])  # fmt: skip
    if fault == "error":
        return _error(state.faults.error_status(), "04501", "Erreur du fournisseur de données",
                      "Le fournisseur de données est temporairement indisponible",
                      provider=_PROVIDERS[provider])  # fmt: skip
    table = companies(config.seed) if kind == "siret" else by_siren(config.seed)
    company = table.get(identifier)
    payload = build(company, date.today()) if company is not None else None
    if payload is None:
        return _error(404, "04003", "Entité non trouvée",
                      f"Le {kind} indiqué n'existe pas, n'est pas connu ou ne comporte "
                      "aucune information pour cet appel", provider=_PROVIDERS[provider])  # fmt: skip
    return JSONResponse(payload)


def _too_many(retry_after: int) -> JSONResponse:
    response = _error(429, "00429", "Trop de requêtes",
                      "Vous avez effectué trop de requêtes, réessayez plus tard")  # fmt: skip
    response.headers["Retry-After"] = str(max(retry_after, 1))
    return response


def _with_records(build: Callable[[SandboxCompany], dict[str, Any]], needs: str) -> Builder:
    def builder(company: SandboxCompany, today: date) -> dict[str, Any] | None:
        if needs and not getattr(company, needs):
            return None  # e.g. a sole trader has no RCS directors: 404, like the real one
        return build(company)

    return builder


def create_app(config: SandboxConfig | None = None) -> Starlette:
    state = _State(config or SandboxConfig())
    endpoints: list[tuple[str, str, str, str, Builder]] = [
        ("/v3/insee/sirene/etablissements/{siret}", "etablissement", "insee", "siret",
         _with_records(payloads.etablissement, "")),
        ("/v3/insee/sirene/unites_legales/{siren}", "unite_legale", "insee", "siren",
         _with_records(payloads.unite_legale, "")),
        ("/v3/infogreffe/rcs/unites_legales/{siren}/mandataires_sociaux", "mandataires_sociaux",
         "infogreffe", "siren", _with_records(payloads.mandataires_sociaux, "mandataires")),
        ("/v3/dgfip/etablissements/{siret}/chiffres_affaires", "chiffres_affaires", "dgfip",
         "siret", _with_records(payloads.chiffres_affaires, "turnovers")),
        ("/v4/urssaf/unites_legales/{siren}/attestation_vigilance", "attestation_vigilance",
         "urssaf", "siren", payloads.attestation_vigilance),
        ("/v4/dgfip/unites_legales/{siren}/attestation_fiscale", "attestation_fiscale", "dgfip",
         "siren", payloads.attestation_fiscale),
        ("/v3/gip_mds/unites_legales/{siren}/effectifs_annuels/{year}", "effectifs_annuels",
         "gip_mds", "siren", payloads.effectifs_annuels),
        ("/v3/banque_de_france/unites_legales/{siren}/bilans", "bilans", "banque_de_france",
         "siren", payloads.bilans),
    ]  # fmt: skip
    routes = [
        Route(path, _endpoint(state, name, provider, kind, build), methods=["GET"])
        for path, name, provider, kind, build in endpoints
    ]
    controls = control_routes(state.faults, state.calls, on_reset=state.windows.clear)
    app = Starlette(routes=[*routes, *controls])
    app.state.sandbox = state
    return app
