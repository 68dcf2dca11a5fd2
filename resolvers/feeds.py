"""The Région's events and news, filtered by filière (and for events, department and dates),
paged with ``connectors.pagination`` time cursors. With no filière named, a signed-in
person's own filières (``setPreferences``) apply. A source that fails with nothing cached is
named in ``extensions.warnings`` and the list is empty; one served from the cache after it
failed is named too (``STALE_DATA``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Protocol, TypeVar

from auth.viewer import ViewerKind
from connectors.calendar import HUB_ZONE, hub_today
from connectors.errors import ConnectorError
from connectors.events import Agenda, Event
from connectors.news import NewsFeed, NewsItem
from connectors.pagination import Page, assemble_page, decode_time_cursor, encode_time_cursor
from connectors.text import fold
from resolvers.context import Info
from resolvers.errors import BAD_USER_INPUT, coded_error
from resolvers.filieres import FILIERES, filieres_of

__all__ = [
    "EventQuery",
    "NewsQuery",
    "agenda",
    "event_filieres",
    "events",
    "news",
    "news_feed",
    "news_filieres",
    "viewer_filieres",
]

T = TypeVar("T")


class _Listing(Protocol):
    @property
    def stale(self) -> bool: ...


S = TypeVar("S", bound=_Listing)
_MAX_FIRST = 100
_MAX_TEXT = 200


@dataclass(frozen=True, slots=True)
class EventQuery:
    filieres: tuple[str, ...] | None = None
    """None: the viewer's filières (every filière for a viewer with none)."""
    department: str | None = None
    from_: date | None = None
    """None: today (events not over yet)."""
    to: date | None = None


@dataclass(frozen=True, slots=True)
class NewsQuery:
    filieres: tuple[str, ...] | None = None
    text: str | None = None


def event_filieres(event: Event) -> frozenset[str]:
    return filieres_of(event.keywords)


def news_filieres(item: NewsItem) -> frozenset[str]:
    return filieres_of(item.categories)


async def agenda(info: Info) -> Agenda | None:
    """The agenda, or None (warned) when the source failed with nothing cached."""
    connector = info.context.services.events
    return await _read(info, connector.agenda, "The events agenda", connector.source)


async def news_feed(info: Info) -> NewsFeed | None:
    """The news feed, or None (warned) when the source failed with nothing cached."""
    connector = info.context.services.news
    return await _read(info, connector.feed, "The Région's news feed", connector.source)


async def events(info: Info, query: EventQuery, first: int, after: str | None) -> Page[Event]:
    _check_first(first)
    _check_filieres(query.filieres)
    if query.department is not None and not _is_department(query.department):
        raise coded_error(
            "department is a French department code (e.g. 31, 2A, 974).",
            BAD_USER_INPUT,
            argument="department",
        )
    if query.from_ is not None and query.to is not None and query.to < query.from_:
        raise coded_error("to is before from.", BAD_USER_INPUT, argument="to")
    position = _position(after)
    found = await agenda(info)
    wanted = await _wanted(info, query.filieres)
    since = _start_of(query.from_ or hub_today())  # by default, what is to come
    until = _start_of(query.to + timedelta(days=1)) if query.to is not None else None
    matching = [
        event
        for event in (found.events if found else ())
        if (not wanted or event_filieres(event) & wanted)
        and (query.department is None or _department(event) == query.department)
        and (since is None or event.ends >= since)
        and (until is None or event.begins < until)
    ]
    return _page(matching, first, after, position, lambda e: (e.begins.timestamp(), e.uid),
                 lambda e: encode_time_cursor(e.begins, e.uid))  # fmt: skip


async def news(info: Info, query: NewsQuery, first: int, after: str | None) -> Page[NewsItem]:
    _check_first(first)
    _check_filieres(query.filieres)
    text = fold(query.text or "")
    if len(text) > _MAX_TEXT:
        raise coded_error(f"text is at most {_MAX_TEXT} characters.", BAD_USER_INPUT,
                          argument="text")  # fmt: skip
    position = _position(after)
    found = await news_feed(info)
    wanted = await _wanted(info, query.filieres)
    matching = [
        item
        for item in (found.items if found else ())
        if (not wanted or news_filieres(item) & wanted)
        and (not text or text in fold(f"{item.title} {item.summary or ''}"))
    ]
    return _page(matching, first, after, position, lambda i: (-i.published.timestamp(), i.id),
                 lambda i: encode_time_cursor(i.published, i.id), newest_first=True)  # fmt: skip


async def _read(info: Info, read: Callable[[], Awaitable[S]], name: str, source: str) -> S | None:
    try:
        found = await read()
    except ConnectorError as error:
        info.context.warn(
            "UPSTREAM_UNAVAILABLE",
            f"{name} is unavailable: its items are missing from this answer.",
            source=error.source,
        )
        return None
    if found.stale:
        info.context.warn(
            "STALE_DATA",
            f"{name} is unavailable: its items are as last read, and may have changed since.",
            source=source,
        )
    return found


async def _wanted(info: Info, named: Sequence[str] | None) -> frozenset[str]:
    """The filières named, else the viewer's own (``viewer_filieres``); empty means every
    filière."""
    if named is not None:
        return frozenset(named)
    account_id = info.context.viewer.account_id
    if account_id is None:
        return frozenset()
    return frozenset(await viewer_filieres(info, account_id))


async def viewer_filieres(info: Info, account_id: str) -> tuple[str, ...]:
    """The filières the account chose; until it chooses, a project holder's are those of its
    projects (hub FAQ: the holder "choisit sa filière pour personnaliser les actualités")."""
    chosen = await info.context.loaders.filieres.load(account_id)
    if chosen or info.context.viewer.kind is not ViewerKind.PROJECT_HOLDER:
        return chosen
    projects = (await info.context.services.hub.holder_projects([account_id])).get(account_id)
    return tuple(sorted({p.filiere for p in projects or () if p.filiere in FILIERES}))


def _check_first(first: int) -> None:
    if not 1 <= first <= _MAX_FIRST:
        raise coded_error(f"first must be between 1 and {_MAX_FIRST}.", BAD_USER_INPUT,
                          argument="first")  # fmt: skip


def _check_filieres(filieres: Iterable[str] | None) -> None:
    unknown = sorted(set(filieres or ()) - FILIERES.keys())
    if unknown:
        raise coded_error(f"unknown filière: {', '.join(unknown)}.", BAD_USER_INPUT,
                          argument="filieres")  # fmt: skip


def _position(after: str | None) -> tuple[datetime, str] | None:
    if after is None:
        return None
    try:
        return decode_time_cursor(after)
    except ValueError:
        raise coded_error("invalid cursor", BAD_USER_INPUT, argument="after") from None


def _page(
    matching: list[T],
    first: int,
    after: str | None,
    position: tuple[datetime, str] | None,
    order: Callable[[T], tuple[float, str]],
    cursor: Callable[[T], str],
    *,
    newest_first: bool = False,
) -> Page[T]:
    ordered = sorted(matching, key=order)
    if position is not None:
        moment, id_ = position
        mark = (-moment.timestamp() if newest_first else moment.timestamp(), id_)
        ordered = [item for item in ordered if order(item) > mark]
    return assemble_page(ordered[: first + 1], first, item=lambda i: i, cursor=cursor,
                         total=len(matching), after=after)  # fmt: skip


def _start_of(day: date | None) -> datetime | None:
    """Days are the Région's: Paris time."""
    return None if day is None else datetime.combine(day, time(), HUB_ZONE)


def _department(event: Event) -> str | None:
    return event.place.department_code if event.place else None


def _is_department(code: str) -> bool:
    return (len(code) == 2 and (code.isdigit() or code in ("2A", "2B"))) or (
        len(code) == 3 and code.isdigit() and code.startswith("97")
    )
