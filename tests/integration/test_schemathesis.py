"""schemathesis (it speaks GraphQL) against the really running gateway in sandbox mode:
random queries and mutations for every operation of the schema, as anonymous, as a company's
mandataire and as the administrator, a bounded number of examples each, and not one server
error (HTTP 5xx or a masked unexpected error; refusals are answers, not failures)."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path

import httpx
import pytest

from gateway.app import create_app, dev_issuer
from gateway.settings import Settings
from sandbox.entreprise.app import SandboxConfig
from sandbox.entreprise.app import create_app as create_sandbox
from tests.servers import serving

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
EXAMPLES = 8  # per operation and per viewer: 19 operations × 8 × 3 viewers ≈ 450 requests


@pytest.mark.parametrize(
    "email",
    [None, "claire.leroy@leroy-sas.example", "helene.vidal@laregion.example"],
    ids=["anonymous", "mandataire", "admin"],
)
async def test_schemathesis_finds_no_server_error_in_the_running_gateway(
    database_url: str, tmp_path: Path, email: str | None
) -> None:
    settings = Settings(
        database_url=database_url, dev_secret_file=tmp_path / "secret", scheduler_enabled=False,
        # hundreds of requests a minute from one address and one account: the rate limits
        # have their own tests (tests/gateway/test_client_rate_limits.py)
        rate_limit_anonymous=0, rate_limit_person=0,
    )  # fmt: skip
    sandbox = httpx.AsyncClient(
        base_url="http://sandbox.test",
        transport=httpx.ASGITransport(app=create_sandbox(SandboxConfig())),
        headers={"Authorization": "Bearer sandbox-token"},
    )
    headers = []
    if email:
        token = dev_issuer(settings).issue(subject=email, email=email)
        headers = ["-H", f"Authorization: Bearer {token}"]
    async with serving(create_app(settings, entreprise_client=sandbox)) as url:
        process = await asyncio.create_subprocess_exec(
            str(Path(sys.executable).with_name("st")),
            "--config-file",
            str(HERE / "schemathesis.toml"),
            "run",
            f"{url}/graphql",
            "--max-examples",
            str(EXAMPLES),
            "--exclude-checks",
            "not_a_server_error,positive_data_acceptance",
            "--generation-deterministic",
            "--workers",
            "1",
            "--no-color",
            *headers,
            cwd=tmp_path,  # its crash cache stays out of the work tree
            env={
                **os.environ,
                "SCHEMATHESIS_HOOKS": "tests.integration.schemathesis_hooks",
                "PYTHONPATH": str(ROOT),
            },
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await asyncio.wait_for(process.communicate(), timeout=240)
        report = output.decode(errors="replace")
        assert process.returncode == 0, report[-6000:]
        counted = re.search(r"(\d+) generated, (\d+) passed", report)
        assert counted and int(counted[1]) == int(counted[2]) >= 100, report[-2000:]
        async with httpx.AsyncClient(base_url=url) as client:  # unharmed afterwards
            after = await client.post("/graphql", json={"query": "{ viewer { kind } }"})
            assert after.json() == {"data": {"viewer": {"kind": "ANONYMOUS"}}}
