"""The events connector over respx: OpenAgenda's wire format, paging by ``after``, the key
header, errors, and the stale copy served when the source fails."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
import respx
from openagenda_wire import AGENDA, KEY

from connectors.cache import RawCache
from connectors.errors import UpstreamUnavailable
from connectors.events import EventsConnector

PATH = f"/v2/agendas/{AGENDA}/events"


def event(uid: int = 51234, **over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "uid": uid,
        "slug": f"evenement-{uid}",
        "title": {"fr": "Rencontres de l'aéronautique — Toulouse", "en": "Aerospace meetings"},
        "description": {"fr": "Rencontres d'affaires."},
        "keywords": {"fr": ["aéronautique", " spatial ", ""]},
        "timings": [
            {"begin": "2026-03-13T09:00:00.000+01:00", "end": "2026-03-13T17:00:00.000+01:00"},
            {"begin": "2026-03-12T09:00:00.000+01:00", "end": "2026-03-12T17:00:00.000+01:00"},
        ],
        "location": {
            "name": "Hôtel de Région", "address": "22 boulevard du Maréchal Juin",
            "city": "Toulouse", "postalCode": "31400", "department": "Haute-Garonne",
        },
        "updatedAt": "2026-02-01T08:00:00.000Z",
    }  # fmt: skip
    body.update(over)
    return body


def page(events: list[dict[str, Any]], after: list[Any] | None = None) -> dict[str, Any]:
    return {"total": len(events), "events": events, "after": after, "success": True}


async def test_reads_an_event_from_the_wire_format(
    router: respx.MockRouter, connector: EventsConnector
) -> None:
    router.get(PATH).respond(json=page([event()]))

    agenda = await connector.agenda()

    [found] = agenda.events
    assert found.uid == "51234"
    assert found.title == "Rencontres de l'aéronautique — Toulouse"
    assert dict(found.titles) == {
        "fr": "Rencontres de l'aéronautique — Toulouse", "en": "Aerospace meetings",
    }  # fmt: skip
    assert found.keywords == ("aéronautique", "spatial")
    paris = timezone(timedelta(hours=1))
    assert found.begins == datetime(2026, 3, 12, 9, tzinfo=paris)
    assert found.ends == datetime(2026, 3, 13, 17, tzinfo=paris)
    assert found.place is not None
    assert (found.place.city, found.place.postal_code, found.place.department_code) == (
        "Toulouse", "31400", "31",
    )  # fmt: skip
    assert found.updated_at == datetime(2026, 2, 1, 8, tzinfo=UTC)
    assert agenda.by_id["51234"] is found
    assert not agenda.stale


async def test_sends_the_key_in_a_header_and_asks_from_past_days_ago(
    router: respx.MockRouter, connector: EventsConnector
) -> None:
    route = router.get(PATH).respond(json=page([]))

    await connector.agenda()

    request = route.calls.last.request
    assert request.headers["key"] == KEY
    assert "key" not in request.url.params
    since = datetime.fromisoformat(request.url.params["timings[gte]"])
    assert since == datetime(2026, 1, 30, 12, tzinfo=UTC)
    assert request.url.params["detailed"] == "1"


async def test_follows_the_after_cursor_to_the_last_page(
    router: respx.MockRouter, connector: EventsConnector
) -> None:
    later = event(
        2, timings=[{"begin": "2026-04-01T09:00:00+02:00", "end": "2026-04-01T12:00:00+02:00"}]
    )
    route = router.get(PATH)
    route.side_effect = [
        respx.MockResponse(json=page([event(1), later], after=["2026-04-01T09:00:00+02:00", 2])),
        respx.MockResponse(json=page([event(3)], after=None)),
    ]

    agenda = await connector.agenda()

    assert [e.uid for e in agenda.events] == ["1", "3", "2"]  # by begin date, then uid
    assert route.call_count == 2
    second = route.calls[1].request.url.params
    assert (second["after[0]"], second["after[1]"]) == ("2026-04-01T09:00:00+02:00", "2")


async def test_skips_an_event_it_cannot_read_and_keeps_the_others(
    router: respx.MockRouter, connector: EventsConnector
) -> None:
    broken = [event(1, title={}), event(2, timings=[]), event(3, timings=[{"begin": "soon"}])]
    router.get(PATH).respond(json=page([*broken, event(4)]))

    agenda = await connector.agenda()

    assert [e.uid for e in agenda.events] == ["4"]


async def test_a_cached_agenda_is_read_without_a_call(
    router: respx.MockRouter, connector: EventsConnector
) -> None:
    route = router.get(PATH).respond(json=page([event()]))

    first = await connector.agenda()
    second = await connector.agenda()

    assert route.call_count == 1
    assert second.events == first.events


@pytest.mark.parametrize("status", [500, 503])
async def test_source_down_with_nothing_cached_is_unavailable(
    router: respx.MockRouter, connector: EventsConnector, status: int
) -> None:
    router.get(PATH).respond(status)

    with pytest.raises(UpstreamUnavailable):
        await connector.agenda()


async def test_an_unreadable_page_is_unavailable(
    router: respx.MockRouter, connector: EventsConnector
) -> None:
    router.get(PATH).respond(json={"success": True, "events": "none"})

    with pytest.raises(UpstreamUnavailable):
        await connector.agenda()


async def test_stale_agenda_is_served_when_the_source_fails(
    router: respx.MockRouter, connector: EventsConnector, cache: RawCache
) -> None:
    router.get(PATH).respond(503)
    # an agenda read earlier, past its TTL but within the stale window
    await cache.set(f"events:{AGENDA}", {"items": [event()]}, ttl=0, stale_ttl=3600)

    agenda = await connector.agenda()

    assert [e.uid for e in agenda.events] == ["51234"]
    assert agenda.stale
