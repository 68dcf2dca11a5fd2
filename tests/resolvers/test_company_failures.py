"""Partners failing: the company still answers what it can, each failure says its source."""

from __future__ import annotations

import dataclasses

import httpx
import pytest

from connectors.entreprise import EntrepriseConfig
from sandbox.entreprise.app import SandboxConfig
from tests.conftest import CountingTransport, Run, errors_by_path

SHEET = """{ company(siret: "84215637400014") {
  siret name representatives { email } referent { status } collaborators { email }
  turnover { year } projects { title } } }"""
DURAND = "pierre.durand@cci-gard.example"


async def _set_faults(upstream: CountingTransport, **faults: float) -> None:
    async with httpx.AsyncClient(transport=upstream, base_url="http://sandbox.test") as client:
        response = await client.post("/_sandbox/faults", json=faults)
        response.raise_for_status()


class TestWhenApiEntrepriseIsDown:
    @pytest.fixture
    def sandbox_config(self) -> SandboxConfig:
        return SandboxConfig(error_rate=1.0)

    async def test_upstream_fields_are_unavailable_and_hub_fields_still_answer(
        self, run: Run
    ) -> None:
        result = await run(SHEET, as_=DURAND)
        company = result.data["company"]
        assert company["siret"] == "84215637400014"
        assert company["representatives"] == [{"email": "claire.leroy@leroy-sas.example"}]
        assert company["referent"] == {"status": "ACCEPTED"}
        assert company["projects"] == [{"title": "Pile à combustible hydrogène"}]
        assert company["name"] is None and company["turnover"] is None
        errors = errors_by_path(result)
        assert errors == {
            "company.name": "UPSTREAM_UNAVAILABLE",
            "company.turnover": "UPSTREAM_UNAVAILABLE",
        }
        sources = {".".join(map(str, e.path)): e.extensions["source"] for e in result.errors}
        assert sources == {"company.name": "insee", "company.turnover": "dgfip"}


class TestWhenApiEntrepriseRateLimits:
    @pytest.fixture
    def sandbox_config(self) -> SandboxConfig:
        return SandboxConfig(rate_limit_rate=1.0)

    async def test_fields_say_rate_limited(self, run: Run) -> None:
        result = await run('{ company(siret: "84215637400014") { siret name } }')
        assert errors_by_path(result) == {"company.name": "RATE_LIMITED"}
        assert result.data["company"]["siret"] == "84215637400014"


class TestStaleIfError:
    @pytest.fixture
    def entreprise_config(self, entreprise_config: EntrepriseConfig) -> EntrepriseConfig:
        # Entries are stale at once, so the second read goes upstream and must fall back.
        ttl = {name: 0.0 for name in entreprise_config.ttl}
        return dataclasses.replace(entreprise_config, ttl=ttl)

    async def test_cached_data_is_served_stale_when_the_source_fails(
        self, run: Run, upstream: CountingTransport
    ) -> None:
        first = await run(SHEET, as_=DURAND)
        assert first.errors is None
        await _set_faults(upstream, error_rate=1.0)
        second = await run(SHEET, as_=DURAND)
        assert second.errors is None
        assert second.data == first.data
        assert upstream.count("etablissements") >= 2  # it did try the source again
