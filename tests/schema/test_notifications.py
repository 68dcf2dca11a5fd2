"""Notifications through the real schema: each viewer lists and marks its own only, and the
subscription delivers, live, the viewer's notifications and nobody else's; one test runs
it end to end over a real websocket (graphql-transport-ws)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncGenerator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from strawberry.types import ExecutionResult

from auth.identity import Authenticator
from auth.tokens import DevTokenIssuer, InvalidToken
from auth.viewer import ANONYMOUS, ViewerKind
from gateway.app import create_app, dev_issuer
from gateway.errors import HubSchema
from gateway.settings import Settings
from resolvers.context import Context, Services
from resolvers.notifications import viewer_for_websocket
from tests.conftest import CountingTransport, Run, errors_by_path
from tests.servers import serving

CLAIRE, DURAND = "claire.leroy@leroy-sas.example", "pierre.durand@cci-gard.example"
CLAIRE_ID, DURAND_ID = "account-claire-leroy", "account-pierre-durand"
T0 = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)

LIST = """query ($first: Int, $after: String, $unreadOnly: Boolean) {
  notifications(first: $first, after: $after, unreadOnly: $unreadOnly) {
    totalCount edges { cursor node { id kind payload createdAt read } }
    pageInfo { hasNextPage endCursor }
  }
}"""
MARK = "mutation ($ids: [ID!]!) { markNotificationsRead(ids: $ids) }"
LIVE = "subscription { notifications { id kind payload createdAt read } }"


async def _notify(services: Services, account_id: str, n: int, **payload: Any) -> dict[str, Any]:
    async with services.writer.transaction() as tx:
        message = await tx.notify(
            account_id=account_id, kind="REFERENT_CHOSEN", payload={"n": n, **payload},
            dedupe_key=f"test:{account_id}:{n}", now=T0 + timedelta(minutes=n),
        )  # fmt: skip
    assert message is not None
    return message


@pytest.fixture
def authenticator(services: Services, issuer: DevTokenIssuer) -> Authenticator:
    return Authenticator(issuer, services.hub, services.directory)


async def _context(services: Services, authenticator: Authenticator, issuer: DevTokenIssuer,
                   email: str | None) -> Context:  # fmt: skip
    """As a websocket connection makes it: the token comes in ``connection_init``."""
    params = {} if email is None else {
        "Authorization": f"Bearer {issuer.issue(subject=email, email=email)}"
    }  # fmt: skip
    viewer = await viewer_for_websocket(params, authenticator)
    return Context.create(viewer, services, "test-ws")


async def test_anonymous_is_refused(run: Run) -> None:
    listed = await run(LIST)
    assert listed.data == {"notifications": None}
    assert errors_by_path(listed) == {"notifications": "FORBIDDEN"}
    marked = await run(MARK, variables={"ids": ["x"]})
    assert marked.data == {"markNotificationsRead": None}
    assert errors_by_path(marked) == {"markNotificationsRead": "UNAUTHENTICATED"}


async def test_a_viewer_sees_only_its_own_newest_first(run: Run, services: Services) -> None:
    mine = [await _notify(services, CLAIRE_ID, n, siret="84215637400014") for n in range(3)]
    await _notify(services, DURAND_ID, 9)
    first = await run(LIST, as_=CLAIRE, variables={"first": 2})
    assert first.errors is None
    connection = first.data["notifications"]
    assert connection["totalCount"] == 3 and connection["pageInfo"]["hasNextPage"] is True
    nodes = [edge["node"] for edge in connection["edges"]]
    assert [node["id"] for node in nodes] == [mine[2]["id"], mine[1]["id"]]
    assert nodes[0] == {"id": mine[2]["id"], "kind": "REFERENT_CHOSEN", "read": False,
                        "payload": {"n": 2, "siret": "84215637400014"},
                        "createdAt": "2025-01-06T09:02:00+00:00"}  # fmt: skip
    rest = await run(LIST, as_=CLAIRE, variables={
        "first": 2, "after": connection["pageInfo"]["endCursor"]
    })  # fmt: skip
    assert [e["node"]["id"] for e in rest.data["notifications"]["edges"]] == [mine[0]["id"]]
    durand = await run(LIST, as_=DURAND)
    assert [e["node"]["payload"]["n"] for e in durand.data["notifications"]["edges"]] == [9]


async def test_marking_read_counts_and_filters(run: Run, services: Services) -> None:
    mine = [await _notify(services, CLAIRE_ID, n) for n in range(3)]
    marked = await run(MARK, as_=CLAIRE, variables={"ids": [mine[0]["id"], mine[1]["id"]]})
    assert marked.errors is None and marked.data == {"markNotificationsRead": 2}
    unread = await run(LIST, as_=CLAIRE, variables={"unreadOnly": True})
    assert [e["node"]["id"] for e in unread.data["notifications"]["edges"]] == [mine[2]["id"]]
    assert unread.data["notifications"]["totalCount"] == 1
    everything = await run(LIST, as_=CLAIRE)
    assert [e["node"]["read"] for e in everything.data["notifications"]["edges"]] == [
        False, True, True,
    ]  # fmt: skip


async def test_marking_another_accounts_ids_changes_nothing(run: Run, services: Services) -> None:
    durand = await _notify(services, DURAND_ID, 1)
    marked = await run(MARK, as_=CLAIRE, variables={"ids": [durand["id"], "unknown"]})
    assert marked.errors is None and marked.data == {"markNotificationsRead": 0}
    listed = await run(LIST, as_=DURAND, variables={"unreadOnly": True})
    assert [e["node"]["id"] for e in listed.data["notifications"]["edges"]] == [durand["id"]]


async def test_viewer_counts_its_unread_notifications(run: Run, services: Services) -> None:
    mine = [await _notify(services, CLAIRE_ID, n) for n in range(3)]
    await _notify(services, DURAND_ID, 9)
    await run(MARK, as_=CLAIRE, variables={"ids": [mine[0]["id"]]})
    counted = await run("{ viewer { unreadNotifications } }", as_=CLAIRE)
    assert counted.errors is None and counted.data == {"viewer": {"unreadNotifications": 2}}
    anonymous = await run("{ viewer { unreadNotifications } }")
    assert errors_by_path(anonymous) == {"viewer.unreadNotifications": "FORBIDDEN"}


@pytest.mark.parametrize(("variables", "argument"), [
    ({"first": 0}, "first"), ({"first": 101}, "first"), ({"after": "nonsense"}, "after"),
])  # fmt: skip
async def test_bad_paging_is_bad_user_input(
    run: Run, variables: dict[str, Any], argument: str
) -> None:
    result = await run(LIST, as_=CLAIRE, variables=variables)
    assert errors_by_path(result) == {"notifications": "BAD_USER_INPUT"}
    assert result.errors[0].extensions["argument"] == argument


async def _subscribe(schema: HubSchema, context: Context) -> AsyncGenerator[ExecutionResult, None]:
    stream = await schema.subscribe(LIVE, context_value=context)
    assert not isinstance(stream, ExecutionResult), stream
    return stream


async def _until_subscribed(services: Services, account_id: str, count: int = 1) -> None:
    async with asyncio.timeout(2):
        while services.broker.local_subscribers(account_id) != count:  # type: ignore[attr-defined]
            await asyncio.sleep(0.005)


async def test_a_published_notification_reaches_its_account_only(
    schema: HubSchema, services: Services, authenticator: Authenticator, issuer: DevTokenIssuer
) -> None:
    claire_stream = await _subscribe(
        schema, await _context(services, authenticator, issuer, CLAIRE)
    )
    durand_stream = await _subscribe(
        schema, await _context(services, authenticator, issuer, DURAND)
    )
    claire_next = asyncio.ensure_future(anext(claire_stream))
    durand_next = asyncio.ensure_future(anext(durand_stream))
    try:
        await _until_subscribed(services, CLAIRE_ID)
        await _until_subscribed(services, DURAND_ID)
        message = await _notify(services, CLAIRE_ID, 1, agent="Pierre Durand")
        await services.broker.publish(CLAIRE_ID, message)
        result = await asyncio.wait_for(claire_next, 2)
        assert result.errors is None
        assert result.data == {"notifications": {
            "id": message["id"], "kind": "REFERENT_CHOSEN", "read": False,
            "payload": {"n": 1, "agent": "Pierre Durand"}, "createdAt": "2025-01-06T09:01:00+00:00",
        }}  # fmt: skip
        await asyncio.sleep(0.05)
        assert not durand_next.done()
    finally:
        durand_next.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await durand_next
        await claire_stream.aclose()
        await durand_stream.aclose()
    assert services.broker.local_subscribers(CLAIRE_ID) == 0  # type: ignore[attr-defined]
    assert services.broker.local_subscribers(DURAND_ID) == 0  # type: ignore[attr-defined]


async def test_a_cut_down_message_is_read_from_the_store(
    schema: HubSchema, services: Services, authenticator: Authenticator, issuer: DevTokenIssuer
) -> None:
    stream = await _subscribe(schema, await _context(services, authenticator, issuer, CLAIRE))
    following = asyncio.ensure_future(anext(stream))
    try:
        await _until_subscribed(services, CLAIRE_ID)
        durand = await _notify(services, DURAND_ID, 2)
        mine = await _notify(services, CLAIRE_ID, 3, big="payload")
        for message in (durand, mine):  # a stub naming another's notification is dropped
            stub = {key: message[key] for key in ("id", "accountId", "kind", "createdAt")}
            await services.broker.publish(CLAIRE_ID, stub)
        result = await asyncio.wait_for(following, 2)
        assert result.data["notifications"]["id"] == mine["id"]
        assert result.data["notifications"]["payload"] == {"n": 3, "big": "payload"}
    finally:
        await stream.aclose()


async def test_anonymous_subscription_is_unauthenticated(
    schema: HubSchema, services: Services
) -> None:
    stream = await _subscribe(schema, Context.create(ANONYMOUS, services, "test-ws"))
    result = await asyncio.wait_for(anext(stream), 2)
    await stream.aclose()
    assert result.data is None
    assert [error.extensions["code"] for error in result.errors] == ["UNAUTHENTICATED"]


async def test_websocket_viewer_comes_from_connection_params(
    authenticator: Authenticator, issuer: DevTokenIssuer
) -> None:
    token = issuer.issue(subject=CLAIRE, email=CLAIRE)
    viewer = await viewer_for_websocket({"authorization": f"Bearer {token}"}, authenticator)
    assert viewer.kind is ViewerKind.COMPANY_USER and viewer.account_id == CLAIRE_ID
    assert await viewer_for_websocket(None, authenticator) is ANONYMOUS
    with pytest.raises(InvalidToken):
        await viewer_for_websocket({"Authorization": "Bearer forged"}, authenticator)
    with pytest.raises(InvalidToken):
        await viewer_for_websocket({"Authorization": ["Bearer", token]}, authenticator)


async def test_end_to_end_over_graphql_transport_ws(
    database_url: str, tmp_path: Path, upstream: CountingTransport
) -> None:
    settings = Settings(database_url=database_url, dev_secret_file=tmp_path / "secret")
    token = dev_issuer(settings).issue(subject=CLAIRE, email=CLAIRE)
    sandbox = httpx.AsyncClient(base_url="http://sandbox.test", transport=upstream)
    app = create_app(settings, entreprise_client=sandbox)
    async with serving(app) as base_url:
        services: Services = app.state.services
        url = base_url.replace("http://", "ws://") + "/graphql"
        async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
            await ws.send(json.dumps({"type": "connection_init",
                                      "payload": {"Authorization": f"Bearer {token}"}}))  # fmt: skip
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": LIVE}}))
            await _until_subscribed(services, CLAIRE_ID)
            message = await _notify(services, CLAIRE_ID, 4)
            await services.broker.publish(CLAIRE_ID, message)
            received = json.loads(await asyncio.wait_for(ws.recv(), 2))
            assert received["type"] == "next" and received["id"] == "1"
            assert received["payload"]["data"]["notifications"]["id"] == message["id"]
            await ws.send(json.dumps({"id": "1", "type": "complete"}))
            await _until_subscribed(services, CLAIRE_ID, 0)

            # queries and mutations go over HTTP, where access is read afresh each time
            await ws.send(
                json.dumps(
                    {
                        "id": "2",
                        "type": "subscribe",
                        "payload": {
                            "query": '{ company(siret: "84215637400014") { turnover { year } } }'
                        },
                    }
                )
            )
            refused = json.loads(await asyncio.wait_for(ws.recv(), 2))
            assert refused["id"] == "2"
            payload = refused["payload"]
            errors = payload if refused["type"] == "error" else payload["errors"]
            assert "subscriptions only" in json.dumps(errors)
            assert refused["type"] == "error" or not (payload.get("data") or {}).get("company")

        async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
            await ws.send(json.dumps({"type": "connection_init",
                                      "payload": {"Authorization": "Bearer forged"}}))  # fmt: skip
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), 2)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403
