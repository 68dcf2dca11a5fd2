"""Error messages carry no internal detail: not what an upstream answered, not its address
or token, not a database statement; unexpected failures are masked with a request id."""

from __future__ import annotations

import json

import httpx
import pytest
import sqlalchemy.exc

from resolvers.context import Services
from tests.conftest import CountingTransport, Run

INTERNAL = "Traceback at /srv/entreprise/app.py line 12: db password hunter2"
SHEET = """
{ company(siret: "84215637400014") {
    name turnover { amount } legalRepresentatives { lastName } compliance { socialUpToDate }
    representatives { email } } }
"""
DURAND = "pierre.durand@cci-gard.example"


def _failing(request: httpx.Request) -> httpx.Response:
    status = 404 if "mandataires" in request.url.path else 500
    return httpx.Response(
        status, json={"errors": [{"code": "99999", "title": INTERNAL, "detail": INTERNAL}]}
    )


@pytest.fixture
def upstream() -> CountingTransport:
    return CountingTransport(httpx.MockTransport(_failing))


async def test_upstream_failures_name_their_source_and_nothing_else(run: Run) -> None:
    result = await run(SHEET, as_=DURAND)
    assert result.data["company"]["representatives"]  # the hub's own fields still answer
    text = json.dumps([e.formatted for e in result.errors])
    codes = {e.extensions["code"] for e in result.errors}
    assert codes <= {"UPSTREAM_UNAVAILABLE", "NOT_FOUND"} and codes
    for detail in ("hunter2", "/srv/", "99999", "sandbox.test", "sandbox-token", "http"):
        assert detail not in text


async def test_a_database_failure_is_masked_with_the_request_id(
    run: Run, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(sirets: object, **options: object) -> object:
        raise sqlalchemy.exc.OperationalError(
            "SELECT password FROM accounts WHERE id = ?",
            {"id": "account-x"},
            Exception("database is locked at /var/lib/hub.db"),
        )

    monkeypatch.setattr(services.companies, "company_facts", broken)  # what the request reads
    result = await run('{ company(siret: "84215637400014") { siret viewerAccess } }', as_=DURAND)
    (error,) = result.errors
    assert error.message == "Unexpected error."
    assert error.extensions == {"code": "INTERNAL_SERVER_ERROR", "requestId": "test-request"}
    text = json.dumps(error.formatted)
    for detail in ("SELECT", "password", "accounts", "/var/lib", "locked"):
        assert detail not in text
