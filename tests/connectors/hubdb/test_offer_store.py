"""The offers' search and the indicators' statement on both backends."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from connectors.hubdb import HubRepository, OfferFilter
from connectors.hubdb.writes import HubWriter


async def test_offers_are_searched_by_folded_text_segment_and_department(
    repository: HubRepository,
) -> None:
    page = await repository.search_offers(
        OfferFilter(segments=("CREATEUR",), text="5 JOURS POUR entreprendre", department="30"),
        10,
        None,
    )
    assert [(o.structure_id, o.segment, o.level) for o in page.items] == [
        ("cci-gard", "CREATEUR", 2)
    ]
    assert page.items[0].products[0].code == "N12"
    assert page.total == 1


async def test_a_percent_sign_in_the_text_matches_itself_only(repository: HubRepository) -> None:
    page = await repository.search_offers(OfferFilter(text="%"), 10, None)
    assert page.total == 0


async def test_the_indicators_count_people_once_and_meetings_every_time(
    fresh_session_factory: async_sessionmaker[AsyncSession],
) -> None:
    writer = HubWriter(fresh_session_factory)
    async with writer.transaction() as tx:
        for day, person in ((1, "a"), (2, "a"), (3, "b")):
            await tx.record_interaction(
                {
                    "structure_id": "cci-gard",
                    "agent_id": None,
                    "siret": f"{day:014d}",
                    "project_id": None,
                    "person": person,
                    "kind": "ADVICE_MEETING",
                    "channel": "ON_SITE",
                    "segment": "CREATEUR",
                    "offer_id": None,
                    "level": None,
                    "product": None,
                    "occurred_on": date(2025, 1, day),
                    "minutes": 60,
                },
                datetime.now(UTC),
            )
    values = {
        definition.code: value
        for definition, value in await HubRepository(fresh_session_factory).indicators(
            "cci-gard", date(2025, 1, 1), date(2025, 1, 2)
        )
    }
    assert values["A02-IA10-1-C"] == 2  # two meetings on the 1st and 2nd (the 3rd is out)
    assert values["A02-IA10-1"] == 1  # one person
    assert values["A02-IA10"] == 1
    assert values["A02-IA4"] == 0
