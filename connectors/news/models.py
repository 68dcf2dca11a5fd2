"""The news as the hub reads them: immutable records parsed from an RSS or Atom feed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

__all__ = ["NewsFeed", "NewsItem"]


@dataclass(frozen=True, slots=True)
class NewsItem:
    id: str
    """The entry's ``guid`` (RSS) or ``id`` (Atom), else its link."""
    title: str
    link: str | None
    summary: str | None
    """Plain text (feedparser sanitises the HTML; the tags are dropped here)."""
    published: datetime
    categories: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NewsFeed:
    """Every readable entry, newest first (then by id)."""

    items: tuple[NewsItem, ...]
    by_id: Mapping[str, NewsItem]
    stale: bool = False
    """Served from the cache after the source failed."""
