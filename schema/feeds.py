"""The Région's events and news (public), a person's filières and favourites (its own).

``events`` and ``news`` are connections; with no filière in the filter, a signed-in person's
own filières (``setPreferences``) apply. ``Viewer.preferences`` / ``Viewer.favourites`` live
in ``schema.viewer``; the mutations here are the person's own (``KEEP_OWN_PREFERENCES``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import strawberry

from auth.actions import Action, Allowed
from auth.costs import Read
from auth.tiers import Tier
from auth.visibility import tiered
from connectors import events as event_records
from connectors import news as news_records
from connectors.catalogues import models as scheme_records
from connectors.hubdb.preferences import FavouriteRecord
from resolvers import feeds, filieres, preferences
from resolvers.context import Info
from schema.pagination import Connection
from schema.schemes import Scheme

__all__ = [
    "Event",
    "EventFilter",
    "Favourite",
    "FavouriteKind",
    "FeedsMutation",
    "FeedsQuery",
    "Filiere",
    "NewsFilter",
    "NewsItem",
    "Preferences",
]

# The resolvers' enums become GraphQL enums (strawberry.enum registers them in place).
strawberry.enum(
    filieres.Filiere,
    description="The Région's filières (the directory's filière slugs, e.g. `aeronautique`); "
    "an event's keywords and a news item's categories are mapped onto them.",
)
strawberry.enum(
    preferences.FavouriteKind,
    description="What a favourite is: an aid scheme (its namespaced id), an event (its "
    "OpenAgenda uid), a news item (its feed id) or a support offer (its id).",
)


Filiere = filieres.Filiere
FavouriteKind = preferences.FavouriteKind


def _filieres(values: list[filieres.Filiere] | None) -> tuple[str, ...] | None:
    return None if values is None else tuple(value.value for value in values)


def _enum(slugs: Iterable[str]) -> list[filieres.Filiere]:
    return [Filiere(slug) for slug in sorted(slugs)]


@strawberry.type(description="A text in one language.")
class LocalizedText:
    language: str = tiered(Tier.PUBLIC, description="`fr`, `en`…")
    text: str = tiered(Tier.PUBLIC)


@strawberry.type(description="One session of an event.")
class EventTiming:
    begin: datetime = tiered(Tier.PUBLIC)
    end: datetime = tiered(Tier.PUBLIC)


@strawberry.type(description="Where an event takes place.")
class EventPlace:
    name: str | None = tiered(Tier.PUBLIC)
    address: str | None = tiered(Tier.PUBLIC)
    city: str | None = tiered(Tier.PUBLIC)
    postal_code: str | None = tiered(Tier.PUBLIC)
    department_code: str | None = tiered(Tier.PUBLIC)
    department: str | None = tiered(Tier.PUBLIC)


@strawberry.type(description="An economic event of the Région's agenda (OpenAgenda).")
class Event:
    record: strawberry.Private[event_records.Event]

    @tiered(Tier.PUBLIC, description="The OpenAgenda uid (what `addFavourite` takes).")
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.record.uid)

    @tiered(Tier.PUBLIC, description="In French, else the first language given.")
    def title(self) -> str:
        return self.record.title

    @tiered(Tier.PUBLIC, description="The title in every language the agenda gives.")
    def titles(self) -> list[LocalizedText]:
        return [LocalizedText(language=k, text=v) for k, v in self.record.titles.items()]

    @tiered(Tier.PUBLIC)
    def description(self) -> str | None:
        return self.record.description

    @tiered(Tier.PUBLIC)
    def keywords(self) -> list[str]:
        return list(self.record.keywords)

    @tiered(Tier.PUBLIC, description="The filières its keywords name.")
    def filieres(self) -> list[Filiere]:
        return _enum(feeds.event_filieres(self.record))

    @tiered(Tier.PUBLIC, description="The first session's start.")
    def begins(self) -> datetime:
        return self.record.begins

    @tiered(Tier.PUBLIC, description="The last session's end.")
    def ends(self) -> datetime:
        return self.record.ends

    @tiered(Tier.PUBLIC)
    def timings(self) -> list[EventTiming]:
        return [EventTiming(begin=t.begin, end=t.end) for t in self.record.timings]

    @tiered(Tier.PUBLIC)
    def place(self) -> EventPlace | None:
        place = self.record.place
        if place is None:
            return None
        return EventPlace(
            name=place.name, address=place.address, city=place.city,
            postal_code=place.postal_code, department_code=place.department_code,
            department=place.department,
        )  # fmt: skip


@strawberry.type(description="A news item of the Région's feed.")
class NewsItem:
    record: strawberry.Private[news_records.NewsItem]

    @tiered(Tier.PUBLIC, description="The feed's id of the item (what `addFavourite` takes).")
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.record.id)

    @tiered(Tier.PUBLIC)
    def title(self) -> str:
        return self.record.title

    @tiered(Tier.PUBLIC)
    def link(self) -> str | None:
        return self.record.link

    @tiered(Tier.PUBLIC, description="Plain text.")
    def summary(self) -> str | None:
        return self.record.summary

    @tiered(Tier.PUBLIC)
    def published(self) -> datetime:
        return self.record.published

    @tiered(Tier.PUBLIC, description="The feed's categories.")
    def categories(self) -> list[str]:
        return list(self.record.categories)

    @tiered(Tier.PUBLIC, description="The filières its categories name.")
    def filieres(self) -> list[Filiere]:
        return _enum(feeds.news_filieres(self.record))


@strawberry.input(description="Every criterion is optional; they combine with AND.")
class EventFilter:
    filieres: list[Filiere] | None = strawberry.field(
        default=None,
        description="Events of any of these filières. Omitted (null): the signed-in "
        "person's own filières (`setPreferences`), every filière for anyone else; `[]`: "
        "every filière.",
    )
    department: str | None = strawberry.field(
        default=None, description="A department code (`31`): where the event takes place."
    )
    from_: date | None = strawberry.field(
        default=None,
        name="from",
        description="Events not over before this day (Paris time); omitted: today, so what "
        "is on or to come. Earlier days reach back as far as the agenda is read (30 days).",
    )
    to: date | None = strawberry.field(
        default=None, description="Events starting on or before this day (Paris time)."
    )

    def to_query(self) -> feeds.EventQuery:
        return feeds.EventQuery(_filieres(self.filieres), self.department, self.from_, self.to)


@strawberry.input(description="Every criterion is optional; they combine with AND.")
class NewsFilter:
    filieres: list[Filiere] | None = strawberry.field(
        default=None,
        description="News of any of these filières. Omitted (null): the signed-in person's "
        "own filières (`setPreferences`), every filière for anyone else; `[]`: every filière.",
    )
    text: str | None = strawberry.field(default=None, description="Words of the title or summary.")

    def to_query(self) -> feeds.NewsQuery:
        return feeds.NewsQuery(_filieres(self.filieres), self.text)


@strawberry.type(description="What the viewer's news and events follow.")
class Preferences:
    filieres: list[Filiere] = tiered(Tier.PUBLIC)

    @classmethod
    def of(cls, slugs: tuple[str, ...]) -> Preferences:
        return cls(filieres=_enum(slugs))


@strawberry.type(description="An item the viewer keeps.")
class Favourite:
    kind: FavouriteKind = tiered(Tier.PUBLIC)
    id: strawberry.ID = tiered(Tier.PUBLIC)
    added_at: datetime = tiered(Tier.PUBLIC)

    @classmethod
    def of(cls, record: FavouriteRecord) -> Favourite:
        return cls(
            kind=preferences.FavouriteKind(record.kind),
            id=strawberry.ID(record.item_id),
            added_at=record.created_at,
        )

    @tiered(
        Tier.PUBLIC,
        description="The kept event (null for another kind, or once gone from the agenda).",
        reads=(Read.OPENAGENDA_EVENTS,),
    )
    async def event(self, info: Info) -> Event | None:
        record = await preferences.kept_item(info, self.kind, str(self.id))
        return Event(record=record) if isinstance(record, event_records.Event) else None

    @tiered(
        Tier.PUBLIC,
        description="The kept news item (null for another kind, or once gone from the feed).",
        reads=(Read.REGION_NEWS,),
    )
    async def news(self, info: Info) -> NewsItem | None:
        record = await preferences.kept_item(info, self.kind, str(self.id))
        return NewsItem(record=record) if isinstance(record, news_records.NewsItem) else None

    @tiered(
        Tier.PUBLIC,
        description="The kept aid scheme (null for another kind, or once gone from its catalogue).",
    )
    async def scheme(self, info: Info) -> Scheme | None:
        record = await preferences.kept_item(info, self.kind, str(self.id))
        return Scheme(record=record) if isinstance(record, scheme_records.Scheme) else None


@strawberry.type
class FeedsQuery:
    @tiered(
        Tier.PUBLIC,
        description="The Région's economic events (its OpenAgenda agenda), by start date. With "
        "no filière in the filter, a signed-in person's own filières apply. The agenda down: "
        "the events last read, or none, named in `extensions.warnings`.",
        reads=(Read.OPENAGENDA_EVENTS,),
    )
    async def events(
        self,
        info: Info,
        filter: EventFilter | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Event]:
        page = await feeds.events(info, (filter or EventFilter()).to_query(), first, after)
        return Connection.of(page, lambda record: Event(record=record))

    @tiered(
        Tier.PUBLIC,
        description="The Région's news (its RSS feed), newest first. With no filière in the "
        "filter, a signed-in person's own filières apply. The feed down: the news last read, "
        "or none, named in `extensions.warnings`.",
        reads=(Read.REGION_NEWS,),
    )
    async def news(
        self,
        info: Info,
        filter: NewsFilter | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[NewsItem]:
        page = await feeds.news(info, (filter or NewsFilter()).to_query(), first, after)
        return Connection.of(page, lambda record: NewsItem(record=record))


def _own(description: str) -> Any:
    return strawberry.mutation(
        description=description, directives=[Allowed(action=Action.KEEP_OWN_PREFERENCES)]
    )


@strawberry.type
class FeedsMutation:
    @_own("Set the filières the viewer's news and events follow (replaces them; `[]`: none).")
    async def set_preferences(self, info: Info, filieres: list[Filiere]) -> Preferences:
        return Preferences.of(await preferences.set_preferences(info, _filieres(filieres) or ()))

    @_own(
        "Keep an item (idempotent); answers the viewer's favourites, newest first. A scheme, "
        "an event or a news item must exist at its source (else BAD_USER_INPUT); an offer's "
        "id is taken as given."
    )
    async def add_favourite(
        self,
        info: Info,
        kind: FavouriteKind,
        id: strawberry.ID,
    ) -> list[Favourite]:
        kept = await preferences.add_favourite(info, preferences.FavouriteKind(kind), str(id))
        return [Favourite.of(record) for record in kept]

    @_own("Stop keeping an item (idempotent); answers the viewer's favourites, newest first.")
    async def remove_favourite(
        self,
        info: Info,
        kind: FavouriteKind,
        id: strawberry.ID,
    ) -> list[Favourite]:
        kept = await preferences.remove_favourite(info, preferences.FavouriteKind(kind), str(id))
        return [Favourite.of(record) for record in kept]
