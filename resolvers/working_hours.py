"""The referent's 48 working hours ("48 heures ouvrées"): deadlines and elapsed working time.

The rule implemented here:

- Working days are Monday to Friday, except the public holidays of metropolitan France
  (1 Jan, Easter Monday, 1 May, 8 May, Ascension, Whit Monday, 14 Jul, 15 Aug, 1 Nov,
  11 Nov, 25 Dec) as given by the ``holidays`` library. Whit Monday is a public holiday
  even though it is also the "journée de solidarité"; it is counted as non-working.
- Time elapses only on working days, all day long: each working day contributes 24
  working hours, from 00:00 to 24:00 on the wall clock of ``zone`` (Europe/Paris by
  default). So 48 working hours is the same wall-clock time two working days later, and a
  request made on a non-working day starts counting at 00:00 of the next working day.
- Hours are wall-clock hours. French DST changes fall on Sundays (non-working), so the
  wall clock is preserved across them: Friday 10:00 + 24 h is Monday 10:00 whatever the
  UTC offset did in between. In a zone whose DST changes on a working day, that day still
  counts 24 wall-clock hours.
- A deadline that exhausts its budget exactly at midnight is that midnight (the earliest
  instant at which the budget is spent), even if the following day is not a working day.

Inputs must be timezone-aware; deadlines come back in UTC.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

__all__ = ["DEFAULT_ZONE", "is_working_day", "working_deadline", "working_hours_between"]

DEFAULT_ZONE = "Europe/Paris"

_DAY = timedelta(days=1)
_SATURDAY = 5


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("FR", years=year))


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a French public holiday (metropolitan France)."""
    if isinstance(day, datetime):
        raise TypeError("is_working_day takes a date, not a datetime")
    return day.weekday() < _SATURDAY and day not in _public_holidays(day.year)


def _next_working_day(day: date) -> date:
    day += _DAY
    while not is_working_day(day):
        day += _DAY
    return day


def _local_wall_clock(moment: datetime, zone: ZoneInfo, name: str) -> datetime:
    """``moment`` on ``zone``'s wall clock, as a naive datetime (wall-clock arithmetic)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got a naive datetime")
    return moment.astimezone(zone).replace(tzinfo=None)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min)


def working_deadline(start: datetime, hours: float = 48, *, zone: str = DEFAULT_ZONE) -> datetime:
    """The instant (UTC) at which ``hours`` working hours have elapsed since ``start``."""
    if not math.isfinite(hours) or hours < 0:
        raise ValueError(f"hours must be a finite, non-negative number, got {hours!r}")
    tz = ZoneInfo(zone)
    cursor = _local_wall_clock(start, tz, "start")
    if not is_working_day(cursor.date()):
        cursor = _midnight(_next_working_day(cursor.date()))
    remaining = timedelta(hours=hours)
    while True:
        available = _midnight(cursor.date() + _DAY) - cursor
        if remaining <= available:
            deadline = cursor + remaining
            return deadline.replace(tzinfo=tz).astimezone(UTC)
        remaining -= available
        cursor = _midnight(_next_working_day(cursor.date()))


def working_hours_between(start: datetime, end: datetime, *, zone: str = DEFAULT_ZONE) -> float:
    """Working hours elapsed from ``start`` to ``end``; 0.0 when ``end`` is not after
    ``start``. ``working_hours_between(s, working_deadline(s, h)) == h``."""
    tz = ZoneInfo(zone)
    first = _local_wall_clock(start, tz, "start")
    last = _local_wall_clock(end, tz, "end")
    if start >= end:
        return 0.0
    elapsed = timedelta()
    day = first.date()
    while day <= last.date():
        overlap = min(last, _midnight(day + _DAY)) - max(first, _midnight(day))
        if overlap > timedelta() and is_working_day(day):
            elapsed += overlap
        day += _DAY
    return elapsed / timedelta(hours=1)
