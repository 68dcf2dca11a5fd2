"""How each catalogue is read whole, page after page, through the shared caller: numbered
pages (the Régions, Bpifrance) fetched concurrently once page 1 told how many there are, and
France Num's cursor pages one after the other."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import Any

from connectors.catalogues import bpifrance, francenum, region
from connectors.catalogues.wire import PayloadError, mapping
from connectors.http import ResilientCaller

__all__ = [
    "fetch_bpifrance",
    "fetch_francenum_activators",
    "fetch_francenum_schemes",
    "fetch_region",
]


def _page_items(body: Any, key: str) -> list[Any]:
    items = mapping(body).get(key)
    if not isinstance(items, list):
        raise PayloadError(f"page without {key}")
    return items


async def _numbered_pages(
    caller: ResilientCaller,
    path: str,
    name: str,
    first: dict[str, str | int],
    pages_of: Callable[[Mapping[str, Any]], int],
    page_params: Callable[[int], dict[str, str | int]],
    key: str,
) -> list[Any]:
    """Page 1 tells how many pages there are; the others are fetched concurrently."""
    body = mapping(await caller.get_json(path, name=name, params=first))
    items = list(_page_items(body, key))
    pages = pages_of(body)
    rest = await asyncio.gather(
        *(
            caller.get_json(path, name=name, params=page_params(page))
            for page in range(2, pages + 1)
        )
    )
    for page in rest:
        items.extend(_page_items(page, key))
    return items


async def fetch_region(caller: ResilientCaller) -> list[Any]:
    def params(page: int) -> dict[str, str | int]:
        return {"page": page, "per_page": region.PAGE_SIZE}

    return await _numbered_pages(
        caller, region.PATH, "region_page", params(1), region.page_count, params, "data"
    )


async def fetch_bpifrance(caller: ResilientCaller) -> list[Any]:
    def params(page: int) -> dict[str, str | int]:
        return {"page": page, "page_size": bpifrance.PAGE_SIZE}

    return await _numbered_pages(
        caller,
        bpifrance.PATH,
        "bpifrance_page",
        params(1),
        lambda body: bpifrance.page_count(body, bpifrance.PAGE_SIZE),
        params,
        "results",
    )


async def _cursor_pages(caller: ResilientCaller, path: str, name: str, limit: int) -> list[Any]:
    items: list[Any] = []
    cursor: str | None = None
    while True:
        params: dict[str, str | int] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        body = mapping(await caller.get_json(path, name=name, params=params))
        following = francenum.next_cursor(body)
        items.extend(_page_items(body, "items"))
        if following is None or following == cursor:
            return items
        cursor = following


async def fetch_francenum_schemes(caller: ResilientCaller) -> list[Any]:
    return await _cursor_pages(
        caller, francenum.SCHEMES_PATH, "francenum_schemes_page", francenum.SCHEMES_PAGE_SIZE
    )


async def fetch_francenum_activators(caller: ResilientCaller) -> list[Any]:
    return await _cursor_pages(
        caller,
        francenum.ACTIVATORS_PATH,
        "francenum_activators_page",
        francenum.ACTIVATORS_PAGE_SIZE,
    )
