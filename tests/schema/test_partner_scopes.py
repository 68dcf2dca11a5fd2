"""A partner key acts as a member of its structure, minus what its scopes do not grant:
each scope, both ways."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from auth.scopes import Scope
from gateway.errors import HubSchema
from resolvers.context import Services
from tests.conftest import errors_by_path
from tests.partners import EVERY_SCOPE, execute_as, make_key
from tests.schema.test_mutation_matrix import MUTATIONS, _state

LEROY = "84215637400014"  # referent: Pierre Durand, CCI du Gard (accepted)
BIOCOSMETIQUES = "44306184100047"  # a PENDING request to Pierre Durand
SHEET = """query ($siret: String!) { company(siret: $siret) {
  name viewerAccess representatives { name } referent { id status agent { name email } }
  turnover { year } projects { title } } }"""
DIRECTORY = '{ agents(filter: {name: "Pierre Durand"}) { edges { node { name email } } } }'
ANSWER = """mutation ($id: ID!) { respondToReferentRequest(assignmentId: $id, accept: true) {
  status } }"""


@pytest.mark.parametrize(
    ("structure", "scopes", "access"),
    [
        ("cci-gard", {Scope.COMPANIES_READ}, "TIER2"),  # holds LEROY's accepted referent
        ("bge-occitanie", {Scope.COMPANIES_READ}, "TIER1"),  # another network structure
        ("ademe", {Scope.COMPANIES_READ}, "PUBLIC"),  # outside the network
        ("cci-gard", {Scope.DIRECTORY_READ, Scope.REFERENT_REQUESTS_ANSWER}, "PUBLIC"),
    ],
)
async def test_companies_read_gives_the_structures_tier_and_nothing_without_it(
    schema: HubSchema, services: Services, structure: str, scopes: set[Scope], access: str
) -> None:
    _, key = await make_key(services, structure, frozenset(scopes))
    result = await execute_as(schema, services, key, SHEET, {"siret": LEROY})
    company = result.data["company"]
    errors = errors_by_path(result)
    assert company["viewerAccess"] == access
    assert company["name"] == "LEROY SAS"
    tier1, tier2 = access in ("TIER1", "TIER2"), access == "TIER2"
    for field, seen in (("representatives", tier1), ("referent", tier1),
                        ("turnover", tier2), ("projects", tier2)):  # fmt: skip
        if seen:
            assert company[field], f"{field} should be seen"
        else:
            assert company[field] is None and errors[f"company.{field}"] == "FORBIDDEN"


@pytest.mark.parametrize("scoped", [True, False])
async def test_directory_read_opens_the_agents_and_their_contacts(
    schema: HubSchema, services: Services, scoped: bool
) -> None:
    scopes = {Scope.COMPANIES_READ} | ({Scope.DIRECTORY_READ} if scoped else set())
    _, key = await make_key(services, "bge-occitanie", frozenset(scopes))
    search = await execute_as(schema, services, key, DIRECTORY)
    sheet = await execute_as(schema, services, key, SHEET, {"siret": LEROY})
    referent_agent = sheet.data["company"]["referent"]["agent"]
    if scoped:
        assert search.errors is None
        emails = [edge["node"]["email"] for edge in search.data["agents"]["edges"]]
        assert "pierre.durand@cci-gard.example" in emails
        assert referent_agent["email"] == "pierre.durand@cci-gard.example"
    else:
        assert search.data["agents"] is None
        assert errors_by_path(search) == {"agents": "FORBIDDEN"}
        assert referent_agent == {"name": "Pierre Durand", "email": None}
        assert errors_by_path(sheet)["company.referent.agent.email"] == "FORBIDDEN"


async def _pending_assignment(schema: HubSchema, services: Services) -> str:
    _, reader = await make_key(services, "cci-gard", frozenset({Scope.COMPANIES_READ}))
    result = await execute_as(schema, services, reader, SHEET, {"siret": BIOCOSMETIQUES})
    referent = result.data["company"]["referent"]
    assert referent["status"] == "PENDING"
    return referent["id"]


async def test_referent_requests_answer_lets_the_agents_structure_answer(
    schema: HubSchema, services: Services
) -> None:
    assignment = await _pending_assignment(schema, services)
    _, key = await make_key(services, "cci-gard", frozenset({Scope.REFERENT_REQUESTS_ANSWER}))
    result = await execute_as(schema, services, key, ANSWER, {"id": assignment})
    assert result.errors is None
    assert result.data["respondToReferentRequest"]["status"] == "ACCEPTED"


@pytest.mark.parametrize(
    ("structure", "scopes"),
    [
        ("cci-gard", EVERY_SCOPE - {Scope.REFERENT_REQUESTS_ANSWER}),  # the scope is missing
        ("bge-occitanie", EVERY_SCOPE),  # not the requested agent's structure
    ],
)
async def test_referent_requests_are_refused_without_the_scope_or_from_another_structure(
    schema: HubSchema, services: Services, structure: str, scopes: frozenset[Scope]
) -> None:
    assignment = await _pending_assignment(schema, services)
    _, key = await make_key(services, structure, scopes)
    before = await _state(services)
    result = await execute_as(schema, services, key, ANSWER, {"id": assignment})
    assert errors_by_path(result) == {"respondToReferentRequest": "FORBIDDEN"}
    assert await _state(services) == before


@pytest.mark.parametrize(
    ("query", "variables"),
    # answering a referent request is what REFERENT_REQUESTS_ANSWER grants (tested above)
    [(q, v) for q, v, _ in MUTATIONS if "respondToReferentRequest" not in q],
)
async def test_a_key_with_every_scope_may_call_no_other_mutation(
    schema: HubSchema, services: Services, query: str, variables: dict
) -> None:
    _, key = await make_key(services, "cci-gard", EVERY_SCOPE)
    before = await _state(services)
    async with services.writer.transaction() as tx:
        keys_before = await tx.session.scalar(sa.text("SELECT count(*) FROM partner_api_keys"))
    result = await execute_as(schema, services, key, query, variables)
    assert set(errors_by_path(result).values()) == {"FORBIDDEN"}, result.errors
    assert await _state(services) == before
    async with services.writer.transaction() as tx:
        assert (
            await tx.session.scalar(sa.text("SELECT count(*) FROM partner_api_keys")) == keys_before
        )
