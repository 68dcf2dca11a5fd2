"""OpenAgenda's v2 wire format, read defensively: an event is
``{uid, slug, title: {fr, en…}, description: {fr…}, keywords: {fr: [...]}, timings:
[{begin, end}], location: {name, address, city, postalCode, department…}, updatedAt}``;
a page is ``{total, events, after}`` (``after``: the cursor of the next page, or null)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any

from connectors.events.models import Event, Place, Timing
from connectors.payload import PayloadError, mapping, optional_str, required_str

__all__ = ["PayloadError", "parse_event"]


def parse_event(item: Mapping[str, Any]) -> Event:
    titles = _languages(item.get("title"))
    if not titles:
        raise PayloadError("missing title")
    timings = tuple(sorted(_timings(item.get("timings")), key=lambda t: (t.begin, t.end)))
    if not timings:
        raise PayloadError("missing timings")
    keywords = mapping(item.get("keywords")).get("fr")
    return Event(
        uid=required_str(item, "uid"),
        slug=optional_str(item.get("slug")),
        titles=MappingProxyType(titles),
        description=_languages(item.get("description")).get("fr"),
        keywords=tuple(k.strip() for k in keywords if isinstance(k, str) and k.strip())
        if isinstance(keywords, list)
        else (),
        timings=timings,
        place=_place(item.get("location")),
        updated_at=_moment(item.get("updatedAt")),
    )


def _languages(value: Any) -> dict[str, str]:
    return {
        language: text.strip()
        for language, text in mapping(value).items()
        if isinstance(text, str) and text.strip()
    }


def _timings(value: Any) -> list[Timing]:
    found = []
    for timing in value if isinstance(value, list) else ():
        begin, end = _moment(mapping(timing).get("begin")), _moment(mapping(timing).get("end"))
        if begin is None:
            raise PayloadError("timing without a begin")
        found.append(Timing(begin, end if end is not None and end >= begin else begin))
    return found


def _moment(value: Any) -> datetime | None:
    """An aware moment (OpenAgenda writes ``2026-03-12T09:00:00.000+01:00``)."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise PayloadError(f"not a date: {value[:40]!r}") from None
    if moment.tzinfo is None:
        raise PayloadError("a date without its offset")
    return moment


def _place(value: Any) -> Place | None:
    location = mapping(value)
    if not location:
        return None
    postal_code = optional_str(location.get("postalCode"))
    code = postal_code[:2] if postal_code and postal_code[:2].isdigit() else None
    return Place(
        name=optional_str(location.get("name")),
        address=optional_str(location.get("address")),
        city=optional_str(location.get("city")),
        postal_code=postal_code,
        department_code=code,
        department=optional_str(location.get("department")),
    )
