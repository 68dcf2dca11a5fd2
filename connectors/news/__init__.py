"""The Région's news, read from its RSS/Atom feed (parsed by feedparser)."""

from __future__ import annotations

from connectors.news.connector import NewsConfig, NewsConnector
from connectors.news.models import NewsFeed, NewsItem

__all__ = ["NewsConfig", "NewsConnector", "NewsFeed", "NewsItem"]
