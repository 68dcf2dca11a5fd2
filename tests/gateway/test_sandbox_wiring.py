"""The sandbox is a neighbour, not a tenant: production code never loads it, and sandbox
mode reaches it through ``gateway.sandbox_wiring`` only."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from gateway import sandbox_wiring
from gateway.settings import Settings

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
        "MESAIDES_URL": "https://mesaides.example",
        "DEL_URL": "https://del.example",
        "OIDC_PROVIDERS": json.dumps(providers),
        "API_KEY_PEPPER": "a-production-pepper-a-production-pepper",
        "SCHEDULER_ENABLED": "true",
        "LOG_LEVEL": "WARNING",
    }

    assert _loaded_sandbox_modules(_RUN_A_PRODUCTION_GATEWAY, env) == []


def test_sandbox_mode_stands_in_for_every_partner_left_unconfigured() -> None:
    stand_ins = sandbox_wiring.partner_stand_ins(Settings())

    assert [s.name for s in stand_ins] == ["api-entreprise", "catalogues", "mesaides", "del"]
    assert [s.port for s in stand_ins] == [
        Settings().sandbox_port,
        Settings().catalogues_sandbox_port,
        Settings().mesaides_sandbox_port,
        Settings().del_sandbox_port,
    ]


def test_a_partner_with_a_configured_url_gets_no_stand_in() -> None:
    settings = Settings(
        entreprise_url="http://127.0.0.1:9", region_catalogue_url="http://127.0.0.1:9",
        bpifrance_catalogue_url="http://127.0.0.1:9", francenum_url="http://127.0.0.1:9",
        mesaides_url="http://127.0.0.1:9", del_url="http://127.0.0.1:9",
    )  # fmt: skip

    assert sandbox_wiring.partner_stand_ins(settings) == []
