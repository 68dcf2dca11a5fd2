"""The compiled execution path (``gateway.execution``) answers exactly as graphql-core does.

Generated queries (aliases, named and inline fragments, variables for arguments and for
``@include``/``@skip`` with both values, nested lists, ``__typename``, fields of every tier)
run for every kind of viewer through graphql-core first, then through the compiled path,
each with a context of its own: where graphql-core answered with an error the compiled path
hands the request over (``answer`` gives None) and records nothing; where it answered
without one, the compiled path answers the same bytes and records the same audit events.
Over HTTP, the second identical request is answered by its plan, with the first's bytes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from graphql import OperationType, parse
from graphql.language import (
    DirectiveNode,
    FieldNode,
    FragmentDefinitionNode,
    OperationDefinitionNode,
    Visitor,
    visit,
)
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from strawberry.http import process_result

from auth.identity import Authenticator
from auth.scopes import Scope
from auth.tokens import DevTokenIssuer
from auth.viewer import Viewer
from connectors.entreprise import EntrepriseConfig
from connectors.hubdb.audit import AuditEventRecord, AuditFilter
from gateway.app import dev_issuer
from gateway.errors import HubSchema
from gateway.execution import CompiledOperations
from gateway.settings import Settings
from resolvers.context import Context, Services
from sandbox.catalogues import create_app as create_catalogues
from tests.conftest import TEST_KEY, CountingTransport, open_services
from tests.gateway.serving import served
from tests.graphql_documents import Document, documents
from tests.partners import make_key
from tests.schema.test_leak_property import pools
from tests.seed_world import SeedWorld

OPERATION = "Leak"
"""The name tests/graphql_documents.py gives its operations."""
ROOTS = ("company", "viewer", "schemes", "scheme", "offers", "structures", "agents", "agent")
"""The root fields the broad queries start from: what the seed answers well, and no root
whose answer the first run changes (the audit trail, the notifications)."""
NOBODY = "nobody@nowhere.example"
UNKNOWN, INVALID = "00000000000000", "123"
"""A well-formed SIRET no register knows, and one that is not a SIRET."""


def unsupported(query: str) -> str | None:
    """What the document uses of the list in ``gateway.execution.compiler``'s docstring (a
    mutation or subscription, introspection, ``@defer``/``@stream`` or any directive but
    ``@include``/``@skip``, fragment arguments; the schema has no abstract type, nor a type
    with ``is_type_of``): only then may the compiled path hand over an operation graphql-core
    answered without an error. None: the compiler must take it."""
    reasons: list[str] = []

    class Find(Visitor):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            if node.operation is not OperationType.QUERY:
                reasons.append(node.operation.value)

        def enter_field(self, node: FieldNode, *_: Any) -> None:
            if node.name.value.startswith("__") and node.name.value != "__typename":
                reasons.append("introspection")

        def enter_directive(self, node: DirectiveNode, *_: Any) -> None:
            if node.name.value not in ("include", "skip"):
                reasons.append(f"@{node.name.value}")

        def enter_fragment_definition(self, node: FragmentDefinitionNode, *_: Any) -> None:
            if node.variable_definitions:
                reasons.append("fragment arguments")

    visit(parse(query), Find())
    return ", ".join(reasons) or None


def test_unsupported_names_what_the_compiler_gives_up_and_nothing_else() -> None:
    assert unsupported("query Q($s: Boolean!) { viewer @skip(if: $s) { kind __typename } }") is None
    assert unsupported("{ __schema { types { name } } }") == "introspection"
    assert unsupported("mutation { markAllNotificationsRead }") == "mutation"
    assert unsupported("{ viewer @defer { kind } }") == "@defer"


_SERVED = {"UPSTREAM": "SERVED", "CACHE": "SERVED", "SHARED": "SERVED"}
"""How an API Entreprise read was served, as far as the path decides it: the first run fills
the cache the second reads (STALE and FAILED stay themselves)."""


def _reads(event: AuditEventRecord) -> tuple[tuple[str, ...], ...]:
    calls = event.upstream_calls
    return tuple(sorted({(c.endpoint, c.identifier, c.object, _SERVED.get(c.outcome, c.outcome))
                         for c in calls}))  # fmt: skip


async def audited(services: Services, request_id: str) -> list[tuple[Any, ...]]:
    """What the audit events written for ``request_id`` say, sorted (not when, nor under
    which id, nor whether a read went upstream or was served from the cache)."""
    page = await services.audit.page(AuditFilter(), first=100)
    return sorted(
        (
            event.viewer_kind,
            event.account_id,
            event.api_key_id,
            event.structure_id,
            event.siret,
            event.access,
            tuple(sorted(event.fields)),
            _reads(event),
        )
        for event in page.items
        if event.request_id == request_id
    )


@dataclass
class Tally:
    """What the runs compared, to prove each side of the property was exercised."""

    same: int = 0
    """Answers without an error that the compiled path answered alike."""
    audited: int = 0
    """Of those, the answers that wrote audit events (tier-2 reads)."""
    extended: int = 0
    """Of those, the answers with extensions (warnings, the identity notice)."""
    handed_over: int = 0
    """Answers with an error that the compiled path handed over."""
    never_valid: int = 0
    """Documents graphql-core refused for every viewer (the query limits)."""


@dataclass
class Differential:
    """Runs documents through both paths for every viewer and checks they agree."""

    schema: HubSchema
    services: Services
    viewers: Mapping[str, Viewer]
    tally: Tally = field(default_factory=Tally)
    requests: int = 0

    def _context(self, viewer: Viewer, path: str) -> Context:
        self.requests += 1
        return Context.create(viewer, self.services, f"differential-{self.requests}-{path}")

    async def compare(self, query: str, variables: dict[str, Any]) -> None:
        """Every viewer through graphql-core, then every viewer through the compiled path.
        The operation is learnt once graphql-core has run it with data (it passed validation
        and the limits), as the HTTP view learns it after an answer without an error."""
        compiled: CompiledOperations = self.schema.compiled
        expected: dict[str, tuple[dict[str, Any], list[tuple[Any, ...]]]] = {}
        for who, viewer in self.viewers.items():
            context = self._context(viewer, "core")
            result = await self.schema.execute(
                query, variable_values=variables, context_value=context, operation_name=OPERATION
            )
            expected[who] = (
                dict(process_result(result)),
                await audited(self.services, context.request_id),
            )
            if result.data is not None:
                compiled.learn(query, OPERATION)
        if (query, OPERATION) not in compiled:
            self.tally.never_valid += 1
            return
        for who, viewer in self.viewers.items():
            context = self._context(viewer, "compiled")
            answer = await compiled.answer(query, OPERATION, variables, viewer, context)
            events = await audited(self.services, context.request_id)
            self._check(f"as {who}", query, variables, *expected[who], answer, events)

    def _check(
        self,
        who: str,
        query: str,
        variables: dict[str, Any],
        expected: dict[str, Any],
        expected_events: list[tuple[Any, ...]],
        answer: dict[str, Any] | None,
        events: list[tuple[Any, ...]],
    ) -> None:
        case = (
            f"{who}: {query}\nvariables: {variables}\ngraphql-core: {expected}\n"
            f"compiled: {answer}\naudit by graphql-core: {expected_events}\n"
            f"audit compiled: {events}"
        )
        if "errors" in expected:
            assert answer is None, f"the compiled path answered an error's request: {case}"
            assert events == [], f"the compiled path recorded a read it handed over: {case}"
            self.tally.handed_over += 1
            return
        if answer is None:
            assert unsupported(query) is not None, f"a supported query was handed over: {case}"
            return
        assert orjson.dumps(answer) == orjson.dumps(expected), f"the answers differ: {case}"
        assert events == expected_events, f"the audit events differ: {case}"
        self.tally.same += 1
        self.tally.audited += bool(events)
        self.tally.extended += "extensions" in answer


def variable_sets(document: Document) -> list[dict[str, Any]]:
    """The document's variables, and, when it has ``@include``/``@skip``, the same with
    every switch the other way (the compiled path keeps a plan per combination)."""
    if not document.switches:
        return [document.variables]
    flipped = {**document.variables, **{s: not document.variables[s] for s in document.switches}}
    return [document.variables, flipped]


async def more_viewers(services: Services) -> dict[str, Viewer]:
    """Beyond the seed's: keys of the CCI du Gard (the structure of LEROY's accepted
    referent) with every scope, reading the directory only, and with none; and a person
    signed in with no account yet (whose answers say so in ``extensions.identity``)."""
    found = {}
    for label, scopes in {
        "cci-gard key (every scope)": frozenset(Scope),
        "cci-gard key (directory only)": frozenset({Scope.DIRECTORY_READ}),
        "cci-gard key (no scope)": frozenset[Scope](),
    }.items():
        _, found[label] = await make_key(services, "cci-gard", scopes)
    issuer = DevTokenIssuer(TEST_KEY)
    token = issuer.issue(subject=NOBODY, email=NOBODY)
    authenticator = Authenticator(issuer, services.hub, services.directory)
    found["nobody (no account yet)"] = await authenticator.viewer(f"Bearer {token}")
    return found


class BpifranceDown(httpx.AsyncBaseTransport):
    """The catalogues' sandbox with Bpifrance's catalogue down: the schemes answer without
    its schemes, and say so in ``extensions.warnings``."""

    def __init__(self) -> None:
        self._catalogues = httpx.ASGITransport(app=create_catalogues())

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/bpifrance/"):
            return httpx.Response(503)
        return await self._catalogues.handle_async_request(request)


RunDifferential = Callable[..., Tally]


@pytest.fixture
def differential(
    schema: HubSchema,
    seed_world: SeedWorld,
    database_url: str,
    upstream: CountingTransport,
    entreprise_config: EntrepriseConfig,
) -> RunDifferential:
    """``run(strategy, examples, catalogues=None)``: ``examples`` documents of ``strategy``,
    each (with its switches both ways) through both paths for every seeded viewer and the
    ``more_viewers``; the catalogues' sandbox behind ``catalogues``. Gives the ``Tally``."""

    def run(
        strategy: st.SearchStrategy[Document],
        examples: int,
        catalogues: httpx.AsyncBaseTransport | None = None,
    ) -> Tally:
        with asyncio.Runner() as runner:
            opening = open_services(database_url, upstream, entreprise_config, catalogues)
            services = runner.run(opening.__aenter__())
            try:
                viewers = {**seed_world.viewers, **runner.run(more_viewers(services))}
                both = Differential(schema, services, viewers)

                @settings(
                    max_examples=examples,
                    deadline=None,
                    derandomize=True,
                    database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
                )
                @given(document=strategy)
                def check(document: Document) -> None:
                    note(str(document))
                    for variables in variable_sets(document):
                        note(f"variables: {variables}")
                        runner.run(both.compare(document.query, variables))

                check()
            finally:
                runner.run(opening.__aexit__(None, None, None))
        return both.tally

    return run


def test_the_compiled_path_answers_queries_from_every_root_as_graphql_core_does(
    schema: HubSchema, seed_world: SeedWorld, differential: RunDifferential
) -> None:
    """With Bpifrance's catalogue down, so that the schemes answer with warnings; each
    document has a second operation, which neither path runs."""
    strategy = documents(
        schema._schema, pools(seed_world), roots=ROOTS, max_depth=4, switches=True
    ).map(lambda d: replace(d, query=f"{d.query} query Other {{ viewer {{ kind }} }}"))
    tally = differential(strategy, examples=30, catalogues=BpifranceDown())
    assert tally.same > 100 and tally.handed_over > 50 and tally.extended > 20, tally
    assert tally.never_valid < 5, tally


def test_the_compiled_path_answers_company_sheets_as_graphql_core_does(
    schema: HubSchema, seed_world: SeedWorld, differential: RunDifferential
) -> None:
    """The company sheet, of every seeded company and of an unknown and an invalid SIRET:
    tier-2 reads, audited, answered alike by both paths."""
    sirets = st.sampled_from([*seed_world.companies, UNKNOWN, INVALID])
    strategy = documents(
        schema._schema,
        {**pools(seed_world), "Query.company.siret": sirets},
        roots=("company",),
        max_depth=4,
        switches=True,
    )
    tally = differential(strategy, examples=30)
    assert tally.same > 100 and tally.handed_over > 50 and tally.audited > 10, tally


LEROY, FABRE = "84215637400014", "51234987900027"
EXPENSE = {"amount": "20000", "category": "software"}
EDGE_CASES: list[tuple[str, list[dict[str, Any]]]] = [
    # a variable's default, given, null, and left out
    (
        "query Leak($first: Int = 2) { offers(first: $first) { edges { node { id title } } } }",
        [{}, {"first": 1}, {"first": None}],
    ),
    # a variable inside an input object's literal, given, null, and left out
    (
        (
            "query Leak($name: String) { structures(filter: {name: $name}, first: 3) "
            "{ totalCount edges { node { id name } } } }"
        ),
        [{}, {"name": "CCI"}, {"name": None}],
    ),
    # __typename at the root and below
    ("query Leak { __typename viewer { __typename kind } }", [{}]),
    # one field selected by two fragments, merged; an unknown and an invalid SIRET
    (
        (
            "query Leak($s: String!) { company(siret: $s) { name ...A ...B } } "
            "fragment A on Company { referent { status } } "
            "fragment B on Company { referent { agent { name email } } }"
        ),
        [{"s": LEROY}, {"s": UNKNOWN}, {"s": INVALID}],
    ),
    # @include/@skip on literals, and on a variable with a default
    (
        (
            'query Leak($x: Boolean = true) { company(siret: "84215637400014") { '
            "name @skip(if: true) siret @include(if: false) naf @include(if: true) { code } "
            "turnover @include(if: $x) { year amount } } }"
        ),
        [{}, {"x": False}],
    ),
    # one root field twice under two aliases, of two companies
    (
        (
            f'query Leak {{ a: company(siret: "{LEROY}") {{ name turnover {{ year }} }} '
            f'b: company(siret: "{FABRE}") {{ name turnover {{ year }} }} }}'
        ),
        [{}],
    ),
    # a root field reading a company (@readsCompany, audited); a list variable given as one
    # item; variables that do not coerce (a number for a string, a required one left out)
    (
        (
            "query Leak($e: [ExpenseInput!]!, $s: String) { estimateAid(schemeId: "
            '"paysdelaloire:investissement-numerique", expenses: $e, siret: $s) '
            "{ eligible amount effectiveRate appliedRules } }"
        ),
        [{"e": [EXPENSE], "s": LEROY}, {"e": EXPENSE}, {"e": [EXPENSE], "s": 842}, {"s": LEROY}],
    ),
]
"""Hand-written documents for what the generator does not write, each with its variables."""


async def test_the_compiled_path_answers_the_edge_cases_as_graphql_core_does(
    schema: HubSchema, seed_world: SeedWorld, services: Services
) -> None:
    viewers = {**seed_world.viewers, **await more_viewers(services)}
    both = Differential(schema, services, viewers)
    for query, variable_sets in EDGE_CASES:
        for variables in variable_sets:
            await both.compare(query, variables)
    assert both.tally.never_valid == 0, both.tally
    assert both.tally.same > 100 and both.tally.handed_over > 50, both.tally
    assert both.tally.audited > 5, both.tally


# -- over HTTP ---------------------------------------------------------------------------

SHEET = (
    "query Sheet($s: String!) { company(siret: $s) { siret name naf { code label } "
    "address { city postalCode departmentCode } active } }"
)
"""The query of the benchmark (issue 13), public."""
TIER2_SHEET = '{ company(siret: "84215637400014") { name turnover { year amount } } }'
DURAND = "pierre.durand@cci-gard.example"  # LEROY's accepted referent


@pytest.fixture
async def client(
    database_url: str, tmp_path: Path, upstream: CountingTransport
) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    """The app over ASGI, and a token of LEROY's referent."""
    settings = Settings(
        database_url=database_url, dev_secret_file=tmp_path / "secret", scheduler_enabled=False
    )
    sandbox = httpx.AsyncClient(
        base_url="http://sandbox.test",
        transport=upstream,
        headers={"Authorization": "Bearer sandbox-token"},
    )
    async with served(settings, entreprise_client=sandbox) as gateway:
        yield gateway.client, dev_issuer(settings).issue(subject=DURAND, email=DURAND)


@pytest.fixture
def plan_answers(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """One entry per call of ``CompiledOperations.answer_encoded`` (what the HTTP view
    asks): whether the plan answered."""
    calls: list[bool] = []
    answer = CompiledOperations.answer_encoded

    async def spy(self: CompiledOperations, *args: Any) -> bytes | None:
        given = await answer(self, *args)
        calls.append(given is not None)
        return given

    monkeypatch.setattr(CompiledOperations, "answer_encoded", spy)
    return calls


async def test_the_second_identical_request_is_answered_by_its_plan_with_the_same_bytes(
    client: tuple[httpx.AsyncClient, str], plan_answers: list[bool]
) -> None:
    http, token = client
    for body, headers in [
        ({"query": SHEET, "variables": {"s": "84215637400014"}}, {}),
        ({"query": TIER2_SHEET}, {"Authorization": f"Bearer {token}"}),
    ]:
        plan_answers.clear()
        first = await http.post("/graphql", json=body, headers=headers)
        second = await http.post("/graphql", json=body, headers=headers)
        assert first.status_code == second.status_code == 200
        assert "errors" not in first.json(), first.json()
        assert plan_answers == [True]  # the first was graphql-core's, which learnt it
        assert second.content == first.content
        assert second.headers["content-type"] == first.headers["content-type"]


async def test_a_known_operation_whose_answer_has_an_error_is_answered_by_graphql_core(
    client: tuple[httpx.AsyncClient, str], plan_answers: list[bool]
) -> None:
    """An unknown SIRET (NOT_FOUND) and a tier-2 field refused to the anonymous visitor
    (FORBIDDEN), of operations the plan answers for others: graphql-core answers them, with
    the error it gave before the operation was known."""
    http, token = client
    unknown = {"query": SHEET, "variables": {"s": UNKNOWN}}
    refused = {"query": TIER2_SHEET}
    before = {
        "unknown": await http.post("/graphql", json=unknown),
        "refused": await http.post("/graphql", json=refused),
    }
    for body, headers in [
        ({"query": SHEET, "variables": {"s": "84215637400014"}}, {}),
        (refused, {"Authorization": f"Bearer {token}"}),
    ]:
        for _ in range(2):  # learnt, then answered by its plan
            assert "errors" not in (await http.post("/graphql", json=body, headers=headers)).json()
    assert plan_answers == [True, True]
    plan_answers.clear()

    after = {
        "unknown": await http.post("/graphql", json=unknown),
        "refused": await http.post("/graphql", json=refused),
    }
    assert plan_answers == [False, False]  # asked, and handed over
    codes = {k: [e["extensions"]["code"] for e in r.json()["errors"]] for k, r in after.items()}
    assert codes == {"unknown": ["NOT_FOUND"], "refused": ["FORBIDDEN"]}
    for name, response in after.items():
        assert response.content == before[name].content, name
