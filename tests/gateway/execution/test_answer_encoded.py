"""The HTTP view's compiled answer is encoded while the request's audit events are written,
and handed out only once they are committed: never before, never when they cannot be."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest

from auth.identity import Authenticator
from auth.tokens import DevTokenIssuer
from connectors.hubdb.audit import AuditFilter
from gateway.errors import HubSchema
from resolvers.context import Context, Services

DURAND = "pierre.durand@cci-gard.example"
SHEET = '{ company(siret: "84215637400014") { siret turnover { year amount } } }'


async def _durand(services: Services, issuer: DevTokenIssuer) -> Any:
    token = issuer.issue(subject=DURAND, email=DURAND)
    return await Authenticator(issuer, services.hub, services.directory).viewer(f"Bearer {token}")


async def test_the_bytes_wait_for_the_audit_events_to_be_committed(
    schema: HubSchema, services: Services, issuer: DevTokenIssuer, monkeypatch: pytest.MonkeyPatch
) -> None:
    viewer = await _durand(services, issuer)
    schema.compiled.learn(SHEET, None)
    committed, encoded = asyncio.Event(), asyncio.Event()
    write = services.audit.write

    async def held(events: Any) -> None:
        await committed.wait()
        await write(events)

    def encode(response: dict[str, Any]) -> bytes:
        encoded.set()
        return orjson.dumps(response)

    monkeypatch.setattr(services.audit, "write", held)
    answering = asyncio.ensure_future(
        schema.compiled.answer_encoded(
            SHEET, None, None, viewer, Context.create(viewer, services, "held"), encode
        )
    )
    await asyncio.wait_for(encoded.wait(), 5)
    await asyncio.sleep(0.01)
    assert not answering.done()  # encoded, but not handed out: the events are not committed
    committed.set()
    body = await asyncio.wait_for(answering, 5)

    assert body is not None
    assert orjson.loads(body)["data"]["company"]["turnover"]
    assert (await services.audit.page(AuditFilter(), first=10)).total == 1


async def test_no_bytes_when_the_audit_events_cannot_be_written(
    schema: HubSchema, services: Services, issuer: DevTokenIssuer, monkeypatch: pytest.MonkeyPatch
) -> None:
    viewer = await _durand(services, issuer)
    schema.compiled.learn(SHEET, None)

    async def refused(events: Any) -> None:
        raise ConnectionError("the database is down")

    monkeypatch.setattr(services.audit, "write", refused)
    body = await schema.compiled.answer_encoded(
        SHEET, None, None, viewer, Context.create(viewer, services, "refused"), orjson.dumps
    )

    assert body is None  # graphql-core answers it, and refuses the data (AUDIT_UNAVAILABLE)
