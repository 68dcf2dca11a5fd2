"""An RSS 2.0 or Atom feed to ``NewsItem`` records, with feedparser (which copes with the
formats' variants, encodings, dates and unsafe HTML; docs/dependencies.md)."""

from __future__ import annotations

import calendar
import html
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

import feedparser  # type: ignore[import-untyped]

from connectors.news.models import NewsFeed, NewsItem
from connectors.payload import PayloadError

__all__ = ["PayloadError", "parse_feed"]

_TAG = re.compile(r"<[^>]+>")


def parse_feed(text: str) -> tuple[NewsFeed, int]:
    """The feed's items and how many entries were skipped (no id, title or date). A text that
    is no feed at all is ``PayloadError``."""
    parsed = feedparser.parse(text, sanitize_html=True, resolve_relative_uris=False)
    if parsed.get("bozo") and not parsed.get("entries"):
        raise PayloadError(f"not a feed ({type(parsed.get('bozo_exception')).__name__})")
    items: dict[str, NewsItem] = {}
    skipped = 0
    for entry in parsed.get("entries", ()):
        item = _item(entry)
        if item is None:
            skipped += 1
        else:
            items.setdefault(item.id, item)
    ordered = tuple(sorted(items.values(), key=lambda i: (-i.published.timestamp(), i.id)))
    return NewsFeed(ordered, MappingProxyType({i.id: i for i in ordered})), skipped


def _item(entry: Mapping[str, Any]) -> NewsItem | None:
    link = _text(entry.get("link"))
    id_ = _text(entry.get("id")) or link
    title = _text(entry.get("title"))
    moment = entry.get("published_parsed") or entry.get("updated_parsed")
    if not id_ or not title or moment is None:
        return None
    summary = _text(_TAG.sub(" ", entry.get("summary") or ""))
    categories = tuple(term for tag in entry.get("tags") or () if (term := _text(tag.get("term"))))
    return NewsItem(
        id=id_[:500],
        title=title,
        link=link,
        summary=summary,
        published=datetime.fromtimestamp(calendar.timegm(moment), UTC),
        categories=categories,
    )


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return " ".join(html.unescape(value).split()) or None
