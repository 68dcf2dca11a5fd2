"""Every mutation × every kind of viewer that may not call it: refused, nothing written."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa

from connectors.hubdb.models import Account
from gateway.errors import HubSchema
from resolvers.context import Services
from tests.conftest import Run, errors_by_path

ANONYMOUS = None
CLAIRE = "claire.leroy@leroy-sas.example"  # mandataire of LEROY
THOMAS = "thomas.blanc@cabinet-blanc.example"  # collaborator of LEROY
ANTOINE = "antoine.fabre@menuiserie-fabre.example"  # another company
DURAND = "pierre.durand@cci-gard.example"  # LEROY's accepted referent
ROUX = "sophie.roux@cci-gard.example"  # the referent's structure
GARCIA = "julien.garcia@bge-occitanie.example"  # another structure
VIDAL = "helene.vidal@laregion.example"  # administrator
HOLDER = "holder"  # a seeded project holder (resolved in the test)
VIEWERS = [ANONYMOUS, CLAIRE, THOMAS, ANTOINE, DURAND, ROUX, GARCIA, VIDAL, HOLDER]

# (mutation, variables, the viewers who may call it)
MUTATIONS: list[tuple[str, dict[str, Any], set[str | None]]] = [
    (
        'mutation { registerCompany(siret: "38271940900031") { siret } }',
        {},
        set(),
    ),  # no seeded viewer is a mandataire of ATLANTIQUE (agents never may)
    (
        (
            'mutation { addCollaborator(siret: "84215637400014", email: "n@n.example", name: "N") '
            "{ status } }"
        ),
        {},
        {CLAIRE},
    ),
    (
        'mutation { acceptInvitation(token: "no-such-invitation") { siret } }',
        {},
        {CLAIRE, THOMAS, ANTOINE, HOLDER},
    ),  # people who are not agents (an unknown token: NOT_FOUND); agents never join a space
    (
        (
            'mutation { removeCollaborator(siret: "84215637400014", email: "thomas.blanc@cabinet-'
            'blanc.example") { siret } }'
        ),
        {},
        {CLAIRE},
    ),
    (
        (
            'mutation { chooseReferent(siret: "84215637400014", agentId: "agent-sophie-roux") '
            "{ id } }"
        ),
        {},
        {CLAIRE, THOMAS},
    ),  # members may, but LEROY has a referent: bad input
    (
        (
            'mutation { chooseReferent(projectId: "project-holder-001", '
            'agentId: "agent-sophie-roux") { id } }'
        ),
        {},
        {HOLDER},
    ),  # only the project's holder (the first seeded one, HOLDER)
    (
        (
            'mutation { respondToReferentRequest(assignmentId: "7cfbe7fe-6e01-5d60-9a41-1e815052cd56",'
            " accept: true) { id } }"
        ),
        {},
        {DURAND},
    ),  # BIOCOSMETIQUES' pending request to Durand
    (
        'mutation { requestReferentChange(siret: "84215637400014", message: "m") }',
        {},
        {CLAIRE, THOMAS},
    ),
    (
        'mutation { createProject(siret: "84215637400014", title: "T") { id } }',
        {},
        {CLAIRE, THOMAS},
    ),
    (
        (
            'mutation { addProjectActor(projectId: "project-leroy-pile-hydrogene", '
            'agentId: "agent-julien-garcia", role: SPECIALIST) { id } }'
        ),
        {},
        {DURAND, VIDAL},
    ),
    (
        'mutation { renameProject(projectId: "project-leroy-pile-hydrogene", title: "T") }',
        {},
        {CLAIRE, THOMAS},
    ),
    ('mutation { createMyProject(title: "T", structureId: "cci-gard") { id } }', {}, {HOLDER}),
    ('mutation { updateMyProfile(input: {title: "T"}) { id } }', {}, {DURAND, ROUX, GARCIA, VIDAL}),
    (
        'mutation { setAgentRoles(agentId: "agent-sophie-roux", roles: [REFERENT]) { id } }',
        {},
        {VIDAL},
    ),
    (
        "mutation { markNotificationsRead(ids: []) }",
        {},
        {CLAIRE, THOMAS, ANTOINE, DURAND, ROUX, GARCIA, VIDAL, HOLDER},
    ),
    (
        (
            'mutation { createApiKey(input: {structureId: "cci-gard", name: "CRM", '
            "scopes: [COMPANIES_READ]}) { key } }"
        ),
        {},
        {VIDAL},
    ),
    ('mutation { revokeApiKey(id: "no-such-key") { id } }', {}, {VIDAL}),
    ('mutation { registerPersistedQuery(document: "{ viewer { kind } }") { id } }', {}, {VIDAL}),
    # the sandbox's tokens carry a provider identity: a seeded company user or holder may
    # call signUp (idempotent for its own kind, BAD_USER_INPUT for the other); agents never
    ("mutation { signUp(kind: COMPANY_USER) { kind } }", {}, {CLAIRE, THOMAS, ANTOINE, HOLDER}),
    (
        "mutation($f: Upload!) { submitIdentityDocument(file: $f) { kind } }",
        {"f": b"%PDF-1.7"},
        set(),
    ),  # nobody seeded signed up: no identity to prove
    (
        (
            'mutation { assignReferent(siret: "84215637400014", agentId: "agent-sophie-roux") '
            "{ id } }"
        ),
        {},
        {VIDAL},
    ),
    (
        (
            'mutation { endReferentAssignment(assignmentId: "7cfbe7fe-6e01-5d60-9a41-1e815052cd56", '
            'reason: "r") { id } }'
        ),
        {},
        {VIDAL},
    ),
    (
        (
            'mutation { createStructure(input: {id: "cci-nouvelle-structure", name: "CCI Nouvelle", kind: "CCI"}) '
            "{ id } }"
        ),
        {},
        {VIDAL},
    ),
    (
        (
            'mutation { recordCharterSignature(structureId: "cci-gard", signedOn: "2025-01-06") '
            "{ id } }"
        ),
        {},
        {VIDAL},
    ),
    (
        (
            'mutation { inviteAgent(structureId: "cci-gard", email: "new.agent@cci-gard.example", '
            'name: "Nina Agent", roles: [REFERENT]) { id } }'
        ),
        {},
        {VIDAL},
    ),
    (
        (
            'mutation { deactivateAgent(agentId: "agent-sophie-roux", reassignTo: '
            '"agent-pierre-durand") { id } }'
        ),
        {},
        {VIDAL},
    ),
    (
        'mutation { decideIdentityVerification(id: "no-such-document", accept: true) { id } }',
        {},
        {VIDAL},
    ),
    (
        (
            'mutation { submitApplication(idempotencyKey: "matrix", input: {schemeId: '
            '"paysdelaloire:investissement-numerique", siret: "84215637400014", projectTitle: '
            '"ERP", expenses: [{amount: "20000", category: "software"}]}) { id } }'
        ),
        {},
        {CLAIRE, THOMAS},
    ),
    (
        (
            'mutation { requestPayment(applicationId: "QXBwbGljYXRpb246REVMOjEwMDE=", '
            'kind: BALANCE, invoices: [{reference: "F-1", amount: "1000"}]) { id } }'
        ),
        {},
        {CLAIRE, THOMAS},
    ),  # LEROY's Industrie du futur dossier on DEL
    (
        "mutation { setPreferences(filieres: [NUMERIQUE]) { filieres } }",
        {},
        {CLAIRE, THOMAS, ANTOINE, DURAND, ROUX, GARCIA, VIDAL, HOLDER},
    ),  # a person with an account, for itself
    (
        'mutation { addFavourite(kind: OFFER, id: "offer-1") { id } }',
        {},
        {CLAIRE, THOMAS, ANTOINE, DURAND, ROUX, GARCIA, VIDAL, HOLDER},
    ),
    (
        'mutation { removeFavourite(kind: OFFER, id: "offer-1") { id } }',
        {},
        {CLAIRE, THOMAS, ANTOINE, DURAND, ROUX, GARCIA, VIDAL, HOLDER},
    ),
    (
        (
            'mutation { recordInteraction(input: {siret: "84215637400014", kind: WELCOME, '
            'channel: ON_SITE, on: "2025-01-06", segment: CREATEUR}) { id } }'
        ),
        {},
        {DURAND, ROUX, GARCIA, VIDAL},
    ),  # any agent, for its structure
    (
        (
            'mutation { importInteractions(csv: "siret,project_id,kind,channel,offer_id,level,'
            "product,on,minutes,segment\\n84215637400014,,WELCOME,ON_SITE,,,,2025-01-06,,"
            'CREATEUR\\n") { imported } }'
        ),
        {},
        {DURAND, ROUX, GARCIA, VIDAL},
    ),
    (
        'mutation { sendSatisfactionSurvey(structureId: "cci-gard", year: 2025) { queued } }',
        {},
        {DURAND, ROUX, VIDAL},
    ),  # the structure's agents (another structure's is FORBIDDEN) and the administrator
    (
        (
            'mutation { answerSatisfactionSurvey(token: "no-such-survey", answers: {satisfaction: '
            "SATISFIED, useful: true, turnoverImpact: true, employmentImpact: true, "
            "investmentImpact: true, wouldRecommend: true}) { year } }"
        ),
        {},
        set(VIEWERS),
    ),  # anyone (the token is the right; an unknown one: BAD_USER_INPUT)
]


def _name(query: str) -> str:
    """The mutation's field: the first name after the operation's opening brace."""
    match = re.search(r"\{\s*(\w+)", query)
    assert match is not None
    return match.group(1)


CASES = [
    pytest.param(query, variables, who, id=f"{_name(query)}-{who}")
    for query, variables, allowed in MUTATIONS
    for who in VIEWERS
    if who not in allowed
]


async def _holder_email(services: Services) -> str:
    async with services.writer.transaction() as tx:
        email = await tx.session.scalar(
            sa.select(Account.email).where(Account.kind == "PROJECT_HOLDER").order_by(Account.id)
        )
    assert email is not None
    return email


async def _state(services: Services) -> tuple[int, ...]:
    """Row counts of every table a mutation writes."""
    tables = [
        "companies",
        "company_memberships",
        "referent_assignments",
        "projects",
        "project_actors",
        "agent_roles",
        "notifications",
        "email_outbox",
        "referent_change_requests",
        "accounts",
        "partner_api_keys",
        "persisted_queries",
        "structures",
        "agents",
        "identity_documents",
        "submissions",
        "application_statuses",
        "collaborator_invitations",
        "account_filieres",
        "favourites",
        "interactions",
        "satisfaction_surveys",
    ]
    async with services.writer.transaction() as tx:
        return tuple(
            [
                int(await tx.session.scalar(sa.text(f"SELECT count(*) FROM {table}")) or 0)
                for table in tables
            ]
        )


@pytest.mark.parametrize(("query", "variables", "who"), CASES)
async def test_a_viewer_who_may_not_call_a_mutation_is_refused_and_nothing_changes(
    run: Run, services: Services, query: str, variables: dict[str, Any], who: str | None
) -> None:
    email = await _holder_email(services) if who == HOLDER else who
    before = await _state(services)
    result = await run(query, as_=email, variables=variables)
    codes = set(errors_by_path(result).values())
    expected = {"UNAUTHENTICATED"} if who is ANONYMOUS else {"FORBIDDEN"}
    assert codes == expected, result.errors
    assert await _state(services) == before


def test_the_matrix_has_every_mutation_of_the_schema(schema: HubSchema) -> None:
    """A new mutation fails here until its refusals are in MUTATIONS (and it fails the
    build without an ``@allowed`` action: tests/auth/test_declarations.py)."""
    covered = {_name(query) for query, _, _ in MUTATIONS}
    mutation_type = schema._schema.mutation_type
    assert mutation_type is not None
    assert covered == set(mutation_type.fields)
