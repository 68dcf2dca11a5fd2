"""No viewer ever receives another viewer's view: after the administrator has warmed every
cache (a token's viewer, the directory, the raw upstream responses, parsed and validated
documents, the company prefetch), anonymous and a user of another company get exactly what
a cold gateway gives them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.app import dev_issuer
from gateway.settings import Settings
from sandbox.entreprise.app import SandboxConfig
from sandbox.entreprise.app import create_app as create_sandbox
from tests.conftest import CountingTransport
from tests.gateway.serving import served

VIDAL = "helene.vidal@laregion.example"
ANTOINE = "antoine.fabre@menuiserie-fabre.example"
DOCUMENTS = [
    """query Sheet($siret: String!) { company(siret: $siret) {
        siret name address { street city } viewerAccess
        representatives { name email phone } referent { status agent { name email phone } }
        legalRepresentatives { firstName lastName role } collaborators { name email phone }
        turnover { year amount } compliance { socialUpToDate fiscalUpToDate }
        projects { title actors { role agent { name email } } } } }""",
    """query Directory { agents(first: 5, filter: {name: "Durand"}) { totalCount
        edges { node { id name email phone structure { name } } } }
        agent(id: "agent-pierre-durand") { name email phone } }""",
    (
        "query Me { viewer { kind email name companies { siret turnover { amount } } "
        "portfolio(first: 5) { totalCount edges { node { siret collaborators { email } } } } } }"
    ),
]
SIRETS = ["84215637400014", "51234987900027", "90012345600015"]


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url, dev_secret_file=tmp_path / "secret", scheduler_enabled=False
    )


@asynccontextmanager
async def _gateway(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """A new gateway process-worth of caches (its own services and raw cache)."""
    upstream = CountingTransport(httpx.ASGITransport(app=create_sandbox(SandboxConfig())))
    sandbox = httpx.AsyncClient(
        base_url="http://sandbox.test",
        transport=upstream,
        headers={"Authorization": "Bearer sandbox-token"},
    )
    async with served(settings, entreprise_client=sandbox) as gateway:
        yield gateway.client


async def _views(client: httpx.AsyncClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    answers = []
    for document in DOCUMENTS:
        for siret in SIRETS if "$siret" in document else [None]:
            response = await client.post(
                "/graphql",
                headers=headers,
                json={"query": document, "variables": {"siret": siret} if siret else {}},
            )
            assert response.status_code == 200
            answer = response.json()
            # errors come in the order fields resolved, which timing (cold or warm) changes
            answer["errors"] = sorted(answer.get("errors", ()), key=lambda e: str(e["path"]))
            answers.append(answer)
    return answers


async def test_after_the_admin_warmed_every_cache_others_get_only_their_own_view(
    settings: Settings,
) -> None:
    issuer = dev_issuer(settings)

    def bearer(email: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {issuer.issue(subject=email, email=email)}"}

    async with _gateway(settings) as cold:
        cold_anonymous = await _views(cold, {})
        cold_antoine = await _views(cold, bearer(ANTOINE))

    async with _gateway(settings) as warm:
        admin = bearer(VIDAL)
        first = await _views(warm, admin)
        assert first == await _views(warm, admin)  # warm now, and the admin saw everything
        assert all(_only_upstream(answer) for answer in first)
        assert await _views(warm, {}) == cold_anonymous
        assert await _views(warm, bearer(ANTOINE)) == cold_antoine
        # and the other way: the admin's view is not narrowed by what others warmed
        assert await _views(warm, admin) == first

    refused = [e for answer in cold_anonymous for e in answer.get("errors", ())]
    assert {e["extensions"]["code"] for e in refused} >= {"FORBIDDEN"}


def _only_upstream(answer: dict[str, Any]) -> bool:
    """The admin may see upstream gaps (a sole trader has no Infogreffe record), never a
    refusal."""
    return all(e["extensions"]["code"] == "NOT_FOUND" for e in answer["errors"])
