"""The events as the hub reads them: immutable records parsed from OpenAgenda's wire format."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

__all__ = ["Agenda", "Event", "Place", "Timing"]


@dataclass(frozen=True, slots=True)
class Timing:
    begin: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class Place:
    name: str | None
    address: str | None
    city: str | None
    postal_code: str | None
    department_code: str | None
    """From the postal code ("31400" → "31"): OpenAgenda gives the department's name only."""
    department: str | None


@dataclass(frozen=True, slots=True)
class Event:
    uid: str
    slug: str | None
    titles: Mapping[str, str]
    """By language (``fr``, ``en``…); OpenAgenda's multilingual ``title``."""
    description: str | None
    keywords: tuple[str, ...]
    timings: tuple[Timing, ...]
    """Sorted; never empty (an event without a timing is not kept)."""
    place: Place | None
    updated_at: datetime | None

    @property
    def title(self) -> str:
        """French first, else the first language given."""
        return self.titles.get("fr") or next(iter(self.titles.values()))

    @property
    def begins(self) -> datetime:
        return self.timings[0].begin

    @property
    def ends(self) -> datetime:
        return max(timing.end for timing in self.timings)


@dataclass(frozen=True, slots=True)
class Agenda:
    """Every event of the agenda that could be read, by begin date (then uid)."""

    events: tuple[Event, ...]
    by_id: Mapping[str, Event]
    stale: bool = False
    """Served from the cache after the source failed."""
