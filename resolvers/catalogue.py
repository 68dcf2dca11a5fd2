"""The scheme catalogue and France Num's activators as the graph serves them: filters,
order and cursor paging over the records the catalogue connector holds in memory."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TypeVar

from connectors.calendar import hub_today
from connectors.catalogues import Catalogue
from connectors.catalogues.models import (
    Activator,
    ActivatorCategory,
    AidKind,
    Scheme,
    SchemeSource,
)
from connectors.entreprise.geography import region_of_department
from connectors.errors import ConnectorError
from connectors.pagination import Page, assemble_page, decode_cursor, encode_cursor
from connectors.text import fold
from resolvers.context import Info
from resolvers.directory_search import bad_cursor, page_size
from resolvers.errors import NOT_FOUND, UPSTREAM_UNAVAILABLE, coded_error

__all__ = [
    "ActivatorQuery",
    "SchemeQuery",
    "catalogue",
    "find_scheme",
    "page_of",
    "search_activators",
    "search_schemes",
]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class SchemeQuery:
    text: str | None = None
    source: SchemeSource | None = None
    kind: AidKind | None = None
    theme: str | None = None
    region: str | None = None
    open: bool | None = None

    @property
    def everything(self) -> bool:
        """It filters nothing out: every scheme matches."""
        return self == _EVERY_SCHEME

    def normalised(self) -> SchemeQuery:
        """The same filter, its text as the words it is matched by (none: no text), so that
        filters that match alike are equal (``"  "`` and no text, ``"Élan"`` and ``"elan"``)."""
        if self.text is None:
            return self
        words = " ".join(fold(self.text).split())
        return replace(self, text=words or None)

    def matches(self, scheme: Scheme, today: date) -> bool:
        if self.source is not None and scheme.source is not self.source:
            return False
        if self.kind is not None and self.kind not in scheme.kinds:
            return False
        if self.theme is not None and self.theme not in scheme.themes:
            return False
        if self.open is not None and scheme.is_open(today) is not self.open:
            return False
        if self.region is not None and not covers(scheme, self.region):
            return False
        return _words_in(self.text, scheme.search_text)


_EVERY_SCHEME = SchemeQuery()


@dataclass(frozen=True, slots=True)
class ActivatorQuery:
    region: str | None = None
    department: str | None = None
    category: ActivatorCategory | None = None
    domain: str | None = None
    text: str | None = None

    def matches(self, activator: Activator) -> bool:
        return (
            (self.region is None or activator.region == self.region)
            and (self.department is None or activator.department == self.department)
            and (self.category is None or activator.category is self.category)
            and (self.domain is None or self.domain in activator.domains)
            and _words_in(self.text, activator.search_text)
        )


def covers(scheme: Scheme, region: str) -> bool:
    """Whether a scheme is open to establishments of ``region`` (national schemes are)."""
    if scheme.territory_scale == "country" or not scheme.territory_codes:
        return True
    if scheme.territory_scale == "department":
        return any(region_of_department(code) == region for code in scheme.territory_codes)
    return region in scheme.territory_codes


def _words_in(text: str | None, haystack: str) -> bool:
    return not text or all(word in haystack for word in fold(text).split())


async def catalogue(info: Info) -> Catalogue:
    """Every scheme that could be read. A source that failed with nothing cached is named in
    the response's ``extensions.warnings``; the others answer."""
    found = await info.context.services.catalogues.schemes()
    for source in found.unavailable:
        info.context.warn(
            "UPSTREAM_UNAVAILABLE",
            f"The {source} catalogue is unavailable: its schemes are missing from this answer.",
            source=source,
        )
    return found


async def find_scheme(info: Info, scheme_id: str) -> Scheme:
    found = await catalogue(info)
    scheme = found.by_id.get(scheme_id.strip())
    if scheme is None:
        feed = _FEEDS.get(scheme_id.partition(":")[0])
        if feed in found.unavailable:
            raise coded_error(
                f"The catalogue that holds {scheme_id!r} is unavailable; try again later.",
                UPSTREAM_UNAVAILABLE,
            )
        raise coded_error(f"No aid scheme has the id {scheme_id!r}.", NOT_FOUND)
    return scheme


_FEEDS = {"region": "region", "paysdelaloire": "region", "bpifrance": "bpifrance",
          "francenum": "francenum", "crealia": "crealia",
          "franceinitiative": "franceinitiative", "irdisoridec": "irdisoridec"}  # fmt: skip
"""The catalogue feed that publishes the schemes of each id prefix."""


async def search_schemes(
    info: Info, query: SchemeQuery, first: int | None, after: str | None
) -> Page[Scheme]:
    found = await catalogue(info)
    today = hub_today()
    matching = [scheme for scheme in found.schemes if query.matches(scheme, today)]
    return page_of(matching, _scheme_order, page_size(first), after)


async def search_activators(
    info: Info, query: ActivatorQuery, first: int | None, after: str | None
) -> Page[Activator]:
    try:
        activators = await info.context.services.catalogues.activators()
    except ConnectorError:
        raise coded_error(
            "France Num's activators directory is unavailable; try again later.",
            UPSTREAM_UNAVAILABLE,
        ) from None
    matching = [activator for activator in activators if query.matches(activator)]
    return page_of(matching, _activator_order, page_size(first), after)


def _scheme_order(scheme: Scheme) -> tuple[str, str]:
    return fold(scheme.title), scheme.id


def _activator_order(activator: Activator) -> tuple[str, str]:
    return fold(activator.display_name), activator.id


def page_of(
    items: Sequence[T], order: Callable[[T], tuple[str, str]], size: int, after: str | None
) -> Page[T]:
    """One page of ``items`` in ``order`` (a unique key), after the cursor ``after``."""
    keyed = sorted(((order(item), item) for item in items), key=lambda pair: pair[0])
    keys = [key for key, _ in keyed]
    start = bisect.bisect_right(keys, _after(after)) if after else 0
    return assemble_page(
        keyed[start : start + size + 1], size,
        item=lambda pair: pair[1], cursor=lambda pair: encode_cursor(*pair[0]),
        total=len(keyed),
        after=after if start else None,  # a cursor before every item starts the list
    )  # fmt: skip


def _after(cursor: str) -> tuple[str, str]:
    try:
        return decode_cursor(cursor)
    except ValueError:
        raise bad_cursor() from None
