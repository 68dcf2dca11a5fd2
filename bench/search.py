"""The "referent search" scenario: a company user's 4-criteria agent search (territory,
filières, competence domains, role; selectable agents only) over the whole seeded directory,
on the warm gateway, with a rotation of realistic filters."""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Any

import aiohttp

from bench.client import GraphQLPoster, graphql_failure

__all__ = ["COMPANY_USER_EMAIL", "FILTERS", "SEARCH", "SearchClient", "total_count_summary"]

COMPANY_USER_EMAIL = "claire.leroy@leroy-sas.example"
PAGE = 20

SEARCH = """
query Search($f: AgentFilterInput!) { agents(filter: $f, first: 20) { totalCount
  edges { cursor node { id name title filieres domains structure { id name city } } }
  pageInfo { hasNextPage endCursor } } }
"""

# Towns of Occitanie (sandbox/hubdb/vocabulary.py TOWNS) and slugs of its FILIERES
# and DOMAINS; every postal code meets every (filières, domains) pair once, plus a wide and
# a narrow search.
_POSTAL_CODES = ("30000", "31000", "34000", "81000", "66000")
_CRITERIA: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("industrie",), ("creation",)),
    (("numerique", "aeronautique"), ("financement", "export")),
    (("agroalimentaire",), ("innovation",)),
)
FILTERS: tuple[dict[str, Any], ...] = tuple(
    {
        "postalCode": postal_code,
        "filieres": list(filieres),
        "domains": list(domains),
        "role": "REFERENT",
        "selectableOnly": True,
    }
    for postal_code, (filieres, domains) in [
        *itertools.product(_POSTAL_CODES, _CRITERIA),
        # wide: more than a page (hasNextPage); narrow: nautisme in Lozère, likely none
        ("31000", (("aeronautique", "spatial", "numerique", "industrie"),
                   ("innovation", "financement", "export", "creation"))),
        ("48000", (("nautisme",), ("immobilier-entreprise",))),
    ]
)  # fmt: skip


def _page_problem(data: Any, wanted: dict[str, Any]) -> str | None:
    """What is wrong with one page of results, or None."""
    agents = (data or {}).get("agents")
    if not isinstance(agents, dict):
        return "no agents in data"
    total, edges, info = agents.get("totalCount"), agents.get("edges"), agents.get("pageInfo")
    if not isinstance(total, int) or not isinstance(edges, list) or not isinstance(info, dict):
        return "totalCount, edges or pageInfo missing"
    if total < len(edges):
        return f"totalCount {total} < {len(edges)} edges"
    if len(edges) != min(total, PAGE):
        return f"{len(edges)} edges for totalCount {total} (page of {PAGE})"
    if info.get("hasNextPage") != (total > len(edges)):
        return "hasNextPage disagrees with totalCount"
    if edges and info.get("endCursor") != edges[-1].get("cursor"):
        return "endCursor is not the last edge's cursor"
    for edge in edges:
        node = edge.get("node") or {}
        if not edge.get("cursor") or not node.get("id") or not node.get("name"):
            return "edge without cursor, id or name"
        if not set(node.get("filieres") or ()) & set(wanted["filieres"]):
            return f"agent {node.get('id')} has none of the filières asked for"
        if not set(node.get("domains") or ()) & set(wanted["domains"]):
            return f"agent {node.get('id')} has none of the domains asked for"
        if not (node.get("structure") or {}).get("id"):
            return f"agent {node.get('id')} has no structure"
    return None


class SearchClient:
    """Sends the search with the next filter of the rotation (shared by every concurrent
    client) and checks every answer: the first correct answer for a filter is checked in
    full and becomes that filter's reference; later ones must carry the same data (a
    byte-identical body is accepted without parsing it again)."""

    def __init__(self, session: aiohttp.ClientSession, gateway_url: str, token: str) -> None:
        self._poster = GraphQLPoster(session, gateway_url, token)
        self._bodies = [GraphQLPoster.body(SEARCH, "Search", {"f": f}) for f in FILTERS]
        self._next = itertools.count()
        self._reference_body: list[bytes | None] = [None] * len(FILTERS)
        self._reference_data: list[Any] = [None] * len(FILTERS)

    async def request(self) -> tuple[float, str | None]:
        index = next(self._next) % len(FILTERS)
        seconds, status, body = await self._poster.post(self._bodies[index])
        return seconds, self._failure(index, status, body)

    def _failure(self, index: int, status: int, body: bytes) -> str | None:
        if status == 200 and body == self._reference_body[index]:
            return None
        failure, data = graphql_failure(status, body)
        if failure is not None:
            return failure
        if self._reference_data[index] is None:
            problem = _page_problem(data, FILTERS[index])
            if problem is not None:
                return problem
            self._reference_data[index], self._reference_body[index] = data, body
            return None
        return None if data == self._reference_data[index] else "data differs from the reference"

    def total_counts(self) -> list[int | None]:
        """totalCount per filter, from its reference answer (None if never answered)."""
        return [
            None if data is None else int(data["agents"]["totalCount"])
            for data in self._reference_data
        ]


def total_count_summary(
    counts: list[int | None], filters: tuple[dict[str, Any], ...] = FILTERS
) -> dict[str, Any]:
    known = sorted(c for c in counts if c is not None)
    buckets: Counter[str] = Counter()
    for count in known:
        if count == 0:
            buckets["0"] += 1
        elif count <= PAGE:
            buckets[f"1-{PAGE}"] += 1
        else:
            buckets[f">{PAGE}"] += 1
    return {
        "per_filter": [{**f, "totalCount": c} for f, c in zip(filters, counts, strict=True)],
        "filters": len(counts),
        "with_results": sum(1 for c in known if c > 0),
        "min": known[0] if known else None,
        "median": known[len(known) // 2] if known else None,
        "max": known[-1] if known else None,
        "buckets": dict(buckets),
    }
