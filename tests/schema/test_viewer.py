"""The viewer's own things: company spaces, a holder's projects, an agent's portfolio."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

import resolvers.viewer
from connectors.hubdb.models import Account
from resolvers.context import Services
from tests.conftest import Run, errors_by_path

VIEWER = """query($first: Int) { viewer { kind companies { siret viewerAccess }
  projects { title } portfolio(first: $first) { totalCount edges { node { siret } } } } }"""
PORTFOLIO = """query($first: Int, $after: String) { viewer { portfolio(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { node { siret name referent { status agent { name } } representatives { email }
                 projects { title actors { agent { name } } } } } } } }"""


async def test_a_company_user_sees_its_spaces_and_no_portfolio(run: Run) -> None:
    result = await run(VIEWER, as_="claire.leroy@leroy-sas.example")
    assert result.errors is None
    viewer = result.data["viewer"]
    assert viewer["companies"] == [{"siret": "84215637400014", "viewerAccess": "OWNER"}]
    assert viewer["portfolio"]["totalCount"] == 0 and viewer["projects"] == []


async def test_anonymous_has_nothing_of_its_own(run: Run) -> None:
    result = await run(VIEWER)
    assert result.errors is None
    assert result.data["viewer"] == {
        "kind": "ANONYMOUS",
        "companies": [],
        "projects": [],
        "portfolio": {"totalCount": 0, "edges": []},
    }


async def test_a_project_holder_sees_its_named_project(run: Run, services: Services) -> None:
    async with services.writer.transaction() as tx:
        email = await tx.session.scalar(
            sa.select(Account.email).where(Account.kind == "PROJECT_HOLDER").limit(1)
        )
    result = await run(VIEWER, as_=email)
    assert result.data["viewer"]["kind"] == "PROJECT_HOLDER"
    assert len(result.data["viewer"]["projects"]) == 1


async def test_the_referents_portfolio_pages_through_its_accepted_companies(run: Run) -> None:
    durand = "pierre.durand@cci-gard.example"
    first = await run(PORTFOLIO, as_=durand, variables={"first": 20})
    assert first.errors is None
    page = first.data["viewer"]["portfolio"]
    total = page["totalCount"]
    assert total >= 50
    seen = [e["node"]["siret"] for e in page["edges"]]
    while page["pageInfo"]["hasNextPage"]:
        more = await run(
            PORTFOLIO, as_=durand, variables={"first": 20, "after": page["pageInfo"]["endCursor"]}
        )
        page = more.data["viewer"]["portfolio"]
        seen += [e["node"]["siret"] for e in page["edges"]]
    assert len(seen) == len(set(seen)) == total
    assert "84215637400014" in seen and "44306184100047" not in seen  # pending is not in it
    node = first.data["viewer"]["portfolio"]["edges"][0]["node"]
    assert node["referent"] == {"status": "ACCEPTED", "agent": {"name": "Pierre Durand"}}


async def test_portfolio_sql_statements_do_not_grow_with_the_companies(
    run: Run, services: Services
) -> None:
    sent: list[str] = []
    engine = services.hub.engine  # the engine whose listeners see every statement
    listener = lambda *args: sent.append(args[2])
    sa.event.listen(engine.sync_engine, "before_cursor_execute", listener)
    try:
        counts = []
        for first in (5, 40):
            await run(
                PORTFOLIO, as_="pierre.durand@cci-gard.example", variables={"first": first}
            )  # warm the viewer and directory caches
            measured = []
            for _ in range(2):  # the fewer of two: a viewer or directory cache entry that
                sent.clear()  # expired on a slow machine costs a reload, not a statement per row
                result = await run(
                    PORTFOLIO, as_="pierre.durand@cci-gard.example", variables={"first": first}
                )
                assert result.errors is None
                measured.append(len(sent))
            counts.append(min(measured))
    finally:
        sa.event.remove(engine.sync_engine, "before_cursor_execute", listener)
    assert counts[0] == counts[1] <= 6


async def test_a_bad_page_size_is_bad_input(run: Run) -> None:
    result = await run(VIEWER, as_="pierre.durand@cci-gard.example", variables={"first": 0})
    assert errors_by_path(result) == {"viewer.portfolio": "BAD_USER_INPUT"}


async def test_the_portfolio_asks_for_its_page_s_etablissements_once_the_page_is_known(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[tuple[list[str], tuple[str, ...]]] = []
    prefetch = resolvers.viewer.prefetch_listed

    def recorded(info: Any, sirets: list[str], path: tuple[str, ...]) -> None:
        asked.append((list(sirets), tuple(path)))
        prefetch(info, sirets, path)

    monkeypatch.setattr(resolvers.viewer, "prefetch_listed", recorded)
    result = await run(PORTFOLIO, as_="pierre.durand@cci-gard.example", variables={"first": 5})
    assert result.errors is None
    page = [edge["node"]["siret"] for edge in result.data["viewer"]["portfolio"]["edges"]]
    assert asked == [(page, ("edges", "node"))]
