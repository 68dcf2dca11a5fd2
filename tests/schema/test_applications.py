"""Company.applications and Query.application through the real schema, over the two
platform sandboxes (in process): merged from both platforms, tier 2, paged, filtered, a
platform down named in the warnings."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import pytest

from sandbox.entreprise.faults import SandboxConfig
from sandbox.platforms.config import PlatformConfig

if TYPE_CHECKING:
    from tests.conftest import CountingTransport, Run

LEROY = "84215637400014"
FABRE = "51234987900027"
MEMBER = "claire.leroy@leroy-sas.example"
REFERENT = "pierre.durand@cci-gard.example"
OTHER_AGENT = "lucie.mercier@adocc.example"
FABRE_MEMBER = "antoine.fabre@menuiserie-fabre.example"

APPLICATIONS = """
query($siret: String!, $filter: ApplicationFilter, $first: Int, $after: String) {
  company(siret: $siret) {
    applications(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node {
        id platform reference status platformStatus requested granted paid submittedAt
        expensesFrom decidedAt realisationDeadline proofsDeadline
        scheme { id title }
        documents { name kind receivedAt }
        payments { kind amount status requestedAt paidAt }
        history { at status label }
      } }
    }
  }
}"""
ONE = "query($id: ID!) { application(id: $id) { reference status } }"


def nodes(data: dict) -> list[dict]:  # type: ignore[type-arg]
    return [edge["node"] for edge in data["company"]["applications"]["edges"]]


async def test_a_member_sees_both_platforms_applications_newest_first(run: Run) -> None:
    result = await run(APPLICATIONS, as_=MEMBER, variables={"siret": LEROY})

    assert result.errors is None
    found = nodes(result.data)  # type: ignore[arg-type]
    assert [(a["platform"], a["status"]) for a in found] == [
        ("DEL", "ADVANCE_PAID"), ("MES_AIDES_EN_LIGNE", "CLOSED"),
    ]  # fmt: skip
    industrie = found[0]
    assert industrie["scheme"]["id"] == "region:parcours-industrie-du-futur"
    assert industrie["platformStatus"] == "accepte · Avance versée"
    assert industrie["payments"][0]["kind"] == "ADVANCE"
    assert industrie["payments"][0]["status"] == "PAID"
    assert industrie["history"][0]["status"] == "SUBMITTED"
    assert found[1]["platformStatus"] == "Soldée"


async def test_the_accepted_referent_sees_them(run: Run) -> None:
    result = await run(APPLICATIONS, as_=REFERENT, variables={"siret": LEROY})

    assert result.errors is None
    assert len(nodes(result.data)) == 2  # type: ignore[arg-type]


@pytest.mark.parametrize("viewer", [None, OTHER_AGENT, FABRE_MEMBER])
async def test_anyone_else_is_refused_without_a_platform_call(
    run: Run, viewer: str | None, mesaides_upstream: CountingTransport,
    del_upstream: CountingTransport,
) -> None:  # fmt: skip
    result = await run(APPLICATIONS, as_=viewer, variables={"siret": LEROY})

    assert result.data == {"company": {"applications": None}}
    assert [e.extensions["code"] for e in result.errors or ()] == ["FORBIDDEN"]  # type: ignore[index]
    assert sum(mesaides_upstream.calls.values()) + sum(del_upstream.calls.values()) == 0


async def test_filters_by_status_and_platform(run: Run) -> None:
    result = await run(APPLICATIONS, as_=MEMBER, variables={
        "siret": LEROY, "filter": {"platform": "MES_AIDES_EN_LIGNE", "status": "CLOSED"}})  # fmt: skip

    assert [a["reference"] for a in nodes(result.data)] == ["MAEL-2021-000001"]  # type: ignore[arg-type]


async def test_pages_with_cursors(run: Run) -> None:
    first = await run(APPLICATIONS, as_=MEMBER, variables={"siret": LEROY, "first": 1})
    page = first.data["company"]["applications"]  # type: ignore[index]
    second = await run(APPLICATIONS, as_=MEMBER, variables={
        "siret": LEROY, "first": 1, "after": page["pageInfo"]["endCursor"]})  # fmt: skip

    assert page["totalCount"] == 2
    assert page["pageInfo"]["hasNextPage"] is True
    assert [a["platform"] for a in nodes(second.data)] == ["MES_AIDES_EN_LIGNE"]  # type: ignore[arg-type]
    assert second.data["company"]["applications"]["pageInfo"]["hasNextPage"] is False  # type: ignore[index]


@pytest.mark.parametrize(("variables", "code"), [
    ({"first": 0}, "BAD_USER_INPUT"), ({"first": 101}, "BAD_USER_INPUT"),
    ({"after": "not-a-cursor"}, "BAD_USER_INPUT"),
])  # fmt: skip
async def test_bad_paging_is_bad_user_input(run: Run, variables: dict, code: str) -> None:  # type: ignore[type-arg]
    result = await run(APPLICATIONS, as_=MEMBER, variables={"siret": LEROY, **variables})

    assert [e.extensions["code"] for e in result.errors or ()] == [code]  # type: ignore[index]


@pytest.mark.parametrize(
    "platforms_config", [PlatformConfig(token="", faults=SandboxConfig(error_rate=1.0))]
)
async def test_a_platform_down_is_named_and_the_other_answers(
    run: Run, platforms_config: PlatformConfig
) -> None:
    # both sandboxes share the faults fixture: every call fails, nothing cached
    result = await run(APPLICATIONS, as_=MEMBER, variables={"siret": LEROY})

    assert result.errors is None
    assert nodes(result.data) == []  # type: ignore[arg-type]
    warnings = result.extensions["warnings"]  # type: ignore[index]
    assert {w["source"] for w in warnings} == {"mesaides", "del"}


async def test_application_by_id_for_its_member_and_forbidden_alike_for_others_and_unknown(
    run: Run,
) -> None:
    listed = await run(APPLICATIONS, as_=MEMBER, variables={"siret": LEROY})
    id_ = nodes(listed.data)[0]["id"]  # type: ignore[arg-type]

    mine = await run(ONE, as_=MEMBER, variables={"id": id_})
    theirs = await run(ONE, as_=FABRE_MEMBER, variables={"id": id_})
    unknown = await run(ONE, as_=MEMBER, variables={"id": "QXBwbGljYXRpb246REVMOjk5OTk5"})

    assert mine.data == {"application": {"reference": "1001", "status": "ADVANCE_PAID"}}
    assert [e.extensions["code"] for e in theirs.errors or ()] == ["FORBIDDEN"]  # type: ignore[index]
    assert [e.message for e in theirs.errors or ()] == [e.message for e in unknown.errors or ()]


class TestStaleLists:
    @pytest.fixture
    def platforms_ttl(self) -> float:
        return 0.0  # every list is stale at once: the second read asks the platform again

    async def test_a_list_served_stale_is_named_in_the_warnings(
        self, run: Run, mesaides_upstream: CountingTransport, del_upstream: CountingTransport
    ) -> None:
        first = await run(APPLICATIONS, as_=MEMBER, variables={"siret": LEROY})
        assert first.errors is None and not (first.extensions or {}).get("warnings")
        for upstream in (mesaides_upstream, del_upstream):
            async with httpx.AsyncClient(transport=upstream, base_url="http://p.test") as client:
                (await client.post("/_sandbox/faults", json={"error_rate": 1.0})).raise_for_status()

        second = await run(APPLICATIONS, as_=MEMBER, variables={"siret": LEROY})

        assert second.errors is None
        assert second.data == first.data
        warnings = second.extensions["warnings"]  # type: ignore[index]
        assert {(w["code"], w["source"]) for w in warnings} == {
            ("STALE_DATA", "mesaides"), ("STALE_DATA", "del"),
        }  # fmt: skip


PORTFOLIO = """{ viewer { portfolio(first: 100) { edges { node {
  siret applications { totalCount edges { node { id status } } }
} } } } }"""


async def test_a_portfolio_read_calls_the_platforms_only_for_companies_not_cached(
    run: Run, mesaides_upstream: CountingTransport, del_upstream: CountingTransport
) -> None:
    await run(APPLICATIONS, as_=REFERENT, variables={"siret": LEROY})  # LEROY's lists cached
    upstreams = (mesaides_upstream, del_upstream)
    for upstream in upstreams:
        upstream.requests.clear()

    mixed = await run(PORTFOLIO, as_=REFERENT)
    companies = [e["node"]["siret"] for e in mixed.data["viewer"]["portfolio"]["edges"]]  # type: ignore[index]
    called = [len(upstream.requests) for upstream in upstreams]
    for upstream in upstreams:
        upstream.requests.clear()
    warm = await run(PORTFOLIO, as_=REFERENT)

    assert mixed.errors is None and LEROY in companies and len(companies) > 1
    assert called == [len(companies) - 1] * 2  # one list per platform, LEROY's from the cache
    assert [len(upstream.requests) for upstream in upstreams] == [0, 0]
    assert warm.data == mixed.data
    assert not (warm.extensions or {}).get("warnings")
