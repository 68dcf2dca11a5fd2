"""The hub's calendar day is Occitanie's, whatever zone the server runs in."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from connectors.calendar import hub_today


def test_the_day_changes_at_midnight_in_paris_not_in_utc() -> None:
    assert hub_today(datetime(2026, 12, 5, 22, 59, tzinfo=UTC)) == date(2026, 12, 5)
    assert hub_today(datetime(2026, 12, 5, 23, 30, tzinfo=UTC)) == date(2026, 12, 6)  # UTC+1
    assert hub_today(datetime(2026, 7, 1, 22, 30, tzinfo=UTC)) == date(2026, 7, 2)  # UTC+2


def test_today_is_the_present_day_in_paris() -> None:
    paris = ZoneInfo("Europe/Paris")
    before = datetime.now(paris).date()
    today = hub_today()
    after = datetime.now(paris).date()

    assert today in (before, after)  # one of them, should midnight pass in between
