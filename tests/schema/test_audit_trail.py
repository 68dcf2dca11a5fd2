"""Every tier-2 read of a company by an agent, the administrator or a partner key is
recorded once per request (who, when, which fields, which API Entreprise calls with their
``object``, the gateway's request id and the client's own), never for owners, tier-1 or public
readers; the administrator queries it."""

from __future__ import annotations

from typing import Any

import pytest

from auth.audit import PUBLIC_PURPOSE, purpose
from auth.scopes import Scope
from auth.viewer import Viewer, ViewerKind
from connectors.hubdb.audit import AuditFilter
from gateway.errors import HubSchema
from resolvers.context import Context, Services
from tests.conftest import CountingTransport, Run
from tests.partners import execute_as, make_key

LEROY, FABRE = "84215637400014", "51234987900027"
DURAND = "pierre.durand@cci-gard.example"
VIDAL = "helene.vidal@laregion.example"
SHEET = """query ($siret: String!) { company(siret: $siret) { name representatives { name }
  legalRepresentatives { role } collaborators { name } turnover { year }
  compliance { socialUpToDate } projects { title } } }"""
TIER2 = {"legalRepresentatives", "collaborators", "turnover", "compliance", "projects"}
TRAIL = """query ($filter: AuditFilterInput, $first: Int, $after: String) {
  auditTrail(filter: $filter, first: $first, after: $after) { totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { siret viewerKind accountId apiKeyId structureId access fields
                   upstreamCalls { endpoint identifier object outcome } } } } }"""


async def _events(services: Services) -> list[Any]:
    return list((await services.audit.page(AuditFilter(), first=100)).items)


async def test_a_referents_tier2_read_is_recorded_with_its_calls_and_purpose(
    run: Run, services: Services
) -> None:
    result = await run(SHEET, as_=DURAND, variables={"siret": LEROY})
    assert result.errors is None
    (event,) = await _events(services)
    assert (event.siret, event.viewer_kind, event.access, event.structure_id) == (
        LEROY,
        "AGENT",
        "TIER2",
        "cci-gard",
    )
    assert event.account_id is not None and event.api_key_id is None
    assert set(event.fields) == TIER2
    calls = {call.endpoint: call for call in event.upstream_calls}
    assert set(calls) == {"etablissement", "mandataires_sociaux", "chiffres_affaires",
                          "attestation_vigilance", "attestation_fiscale"}  # fmt: skip
    assert calls["etablissement"].object == PUBLIC_PURPOSE
    agent_purpose = purpose(Viewer(kind=ViewerKind.AGENT))
    assert "référent" in agent_purpose
    for name in ("mandataires_sociaux", "chiffres_affaires", "attestation_fiscale"):
        assert calls[name].object == agent_purpose
    assert {call.outcome for call in event.upstream_calls} == {"UPSTREAM"}


async def test_raw_cache_hits_are_recorded_as_no_call(
    run: Run, services: Services, upstream: CountingTransport
) -> None:
    await run(SHEET, as_=DURAND, variables={"siret": LEROY})
    calls_before = sum(upstream.calls.values())
    await run(SHEET, as_=DURAND, variables={"siret": LEROY})
    assert sum(upstream.calls.values()) == calls_before
    latest, first = await _events(services)
    assert {call.outcome for call in latest.upstream_calls} == {"CACHE"}
    # the warm read's records are answered at once from memory (``KeptFirst``): every read
    # is still recorded, with the identifier and purpose of the first
    assert sorted((c.endpoint, c.identifier, c.object) for c in latest.upstream_calls) == sorted(
        (c.endpoint, c.identifier, c.object) for c in first.upstream_calls
    )


async def test_a_partner_keys_read_names_the_key_and_the_partner_purpose(
    schema: HubSchema, services: Services, upstream: CountingTransport
) -> None:
    _, key = await make_key(services, "cci-gard", frozenset({Scope.COMPANIES_READ}))
    result = await execute_as(schema, services, key, SHEET, {"siret": LEROY})
    assert result.errors is None
    (event,) = await _events(services)
    assert key.partner is not None
    assert (event.viewer_kind, event.api_key_id, event.account_id, event.structure_id) == (
        "PARTNER",
        key.partner.key_id,
        None,
        "cci-gard",
    )
    sent = {request.url.params["object"] for request in upstream.requests
            if "chiffres_affaires" in request.url.path}  # fmt: skip
    assert sent == {purpose(key)}
    assert "partenaire" in purpose(key) and "cci-gard" in purpose(key)


async def test_the_admins_read_is_recorded_with_admin_access(run: Run, services: Services) -> None:
    await run(SHEET, as_=VIDAL, variables={"siret": LEROY})
    (event,) = await _events(services)
    assert (event.viewer_kind, event.access) == ("ADMIN", "ADMIN")


@pytest.mark.parametrize(
    "who",
    [None, "claire.leroy@leroy-sas.example", "thomas.blanc@cabinet-blanc.example",
     "julien.garcia@bge-occitanie.example", "antoine.fabre@menuiserie-fabre.example"],
)  # fmt: skip
async def test_owners_tier1_and_public_reads_are_not_recorded(
    run: Run, services: Services, who: str | None
) -> None:
    await run(SHEET, as_=who, variables={"siret": LEROY})
    assert await _events(services) == []


async def test_public_fields_alone_are_not_recorded(run: Run, services: Services) -> None:
    await run('{ company(siret: "84215637400014") { name representatives { name } } }',
              as_=DURAND)  # fmt: skip
    assert await _events(services) == []


async def test_one_write_per_request_whatever_the_fields_and_companies(
    run: Run, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    writes: list[int] = []
    write = services.audit.write

    async def counting(events: Any) -> None:
        writes.append(len(events))
        await write(events)

    monkeypatch.setattr(services.audit, "write", counting)
    query = ('{ a: company(siret: "84215637400014") { turnover { year } projects { title } '
             'collaborators { name } } b: company(siret: "51234987900027") { turnover { year } '
             "compliance { socialUpToDate } } }")  # fmt: skip
    result = await run(query, as_=VIDAL)
    assert result.errors is None
    assert writes == [2]


async def test_when_the_audit_cannot_be_written_no_tier2_data_leaves(
    run: Run, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(events: Any) -> None:
        raise ConnectionError("database down")

    monkeypatch.setattr(services.audit, "write", broken)
    result = await run(SHEET, as_=DURAND, variables={"siret": LEROY})
    assert result.data is None
    assert [error.extensions["code"] for error in result.errors] == ["AUDIT_UNAVAILABLE"]


async def test_the_admin_queries_the_trail_by_company_agent_key_and_time(
    run: Run, schema: HubSchema, services: Services
) -> None:
    _, key = await make_key(services, "cci-gard", frozenset({Scope.COMPANIES_READ}))
    assert key.partner is not None
    await run(SHEET, as_=DURAND, variables={"siret": LEROY})
    await run(SHEET, as_=DURAND, variables={"siret": FABRE})  # same structure as the referent
    await execute_as(schema, services, key, SHEET, {"siret": LEROY})

    async def trail(**variables: Any) -> dict[str, Any]:
        result = await run(TRAIL, as_=VIDAL, variables=variables)
        assert result.errors is None, result.errors
        return result.data["auditTrail"]

    everything = await trail()
    assert everything["totalCount"] == 3
    assert [e["node"]["viewerKind"] for e in everything["edges"]] == ["PARTNER", "AGENT", "AGENT"]
    assert (await trail(filter={"siret": LEROY}))["totalCount"] == 2
    by_agent = await trail(filter={"agentId": "agent-pierre-durand"})
    assert {e["node"]["siret"] for e in by_agent["edges"]} == {LEROY, FABRE}
    by_key = await trail(filter={"apiKeyId": key.partner.key_id})
    assert [e["node"]["apiKeyId"] for e in by_key["edges"]] == [key.partner.key_id]
    assert (await trail(filter={"from": "2099-01-01T00:00:00Z"}))["totalCount"] == 0
    assert (await trail(filter={"to": "2000-01-01T00:00:00"}))["totalCount"] == 0
    first = await trail(first=2)
    assert first["pageInfo"]["hasNextPage"] and len(first["edges"]) == 2
    rest = await trail(first=2, after=first["pageInfo"]["endCursor"])
    assert len(rest["edges"]) == 1 and rest["totalCount"] == 3
    assert not rest["pageInfo"]["hasNextPage"]


async def test_the_trail_refuses_a_bad_cursor_and_an_unknown_agent(run: Run) -> None:
    bad_cursor = await run(TRAIL, as_=VIDAL, variables={"after": "nope"})
    assert bad_cursor.errors[0].extensions["code"] == "BAD_USER_INPUT"
    unknown = await run(TRAIL, as_=VIDAL, variables={"filter": {"agentId": "agent-nobody"}})
    assert unknown.errors[0].extensions["code"] == "NOT_FOUND"


IDS = "{ auditTrail(first: 5) { edges { node { siret requestId clientRequestId } } } }"


async def test_the_trail_shows_the_clients_own_request_id_to_the_administrator_only(
    run: Run, schema: HubSchema, services: Services
) -> None:
    _, key = await make_key(services, "cci-gard", frozenset({Scope.COMPANIES_READ}))
    context = Context.create(key, services, "gateway-request-1", "crm-req-0042")
    read = await schema.execute(SHEET, variable_values={"siret": LEROY}, context_value=context)
    assert read.errors is None
    await run(SHEET, as_=DURAND, variables={"siret": FABRE})  # sends no id of its own

    result = await run(IDS, as_=VIDAL)

    assert result.errors is None, result.errors
    assert [e["node"] for e in result.data["auditTrail"]["edges"]] == [
        {"siret": FABRE, "requestId": "test-request", "clientRequestId": None},
        {"siret": LEROY, "requestId": "gateway-request-1", "clientRequestId": "crm-req-0042"},
    ]
    refused = await run(IDS, as_=DURAND)
    assert refused.data is None or refused.data["auditTrail"] is None
    assert [e.extensions["code"] for e in refused.errors or ()] == ["FORBIDDEN"]


async def test_calls_started_ahead_for_a_selected_field_are_recorded_even_when_not_awaited(
    run: Run, services: Services, upstream: CountingTransport
) -> None:
    """``compliance { __typename }``: its certificates are read ahead (the company's calls
    at once), and the answer needs none of them. The calls made are in the event all the
    same, whether the request ended before they did or not."""
    query = "query($siret: String!) { company(siret: $siret) { compliance { __typename } } }"

    await run(query, as_=DURAND, variables={"siret": LEROY})

    (event,) = await _events(services)
    assert {call.endpoint for call in event.upstream_calls} >= {
        "attestation_vigilance",
        "attestation_fiscale",
    }
    assert event.fields == ("compliance",)
