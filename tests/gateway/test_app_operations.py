"""What an operator relies on: /readyz checks every backend configured (bounded), /metrics
and GraphiQL are not open to anyone in production, the start-up banner tells the truth, and
start-up failures are one clear line."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway import cli
from gateway.app import metrics_app
from gateway.settings import Settings
from tests.gateway.serving import served

PRODUCTION: dict[str, Any] = {
    "mode": "production",
    "entreprise_url": "http://127.0.0.1:9",
    "oidc_issuer": "http://127.0.0.1:9/idp",
    "region_catalogue_url": "http://127.0.0.1:9",
    "bpifrance_catalogue_url": "http://127.0.0.1:9",
    "francenum_url": "http://127.0.0.1:9",
    "crealia_url": "http://127.0.0.1:9",
    "france_initiative_url": "http://127.0.0.1:9",
    "irdi_soridec_url": "http://127.0.0.1:9",
    "mesaides_url": "http://127.0.0.1:9",
    "del_url": "http://127.0.0.1:9",
    "events_url": "http://127.0.0.1:9",
    "news_url": "http://127.0.0.1:9",
    "api_key_pepper": "test-api-key-pepper-test-pepper",
}
NOTHING_LISTENS = "redis://127.0.0.1:9/0"


def _settings(database_url: str, tmp_path: Path, **overrides: Any) -> Settings:
    return Settings(
        database_url=database_url, dev_secret_file=tmp_path / "secret", scheduler_enabled=False,
        file_store_path=tmp_path / "files", api_key_pepper_file=tmp_path / "pepper", **overrides,
    )  # fmt: skip


def _catalogues(statuses: dict[str, int]) -> dict[str, httpx.AsyncClient]:
    """Catalogue clients whose source answers its status (200 with an empty page otherwise)."""

    def answer(source: str) -> httpx.MockTransport:
        def handle(request: httpx.Request) -> httpx.Response:
            status = statuses.get(source, 200)
            return httpx.Response(status, json={"data": [], "results": [], "items": []})

        return httpx.MockTransport(handle)

    return {
        source: httpx.AsyncClient(base_url="http://catalogue.test", transport=answer(source))
        for source in (
            "region", "bpifrance", "francenum", "crealia", "franceinitiative", "irdisoridec",
        )
    }  # fmt: skip


async def test_readyz_fails_naming_a_catalogue_that_answers_404_at_start(
    database_url: str, tmp_path: Path
) -> None:
    settings = _settings(database_url, tmp_path)
    clients = _catalogues({"bpifrance": 401, "francenum": 404})
    async with served(settings, catalogue_clients=clients) as gateway:
        response = await gateway.client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable" and body["database"] == "ok"
    assert sorted(body["catalogues"]) == ["bpifrance", "francenum"]
    assert "HTTP 401" in body["catalogues"]["bpifrance"]


async def test_readyz_names_a_financer_whose_key_is_refused_at_start(
    database_url: str, tmp_path: Path
) -> None:
    settings = _settings(database_url, tmp_path)
    clients = _catalogues({"franceinitiative": 401, "irdisoridec": 404})
    async with served(settings, catalogue_clients=clients) as gateway:
        response = await gateway.client.get("/readyz")
    assert response.status_code == 503
    catalogues = response.json()["catalogues"]
    assert sorted(catalogues) == ["franceinitiative", "irdisoridec"]
    assert "HTTP 401" in catalogues["franceinitiative"]
    assert "/franceinitiative/v1/honour-loans" in catalogues["franceinitiative"]


async def test_readyz_is_ok_when_the_catalogues_answer(database_url: str, tmp_path: Path) -> None:
    async with served(
        _settings(database_url, tmp_path), catalogue_clients=_catalogues({})
    ) as gateway:
        response = await gateway.client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "catalogues": "ok"}


async def test_readyz_fails_when_the_configured_redis_does_not_answer(
    database_url: str, tmp_path: Path
) -> None:
    settings = _settings(database_url, tmp_path, cache_url=NOTHING_LISTENS,
                         readiness_timeout_s=1.0)  # fmt: skip
    async with served(settings, catalogue_clients=_catalogues({})) as gateway:
        response = await gateway.client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["redis"] in ("down", "timeout")


async def test_readyz_checks_the_configured_redis(database_url: str, tmp_path: Path) -> None:
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set: no Redis to check readiness against")
    settings = _settings(database_url, tmp_path, cache_url=url, broker_url=url)
    async with served(settings, catalogue_clients=_catalogues({})) as gateway:
        response = await gateway.client.get("/readyz")
    assert response.status_code == 200 and response.json()["redis"] == "ok"


async def test_metrics_are_open_in_sandbox_mode(database_url: str, tmp_path: Path) -> None:
    async with served(_settings(database_url, tmp_path)) as gateway:
        response = await gateway.client.get("/metrics")
    assert response.status_code == 200 and "hub_http_requests_total" in response.text


async def test_production_serves_no_metrics_graphiql_or_introspection_on_the_public_port(
    database_url: str, tmp_path: Path
) -> None:
    settings = _settings(database_url, tmp_path, **PRODUCTION)
    async with served(settings) as gateway:
        metrics = await gateway.client.get("/metrics")
        graphiql = await gateway.client.get("/graphql", headers={"Accept": "text/html"})
    assert metrics.status_code == 404
    assert graphiql.status_code != 200 and "graphiql" not in graphiql.text.lower()


async def test_graphiql_can_be_turned_on_in_production(database_url: str, tmp_path: Path) -> None:
    settings = _settings(database_url, tmp_path, graphiql=True, **PRODUCTION)
    async with served(settings) as gateway:
        response = await gateway.client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200 and "/static/graphiql/" in response.text


async def test_metrics_token_guards_metrics_on_the_public_port(
    database_url: str, tmp_path: Path
) -> None:
    settings = _settings(database_url, tmp_path, metrics_token="m3trics-t0ken", **PRODUCTION)
    async with served(settings) as gateway:
        refused = await gateway.client.get("/metrics")
        wrong = await gateway.client.get("/metrics", headers={"Authorization": "Bearer nope"})
        allowed = await gateway.client.get(
            "/metrics", headers={"Authorization": "Bearer m3trics-t0ken"}
        )
    assert refused.status_code == wrong.status_code == 401
    assert refused.headers["www-authenticate"] == "Bearer"
    assert allowed.status_code == 200 and "hub_http_requests_total" in allowed.text


async def test_the_metrics_port_app_serves_metrics_alone() -> None:
    app = metrics_app(Settings(**PRODUCTION, metrics_port=9100))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://metrics.test") as client:
        assert (await client.get("/metrics")).status_code == 200
        assert (await client.get("/graphql")).status_code == 404


def test_the_production_banner_advertises_no_sandbox_tool() -> None:
    banner = cli._banner(Settings(**PRODUCTION))
    assert "hub-gateway (production)" in banner
    for sandbox_only in ("api-key", "SMTP sink", "e-mails", "token", "GraphiQL"):
        assert sandbox_only not in banner
    assert "metrics:    not served" in banner


def test_the_sandbox_banner_shows_the_sandbox_tools() -> None:
    banner = cli._banner(Settings())
    assert "api-key" in banner and "the sandbox SMTP sink" in banner and "GraphiQL" in banner


@pytest.fixture
def quiet_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "configure_logging", lambda level: None)  # keep global logging


@pytest.mark.parametrize(
    "command",
    [
        ["migrate"],
        ["serve", "--no-migrate", "--port", "0"],
        ["token", "pierre.durand@cci-gard.example"],
        ["api-key", "--structure", "cci-gard"],
        ["bootstrap-admin", "--email", "a@region.example", "--structure", "region"],
        ["import-directory", "{missing}"],
    ],
)
def test_an_unreachable_database_is_one_line_without_password(
    quiet_cli: None, command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://hub:s3cret-pw@127.0.0.1:9/hub")
    monkeypatch.setenv("DEV_SECRET_FILE", str(tmp_path / "secret"))
    monkeypatch.setenv("API_KEY_PEPPER_FILE", str(tmp_path / "pepper"))
    code = cli.main([part.format(missing=tmp_path / "none.csv") for part in command])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    assert "s3cret-pw" not in captured.err + captured.out
    assert "hub:***@127.0.0.1:9/hub" in captured.err and "DATABASE_URL" in captured.err


def test_a_busy_sandbox_port_is_one_line_naming_its_setting(
    quiet_cli: None, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        busy = holder.getsockname()[1]
        monkeypatch.setenv("DATABASE_URL", database_url)
        monkeypatch.setenv("DEV_SECRET_FILE", str(tmp_path / "secret"))
        monkeypatch.setenv("API_KEY_PEPPER_FILE", str(tmp_path / "pepper"))
        monkeypatch.setenv("SANDBOX_PORT", str(busy))
        code = cli.main(["serve", "--no-migrate", "--port", "0"])
    captured = capsys.readouterr()
    assert code == 2
    assert f"port {busy} on 127.0.0.1 is in use (SANDBOX_PORT)" in captured.err
    assert "Traceback" not in captured.err
