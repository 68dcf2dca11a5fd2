"""Real HTTP end to end for news and events: the OpenAgenda and news feed sandboxes served
by uvicorn, the gateway served over them on the seeded hub database: anyone reads the events
and the news; a signed-in person sets its filières, sees them applied, keeps an event."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.app import create_app, dev_issuer
from gateway.settings import Settings
from sandbox.events import create_app as create_events
from sandbox.news import create_app as create_news
from sandbox.news.app import FEED_PATH
from tests.servers import serving

CLAIRE = "claire.leroy@leroy-sas.example"
FEEDS = """query ($f: [Filiere!]) {
  events(first: 100, filter: {filieres: $f}) { totalCount edges { node { id filieres } } }
  news(first: 100, filter: {filieres: $f}) { totalCount edges { node { id filieres } } } }"""
MINE = "{ viewer { preferences { filieres } favourites { kind id } } }"


@pytest.fixture
async def gateway(tmp_path: Path, database_url: str) -> AsyncIterator[tuple[str, Settings]]:
    async with serving(create_events()) as events, serving(create_news()) as news:
        settings = Settings(
            database_url=database_url,
            events_url=events,
            news_url=f"{news}{FEED_PATH}",
            dev_secret_file=tmp_path / "secret",
        )
        async with serving(create_app(settings)) as url:
            yield url, settings


async def _post(url: str, query: str, token: str | None = None, **variables: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(base_url=url) as client:
        response = await client.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
    assert response.status_code == 200
    return response.json()


async def test_anyone_reads_events_and_news_and_a_person_keeps_its_own(
    gateway: tuple[str, Settings],
) -> None:
    url, settings = gateway
    token = dev_issuer(settings).issue(subject="claire", email=CLAIRE)

    anonymous = await _post(url, FEEDS)
    refused = await _post(url, MINE)
    chosen = await _post(
        url, "mutation { setPreferences(filieres: [TOURISME]) { filieres } }", token
    )
    mine = await _post(url, FEEDS, token)
    event = mine["data"]["events"]["edges"][0]["node"]["id"]
    kept = await _post(
        url, "mutation ($id: ID!) { addFavourite(kind: EVENT, id: $id) { id } }", token, id=event
    )
    own = await _post(url, MINE, token)

    assert "errors" not in anonymous
    assert anonymous["data"]["events"]["totalCount"] > mine["data"]["events"]["totalCount"] > 0
    assert anonymous["data"]["news"]["totalCount"] > mine["data"]["news"]["totalCount"] > 0
    assert {e["extensions"]["code"] for e in refused["errors"]} == {"UNAUTHENTICATED"}
    assert chosen["data"] == {"setPreferences": {"filieres": ["TOURISME"]}}
    for field in ("events", "news"):
        assert all("TOURISME" in e["node"]["filieres"] for e in mine["data"][field]["edges"])
    assert kept.get("data") == {"addFavourite": [{"id": event}]}, kept
    assert own["data"]["viewer"] == {
        "preferences": {"filieres": ["TOURISME"]}, "favourites": [{"kind": "EVENT", "id": event}],
    }  # fmt: skip
