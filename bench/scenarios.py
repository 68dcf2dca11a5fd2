"""The "company sheet" scenario: the contract query for LEROY as its referent, the answer
checks that keep a broken gateway from looking fast, and the direct-upstream floor."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any, Self

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport

from connectors.entreprise.endpoints import (
    ATTESTATION_FISCALE,
    ATTESTATION_VIGILANCE,
    CHIFFRES_AFFAIRES,
    ETABLISSEMENT,
    MANDATAIRES_SOCIAUX,
    Endpoint,
)

__all__ = [
    "COMPANY_SHEET",
    "REFERENT_EMAIL",
    "SIRET",
    "UPSTREAM_PARAMS",
    "UPSTREAM_TOKEN",
    "SheetCheck",
    "SheetClient",
    "UpstreamFloor",
    "upstream_client",
    "upstream_paths",
]

SIRET = "84215637400014"
SIREN = SIRET[:9]
REFERENT_EMAIL = "pierre.durand@cci-gard.example"

COMPANY_SHEET = """
query CompanySheet { company(siret: "84215637400014") {
  siret siren name naf { code label } legalForm { code label } workforce { code label }
  createdOn headOffice active viewerAccess
  address { street postalCode city communeCode departmentCode regionCode }
  representatives { name email phone } referent { status agent { name email structure { name } } }
  legalRepresentatives { firstName lastName role } collaborators { name email phone }
  turnover { year amount } compliance { socialUpToDate fiscalUpToDate }
  projects { title theme actors { role agent { name structure { name } } } } } }
"""

# The API Entreprise calls behind the sheet (the gateway makes exactly these, concurrently).
_SHEET_ENDPOINTS: tuple[Endpoint, ...] = (
    ETABLISSEMENT,
    MANDATAIRES_SOCIAUX,
    CHIFFRES_AFFAIRES,
    ATTESTATION_VIGILANCE,
    ATTESTATION_FISCALE,
)
UPSTREAM_PARAMS = {
    "context": "Hub Entreprendre Occitanie",
    "recipient": "20005379100014",
    "object": "Hub Entreprendre Occitanie : accompagnement de l'entreprise par son réseau",
}
UPSTREAM_TOKEN = "sandbox-token"


def upstream_client(sandbox_url: str) -> httpx.AsyncClient:
    """A direct client of the sandbox, on the aiohttp transport the gateway uses, with the
    bearer token: what the floor measurements call API Entreprise with."""
    return httpx.AsyncClient(
        base_url=sandbox_url,
        transport=AiohttpTransport(),
        headers={"Authorization": f"Bearer {UPSTREAM_TOKEN}", "Accept": "application/json"},
        timeout=httpx.Timeout(5.0),
    )


def upstream_paths() -> list[str]:
    return [e.url_path(SIRET if e.identifier == "siret" else SIREN) for e in _SHEET_ENDPOINTS]


class SheetCheck:
    """Checks every answer once. The first correct answer is checked field by field and
    becomes the reference; later ones must carry the same data (a byte-identical body is
    accepted without parsing it again)."""

    def __init__(self) -> None:
        self._reference_body: bytes | None = None
        self._reference_data: Any = None

    def failure(self, status: int, body: bytes) -> str | None:
        if status != 200:
            return f"HTTP {status}"
        if body == self._reference_body:
            return None
        try:
            answer = json.loads(body)
        except ValueError:
            return "body is not JSON"
        if answer.get("errors"):
            codes = sorted({str((e.get("extensions") or {}).get("code")) for e in answer["errors"]})
            return f"errors: {', '.join(codes)}"
        data = answer.get("data")
        if self._reference_data is None:
            problem = _contract_problem(data)
            if problem is not None:
                return problem
            self._reference_data, self._reference_body = data, body
            return None
        return None if data == self._reference_data else "data differs from the reference"


def _contract_problem(data: Any) -> str | None:
    """What is missing from a referent's view of LEROY, or None when the sheet is whole."""
    company = (data or {}).get("company")
    if not isinstance(company, dict):
        return "no company in data"
    if company.get("siret") != SIRET or company.get("siren") != SIREN:
        return "wrong company"
    if company.get("viewerAccess") != "TIER2":
        return f"viewerAccess is {company.get('viewerAccess')!r}, expected TIER2"
    required = ("name", "naf", "legalForm", "address", "referent", "legalRepresentatives",
                "turnover", "representatives", "collaborators", "projects")  # fmt: skip
    empty = [name for name in required if not company.get(name)]
    if empty:
        return f"empty fields: {', '.join(empty)}"
    compliance = company.get("compliance") or {}
    if not all(isinstance(compliance.get(k), bool) for k in ("socialUpToDate", "fiscalUpToDate")):
        return "compliance incomplete"
    if (company["referent"].get("agent") or {}).get("email") != REFERENT_EMAIL:
        return "wrong referent"
    return None


class SheetClient:
    """Sends the sheet query over one keep-alive aiohttp session and checks every answer."""

    def __init__(self, session: aiohttp.ClientSession, gateway_url: str, token: str) -> None:
        self._session = session
        self._url = f"{gateway_url}/graphql"
        self._headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self._body = json.dumps({"query": COMPANY_SHEET, "operationName": "CompanySheet"})
        self.check = SheetCheck()

    async def request(self) -> tuple[float, str | None]:
        """(seconds until the whole body arrived, failure reason or None)."""
        started = time.perf_counter()
        async with self._session.post(self._url, data=self._body, headers=self._headers) as r:
            body = await r.read()
        elapsed = time.perf_counter() - started
        return elapsed, self.check.failure(r.status, body)


class UpstreamFloor:
    """The same API Entreprise calls, made directly with httpx (on the aiohttp transport the
    gateway uses) over one keep-alive pool: one sample = all calls issued at once, timed
    until the last one answers."""

    def __init__(self, sandbox_url: str) -> None:
        self._client = upstream_client(sandbox_url)
        self._paths = upstream_paths()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._client.aclose()

    async def sample(self) -> tuple[float, str | None]:
        started = time.perf_counter()
        responses = await asyncio.gather(*(self._call(path) for path in self._paths))
        elapsed = time.perf_counter() - started
        bad = [f"{path}: HTTP {status}" for path, status, ok in responses if not ok]
        return elapsed, ("; ".join(bad) or None)

    async def _call(self, path: str) -> tuple[str, int, bool]:
        response = await self._client.get(path, params=UPSTREAM_PARAMS)
        ok = response.status_code == 200 and isinstance(response.json().get("data"), dict | list)
        return path, response.status_code, ok
