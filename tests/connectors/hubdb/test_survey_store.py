"""The satisfaction surveys' writes and their indicators' statement on both backends."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from connectors.hubdb import HubRepository
from connectors.hubdb.enums import Satisfaction
from connectors.hubdb.surveys import SurveyAnswers
from connectors.hubdb.writes import HubWriter

NOW = datetime(2026, 1, 15, 9, tzinfo=UTC)
LEROY = "84215637400014"  # claire.leroy (mandataire) and thomas.blanc (collaborator)


def _answers(satisfaction: Satisfaction, yes: bool) -> SurveyAnswers:
    return SurveyAnswers(satisfaction, yes, yes, False, yes, True)


async def test_a_survey_is_sent_once_per_person_and_answered_once_before_it_expires(
    fresh_session_factory: async_sessionmaker[AsyncSession],
) -> None:
    writer = HubWriter(fresh_session_factory)
    survey = {"structure_id": "cci-gard", "year": 2023, "now": NOW,
              "expires_at": NOW + timedelta(days=60)}  # fmt: skip
    async with writer.transaction() as tx:
        first = await tx.add_survey(person="company:a", token_hash="1" * 64, **survey)
        again = await tx.add_survey(person="company:a", token_hash="2" * 64, **survey)
        other = await tx.add_survey(person="company:b", token_hash="3" * 64, **survey)
        await tx.add_survey(person="company:c", token_hash="4" * 64, **survey)
    assert first is not None and other is not None and again is None
    async with writer.transaction() as tx:
        found = await tx.survey_by_token("1" * 64)
        assert found is not None and (found.id, found.year, found.answered_at) == (
            first,
            2023,
            None,
        )
        assert await tx.survey_by_token("9" * 64) is None
        assert await tx.answer_survey(first, _answers(Satisfaction.SATISFIED, True), NOW)
        assert not await tx.answer_survey(first, _answers(Satisfaction.SATISFIED, True), NOW)
        late = NOW + timedelta(days=61)
        assert not await tx.answer_survey(other, _answers(Satisfaction.SATISFIED, True), late)
        assert await tx.answer_survey(other, _answers(Satisfaction.DISSATISFIED, False), NOW)
    result = await HubRepository(fresh_session_factory).performance("cci-gard", 2023)
    assert (result.sent, result.answered, result.response_rate) == (3, 2, 2 / 3)
    values = {d.code: (positive, rate) for d, positive, rate in result.values}
    assert values == {
        "SATISFACTION": (1, 0.5),
        "USEFULNESS": (1, 0.5),
        "TURNOVER_IMPACT": (1, 0.5),
        "EMPLOYMENT_IMPACT": (0, 0.0),
        "INVESTMENT_IMPACT": (1, 0.5),
        "RECOMMENDATION": (2, 1.0),
    }
    network = await HubRepository(fresh_session_factory).performance(None, 2022)
    assert (network.sent, network.answered, network.response_rate) == (0, 0, None)


async def test_the_people_surveyed_are_those_supported_in_the_year_not_surveyed_yet(
    fresh_session_factory: async_sessionmaker[AsyncSession],
) -> None:
    writer = HubWriter(fresh_session_factory)
    rows = [
        (f"company:{LEROY}", "ADVICE_MEETING", date(2023, 3, 1)),
        (f"company:{LEROY}", "TRAINING", date(2023, 4, 1)),
        ("company:00000000000017", "WELCOME", date(2023, 3, 1)),  # welcomed only
        ("company:00000000000025", "WORKSHOP", date(2022, 12, 31)),  # the year before
        ("company:00000000000033", "BUSINESS_PLAN", date(2023, 12, 31)),  # no space on the hub
        ("company:00000000000041", "WORKSHOP", date(2023, 5, 1)),  # surveyed already
    ]
    async with writer.transaction() as tx:
        for person, kind, day in rows:
            await tx.record_interaction(
                {
                    "structure_id": "cci-gard", "agent_id": None, "siret": person[8:],
                    "project_id": None, "person": person, "kind": kind, "channel": "REMOTE",
                    "segment": "CREATEUR", "offer_id": None, "level": None, "product": None,
                    "occurred_on": day, "minutes": None,
                },
                NOW,
            )  # fmt: skip
        await tx.add_survey(
            structure_id="cci-gard", year=2023, person="company:00000000000041",
            token_hash="5" * 64, now=NOW, expires_at=NOW,
        )  # fmt: skip
    async with writer.transaction() as tx:
        people = await tx.unsurveyed_people("cci-gard", 2023, date(2023, 1, 1), date(2023, 12, 31))
        assert people == ["company:00000000000033", f"company:{LEROY}"]  # by person
        recipients = await tx.survey_recipients(people)
    assert [(r.person, r.email) for r in recipients] == [
        (f"company:{LEROY}", "claire.leroy@leroy-sas.example")  # the mandataire
    ]
