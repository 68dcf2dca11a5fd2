"""graphql-transport-ws over a real socket: a subscription never outlives its token (the
socket is closed with 4403 when the token expires), a valid token naming no account is
acknowledged as anonymous with the reason, an unreachable identity provider is "try again
later" (1013), not "forbidden". Messages are text frames."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from websockets.asyncio.client import ClientConnection

from gateway.app import create_app, dev_issuer
from gateway.settings import Settings
from gateway.websocket import EXPIRED, TRY_AGAIN_LATER
from sandbox.oidc.app import OIDCProvider, create_multi_app, providers_setting
from tests.conftest import CountingTransport
from tests.servers import serving

CLAIRE, CLAIRE_ID = "claire.leroy@leroy-sas.example", "account-claire-leroy"
LIVE = {"query": "subscription { notifications { id kind } }"}
DEV_TTL = 12 * 3600  # the dev issuer's token lifetime


@asynccontextmanager
async def _gateway(settings: Settings, upstream: CountingTransport) -> AsyncIterator[str]:
    sandbox = httpx.AsyncClient(base_url="http://sandbox.test", transport=upstream)
    async with serving(create_app(settings, entreprise_client=sandbox)) as base_url:
        yield base_url.replace("http://", "ws://") + "/graphql"


@asynccontextmanager
async def _connected(url: str, payload: Mapping[str, Any]) -> AsyncIterator[ClientConnection]:
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        yield ws


async def _closed(ws: ClientConnection, within: float) -> tuple[int, str]:
    with pytest.raises(websockets.ConnectionClosed) as closed:
        while True:
            await asyncio.wait_for(ws.recv(), within)
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code, closed.value.rcvd.reason


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=database_url, dev_secret_file=tmp_path / "secret",
                    scheduler_enabled=False)  # fmt: skip


async def test_a_subscription_ends_when_its_token_expires(
    settings: Settings, upstream: CountingTransport
) -> None:
    expires_in = 2
    token = dev_issuer(settings).issue(subject=CLAIRE, email=CLAIRE,
                                       now=time.time() - DEV_TTL + expires_in)  # fmt: skip
    expires_at = time.time() - DEV_TTL + expires_in
    async with (
        _gateway(settings, upstream) as url,
        _connected(url, {"Authorization": f"Bearer {token}"}) as ws,
    ):
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": LIVE}))
        code, reason = await _closed(ws, within=expires_in + 3)
        assert time.time() >= int(expires_at) - 0.05  # not before the token's exp
    assert (code, reason) == (EXPIRED, "Token expired")


async def test_a_valid_token_naming_no_account_is_acknowledged_as_anonymous_with_the_reason(
    settings: Settings, upstream: CountingTransport
) -> None:
    token = dev_issuer(settings).issue(subject="x", email="nobody@nowhere.example")
    async with (
        _gateway(settings, upstream) as url,
        _connected(url, {"Authorization": f"Bearer {token}"}) as ws,
    ):
        frame = await ws.recv()
        assert isinstance(frame, str)  # text frames: graphql-ws clients ignore binary ones
        ack = json.loads(frame)
        assert ack["type"] == "connection_ack"
        assert ack["payload"]["identity"]["code"] == "NO_ACCOUNT_YET"  # may sign up
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": LIVE}))
        frame = await asyncio.wait_for(ws.recv(), 2)
        assert isinstance(frame, str)
        refused = json.loads(frame)
        assert refused["payload"]["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert "signUp" in refused["payload"]["errors"][0]["message"]


async def test_an_unreachable_identity_provider_closes_with_try_again_later(
    settings: Settings, upstream: CountingTransport
) -> None:
    agents = OIDCProvider()
    async with serving(create_multi_app({"agents": agents})) as provider_url:
        agents.issuer = f"{provider_url}/agents"
    oidc = Settings(**{**settings.model_dump(exclude={"oidc_providers"}),
                       "oidc_providers": json.loads(providers_setting({"agents": agents}))})  # fmt: skip
    token = agents.mint({"email": "pierre.durand@cci-gard.example"})
    async with (
        _gateway(oidc, upstream) as url,
        _connected(url, {"Authorization": f"Bearer {token}"}) as ws,
    ):
        code, reason = await _closed(ws, within=5)
    assert code == TRY_AGAIN_LATER and reason.startswith("Identity provider unreachable")
