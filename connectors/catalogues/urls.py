"""A catalogue's configured URL, as the operator wrote it, to the root its feed paths hang
from: the host root (``https://catalogue.example``) and the documented feed URL
(``https://catalogue.example/region/api/v1/dispositifs``, or any leading part of that path
such as ``…/region/api/v1``) name the same source."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

__all__ = ["source_root"]


def source_root(url: str, feed_paths: Iterable[str]) -> str:
    """``url`` without the longest trailing part that is a leading part of a feed path (whole
    segments only); ``url`` unchanged when it ends with none."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    longest = ""
    for feed_path in feed_paths:
        segments = feed_path.strip("/").split("/")
        for count in range(len(segments), 0, -1):
            prefix = "/" + "/".join(segments[:count])
            if path.endswith(prefix) and len(prefix) > len(longest):
                longest = prefix
                break
    root = path[: len(path) - len(longest)] if longest else path
    return urlunsplit((parts.scheme, parts.netloc, root, "", ""))
