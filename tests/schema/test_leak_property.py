"""No response carries a value its viewer may not see: random valid queries over the whole
schema (aliases, fragments, inline fragments, nested paths, variables) for random viewers,
whose whole answer (data, errors, extensions) is searched for the seed's secrets."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from strawberry.types import ExecutionResult

from connectors.entreprise import EntrepriseConfig
from connectors.pagination import encode_cursor
from gateway.errors import HubSchema
from resolvers.context import Services
from tests.conftest import CountingTransport, open_services
from tests.execution_paths import ExecutionPath
from tests.graphql_documents import Document, documents
from tests.seed_world import Secrets, SeedWorld, application_id

AGENT_IDS = [
    "agent-pierre-durand",
    "agent-sophie-roux",
    "agent-julien-garcia",
    "agent-lucie-mercier",
    "agent-marc-martin",
    "agent-nadia-benali",
    "agent-nobody",
]


def pools(world: SeedWorld) -> dict[str, st.SearchStrategy[Any]]:
    """Meaningful argument values: the queried companies and agents, filters that match."""
    referents = [f.referent.agent_id for s in world.companies[7:] if (f := world.facts[s]).referent]
    cursors = st.sampled_from(
        [None, "not-a-cursor", encode_cursor("durand", "agent-a"), encode_cursor("", "")]
    )
    words = st.sampled_from(["hydrogene", "bois", "export", "financement", "creation", "nope"])
    schemes = st.sampled_from(
        [
            "region:parcours-industrie-du-futur",
            "francenum:cheque-numerique",
            "paysdelaloire:investissement-numerique",
            "region:nope",
        ]
    )
    periods = st.sampled_from(
        [
            {"from": "2025-01-01", "to": "2025-12-31"},
            {"from": "2025-12-31", "to": "2025-01-01"},
            {"from": "2015-01-01", "to": "2025-12-31"},
        ]
    )
    applications = [
        application_id(a) for s in world.companies for a in world.applications.get(s, ())
    ]
    return {
        "Query.application.id": st.sampled_from(
            [*applications, "QXBwbGljYXRpb246REVMOjk5OTk5", "not-an-id"]
        ),
        "ApplicationFilter.schemeId": schemes,
        "Company.applications.after": cursors,
        "Company.applications.first": st.integers(min_value=0, max_value=30),
        "Query.company.siret": st.sampled_from(
            [*world.companies, "842 156 374 00014", "84215637400015", "123", "00000000000000"]
        ),
        "Query.agent.id": st.sampled_from(AGENT_IDS + referents),
        "AgentFilterInput.name": st.sampled_from(["Durand", "roux", "Mar", "é", "%", "_"]),
        "AgentFilterInput.postalCode": st.sampled_from(["30000", "31", "34", "20", "97400"]),
        "AgentFilterInput.structureId": st.sampled_from(["cci-gard", "bge-occitanie", "ademe"]),
        "AgentFilterInput.filieres": st.lists(words, max_size=2),
        "AgentFilterInput.domains": st.lists(words, max_size=2),
        "CompanyFilterInput.siret": st.sampled_from([*world.companies, "123"]),
        "CompanyFilterInput.text": st.sampled_from(["leroy", "Nîmes", "bois", "%", "842 156"]),
        "CompanyFilterInput.department": st.sampled_from(["30", "34", "2A"]),
        "CompanyFilterInput.postalCode": st.sampled_from(["30000", "34000"]),
        "CompanyFilterInput.naf": st.sampled_from(["25.62A", "25", "x"]),
        "CompanyFilterInput.structureId": st.sampled_from(["cci-gard", "bge-occitanie"]),
        "CompanyFilterInput.referentId": st.sampled_from(AGENT_IDS),
        "Query.companies.first": st.integers(min_value=0, max_value=5),
        "Query.companies.after": cursors,
        "StructureFilterInput.kind": st.sampled_from(["CCI", "BGE", "OTHER", "EPCI"]),
        "StructureFilterInput.supportKind": st.sampled_from(["CREATION", "FINANCEMENT"]),
        "Query.agents.first": st.integers(min_value=0, max_value=40),
        "Query.agents.after": cursors,
        "Query.structures.after": cursors,
        "Query.notifications.after": cursors,
        "Viewer.portfolio.after": cursors,
        "Query.eligibility.siret": st.sampled_from(world.companies),
        "Query.estimateAid.siret": st.sampled_from(world.companies),
        "Query.scheme.id": schemes,
        "Query.eligibility.schemeId": schemes,
        "Query.estimateAid.schemeId": schemes,
        "Company.deMinimis.schemeId": schemes,
        "Company.deMinimis.regulation": st.sampled_from(["2023/2831", "1407/2013", "42"]),
        "Query.offers.first": st.integers(min_value=1, max_value=30),
        "Query.offers.after": cursors,
        "OfferFilterInput.structureId": st.sampled_from(["cci-gard", "bge-occitanie", "nope"]),
        "OfferFilterInput.department": st.sampled_from(["30", "34", "2A"]),
        "OfferFilterInput.text": words,
        "OfferFilterInput.level": st.integers(min_value=1, max_value=3),
        "Query.indicators.period": periods,
        "Query.networkIndicators.period": periods,
        "Query.indicators.structureId": st.sampled_from(["cci-gard", "bge-occitanie"]),
        "ExpenseInput.category": st.sampled_from(["software", "hardware", "consulting", "x"]),
    }


def _values(payload: Any) -> Iterator[Any]:
    if isinstance(payload, dict):
        yield payload
        for value in payload.values():
            yield from _values(value)
    elif isinstance(payload, list):
        for value in payload:
            yield from _values(value)
    else:
        yield payload


def leaks(result: ExecutionResult, secrets: Secrets) -> list[str]:
    """Every secret found in the answer as the client would receive it."""
    payload = {
        "data": result.data,
        "errors": [error.formatted for error in result.errors or ()],
        "extensions": result.extensions,
    }
    text = json.dumps(payload, ensure_ascii=False, default=str)
    found = [f"token {t!r}" for t in secrets.tokens if t in text]
    for value in _values(payload):
        if isinstance(value, str) and value in secrets.leaves:
            found.append(f"value {value!r}")
        elif isinstance(value, int) and not isinstance(value, bool) and value in secrets.numbers:
            found.append(f"number {value}")
        elif isinstance(value, dict):
            inside = {v for v in value.values() if isinstance(v, str)}
            found += [f"director {p}" for p in secrets.pairs if set(p) <= inside]
    return found


def test_no_random_query_returns_a_value_its_viewer_may_not_see(
    schema: HubSchema,
    seed_world: SeedWorld,
    database_url: str,
    upstream: CountingTransport,
    entreprise_config: EntrepriseConfig,
    execution_path: ExecutionPath,
) -> None:
    secrets = {label: seed_world.secrets(viewer) for label, viewer in seed_world.viewers.items()}
    assert secrets["anonymous"].tokens and secrets["anonymous"].numbers  # the check has teeth
    leroys = [application_id(a) for a in seed_world.applications["84215637400014"]]
    assert leroys and set(leroys) <= secrets["anonymous"].tokens  # applications and aids too
    assert "Contrat Croissance" in secrets["anonymous"].leaves
    checked: list[int] = []

    with asyncio.Runner() as runner:
        services_context = open_services(database_url, upstream, entreprise_config)
        services = runner.run(services_context.__aenter__())
        try:

            @settings(
                max_examples=150,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
            )
            @given(
                who=st.sampled_from(sorted(seed_world.viewers)),
                document=documents(schema._schema, pools(seed_world)),
            )
            def check(who: str, document: Document) -> None:
                note(f"as {who}:\n{document}")
                viewer = seed_world.viewers[who]
                result = runner.run(
                    execution_path.execute(
                        schema, document.query, viewer, services, "leak", document.variables
                    )
                )
                assert not leaks(result, secrets[who])
                checked.append(0 if result.data is None else 1)

            check()
        finally:
            runner.run(services_context.__aexit__(None, None, None))
    # most documents are valid and execute (a few are refused by the query limits)
    assert sum(checked) > len(checked) * 0.8, f"{sum(checked)} of {len(checked)} executed"
    execution_path.assert_exercised()


PLATFORM_FIELDS = """query($siret: String!) { company(siret: $siret) {
  applications(first: 50) { totalCount edges { cursor node {
    id platform reference projectTitle status platformStatus requested granted paid submittedAt
    acknowledgedAt expensesFrom decidedAt realisationDeadline proofsDeadline
    documents { name kind receivedAt } payments { kind amount status requestedAt paidAt }
    history { at status label } } } }
  aidsReceived { grantor scheme schemeId amount grantedOn regulation source platform reference }
  deMinimis { aids { scheme reference } } } }"""
ONE_APPLICATION = "query($id: ID!) { application(id: $id) { id reference projectTitle } }"


async def test_no_viewer_receives_applications_or_aids_it_may_not_see(
    schema: HubSchema, seed_world: SeedWorld, services: Services, execution_path: ExecutionPath
) -> None:
    """Every new field, fully selected, for every viewer and every queried company (random
    documents above reach them too rarely to be the only check)."""
    for who, viewer in seed_world.viewers.items():
        secrets = seed_world.secrets(viewer)
        for siret in seed_world.companies:
            result = await execution_path.execute(
                schema, PLATFORM_FIELDS, viewer, services, "leak", {"siret": siret}
            )
            assert not leaks(result, secrets), (who, siret)
            for application in seed_world.applications.get(siret, ()):
                one = await execution_path.execute(
                    schema, ONE_APPLICATION, viewer, services, "leak",
                    {"id": application_id(application)},
                )  # fmt: skip
                assert not leaks(one, secrets), (who, application.reference)
    execution_path.assert_exercised()
