"""The administrator's side of partner access: keys created with their secret shown once,
listed without it, revoked; persisted documents registered; and the admin-only queries
refused to every other kind of viewer."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from gateway.errors import HubSchema
from gateway.persisted import document_id
from resolvers.context import Services
from tests.conftest import Run, errors_by_path
from tests.partners import execute_as, make_key
from tests.schema.test_mutation_matrix import _holder_email

VIDAL = "helene.vidal@laregion.example"
CREATE = """mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) {
  key apiKey { id name prefix scopes persistedQueries rateLimitPerMinute expiresAt revokedAt
               structure { id name } } } }"""
ADMIN_QUERIES = "{ apiKeys { id } persistedQueries { id } auditTrail { totalCount } }"
VIEWERS = [None, "claire.leroy@leroy-sas.example", "thomas.blanc@cabinet-blanc.example",
           "antoine.fabre@menuiserie-fabre.example", "pierre.durand@cci-gard.example",
           "sophie.roux@cci-gard.example", "julien.garcia@bge-occitanie.example",
           "holder"]  # fmt: skip


async def test_the_admin_creates_a_key_and_sees_its_secret_once(run: Run) -> None:
    created = await run(CREATE, as_=VIDAL, variables={"input": {
        "structureId": "cci-gard", "name": "CRM de la CCI", "scopes": ["COMPANIES_READ"],
        "rateLimitPerMinute": 60, "expiresAt": "2099-01-01T00:00:00+00:00"}})  # fmt: skip
    assert created.errors is None
    answer = created.data["createApiKey"]
    key, api_key = answer["key"], answer["apiKey"]
    assert key.startswith(api_key["prefix"] + "_")
    assert api_key["structure"] == {"id": "cci-gard", "name": "CCI du Gard"}
    assert api_key["scopes"] == ["COMPANIES_READ"] and api_key["rateLimitPerMinute"] == 60
    assert api_key["persistedQueries"] is None and api_key["revokedAt"] is None

    listed = await run("{ apiKeys { id name prefix scopes revokedAt } }", as_=VIDAL)
    assert listed.data["apiKeys"] == [{"id": api_key["id"], "name": "CRM de la CCI",
                                       "prefix": api_key["prefix"], "scopes": ["COMPANIES_READ"],
                                       "revokedAt": None}]  # fmt: skip
    assert key not in str(listed.data)


async def test_the_admin_revokes_a_key(run: Run, services: Services) -> None:
    _, viewer = await make_key(services)
    assert viewer.partner is not None
    revoked = await run('mutation ($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }',
                        as_=VIDAL, variables={"id": viewer.partner.key_id})  # fmt: skip
    assert revoked.data["revokeApiKey"]["revokedAt"] is not None
    active = await run("{ apiKeys(includeRevoked: false) { id } }", as_=VIDAL)
    assert active.data["apiKeys"] == []


@pytest.mark.parametrize(
    ("change", "argument"),
    [
        ({"structureId": "no-such-structure"}, "structureId"),
        ({"scopes": []}, "scopes"),
        ({"name": "  "}, "name"),
        ({"expiresAt": "2001-01-01T00:00:00+00:00"}, "expiresAt"),
        ({"rateLimitPerMinute": 0}, "rateLimitPerMinute"),
        ({"persistedQueries": ["0" * 64]}, "persistedQueries"),
    ],
)
async def test_a_bad_key_request_says_what_is_wrong_and_writes_nothing(
    run: Run, services: Services, change: dict, argument: str
) -> None:
    request = {"structureId": "cci-gard", "name": "CRM", "scopes": ["COMPANIES_READ"], **change}
    result = await run(CREATE, as_=VIDAL, variables={"input": request})
    assert result.errors and result.errors[0].extensions["argument"] == argument
    async with services.writer.transaction() as tx:
        assert await tx.session.scalar(sa.text("SELECT count(*) FROM partner_api_keys")) == 0


async def test_the_admin_registers_a_document_under_the_hash_of_its_text(run: Run) -> None:
    document = '{ company(siret: "84215637400014") { name } }'
    registered = await run("mutation ($d: String!) { registerPersistedQuery(document: $d, "
                           'name: "Fiche") { id name } }', as_=VIDAL,
                           variables={"d": document})  # fmt: skip
    assert registered.data["registerPersistedQuery"] == {"id": document_id(document),
                                                         "name": "Fiche"}  # fmt: skip
    again = await run("mutation ($d: String!) { registerPersistedQuery(document: $d) { id } }",
                      as_=VIDAL, variables={"d": document})  # fmt: skip
    assert again.data["registerPersistedQuery"]["id"] == document_id(document)
    listed = await run("{ persistedQueries { id document } }", as_=VIDAL)
    assert listed.data["persistedQueries"] == [{"id": document_id(document), "document": document}]


async def test_a_document_that_is_not_valid_here_is_refused(run: Run) -> None:
    result = await run('mutation { registerPersistedQuery(document: "{ nope }") { id } }',
                       as_=VIDAL)  # fmt: skip
    assert result.errors[0].extensions["code"] == "BAD_USER_INPUT"


async def test_the_admin_sees_the_admin_queries(run: Run) -> None:
    result = await run(ADMIN_QUERIES, as_=VIDAL)
    assert result.errors is None
    assert result.data == {"apiKeys": [], "persistedQueries": [], "auditTrail": {"totalCount": 0}}


@pytest.mark.parametrize("who", VIEWERS)
async def test_every_other_person_is_refused_the_admin_queries(
    run: Run, services: Services, who: str | None
) -> None:
    email = await _holder_email(services) if who == "holder" else who
    result = await run(ADMIN_QUERIES, as_=email)
    assert result.data is None or all(value is None for value in result.data.values())
    assert errors_by_path(result) == {"apiKeys": "FORBIDDEN", "persistedQueries": "FORBIDDEN",
                                      "auditTrail": "FORBIDDEN"}  # fmt: skip


async def test_a_partner_key_is_refused_the_admin_queries(
    schema: HubSchema, services: Services
) -> None:
    _, key = await make_key(services)
    result = await execute_as(schema, services, key, ADMIN_QUERIES)
    assert errors_by_path(result) == {"apiKeys": "FORBIDDEN", "persistedQueries": "FORBIDDEN",
                                      "auditTrail": "FORBIDDEN"}  # fmt: skip
