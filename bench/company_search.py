"""The "company search" scenario: an agent's 4-filter company search (department, referent
or not, Sirene status, text) over the whole seed's registered companies, on the warm
gateway, with a rotation of filters. Each row's fields go through the DataLoaders (the SQL
statements per request do not grow with the page: tests/schema/test_company_search.py)."""

from __future__ import annotations

import itertools
from typing import Any

import aiohttp

from bench.client import GraphQLPoster, graphql_failure

__all__ = ["AGENT_EMAIL", "FILTERS", "SEARCH", "CompanySearchClient"]

AGENT_EMAIL = "sophie.roux@cci-gard.example"
PAGE = 20

SEARCH = """
query Companies($f: CompanyFilterInput!) { companies(filter: $f, first: 20) { totalCount
  edges { cursor node { siret name viewerAccess referent { status agent { name } } } }
  pageInfo { hasNextPage endCursor } } }
"""

_DEPARTMENTS = ("30", "31", "34", "81", "66")
_TEXTS = ("a", "bois", "ateliers")
FILTERS: tuple[dict[str, Any], ...] = tuple(
    {"department": department, "hasReferent": has_referent, "status": "ACTIVE", "text": text}
    for department, has_referent, text in itertools.product(_DEPARTMENTS, (True, False), _TEXTS)
)


def _page_problem(data: Any) -> str | None:
    companies = (data or {}).get("companies")
    if not isinstance(companies, dict):
        return "no companies in data"
    total, edges = companies.get("totalCount"), companies.get("edges")
    if not isinstance(total, int) or not isinstance(edges, list):
        return "totalCount or edges missing"
    if len(edges) != min(total, PAGE):
        return f"{len(edges)} edges for totalCount {total} (page of {PAGE})"
    for edge in edges:
        node = edge.get("node") or {}
        if not edge.get("cursor") or not node.get("siret") or not node.get("viewerAccess"):
            return "edge without cursor, siret or viewerAccess"
    return None


class CompanySearchClient:
    """Sends the search with the next filter of the rotation; the first correct answer of a
    filter is checked and becomes its reference, later ones must carry the same data."""

    def __init__(self, session: aiohttp.ClientSession, gateway_url: str, token: str) -> None:
        self._poster = GraphQLPoster(session, gateway_url, token)
        self._bodies = [GraphQLPoster.body(SEARCH, "Companies", {"f": f}) for f in FILTERS]
        self._next = itertools.count()
        self._reference: list[Any] = [None] * len(FILTERS)

    async def request(self) -> tuple[float, str | None]:
        index = next(self._next) % len(FILTERS)
        seconds, status, body = await self._poster.post(self._bodies[index])
        failure, data = graphql_failure(status, body)
        if failure is None and self._reference[index] is None:
            failure = _page_problem(data)
            self._reference[index] = data if failure is None else None
        elif failure is None and data != self._reference[index]:
            failure = "data differs from the reference"
        return seconds, failure

    def total_counts(self) -> list[int | None]:
        return [
            None if data is None else int(data["companies"]["totalCount"])
            for data in self._reference
        ]
