"""A real ``hub-gateway serve`` (sandbox mode, its own ports and SQLite file), driven over
HTTP, its output read back: what an operator's log collector would receive."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.servers import free_port, hub_gateway_command, sandbox_ports, stop, wait_until_ready

SIRET = "84215637400014"
SIREN = SIRET[:9]
AGENT = "pierre.durand@cci-gard.example"
SHEET = f'query CompanySheet {{ company(siret: "{SIRET}") {{ name turnover {{ year amount }} }} }}'
UNKNOWN = 'query Missing { company(siret: "00000000000000") { name } }'
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"


@dataclass(frozen=True)
class Served:
    stdout: str
    stderr: str
    metrics: str

    def log_lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stderr.splitlines() if line.strip()]

    def events(self, name: str) -> list[dict[str, Any]]:
        return [line for line in self.log_lines() if line.get("event") == name]


def _exercise(url: str, env: dict[str, str]) -> str:
    """Some requests of each kind; what ``/metrics`` says after them."""
    token = subprocess.run(
        [*hub_gateway_command(), "token", AGENT],
        env=env,
        capture_output=True,
        check=True,
        text=True,
    ).stdout.strip()
    bearer = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=url, timeout=30.0) as client:
        sheet = client.post(
            "/graphql",
            json={"query": SHEET, "operationName": "CompanySheet"},
            headers={**bearer, "traceparent": TRACEPARENT},
        )
        assert sheet.status_code == 200, sheet.text
        assert sheet.json()["data"]["company"]["name"]
        client.post("/graphql", json={"query": UNKNOWN}, headers=bearer)
        client.post("/graphql", json={"query": "{ nope }"})
        client.post("/graphql", headers={"Authorization": "Bearer not-a-token"}, json={})
        return client.get("/metrics").text


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Served:
    root = tmp_path_factory.mktemp("serve")
    ports = {"PORT": str(free_port()), **sandbox_ports()}
    env = {
        **{k: v for k, v in os.environ.items() if not k.endswith(tuple(ports))},
        "MODE": "sandbox",
        "DATABASE_URL": f"sqlite+aiosqlite:///{root / 'hub.db'}",
        "DEV_SECRET_FILE": str(root / "secret"),
        "MAIL_FOLDER": str(root / "mail"),
        "LOG_LEVEL": "INFO",
        **ports,
    }
    url = f"http://127.0.0.1:{ports['PORT']}"
    out, err = root / "stdout", root / "stderr"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(
            [*hub_gateway_command(), "serve", "--host", "127.0.0.1"],
            cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr,
        )  # fmt: skip
        try:
            asyncio.run(wait_until_ready(f"{url}/readyz", process, err, timeout_s=90))
            metrics = _exercise(url, env)
        finally:
            stop(process, grace_s=20)
    return Served(out.read_text(), err.read_text(), metrics)


def test_every_line_of_output_is_json(served: Served) -> None:
    lines = [line for line in (served.stdout + served.stderr).splitlines() if line.strip()]
    assert served.events("gateway_listening")  # the banner is for a terminal only
    for line in lines:
        assert isinstance(json.loads(line), dict), line


def test_uvicorn_logs_through_the_json_handler(served: Served) -> None:
    loggers = {line.get("logger") for line in served.log_lines()}
    assert "uvicorn.error" in loggers  # "Started server process", "Application startup"…


def test_no_siret_or_siren_reaches_the_output(served: Served) -> None:
    assert SIREN not in served.stderr
    assert SIREN not in served.stdout


def test_each_request_writes_one_access_line(served: Served) -> None:
    lines = served.events("request")
    sheet = next(line for line in lines if line.get("operation") == "CompanySheet")
    assert sheet["status"] == 200
    assert sheet["viewer"] == "AGENT"
    assert sheet["route"] == "/graphql"
    assert sheet["request_id"]
    assert sheet["trace_id"] == TRACE_ID  # the caller's, though no span is exported
    assert sheet["duration_ms"] >= 0
    assert sheet["upstream_calls"] >= 1
    assert sum(sheet["upstream"].values()) == sheet["upstream_calls"]
    refused = next(line for line in lines if line["status"] == 401)
    assert refused["viewer"] is None
    invalid = next(line for line in lines if line.get("operation") == "anonymous")
    assert invalid["error_codes"] == ["GRAPHQL_VALIDATION_FAILED"]
    assert any(line["route"] == "/metrics" for line in lines)


def test_metrics_show_operations_errors_breakers_limits_outbox_and_reminders(
    served: Served,
) -> None:
    metrics = served.metrics
    assert 'hub_graphql_operation_seconds_count{operation="CompanySheet"} 1.0' in metrics
    assert 'hub_graphql_operation_seconds_count{operation="invalid"} 1.0' in metrics
    assert 'hub_graphql_errors_total{code="NOT_FOUND"} 1.0' in metrics
    assert 'hub_upstream_breaker_state{source="insee"} 0.0' in metrics
    assert 'hub_rate_limited_total{limit="api_key"} 0.0' in metrics
    assert "hub_outbox_pending " in metrics
    assert "hub_outbox_oldest_age_seconds " in metrics
    assert 'hub_outbox_emails_total{outcome="sent"}' in metrics
    assert "hub_reminders_sent_total " in metrics
