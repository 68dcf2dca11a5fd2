"""The sandbox is a neighbour, not a tenant: production code never loads it, and sandbox
mode reaches it through ``gateway.sandbox_wiring`` only."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from gateway import sandbox_wiring
from gateway.settings import Settings
from sandbox.hubdb.personas import PERSONAS
from tests.conftest import CountingTransport
from tests.gateway.serving import served

_PRODUCTION_PACKAGES = ("gateway", "schema", "resolvers", "auth", "connectors")

_IMPORT_EVERYTHING = f"""
import importlib, pkgutil, sys
for package in {_PRODUCTION_PACKAGES!r}:
    root = importlib.import_module(package)
    for module in pkgutil.walk_packages(root.__path__, package + "."):
        if module.name == "gateway.sandbox_wiring" or ".migrations" in module.name:
            continue
        importlib.import_module(module.name)
print(sorted(name for name in sys.modules if name.split(".")[0] == "sandbox"))
"""

_RUN_A_PRODUCTION_GATEWAY = """
import asyncio, sys
import httpx
from asgi_lifespan import LifespanManager
from gateway.app import create_app

async def main():
    app = create_app()
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub") as client:
            assert (await client.get("/healthz")).status_code == 200
            answer = await client.post("/graphql", json={"query": "{ __typename }"})
            assert answer.json() == {"data": {"__typename": "Query"}}, answer.text

asyncio.run(main())
print(sorted(name for name in sys.modules if name.split(".")[0] == "sandbox"))
"""


def _loaded_sandbox_modules(code: str, env: dict[str, str] | None = None) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1].replace("'", '"'))
    return loaded


def test_importing_every_production_module_loads_no_sandbox_module() -> None:
    assert _loaded_sandbox_modules(_IMPORT_EVERYTHING) == []


def test_a_production_gateway_starts_and_answers_without_loading_the_sandbox(
    tmp_path: Path,
) -> None:
    providers = [{"issuer": "https://agents.example", "kind": "AGENT"}]
    env = {
        "MODE": "production",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'hub.db'}",
        "ENTREPRISE_URL": "https://entreprise.example",
        "REGION_CATALOGUE_URL": "https://region.example",
        "BPIFRANCE_CATALOGUE_URL": "https://bpifrance.example",
        "FRANCENUM_URL": "https://francenum.example",
        "CREALIA_URL": "https://crealia.example",
        "FRANCE_INITIATIVE_URL": "https://franceinitiative.example",
        "IRDI_SORIDEC_URL": "https://irdisoridec.example",
        "MESAIDES_URL": "https://mesaides.example",
        "DEL_URL": "https://del.example",
        "EVENTS_URL": "https://openagenda.example",
        "NEWS_URL": "https://region.example/actualites/rss.xml",
        "OIDC_PROVIDERS": json.dumps(providers),
        "API_KEY_PEPPER": "a-production-pepper-a-production-pepper",
        "SCHEDULER_ENABLED": "true",
        "LOG_LEVEL": "WARNING",
    }

    assert _loaded_sandbox_modules(_RUN_A_PRODUCTION_GATEWAY, env) == []


def test_sandbox_mode_stands_in_for_every_partner_left_unconfigured() -> None:
    stand_ins = sandbox_wiring.partner_stand_ins(Settings())

    assert [s.name for s in stand_ins] == [
        "api-entreprise", "catalogues", "mesaides", "del", "events", "news",
        "crealia", "franceinitiative", "irdisoridec",
    ]  # fmt: skip
    assert [s.port for s in stand_ins] == [
        Settings().sandbox_port,
        Settings().catalogues_sandbox_port,
        Settings().mesaides_sandbox_port,
        Settings().del_sandbox_port,
        Settings().events_sandbox_port,
        Settings().news_sandbox_port,
        Settings().crealia_sandbox_port,
        Settings().france_initiative_sandbox_port,
        Settings().irdi_soridec_sandbox_port,
    ]


def test_each_stand_in_listens_on_the_port_its_own_setting_names() -> None:
    names = sandbox_wiring.stand_in_port_settings()
    ports = {name: 20001 + i for i, name in enumerate(names)}

    stand_ins = sandbox_wiring.partner_stand_ins(
        Settings(**{name.lower(): port for name, port in ports.items()})  # type: ignore[arg-type]
    )

    assert len(set(names)) == len(stand_ins)
    assert {s.port_setting: s.port for s in stand_ins} == ports


def test_a_partner_with_a_configured_url_gets_no_stand_in() -> None:
    settings = Settings(
        entreprise_url="http://127.0.0.1:9", region_catalogue_url="http://127.0.0.1:9",
        bpifrance_catalogue_url="http://127.0.0.1:9", francenum_url="http://127.0.0.1:9",
        mesaides_url="http://127.0.0.1:9", del_url="http://127.0.0.1:9",
        events_url="http://127.0.0.1:9", news_url="http://127.0.0.1:9/rss.xml",
        crealia_url="http://127.0.0.1:9", france_initiative_url="http://127.0.0.1:9",
        irdi_soridec_url="http://127.0.0.1:9",
    )  # fmt: skip

    assert sandbox_wiring.partner_stand_ins(settings) == []


@asynccontextmanager
async def _gateway(
    settings: Settings, upstream: CountingTransport
) -> AsyncIterator[httpx.AsyncClient]:
    sandbox = httpx.AsyncClient(base_url="http://sandbox.test", transport=upstream)
    async with served(settings, entreprise_client=sandbox, base_url="http://hub") as gateway:
        yield gateway.client


_SHEET = '{ company(siret: "84215637400014") { name turnover { year } } viewer { kind email } }'


def _page_config(html: str) -> Any:
    """The settings GraphiQL's page hands its script (gateway/graphiql.py)."""
    opening = '<script type="application/json" id="graphiql-config">'
    return json.loads(html.split(opening, 1)[1].split("</script>", 1)[0])


_PROVIDERS = [{"issuer": "https://agents.example", "kind": "AGENT"}]


async def test_sandbox_personas_sign_in_as_seeded_accounts_each_with_its_view(
    database_url: str, tmp_path: Path, upstream: CountingTransport
) -> None:
    settings = Settings(database_url=database_url, dev_secret_file=tmp_path / "secret",
                        scheduler_enabled=False)  # fmt: skip
    seen: dict[str, tuple[str, str | None, bool]] = {}
    async with _gateway(settings, upstream) as client:
        answer = await client.get(sandbox_wiring.PERSONAS_PATH)
        assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
        personas = answer.json()["personas"]
        assert [p["id"] for p in personas] == [p.id for p in PERSONAS]  # every account is seeded
        for persona in personas:
            reply = await client.post(
                "/graphql", json={"query": _SHEET}, headers=persona["headers"]
            )
            body: Any = reply.json()
            assert body["data"]["company"]["name"] == "LEROY SAS"
            assert body["data"]["viewer"]["email"] == persona["email"]
            refused = [e["path"] for e in body.get("errors", [])]
            assert refused in ([], [["company", "turnover"]])
            seen[persona["id"]] = (body["data"]["viewer"]["kind"], persona["email"], bool(refused))
    # who sees LEROY's turnover (tier 2), and who is refused it
    assert {persona: (kind, refused) for persona, (kind, _, refused) in seen.items()} == {
        "anonymous": ("ANONYMOUS", True),
        "company-owner": ("COMPANY_USER", False),
        "company-collaborator": ("COMPANY_USER", False),
        "referent": ("AGENT", False),
        "structure-agent": ("AGENT", False),
        "network-agent": ("AGENT", True),
        "project-specialist": ("AGENT", True),
        "project-holder": ("PROJECT_HOLDER", True),
        "administrator": ("ADMIN", False),
    }
    assert seen["referent"][1] == "pierre.durand@cci-gard.example"
    assert seen["company-owner"][1] == "claire.leroy@leroy-sas.example"


async def test_a_production_gateway_serves_no_personas(
    database_url: str, upstream: CountingTransport
) -> None:
    settings = Settings(
        mode="production", database_url=database_url, scheduler_enabled=False,
        entreprise_url="https://entreprise.example", region_catalogue_url="https://region.example",
        bpifrance_catalogue_url="https://bpifrance.example",
        francenum_url="https://francenum.example", mesaides_url="https://mesaides.example",
        crealia_url="https://crealia.example",
        france_initiative_url="https://franceinitiative.example",
        irdi_soridec_url="https://irdisoridec.example",
        del_url="https://del.example", api_key_pepper="a-production-pepper-a-production-pepper",
        events_url="https://openagenda.example", news_url="https://region.example/rss.xml",
        oidc_providers=_PROVIDERS,
    )  # fmt: skip
    async with _gateway(settings, upstream) as client:
        assert (await client.get(sandbox_wiring.PERSONAS_PATH)).status_code == 404
        page = await client.get("/graphql", headers={"Accept": "text/html"})
    assert sandbox_wiring.PERSONAS_PATH not in page.text


async def test_sandbox_mode_beside_a_real_identity_provider_serves_no_personas(
    database_url: str, tmp_path: Path, upstream: CountingTransport
) -> None:
    settings = Settings(database_url=database_url, scheduler_enabled=False,
                        dev_secret_file=tmp_path / "secret", oidc_providers=_PROVIDERS)  # fmt: skip
    async with _gateway(settings, upstream) as client:
        assert (await client.get(sandbox_wiring.PERSONAS_PATH)).status_code == 404
        page = await client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and _page_config(page.text)["personasUrl"] is None


async def test_the_graphiql_page_names_the_personas_in_sandbox_mode(
    database_url: str, tmp_path: Path, upstream: CountingTransport
) -> None:
    settings = Settings(database_url=database_url, dev_secret_file=tmp_path / "secret",
                        scheduler_enabled=False)  # fmt: skip
    async with _gateway(settings, upstream) as client:
        page = await client.get("/graphql", headers={"Accept": "text/html"})
    assert _page_config(page.text)["personasUrl"] == sandbox_wiring.PERSONAS_PATH
