"""Paging through every catalogue over real HTTP reaches every item exactly once, in the
catalogue's order, whatever the page size."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from sandbox.catalogues import BPIFRANCE_API_KEY, create_app, payloads
from tests.servers import serving


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with serving(create_app()) as url, httpx.AsyncClient(base_url=url) as client:
        yield client


async def _pages(client: httpx.AsyncClient, url: str, **params: Any) -> list[dict[str, Any]]:
    bodies = []
    response = await client.get(url, params=params)
    while True:
        assert response.status_code == 200, response.text
        bodies.append(response.json())
        next_url = bodies[-1].get("links", {}).get("next") or bodies[-1].get("next")
        if not next_url:
            return bodies
        response = await client.get(next_url)


@pytest.mark.parametrize("per_page", [7, 50, 100])
async def test_region_pages_reach_every_scheme_once(
    client: httpx.AsyncClient, per_page: int
) -> None:
    bodies = await _pages(client, "/region/api/v1/dispositifs", per_page=per_page)

    ids = [item["id"] for body in bodies for item in body["data"]]
    assert ids == [item["id"] for item in payloads().region]
    assert len(set(ids)) == len(ids) == bodies[0]["meta"]["total"]
    assert len(bodies) == bodies[0]["meta"]["pages"]
    assert [body["meta"]["page"] for body in bodies] == list(range(1, len(bodies) + 1))
    assert bodies[0]["links"]["prev"] is None and bodies[-1]["links"]["next"] is None
    if len(bodies) > 1:
        assert bodies[1]["links"]["prev"] == bodies[0]["links"]["self"]


@pytest.mark.parametrize("page_size", [13, 30, 100])
async def test_bpifrance_pages_reach_every_aid_once(
    client: httpx.AsyncClient, page_size: int
) -> None:
    client.headers["X-Api-Key"] = BPIFRANCE_API_KEY
    bodies = await _pages(client, "/bpifrance/api/aids/", page_size=page_size)

    slugs = [aid["slug"] for body in bodies for aid in body["results"]]
    assert slugs == [aid["slug"] for aid in payloads().bpifrance]
    assert len(set(slugs)) == len(slugs) == bodies[0]["count"]
    assert bodies[0]["previous"] is None and bodies[-1]["next"] is None
    assert all(len(body["results"]) == page_size for body in bodies[:-1])


async def _by_cursor(client: httpx.AsyncClient, url: str, limit: int) -> list[dict[str, Any]]:
    bodies = [(await client.get(url, params={"limit": limit})).json()]
    while bodies[-1]["next_cursor"] is not None:
        response = await client.get(url, params={"limit": limit,
                                                 "cursor": bodies[-1]["next_cursor"]})  # fmt: skip
        assert response.status_code == 200, response.text
        bodies.append(response.json())
    return bodies


@pytest.mark.parametrize("limit", [1, 10, 500])
async def test_francenum_schemes_pages_reach_every_scheme_once(
    client: httpx.AsyncClient, limit: int
) -> None:
    bodies = await _by_cursor(client, "/francenum/api/v2/dispositifs", limit)

    slugs = [item["slug"] for body in bodies for item in body["items"]]
    assert slugs == [item["slug"] for item in payloads().francenum]
    assert len(set(slugs)) == len(slugs) == bodies[0]["total"]


@pytest.mark.parametrize("limit", [200, 500])
async def test_francenum_activators_pages_reach_every_activator_once(
    client: httpx.AsyncClient, limit: int
) -> None:
    bodies = await _by_cursor(client, "/francenum/api/v2/activateurs", limit)

    uuids = [item["uuid"] for body in bodies for item in body["items"]]
    assert uuids == [item["uuid"] for item in payloads().activators]
    assert len(set(uuids)) == len(uuids) == bodies[0]["total"] >= 1500
