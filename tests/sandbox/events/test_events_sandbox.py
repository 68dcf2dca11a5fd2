"""The OpenAgenda stand-in: its seed, its paging, its key, its faults — and the real
connector reads it whole."""

from __future__ import annotations

from datetime import UTC, date, datetime

import httpx

from connectors.cache import RawCache
from connectors.events import EventsConfig, EventsConnector
from sandbox.events import EventsSandboxConfig, create_app
from sandbox.events.app import EVENTS_KEY
from sandbox.events.seed import AGENDA_UID, seed_events

TODAY = date(2026, 12, 4)
EVENTS = f"/v2/agendas/{AGENDA_UID}/events"


def _client(config: EventsSandboxConfig | None = None) -> httpx.AsyncClient:
    app = create_app(config or EventsSandboxConfig(today=TODAY))
    return httpx.AsyncClient(
        base_url="http://openagenda.test",
        transport=httpx.ASGITransport(app=app),
        headers={"key": EVENTS_KEY},
    )


def test_the_seed_is_the_same_for_a_seed_and_a_day() -> None:
    assert seed_events(TODAY) == seed_events(TODAY)
    assert seed_events(TODAY) != seed_events(TODAY, seed=1)
    assert all(e["title"]["fr"] and e["timings"] for e in seed_events(TODAY))


async def test_pages_follow_after_without_gaps_or_repeats() -> None:
    async with _client() as client:
        seen: list[int] = []
        params: dict[str, str | int] = {"size": 7}
        while True:
            body = (await client.get(EVENTS, params=params)).json()
            seen += [e["uid"] for e in body["events"]]
            if body["after"] is None:
                break
            params = {"size": 7, "after[0]": body["after"][0], "after[1]": body["after"][1]}

    assert len(seen) == len(set(seen)) == body["total"] == 60


async def test_timings_filter_keeps_events_in_the_window() -> None:
    async with _client() as client:
        body = (
            await client.get(
                EVENTS, params={"size": 300, "timings[gte]": "2026-12-04T00:00:00+01:00"}
            )
        ).json()

    assert 0 < body["total"] < 60
    assert all(any(t["end"] >= "2026-12-04" for t in event["timings"]) for event in body["events"])


async def test_refuses_a_missing_key_an_unknown_agenda_and_a_bad_size() -> None:
    async with _client() as client:
        no_key = await client.get(EVENTS, headers={"key": "wrong"})
        unknown = await client.get("/v2/agendas/1/events")
        too_big = await client.get(EVENTS, params={"size": 301})

    assert no_key.status_code == 401
    assert unknown.status_code == 404
    assert too_big.status_code == 400


async def test_injected_errors_are_answered_and_counted() -> None:
    async with _client() as client:
        await client.post("/_sandbox/faults", json={"error_rate": 1})
        failed = await client.get(EVENTS)
        stats = (await client.get("/_sandbox/stats")).json()

    assert failed.status_code in (502, 503)
    assert stats["calls"][EVENTS] == 1


async def test_the_connector_reads_the_whole_agenda() -> None:
    config = EventsConfig(base_url="http://openagenda.test", agenda_uid=AGENDA_UID,
                          key=EVENTS_KEY, page_size=9, past_days=365)  # fmt: skip
    connector = EventsConnector(
        config, RawCache(), client=_client(), now=lambda: datetime(2026, 12, 4, tzinfo=UTC)
    )
    try:
        agenda = await connector.agenda()
    finally:
        await connector.aclose()

    assert len(agenda.events) == 60
    assert any(e.place and e.place.department_code == "31" for e in agenda.events)
    assert any("en" in e.titles for e in agenda.events)
