"""News and events in the graph (public, filtered by filière, department and dates, paged,
the viewer's filières by default, warnings when a source is down), and a person's
preferences and favourites (its own, round trips, idempotent, ids checked)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from connectors.calendar import hub_today
from connectors.hubdb.models import Account, Project
from resolvers.context import Services
from resolvers.filieres import FILIERES, Filiere, filieres_of
from tests.conftest import CountingTransport, Run, errors_by_path

CLAIRE = "claire.leroy@leroy-sas.example"
DURAND = "pierre.durand@cci-gard.example"

EVENTS = """query ($filter: EventFilter, $first: Int!, $after: String) {
  events(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id title titles { language text } keywords filieres begins ends
      timings { begin end } place { city postalCode departmentCode } } } } }"""
NEWS = """query ($filter: NewsFilter, $first: Int!, $after: String) {
  news(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id title link summary published categories filieres } } } }"""
MINE = "{ viewer { preferences { filieres } favourites { kind id addedAt } } }"
KEPT = """{ viewer { favourites { kind id event { title } news { title } scheme { title } } } }"""
SET = "mutation ($f: [Filiere!]!) { setPreferences(filieres: $f) { filieres } }"
ADD = "mutation ($k: FavouriteKind!, $id: ID!) { addFavourite(kind: $k, id: $id) { kind id } }"
REMOVE = """mutation ($k: FavouriteKind!, $id: ID!) {
  removeFavourite(kind: $k, id: $id) { kind id } }"""


def _nodes(result: Any, field: str) -> list[dict[str, Any]]:
    assert result.errors is None, result.errors
    return [edge["node"] for edge in result.data[field]["edges"]]


def test_the_graph_enum_is_the_fixed_list_of_filieres() -> None:
    assert {f.value for f in Filiere} == set(FILIERES)


@pytest.mark.parametrize(
    ("terms", "expected"),
    [
        (["Industrie du futur"], {"industrie"}),
        (["aéronautique", "spatial"], {"aeronautique", "spatial"}),
        (["Commerce de proximité"], {"commerce"}),
        (["Énergies renouvelables", "Mer"], {"energies-renouvelables", "nautisme"}),
        (["Création d'entreprise", "vinyle"], set()),  # "vin" is a word, not a prefix
    ],
)
def test_keywords_and_categories_map_onto_filieres(terms: list[str], expected: set[str]) -> None:
    assert filieres_of(terms) == expected


async def test_anyone_reads_the_events_by_start_date(run: Run) -> None:
    result = await run(EVENTS, variables={"first": 100})

    events = _nodes(result, "events")
    assert result.data["events"]["totalCount"] == len(events) > 0
    assert [e["begins"] for e in events] == sorted(e["begins"] for e in events)
    assert all(e["titles"][0]["language"] == "fr" and e["title"] for e in events)


async def test_events_are_those_not_over_unless_an_earlier_day_is_asked(run: Run) -> None:
    today = hub_today()
    coming = _nodes(await run(EVENTS, variables={"first": 100}), "events")
    earlier = (today - timedelta(days=20)).isoformat()
    since = _nodes(
        await run(EVENTS, variables={"first": 100, "filter": {"from": earlier}}), "events"
    )

    assert coming and all(e["ends"][:10] >= (today - timedelta(days=1)).isoformat() for e in coming)
    assert len(since) > len(coming)
    assert {e["id"] for e in coming} <= {e["id"] for e in since}


async def test_events_filter_by_filiere_department_and_dates(run: Run) -> None:
    today = hub_today()
    window = {"from": today.isoformat(), "to": (today + timedelta(days=60)).isoformat()}
    result = await run(EVENTS, variables={
        "first": 100, "filter": {"filieres": ["AERONAUTIQUE"], "department": "31", **window},
    })  # fmt: skip

    events = _nodes(result, "events")
    every = _nodes(await run(EVENTS, variables={"first": 100}), "events")
    assert len(events) < len(every)
    for event in events:
        assert "AERONAUTIQUE" in event["filieres"]
        assert event["place"]["departmentCode"] == "31"
        assert event["ends"][:10] >= window["from"] and event["begins"][:10] <= window["to"]


async def test_events_page_with_cursors_without_gaps(run: Run) -> None:
    seen: list[str] = []
    after = None
    while True:
        result = await run(EVENTS, variables={"first": 7, "after": after})
        seen += [e["id"] for e in _nodes(result, "events")]
        info = result.data["events"]["pageInfo"]
        if not info["hasNextPage"]:
            break
        after = info["endCursor"]

    assert len(seen) == len(set(seen)) == result.data["events"]["totalCount"]


@pytest.mark.parametrize(
    ("variables", "argument"),
    [
        ({"first": 0}, "first"),
        ({"first": 5, "after": "nope"}, "after"),
        ({"first": 5, "filter": {"department": "Toulouse"}}, "department"),
        ({"first": 5, "filter": {"from": "2026-05-02", "to": "2026-05-01"}}, "to"),
    ],
)
async def test_bad_event_filters_are_bad_user_input(
    run: Run, variables: dict[str, Any], argument: str
) -> None:
    result = await run(EVENTS, variables=variables)

    assert result.errors is not None
    assert result.errors[0].extensions == {
        "code": "BAD_USER_INPUT", "argument": argument,
    }  # fmt: skip


async def test_anyone_reads_the_news_newest_first_filtered(run: Run) -> None:
    every = _nodes(await run(NEWS, variables={"first": 100}), "news")
    tourism = _nodes(
        await run(NEWS, variables={"first": 100, "filter": {"filieres": ["TOURISME"]}}), "news"
    )
    words = _nodes(
        await run(NEWS, variables={"first": 100, "filter": {"text": "hydrogene"}}), "news"
    )

    assert len(every) == 40
    assert [n["published"] for n in every] == sorted((n["published"] for n in every), reverse=True)
    assert tourism and all("TOURISME" in n["filieres"] for n in tourism)
    assert len(tourism) < len(every)
    assert words and all("Hydrogène" in n["title"] for n in words)


async def test_news_and_events_default_to_the_viewers_filieres(run: Run) -> None:
    await run(SET, as_=CLAIRE, variables={"f": ["SANTE"]})

    mine = _nodes(await run(NEWS, as_=CLAIRE, variables={"first": 100}), "news")
    every_filiere = _nodes(
        await run(NEWS, as_=CLAIRE, variables={"first": 100, "filter": {"filieres": []}}), "news"
    )
    events = _nodes(await run(EVENTS, as_=CLAIRE, variables={"first": 100}), "events")
    someone_else = _nodes(await run(NEWS, as_=DURAND, variables={"first": 100}), "news")

    assert mine and all(n["filieres"] == ["SANTE"] for n in mine)
    assert events and all("SANTE" in e["filieres"] for e in events)
    assert len(every_filiere) == len(someone_else) == 40


async def test_the_viewers_filieres_are_read_once_per_request(
    run: Run, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[list[str]] = []
    read = services.preferences.filieres_of

    async def counted(account_ids: list[str]) -> dict[str, tuple[str, ...]]:
        reads.append(list(account_ids))
        return await read(account_ids)

    monkeypatch.setattr(services.preferences, "filieres_of", counted)
    query = "{ viewer { preferences { filieres } } events(first: 1) { totalCount } news(first: 1) { totalCount } }"

    result = await run(query, as_=CLAIRE)

    assert result.errors is None, result.errors
    assert reads == [["account-claire-leroy"]]


async def test_preferences_round_trip_and_replace(run: Run) -> None:
    first = await run(SET, as_=CLAIRE, variables={"f": ["TOURISME", "NUMERIQUE", "TOURISME"]})
    second = await run(SET, as_=CLAIRE, variables={"f": ["INDUSTRIE"]})
    mine = await run(MINE, as_=CLAIRE)
    other = await run(MINE, as_=DURAND)

    assert first.data == {"setPreferences": {"filieres": ["NUMERIQUE", "TOURISME"]}}
    assert second.data == {"setPreferences": {"filieres": ["INDUSTRIE"]}}
    assert mine.data["viewer"]["preferences"] == {"filieres": ["INDUSTRIE"]}
    assert other.data["viewer"]["preferences"] == {"filieres": []}


async def test_favourites_round_trip_idempotent_and_per_account(run: Run) -> None:
    news = _nodes(await run(NEWS, variables={"first": 1}), "news")[0]["id"]
    event = _nodes(await run(EVENTS, variables={"first": 1}), "events")[0]["id"]
    scheme = "paysdelaloire:investissement-numerique"

    for kind, id_ in (("NEWS", news), ("EVENT", event), ("SCHEME", scheme), ("OFFER", "o-1")):
        result = await run(ADD, as_=CLAIRE, variables={"k": kind, "id": id_})
        assert result.errors is None, result.errors
    again = await run(ADD, as_=CLAIRE, variables={"k": "NEWS", "id": news})
    removed = await run(REMOVE, as_=CLAIRE, variables={"k": "OFFER", "id": "o-1"})
    removed_again = await run(REMOVE, as_=CLAIRE, variables={"k": "OFFER", "id": "o-1"})
    mine = await run(MINE, as_=CLAIRE)
    other = await run(MINE, as_=DURAND)

    assert len(again.data["addFavourite"]) == 4
    kept = {(f["kind"], f["id"]) for f in mine.data["viewer"]["favourites"]}
    assert kept == {("NEWS", news), ("EVENT", event), ("SCHEME", scheme)}
    assert removed.data == removed_again.data
    assert other.data["viewer"]["favourites"] == []
    items = (await run(KEPT, as_=CLAIRE)).data["viewer"]["favourites"]
    titles = {f["kind"]: (f["event"], f["news"], f["scheme"]) for f in items}
    assert titles["EVENT"][0]["title"] and titles["EVENT"][1:] == (None, None)
    assert titles["NEWS"][1]["title"] and titles["NEWS"][0] is None
    assert titles["SCHEME"][2]["title"] and titles["SCHEME"][:2] == (None, None)


@pytest.mark.parametrize("kind", ["SCHEME", "EVENT", "NEWS"])
async def test_an_unknown_item_is_not_kept(run: Run, kind: str) -> None:
    result = await run(ADD, as_=CLAIRE, variables={"k": kind, "id": "no-such-item"})
    blank = await run(ADD, as_=CLAIRE, variables={"k": "OFFER", "id": "  "})
    control = await run(ADD, as_=CLAIRE, variables={"k": "OFFER", "id": "o\x00-1"})
    too_long = await run(ADD, as_=CLAIRE, variables={"k": "OFFER", "id": "o" * 501})

    for refused in (result, blank, control, too_long):
        assert errors_by_path(refused) == {"addFavourite": "BAD_USER_INPUT"}
    assert (await run(MINE, as_=CLAIRE)).data["viewer"]["favourites"] == []


@pytest.mark.parametrize(
    "email",
    [CLAIRE, "thomas.blanc@cabinet-blanc.example", DURAND, "helene.vidal@laregion.example"],
    ids=["company-mandataire", "company-collaborator", "agent", "administrator"],
)
async def test_every_kind_of_account_keeps_its_own(run: Run, email: str) -> None:
    await run(SET, as_=email, variables={"f": ["ESS"]})
    await run(ADD, as_=email, variables={"k": "OFFER", "id": "cci-gard:createur"})

    mine = await run(MINE, as_=email)

    assert mine.errors is None, mine.errors
    assert mine.data["viewer"]["preferences"] == {"filieres": ["ESS"]}
    assert [(f["kind"], f["id"]) for f in mine.data["viewer"]["favourites"]] == [
        ("OFFER", "cci-gard:createur"),
    ]  # fmt: skip


async def test_anonymous_reads_no_preferences_or_favourites(run: Run) -> None:
    result = await run(MINE)

    assert errors_by_path(result) == {
        "viewer.preferences": "UNAUTHENTICATED", "viewer.favourites": "UNAUTHENTICATED",
    }  # fmt: skip


async def test_a_project_holder_follows_its_projects_filieres_until_it_chooses(
    run: Run, services: Services
) -> None:
    async with services.writer.transaction() as tx:
        email, filiere = (await tx.session.execute(
            sa.select(Account.email, Project.filiere)
            .join(Project, Project.holder_account_id == Account.id)
            .where(Account.kind == "PROJECT_HOLDER", Project.filiere.is_not(None))
            .order_by(Account.id)
            .limit(1)
        )).one()  # fmt: skip

    before = await run(MINE, as_=email)
    await run(SET, as_=email, variables={"f": ["BOIS"]})
    after = await run(MINE, as_=email)

    assert before.data["viewer"]["preferences"]["filieres"] == [filiere.upper().replace("-", "_")]
    assert after.data["viewer"]["preferences"]["filieres"] == ["BOIS"]


class TestStale:
    @pytest.fixture
    def feeds_ttl(self) -> float:
        return 0.0  # stale at once: the second read asks the source again

    async def test_events_and_news_served_stale_are_named_in_the_warnings(
        self, run: Run, events_upstream: CountingTransport, news_upstream: CountingTransport
    ) -> None:
        fresh = (await run(EVENTS, variables={"first": 5}), await run(NEWS, variables={"first": 5}))
        for upstream in (events_upstream, news_upstream):
            upstream.inner = httpx.MockTransport(lambda request: httpx.Response(503))

        stale = (await run(EVENTS, variables={"first": 5}), await run(NEWS, variables={"first": 5}))

        for before, after in zip(fresh, stale, strict=True):
            assert after.data == before.data
            warnings = (after.extensions or {})["warnings"]
            assert [(w["code"], w["source"]) for w in warnings] in (
                [("STALE_DATA", "openagenda")], [("STALE_DATA", "region_news")],
            )  # fmt: skip


@pytest.mark.parametrize(("query", "field"), [(EVENTS, "events"), (NEWS, "news")])
async def test_a_source_down_with_nothing_cached_answers_empty_with_a_warning(
    run: Run,
    events_upstream: CountingTransport,
    news_upstream: CountingTransport,
    query: str,
    field: str,
) -> None:
    for upstream in (events_upstream, news_upstream):
        upstream.inner = httpx.MockTransport(lambda request: httpx.Response(503))

    result = await run(query, variables={"first": 5})

    assert result.data[field]["totalCount"] == 0
    codes = [w["code"] for w in (result.extensions or {}).get("warnings", [])]
    assert codes == ["UPSTREAM_UNAVAILABLE"]
