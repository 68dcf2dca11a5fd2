"""A partner call's URL, made in one parse.

``httpx.AsyncClient.request(method, path, params=...)`` parses a URL three times per call
(the client's base joined with the path, the request's URL, then again with the parameters
merged in), each parse checking every character of every component: at 56 API Entreprise
calls for one cold portfolio, more of the gateway's CPU than the rest of the call. Here the
absolute URL is written once (the base, the path, the parameters encoded as httpx encodes
them) and parsed once, and the client builds its request from it: the client's headers,
timeouts and hooks apply as before. A path that carries its own query, or a URL of its own,
is left to httpx, which merges them (``tests/connectors/http/test_request_urls.py`` compares both
ways on generated paths and parameters)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from urllib.parse import urlencode

import httpx

__all__ = ["call_url"]

_MERGED_BY_HTTPX = re.compile(r"[?#:]|^//")
"""What makes a path more than a path to httpx: a query, a fragment, a scheme (``x:…``), a
host (``//host/…``)."""


def call_url(
    base_url: httpx.URL, path: str, params: Mapping[str, str | int] | None
) -> httpx.URL | None:
    """``base_url`` joined with ``path`` and ``params``, as ``httpx`` would join them; None
    when ``path`` carries a query, a fragment, a scheme or a host (httpx merges those), or
    when the client has no base."""
    prefix = _prefix(base_url)
    if prefix is None or _MERGED_BY_HTTPX.search(path):
        return None
    url = prefix + path.lstrip("/")
    if params:
        url += "?" + urlencode([(key, _text(value)) for key, value in params.items()])
    return httpx.URL(url)


@lru_cache(maxsize=64)
def _prefix(base_url: httpx.URL) -> str | None:
    """The base as text, ending with "/" (a client's base path always does), or None for a
    relative base, or one with credentials or a query of its own."""
    if not base_url.is_absolute_url or base_url.userinfo or base_url.query:
        return None
    prefix = (
        f"{base_url.scheme}://{base_url.netloc.decode('ascii')}{base_url.raw_path.decode('ascii')}"
    )
    return prefix if prefix.endswith("/") else prefix + "/"


def _text(value: str | int) -> str:
    """A parameter's value as httpx writes it (``True`` is ``true``)."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)
