from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from resolvers.working_hours import is_working_day, working_deadline, working_hours_between

PARIS = ZoneInfo("Europe/Paris")


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)  # type: ignore[misc]


def deadline_in_paris(start: datetime, hours: float = 48) -> datetime:
    return working_deadline(start, hours).astimezone(PARIS)


def test_monday_morning_is_due_wednesday_same_time() -> None:
    assert deadline_in_paris(paris(2026, 3, 2, 10)) == paris(2026, 3, 4, 10)


def test_thursday_afternoon_is_due_monday_across_the_weekend() -> None:
    assert deadline_in_paris(paris(2026, 3, 5, 15)) == paris(2026, 3, 9, 15)


def test_friday_before_easter_monday_is_due_wednesday() -> None:
    # Friday 15 h + Tuesday 24 h + Wednesday 9 h: two working days after Friday is
    # Wednesday when Easter Monday is off. 2027-03-28 is also the spring DST change:
    # 9:00 CET on Friday, 9:00 CEST on Wednesday.
    due = working_deadline(paris(2027, 3, 26, 9))

    assert due.astimezone(PARIS) == paris(2027, 3, 31, 9)
    assert due == datetime(2027, 3, 31, 7, tzinfo=UTC)


def test_easter_monday_is_skipped_one_working_day_after_friday() -> None:
    assert deadline_in_paris(paris(2027, 3, 26, 9), 24) == paris(2027, 3, 30, 9)


def test_ascension_thursday_does_not_count() -> None:
    assert deadline_in_paris(paris(2027, 5, 5, 14)) == paris(2027, 5, 10, 14)


def test_whit_monday_does_not_count() -> None:
    assert deadline_in_paris(paris(2027, 5, 14, 11)) == paris(2027, 5, 19, 11)


def test_request_on_saturday_starts_counting_on_monday_midnight() -> None:
    assert deadline_in_paris(paris(2026, 3, 7, 16, 30)) == paris(2026, 3, 11, 0, 0)


def test_request_on_a_public_holiday_starts_counting_the_next_working_day() -> None:
    assert deadline_in_paris(paris(2026, 5, 14, 9)) == paris(2026, 5, 19, 0)


def test_christmas_does_not_count() -> None:
    assert deadline_in_paris(paris(2026, 12, 23, 18)) == paris(2026, 12, 28, 18)


def test_new_year_does_not_count_across_the_year_boundary() -> None:
    assert deadline_in_paris(paris(2026, 12, 31, 12)) == paris(2027, 1, 5, 12)


@pytest.mark.parametrize(
    ("start", "hours", "due_utc"),
    [
        # Spring forward on Sunday 2026-03-29: CET (+1) before, CEST (+2) after.
        (paris(2026, 3, 27, 10), 48, datetime(2026, 3, 31, 8, tzinfo=UTC)),
        # Fall back on Sunday 2026-10-25: CEST (+2) before, CET (+1) after.
        (paris(2026, 10, 23, 10), 24, datetime(2026, 10, 26, 9, tzinfo=UTC)),
        (paris(2026, 10, 23, 10), 48, datetime(2026, 10, 27, 9, tzinfo=UTC)),
    ],
)
def test_dst_change_preserves_the_wall_clock(
    start: datetime, hours: float, due_utc: datetime
) -> None:
    due = working_deadline(start, hours)

    assert due == due_utc
    assert due.astimezone(PARIS).time() == start.time()


def test_deadline_is_returned_in_utc() -> None:
    due = working_deadline(paris(2026, 3, 2, 10))

    assert due.tzinfo is UTC
    assert due == datetime(2026, 3, 4, 9, tzinfo=UTC)


def test_start_in_another_zone_is_read_on_the_paris_wall_clock() -> None:
    # Monday 23:30 UTC is Tuesday 00:30 in Paris.
    assert deadline_in_paris(datetime(2026, 3, 2, 23, 30, tzinfo=UTC)) == paris(2026, 3, 5, 0, 30)
    # Friday 23:30 UTC is Saturday 00:30 in Paris: counting starts on Monday.
    assert deadline_in_paris(datetime(2026, 3, 6, 23, 30, tzinfo=UTC)) == paris(2026, 3, 11)


def test_other_zone_can_be_chosen() -> None:
    start = datetime(2026, 3, 2, 10, tzinfo=ZoneInfo("America/Cayenne"))

    due = working_deadline(start, zone="America/Cayenne")

    assert due.astimezone(ZoneInfo("America/Cayenne")) == start + timedelta(days=2)


def test_fractional_and_zero_hours() -> None:
    assert deadline_in_paris(paris(2026, 3, 6, 23), 1.5) == paris(2026, 3, 9, 0, 30)
    assert deadline_in_paris(paris(2026, 3, 2, 10), 0) == paris(2026, 3, 2, 10)
    assert deadline_in_paris(paris(2026, 3, 7, 10), 0) == paris(2026, 3, 9, 0)


def test_budget_spent_at_midnight_is_due_at_that_midnight() -> None:
    # Thursday 24 Dec 00:00 + 24 h: spent at midnight, even though the 25th is a holiday.
    assert deadline_in_paris(paris(2026, 12, 24), 24) == paris(2026, 12, 25)


@pytest.mark.parametrize("hours", [-1, float("nan"), float("inf")])
def test_invalid_hours_are_refused(hours: float) -> None:
    with pytest.raises(ValueError, match="hours"):
        working_deadline(paris(2026, 3, 2, 10), hours)


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        working_deadline(datetime(2026, 3, 2, 10))
    with pytest.raises(ValueError, match="timezone-aware"):
        working_hours_between(datetime(2026, 3, 2, 10), paris(2026, 3, 4, 10))
    with pytest.raises(ValueError, match="timezone-aware"):
        working_hours_between(paris(2026, 3, 2, 10), datetime(2026, 3, 4, 10))


METROPOLITAN_HOLIDAYS_2027 = {
    "new year": date(2027, 1, 1),
    "easter monday": date(2027, 3, 29),
    "labour day": date(2027, 5, 1),
    "victory in europe": date(2027, 5, 8),
    "ascension": date(2027, 5, 6),
    "whit monday": date(2027, 5, 17),
    "bastille day": date(2027, 7, 14),
    "assumption": date(2027, 8, 15),
    "all saints": date(2027, 11, 1),
    "armistice": date(2027, 11, 11),
    "christmas": date(2027, 12, 25),
}


@pytest.mark.parametrize(
    "day", METROPOLITAN_HOLIDAYS_2027.values(), ids=list(METROPOLITAN_HOLIDAYS_2027)
)
def test_public_holidays_are_not_working_days(day: date) -> None:
    assert not is_working_day(day)


@pytest.mark.parametrize(
    "whit_monday",
    [date(2024, 5, 20), date(2025, 6, 9), date(2026, 5, 25), date(2028, 6, 5), date(2030, 6, 10)],
)
def test_whit_monday_is_a_holiday_every_year(whit_monday: date) -> None:
    assert whit_monday.weekday() == 0
    assert not is_working_day(whit_monday)


def test_weekdays_are_working_days_and_weekends_are_not() -> None:
    week = [date(2026, 3, 2) + timedelta(days=n) for n in range(7)]

    assert [is_working_day(day) for day in week] == [True] * 5 + [False] * 2


def test_alsace_moselle_only_holidays_are_working_days() -> None:
    assert is_working_day(date(2026, 4, 3))  # Good Friday
    assert is_working_day(date(2025, 12, 26))  # St Stephen's Day, a Friday


def test_is_working_day_refuses_a_datetime() -> None:
    with pytest.raises(TypeError):
        is_working_day(paris(2026, 12, 25, 10))


def test_hours_between_counts_only_working_days() -> None:
    assert working_hours_between(paris(2026, 3, 6, 12), paris(2026, 3, 9, 12)) == 24
    assert working_hours_between(paris(2026, 3, 7, 1), paris(2026, 3, 8, 23)) == 0
    assert working_hours_between(paris(2026, 12, 24, 6), paris(2026, 12, 28, 6)) == 18 + 6


def test_hours_between_is_zero_when_end_is_not_after_start() -> None:
    assert working_hours_between(paris(2026, 3, 4, 10), paris(2026, 3, 2, 10)) == 0
    assert working_hours_between(paris(2026, 3, 4, 10), paris(2026, 3, 4, 10)) == 0


def test_hours_between_is_measured_on_the_wall_clock_across_dst() -> None:
    assert working_hours_between(paris(2026, 3, 27, 10), paris(2026, 3, 31, 10)) == 48


def _starts() -> list[datetime]:
    """Every 7 hours from late March to early June 2027 (Easter, DST, 1 and 8 May,
    Ascension, Whit Monday), in Paris and in UTC."""
    first = datetime(2027, 3, 20, 0, 20, tzinfo=UTC)
    return [
        (first + timedelta(hours=7 * n)).astimezone(zone)
        for n in range(250)
        for zone in (PARIS, UTC)
    ]


@pytest.mark.parametrize("hours", [0, 0.25, 1.5, 24, 48, 100])
def test_hours_between_inverts_the_deadline(hours: float) -> None:
    for start in _starts():
        due = working_deadline(start, hours)

        assert due >= start
        assert working_hours_between(start, due) == pytest.approx(hours, abs=1e-9), start
        if hours:
            before = due - timedelta(minutes=1)
            assert working_hours_between(start, before) < hours
