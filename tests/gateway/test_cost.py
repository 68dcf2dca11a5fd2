"""Cost analysis: a query is priced before it runs (fields, lists times `first`, partner
reads once per object), and refused with QUERY_TOO_COSTLY over the cost or read budget."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any

import httpx
import pytest
import respx
import strawberry
from graphql import parse

from auth.identity import Authenticator
from auth.tokens import DevTokenIssuer
from auth.viewer import ANONYMOUS, Viewer, ViewerKind
from auth.visibility import refused_everywhere
from gateway.errors import HubSchema
from gateway.graphql import build_schema
from gateway.pricing import CostPlanner, Price
from gateway.settings import Settings
from resolvers.context import Context, Services
from tests.conftest import TEST_KEY, CountingTransport
from tests.gateway.serving import served

SIRETS = [f"{n:09d}00011" for n in range(30)]
ALIASES = " ".join(
    f'c{i}: company(siret: "{siret}") {{ siret name }}' for i, siret in enumerate(SIRETS)
)
THIRTY_COMPANIES = f"{{ {ALIASES} }}"
AGENTS = "query Agents($n: Int) { agents(first: $n) { edges { node { name } } } }"
SHEET = """{ company(siret: "84215637400014") {
  name address { city } naf { code } legalRepresentatives { role } turnover { year }
  compliance { socialUpToDate fiscalUpToDate } } }"""


def _price(
    schema: HubSchema, query: str, variables: dict[str, Any] | None = None, **kwargs: Any
) -> Price:
    return CostPlanner().price(schema._schema, parse(query), None, variables, query, **kwargs)


@pytest.fixture
async def entreprise() -> AsyncIterator[respx.MockRouter]:
    """API Entreprise as a respx router that answers nothing: any call fails the test."""
    with respx.MockRouter(base_url="http://entreprise.test", assert_all_called=False) as router:
        yield router


async def test_thirty_aliased_companies_are_refused_to_anonymous_before_any_partner_call(
    database_url: str, tmp_path: Path, entreprise: respx.MockRouter
) -> None:
    settings = Settings(
        database_url=database_url, dev_secret_file=tmp_path / "secret", scheduler_enabled=False
    )
    client = httpx.AsyncClient(
        base_url="http://entreprise.test",
        transport=httpx.MockTransport(entreprise.async_handler),
    )
    async with served(settings, entreprise_client=client) as gateway:
        response = await gateway.client.post("/graphql", json={"query": THIRTY_COMPANIES})
    body = response.json()
    assert body.get("data") is None
    [error] = body["errors"]
    assert error["extensions"] == {
        "code": "QUERY_TOO_COSTLY",
        "upstreamReads": 30,
        "maxUpstreamReads": settings.max_anonymous_upstream_reads,
    }
    assert "anonymous request may make 10" in error["message"]
    assert entreprise.calls.call_count == 0


def test_the_partner_reads_of_one_company_are_counted_once(schema: HubSchema) -> None:
    # Sirene (name, address, naf and the company itself: one record), Infogreffe, DGFIP
    # turnover, the two compliance certificates.
    assert _price(schema, SHEET).reads == 5
    assert _price(schema, THIRTY_COMPANIES).reads == 30


def test_fields_refused_to_the_viewer_everywhere_cost_one_and_read_nothing(
    schema: HubSchema,
) -> None:
    signed_in = _price(schema, SHEET)
    anonymous = _price(schema, SHEET, refused=refused_everywhere(ANONYMOUS), anonymous=True)
    assert anonymous.reads == 1  # the Sirene record; tier-2 fields never resolve
    # legalRepresentatives, turnover, compliance: 1 each instead of 11, 11 and 21 + children
    assert anonymous.cost < signed_in.cost - 3 * 10


def test_a_list_counts_its_items_first_times(schema: HubSchema) -> None:
    small = _price(schema, "{ agents(first: 2) { edges { node { name } } } }")
    large = _price(schema, "{ agents(first: 50) { edges { node { name } } } }")
    # agents and edges once; node and name once per item
    assert (small.cost, large.cost) == (2 + 2 * 2, 2 + 50 * 2)


def test_nested_lists_multiply(schema: HubSchema) -> None:
    nested = _price(
        schema, "{ agents(first: 10) { edges { node { structure { name } filieres } } } }"
    )
    flat = _price(schema, "{ agents(first: 10) { edges { node { filieres } } } }")
    assert nested.cost - flat.cost == 10 * 2


def test_a_first_given_by_a_variable_is_priced_with_each_requests_value(
    schema: HubSchema,
) -> None:
    planner = CostPlanner()
    document = parse(AGENTS)

    def price(variables: dict[str, Any] | None) -> int:
        return planner.price(schema._schema, document, None, variables, AGENTS).cost

    assert price({"n": 3}) == 2 + 3 * 2
    assert price({"n": 40}) == 2 + 40 * 2
    assert price(None) == 2 + 20 * 2  # the argument's default
    assert price({"n": 10_000}) == 2 + 100 * 2  # no page is larger


def test_fragments_cost_what_they_spread(schema: HubSchema) -> None:
    spread = _price(
        schema,
        "query { agents(first: 5) { ...Page } } "
        "fragment Page on AgentConnection { edges { node { ...Card } } } "
        "fragment Card on Agent { name title }",
    )
    assert spread == _price(schema, "{ agents(first: 5) { edges { node { name title } } } }")


async def test_a_query_over_max_query_cost_is_refused_with_its_cost_and_the_limit(
    services: Services,
) -> None:
    schema = build_schema(Settings(max_query_cost=50))
    context = Context.create(
        await _viewer(services, "pierre.durand@cci-gard.example"), services, "t"
    )
    result = await schema.execute(AGENTS, variable_values={"n": 30}, context_value=context)
    assert result.data is None
    [error] = result.errors or []
    assert error.extensions == {"code": "QUERY_TOO_COSTLY", "cost": 62, "maxCost": 50}
    within = await schema.execute(AGENTS, variable_values={"n": 3}, context_value=context)
    assert within.errors is None


async def test_a_signed_in_viewer_has_the_larger_read_budget(
    services: Services, upstream: CountingTransport
) -> None:
    schema = build_schema(Settings(max_upstream_reads=40))
    context = Context.create(
        await _viewer(services, "pierre.durand@cci-gard.example"), services, "t"
    )
    result = await schema.execute(THIRTY_COMPANIES, context_value=context)
    assert not any(
        (e.extensions or {}).get("code") == "QUERY_TOO_COSTLY" for e in result.errors or ()
    )
    assert upstream.count("/etablissements/") <= 30


async def test_the_estimate_bounds_the_calls_the_sheet_makes(
    services: Services, upstream: CountingTransport, schema: HubSchema
) -> None:
    context = Context.create(
        await _viewer(services, "pierre.durand@cci-gard.example"), services, "t"
    )
    result = await schema.execute(SHEET, context_value=context)
    assert result.errors is None
    assert sum(upstream.calls.values()) == _price(schema, SHEET).reads


async def _viewer(services: Services, email: str) -> Any:
    issuer = DevTokenIssuer(TEST_KEY)
    authenticator = Authenticator(issuer, services.hub, services.directory)
    return await authenticator.viewer(f"Bearer {issuer.issue(subject=email, email=email)}")


def test_an_agents_whole_portfolio_with_its_applications_is_within_the_defaults(
    schema: HubSchema,
) -> None:
    portfolio = """{ viewer { portfolio(first: 100) { edges { node { siret name
      applications { totalCount edges { node { id status } } } } } } } }"""
    agent = Viewer(ViewerKind.AGENT, account_id="a", agent_id="g", network_member=True)
    price = _price(schema, portfolio, refused=refused_everywhere(agent))
    defaults = Settings()
    assert price.reads == 100 * 3  # Sirene, DEL, Mes aides en ligne for each company
    assert price.reads <= defaults.max_upstream_reads
    assert price.cost <= defaults.max_query_cost


@strawberry.type(name="Shop")
class _Shop:
    name: str


@strawberry.type(name="Person")
class _Person:
    name: str
    email: str


@strawberry.type
class _UnionQuery:
    @strawberry.field
    def found(self) -> Annotated[_Shop | _Person, strawberry.union("Found")] | None:
        return None


def test_a_union_costs_what_its_fragments_select() -> None:
    inline = strawberry.Schema(query=_UnionQuery)
    query = "{ found { __typename ... on Shop { name } ... on Person { name email } } }"
    assert CostPlanner().price(inline._schema, parse(query), None, None, query).cost == 4


def _aliased(field: str, count: int, first: int, selection: str) -> str:
    return (
        "{ "
        + " ".join(
            f"{field[0]}{i}: {field}(first: {first}) {{ edges {{ node {{ {selection} }} }} }}"
            for i in range(count)
        )
        + " }"
    )


def test_aliased_events_each_pay_their_page_and_share_the_one_agenda_read(
    schema: HubSchema,
) -> None:
    one = _price(schema, _aliased("events", 1, 10, "title"))
    thirty = _price(schema, _aliased("events", 30, 10, "title"))
    # events: 1 + 10 for the agenda read; edges 1; each of the 10 nodes and its title 1
    assert one == Price(cost=11 + 1 + 10 * 2, reads=1)
    # every alias filters the one agenda the request reads (one OpenAgenda read, shared)
    assert thirty == Price(cost=30 * one.cost, reads=1)
    both = _price(schema, "{ events { totalCount } news { totalCount } }")
    assert both == Price(cost=2 * (11 + 1), reads=2)


async def test_aliased_events_over_the_cost_ceiling_are_refused_before_the_agenda_is_read(
    services: Services, events_upstream: CountingTransport
) -> None:
    schema = build_schema(Settings(max_query_cost=500))
    context = Context.create(ANONYMOUS, services, "t")

    result = await schema.execute(_aliased("events", 30, 10, "title"), context_value=context)

    assert result.data is None
    [error] = result.errors or []
    assert error.extensions == {"code": "QUERY_TOO_COSTLY", "cost": 30 * 32, "maxCost": 500}
    assert sum(events_upstream.calls.values()) == 0
    within = await schema.execute(_aliased("events", 10, 10, "title"), context_value=context)
    assert within.errors is None
    assert sum(events_upstream.calls.values()) >= 1


def test_kept_events_and_news_count_their_reads_per_favourite_and_nothing_for_anonymous(
    schema: HubSchema,
) -> None:
    kept = "{ viewer { favourites { kind event { title } news { title } scheme { title } } } }"
    person = Viewer(ViewerKind.COMPANY_USER, account_id="a")
    signed_in = _price(schema, kept, refused=refused_everywhere(person))
    anonymous = _price(schema, kept, refused=refused_everywhere(ANONYMOUS), anonymous=True)
    # 50 favourites assumed, each may read the agenda and the news feed
    assert signed_in.reads == 50 * 2
    assert signed_in.cost == 1 + 1 + 50 * (1 + (11 + 1) + (11 + 1) + (1 + 1))
    assert anonymous == Price(cost=1 + 1, reads=0)  # UNAUTHENTICATED: nothing below
