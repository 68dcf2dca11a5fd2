"""A signed-in person's own space: the filières its news and events follow
(``Viewer.preferences``, ``setPreferences``) and its favourites (``Viewer.favourites``,
``addFavourite``, ``removeFavourite``; idempotent). Anyone without an account is refused
(``UNAUTHENTICATED`` when anonymous)."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from datetime import UTC, datetime
from enum import StrEnum

from graphql import GraphQLError

from auth.actions import Action, require
from connectors.catalogues.models import Scheme
from connectors.events import Event
from connectors.hubdb.preferences import FavouriteRecord
from connectors.news import NewsItem
from resolvers.catalogue import catalogue, find_scheme
from resolvers.context import Info
from resolvers.errors import BAD_USER_INPUT, NOT_FOUND, UPSTREAM_UNAVAILABLE, coded_error
from resolvers.feeds import agenda, news_feed, viewer_filieres
from resolvers.filieres import FILIERES

__all__ = [
    "FavouriteKind",
    "add_favourite",
    "favourites",
    "kept_item",
    "preferences",
    "remove_favourite",
    "set_preferences",
]

_MAX_ID = 500


class FavouriteKind(StrEnum):
    SCHEME = "SCHEME"
    EVENT = "EVENT"
    NEWS = "NEWS"
    OFFER = "OFFER"


def _account_id(info: Info) -> str:
    viewer = info.context.viewer
    require(Action.KEEP_OWN_PREFERENCES, viewer)
    assert viewer.account_id is not None  # the action's rule
    return viewer.account_id


async def preferences(info: Info) -> tuple[str, ...]:
    return await viewer_filieres(info, _account_id(info))


async def set_preferences(info: Info, filieres: Sequence[str]) -> tuple[str, ...]:
    account_id = _account_id(info)
    unknown = sorted(set(filieres) - FILIERES.keys())
    if unknown:
        raise coded_error(f"unknown filière: {', '.join(unknown)}.", BAD_USER_INPUT,
                          argument="filieres")  # fmt: skip
    chosen = await info.context.services.preferences.set_filieres(account_id, filieres)
    with contextlib.suppress(KeyError):  # not loaded yet in this request
        info.context.loaders.filieres.clear(account_id)
    return chosen


async def favourites(info: Info) -> list[FavouriteRecord]:
    return await info.context.services.preferences.favourites(_account_id(info))


async def kept_item(
    info: Info, kind: FavouriteKind, item_id: str
) -> Event | NewsItem | Scheme | None:
    """A favourite's item as its source has it now (read from the cached agenda, feed or
    catalogue); None for an offer (another source's) or an item its source no longer has."""
    if kind is FavouriteKind.EVENT:
        found_agenda = await agenda(info)
        return found_agenda.by_id.get(item_id) if found_agenda else None
    if kind is FavouriteKind.NEWS:
        found_feed = await news_feed(info)
        return found_feed.by_id.get(item_id) if found_feed else None
    if kind is FavouriteKind.SCHEME:
        return (await catalogue(info)).by_id.get(item_id)
    return None


async def add_favourite(info: Info, kind: FavouriteKind, id_: str) -> list[FavouriteRecord]:
    account_id = _account_id(info)
    item_id = _clean(id_)
    await _check_exists(info, kind, item_id)
    store = info.context.services.preferences
    await store.add_favourite(account_id, kind.value, item_id, datetime.now(UTC))
    return await store.favourites(account_id)


async def remove_favourite(info: Info, kind: FavouriteKind, id_: str) -> list[FavouriteRecord]:
    account_id = _account_id(info)
    store = info.context.services.preferences
    await store.remove_favourite(account_id, kind.value, _clean(id_))
    return await store.favourites(account_id)


def _clean(id_: str) -> str:
    item_id = id_.strip()
    if not item_id or len(item_id) > _MAX_ID or not item_id.isprintable():
        raise coded_error(f"id is 1 to {_MAX_ID} printable characters.", BAD_USER_INPUT,
                          argument="id")  # fmt: skip
    return item_id


async def _check_exists(info: Info, kind: FavouriteKind, item_id: str) -> None:
    """SCHEME, EVENT and NEWS ids are checked against their sources (read whole and cached:
    cheap); an OFFER's is not (offers are another source's). A source that cannot say keeps
    the favourite, and the answer says it was not checked."""
    if kind is FavouriteKind.OFFER:
        return
    known: bool | None
    if kind is FavouriteKind.SCHEME:
        known = await _scheme_known(info, item_id)
    elif kind is FavouriteKind.EVENT:
        found = await agenda(info)
        known = None if found is None else item_id in found.by_id
    else:
        feed = await news_feed(info)
        known = None if feed is None else item_id in feed.by_id
    if known is False:
        raise coded_error(f"No {kind.value.lower()} has the id {item_id!r}.", BAD_USER_INPUT,
                          argument="id")  # fmt: skip
    if known is None:
        info.context.warn(
            "UNCHECKED",
            f"The {kind.value.lower()} could not be checked (its source is unavailable): "
            "it is kept as given.",
        )


async def _scheme_known(info: Info, item_id: str) -> bool | None:
    try:
        await find_scheme(info, item_id)
    except GraphQLError as error:
        code = (error.extensions or {}).get("code")
        if code == NOT_FOUND:
            return False
        if code == UPSTREAM_UNAVAILABLE:
            return None
        raise
    return True
