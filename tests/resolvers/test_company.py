"""Finding a company: validation before any call, not found, partners failing, concurrency."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

import resolvers.company
from tests.conftest import CountingTransport, Run, errors_by_path

LEROY = "84215637400014"
QUERY = "query($siret: String!) { company(siret: $siret) { siret name active } }"


async def test_invalid_siret_is_bad_user_input_without_upstream_call(
    run: Run, upstream: CountingTransport
) -> None:
    result = await run(QUERY, variables={"siret": "84215637400015"})
    assert result.data == {"company": None}
    assert errors_by_path(result) == {"company": "BAD_USER_INPUT"}
    assert "check digit" in result.errors[0].message
    assert sum(upstream.calls.values()) == 0


async def test_unknown_company_is_not_found(run: Run) -> None:
    result = await run(QUERY, variables={"siret": "12345678200002"})
    assert errors_by_path(result) == {"company": "NOT_FOUND"}


async def test_closed_company_is_returned_inactive(run: Run) -> None:
    result = await run(QUERY, variables={"siret": "32112345700012"})
    assert result.errors is None
    assert result.data["company"]["active"] is False


async def test_company_not_on_the_hub_has_public_identity(run: Run) -> None:
    result = await run(
        '{ company(siret: "38271940900031") { name workforce { label } createdOn } }'
    )
    assert result.errors is None
    assert result.data["company"]["name"] == "ATLANTIQUE NUMERIQUE"
    assert result.data["company"]["createdOn"] == "2021-01-15"


async def test_refused_field_runs_no_resolver_and_calls_no_upstream(
    run: Run, upstream: CountingTransport, monkeypatch: pytest.MonkeyPatch
) -> None:
    resolved: list[str] = []
    original = resolvers.company.turnover

    async def spy(info, siret):  # type: ignore[no-untyped-def]
        resolved.append(siret)
        return await original(info, siret)

    monkeypatch.setattr(resolvers.company, "turnover", spy)
    query = """{ company(siret: "84215637400014") {
        name turnover { amount } legalRepresentatives { lastName }
        compliance { socialUpToDate } } }"""

    refused = await run(query, as_="julien.garcia@bge-occitanie.example")
    assert errors_by_path(refused) == {
        "company.turnover": "FORBIDDEN",
        "company.legalRepresentatives": "FORBIDDEN",
        "company.compliance": "FORBIDDEN",
    }
    assert resolved == []
    assert upstream.count("chiffres_affaires") == 0
    assert upstream.count("mandataires_sociaux") == 0
    assert upstream.count("attestation") == 0

    allowed = await run(query, as_="pierre.durand@cci-gard.example")
    assert allowed.errors is None
    assert resolved == [LEROY]
    assert upstream.count("chiffres_affaires") == 1
    assert upstream.count("mandataires_sociaux") == 1
    assert upstream.count("attestation") == 2


@pytest.mark.parametrize(
    ("variables", "calls"),
    [({"show": True, "hide": False}, 1), ({"show": False, "hide": False}, 0),
     ({"show": True, "hide": True}, 0)],
)  # fmt: skip
async def test_the_calls_started_with_the_company_follow_include_and_skip(
    run: Run, upstream: CountingTransport, variables: dict[str, bool], calls: int
) -> None:
    """The upstream calls of the company's fields start as soon as it is found, for the
    fields the query selects, through fragments, as its directives leave them."""
    query = """query($show: Boolean!, $hide: Boolean!) { company(siret: "84215637400014") {
        name ...Money } }
        fragment Money on Company { ... @include(if: $show) { turnover @skip(if: $hide) { amount } } }"""
    result = await run(query, variables=variables, as_="pierre.durand@cci-gard.example")
    assert result.errors is None
    assert upstream.count("chiffres_affaires") == calls


async def test_one_call_per_source_when_many_fields_and_aliases_need_it(
    run: Run, upstream: CountingTransport
) -> None:
    query = """{ a: company(siret: "84215637400014") { name naf { code } address { city } }
                 b: company(siret: "84215637400014") { workforce { code } createdOn } }"""
    result = await run(query, as_="pierre.durand@cci-gard.example")
    assert result.errors is None
    assert upstream.count("etablissements") == 1


async def test_every_upstream_call_carries_context_recipient_and_object(
    run: Run, upstream: CountingTransport
) -> None:
    await run(
        '{ company(siret: "84215637400014") { name turnover { year } } }',
        as_="pierre.durand@cci-gard.example",
    )
    assert upstream.requests
    for request in upstream.requests:
        params = request.url.params
        assert params["context"] and params["object"]
        assert params["recipient"] == "20005379100014"


async def test_eligible_schemes_asks_both_platforms_while_the_etablissement_is_read(
    run: Run,
    upstream: CountingTransport,
    mesaides_upstream: CountingTransport,
    del_upstream: CountingTransport,
) -> None:
    """The aids received on DEL and Mes aides en ligne (the de minimis headroom) are read
    alongside the company's établissement, not once it answered: the établissement's answer
    is held until both platforms were asked (or 2 s went by, the sequential case)."""
    asked = {"mesaides": asyncio.Event(), "del": asyncio.Event()}
    for name, platform in (("mesaides", mesaides_upstream), ("del", del_upstream)):
        counted = platform.handle_async_request

        async def ask(request: httpx.Request, counted: Any = counted, name: str = name) -> Any:
            asked[name].set()
            return await counted(request)

        platform.handle_async_request = ask  # type: ignore[method-assign]
    read = upstream.handle_async_request
    held: list[bool] = []

    async def etablissement_held(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith(f"/etablissements/{LEROY}"):
            both = asyncio.gather(*(event.wait() for event in asked.values()))
            try:
                await asyncio.wait_for(both, timeout=2.0)
                held.append(True)
            except TimeoutError:
                held.append(False)
        return await read(request)

    upstream.handle_async_request = etablissement_held  # type: ignore[method-assign]
    result = await run(
        f'{{ company(siret: "{LEROY}") {{ eligibleSchemes {{ scheme {{ id }} verdict }} }} }}',
        as_="pierre.durand@cci-gard.example",
    )
    assert result.errors is None
    assert held == [True]
