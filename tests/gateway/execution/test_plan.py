"""The compiled plan (built by gateway.execution.compiler, run by gateway.execution.plan)
answers what graphql-core answers without an error, and hands over (``NotCompiled``) every
answer with an error; fields of plain data are read without a resolver's info, the others by
the very resolver graphql-core calls."""

from __future__ import annotations

import asyncio
import datetime
import enum
import gc
import sys
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

import orjson
import pytest
import strawberry
from graphql import GraphQLEnumType, GraphQLEnumValue, parse
from graphql.execution.values import get_variable_values
from strawberry.permission import BasePermission, PermissionExtension
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from auth.viewer import ANONYMOUS as _ANONYMOUS
from gateway.cost import CostPlanner, CostPolicy
from gateway.errors import HubSchema
from gateway.execution import kept as kept_module
from gateway.execution.compiler import Unsupported, compile_operation
from gateway.execution.kept import KeptJSON
from gateway.execution.leaves import enum_names, leaf_completer
from gateway.execution.operations import PLANS_PER_OPERATION, CompiledOperations
from gateway.execution.plan import NotCompiled
from gateway.graphql import encode_answer
from tests.task_count import with_tasks_counted

CALLS: Counter[str] = Counter()


@strawberry.enum
class Outcome(enum.Enum):
    MET = "met"
    NOT_MET = "not_met"


class Counted(BasePermission):
    message = "Refused."

    def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        CALLS["permission"] += 1
        return bool(source.name != "secret")


class Deciding(BasePermission):
    """Like ``auth.visibility.VisibleTo``: a ``decide`` that answers at once when it can, and
    ``has_permission`` (graphql-core's path) that answers the same, awaited."""

    message = "Refused."

    def decide(self, source: Any, info: strawberry.Info) -> Any:
        CALLS["decide"] += 1
        return source.name != "secret" if source.name != "later" else self._later()

    async def _later(self) -> bool:
        await asyncio.sleep(0)
        return True

    async def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        CALLS["has_permission"] += 1
        decided = self.decide(source, info)
        return decided if type(decided) is bool else await decided


class Shared(BasePermission):
    """Like ``auth.visibility.VisibleTo``: permissions with the same ``decision_key`` answer
    the same for an object, and ``decide_fields`` answers for all its fields of that key at
    once (an awaitable for the item called "later")."""

    message = "Refused."

    def __init__(self, key: str) -> None:
        self.decision_key = key

    def decide_fields(self, source: Any, context: Any, fields: tuple[str, ...]) -> Any:
        CALLS[f"decide_fields {self.decision_key} {' '.join(fields)}"] += 1
        if source.name == "later":
            return self._later()
        return source.name != "secret"

    async def _later(self) -> bool:
        await asyncio.sleep(0)
        return True

    async def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        decided = self.decide_fields(source, info.context, (info.field_name,))
        return decided if type(decided) is bool else await decided


@strawberry.type
class Check:
    name: str
    outcome: Outcome
    value: str | None = None
    missing: list[str] = strawberry.field(default_factory=list)


@strawberry.type
class Item:
    name: str
    amount: Decimal
    opens: datetime.date
    count: int
    checks: list[Check]
    optional: str | None = None
    required_late: str | None = strawberry.field(default=None, name="requiredLate")
    grid: list[list[int]] = strawberry.field(default_factory=list)

    @strawberry.field
    def title(self) -> str:
        CALLS["title"] += 1
        return self.name.title()

    @strawberry.field
    def strict(self) -> str:
        """Non-null, but None for the item called "hole": graphql-core reports it."""
        return None if self.name == "hole" else self.name  # type: ignore[return-value]

    @strawberry.field
    def fails(self) -> str:
        if self.name == "boom":
            raise ValueError("boom")
        return "fine"

    @strawberry.field
    async def later(self) -> str:
        CALLS["later"] += 1
        return self.name

    @strawberry.field
    def with_info(self, info: strawberry.Info) -> str:
        CALLS["with_info"] += 1
        return str(info.path.key)

    @strawberry.field
    def described(self, info: strawberry.Info) -> str:
        """What a resolver reads of its info, besides the context: a plan makes it on first
        use (``gateway.execution.info.PlanInfo``), the same as graphql-core's."""
        return repr(
            (
                info.field_name,
                info.python_name,
                info.path.as_list(),
                [selection.name for selection in info.selected_fields],
                info.variable_values,
                info.operation.name and info.operation.name.value,
                info.context,
                str(info.return_type),
            )
        )

    @strawberry.field
    def shout(self, loud: bool = False) -> str:
        return self.name.upper() if loud else self.name

    @strawberry.field(extensions=[PermissionExtension(permissions=[Counted()])])
    def guarded(self) -> str | None:
        return f"{self.name}'s secret"

    @strawberry.field(extensions=[PermissionExtension(permissions=[Deciding()])])
    def decided(self) -> str | None:
        return f"{self.name}'s secret"

    @strawberry.field(extensions=[PermissionExtension(permissions=[Shared("tier")])])
    def turnover(self) -> str | None:
        return f"{self.name}'s turnover"

    @strawberry.field(extensions=[PermissionExtension(permissions=[Shared("tier")])])
    async def equity(self) -> str | None:
        return f"{self.name}'s equity"

    @strawberry.field(extensions=[PermissionExtension(permissions=[Shared("other")])])
    def contact(self) -> str | None:
        return f"{self.name}'s contact"


def _items(*names: str) -> list[Item]:
    return [
        Item(
            name=name,
            amount=Decimal("12.50"),
            opens=datetime.date(2026, 1, 1),
            count=index,
            checks=[
                Check(name="size", outcome=Outcome.MET, value="12", missing=["ownership"]),
                Check(name="age", outcome=Outcome.NOT_MET),
            ],
            grid=[[index, index + 1], []],
        )
        for index, name in enumerate(names)
    ]


@strawberry.type
class Verdict:
    """Like SchemeEligibility: a verdict on an item."""

    item: Item
    outcome: Outcome

    @strawberry.field
    def today(self) -> datetime.date:
        return datetime.date.today()


SHARED = [Verdict(item=item, outcome=Outcome.MET) for item in _items("alpha", "secret")]


@strawberry.type
class Query:
    @strawberry.field
    def verdicts(self) -> list[Verdict]:
        return SHARED

    @strawberry.field
    def items(self, names: list[str] | None = None) -> list[Item]:
        return _items(*(names or ["alpha", "beta", "gamma"]))

    @strawberry.field
    def maybe_items(self) -> list[Item | None] | None:
        return [*_items("alpha"), None]

    @strawberry.field
    def tuple_items(self) -> list[Item]:
        return tuple(_items("alpha", "beta"))  # type: ignore[return-value]

    @strawberry.field
    def generated_items(self) -> list[Item]:
        return (item for item in _items("alpha", "beta"))  # type: ignore[return-value]

    @strawberry.field
    def broken_checks(self) -> list[Check]:
        """A non-null attribute holding None: graphql-core reports it."""
        return [Check(name="size", outcome=Outcome.MET), Check(name=None, outcome=Outcome.MET)]  # type: ignore[arg-type]


GENERAL = strawberry.Schema(
    query=Query, execution_context_class=StrawberryGraphQLCoreExecutionContext
)


@pytest.fixture(autouse=True)
def _reset_calls() -> None:
    CALLS.clear()


async def _compiled(
    query: str, variables: dict[str, Any] | None = None, schema: strawberry.Schema = GENERAL
) -> Any:
    """The plan's data; ``NotCompiled`` when graphql-core must answer."""
    core = schema._schema
    document = parse(query)
    operation = document.definitions[0]
    values = get_variable_values(core, operation.variable_definitions or (), variables or {})
    assert not isinstance(values, list)
    plan = compile_operation(core, document, None, values)
    return await plan.run(None, values)


async def _same_both_ways(query: str, variables: dict[str, Any] | None = None) -> Any:
    general = await GENERAL.execute(query, variable_values=variables)
    assert general.errors is None
    compiled = await _compiled(query, variables)
    assert compiled == general.data
    return compiled


PLAIN_DOCUMENTS = [
    "{ items { name title amount opens count optional requiredLate grid } }",
    "{ items { __typename a: name b: name checks { name outcome value missing __typename } } }",
    "{ items { ...F checks { ... on Check { outcome } } } } fragment F on Item { name count }",
    "{ items { name ... @include(if: false) { count } checks @skip(if: true) { name } } }",
    '{ items(names: ["x", "y"]) { name checks { name } checks { outcome } } }',
    "{ maybeItems { name } tupleItems { name } generatedItems { name } }",
    '{ items(names: ["a", "b"]) { name later withInfo shout(loud: true) quiet: shout } }',
    'query Named { items(names: ["a", "b"]) { said: described described } }',
    '{ items(names: ["a", "b"]) { name guarded } verdicts { outcome today item { name } } }',
]


@pytest.mark.parametrize("query", PLAIN_DOCUMENTS)
async def test_a_plan_answers_as_graphql_core_does(query: str) -> None:
    await _same_both_ways(query)


async def test_fields_of_plain_data_are_read_once_each() -> None:
    await _compiled("{ items { name title count checks { name outcome } } }")
    assert CALLS["title"] == 3


async def test_include_and_skip_follow_the_variables_a_plan_is_made_for() -> None:
    query = "query($full: Boolean!) { items { name checks @include(if: $full) { name } } }"
    shown = await _same_both_ways(query, {"full": True})
    hidden = await _same_both_ways(query, {"full": False})
    assert "checks" in shown["items"][0]
    assert "checks" not in hidden["items"][0]


async def test_arguments_come_from_the_variables_of_each_run() -> None:
    query = (
        "query($names: [String!], $loud: Boolean!) { items(names: $names) { shout(loud: $loud) } }"
    )
    loud = await _same_both_ways(query, {"names": ["a"], "loud": True})
    quiet = await _same_both_ways(query, {"names": ["b"], "loud": False})
    assert loud == {"items": [{"shout": "A"}]}
    assert quiet == {"items": [{"shout": "b"}]}


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ('{ items(names: ["a", "hole", "b"]) { name strict } }', "null in a non-null field"),
        ('{ items(names: ["a", "boom"]) { name fails } }', "an exception"),
        ('{ items(names: ["a", "secret"]) { name guarded } }', "a refused field"),
    ],
)
async def test_an_answer_with_an_error_is_handed_to_graphql_core(query: str, reason: str) -> None:
    assert (await GENERAL.execute(query)).errors, reason
    with pytest.raises(NotCompiled):
        await _compiled(query)


async def test_a_permission_is_checked_for_every_object_every_run() -> None:
    query = '{ items(names: ["a", "b", "c"]) { guarded } }'
    await _compiled(query)
    await _compiled(query)
    assert CALLS["permission"] == 6


async def test_a_guarded_field_answered_at_once_costs_no_task() -> None:
    """Its permission answered at once and its function returned a value: no coroutine, so
    none of the list's items waits in a task of its own."""
    query = '{ items(names: ["a", "b", "c"]) { name guarded decided } }'
    general = await GENERAL.execute(query)

    compiled, tasks = await with_tasks_counted(_compiled(query))

    assert compiled == general.data
    assert tasks == 0
    assert CALLS["decide"] == 6  # 3 through the plan, 3 through graphql-core's has_permission
    assert CALLS["has_permission"] == 3


async def test_a_permission_that_answers_later_is_awaited_then_checks_the_rest() -> None:
    query = '{ items(names: ["a", "later", "b"]) { name decided } }'
    general = await GENERAL.execute(query)
    assert general.errors is None
    assert await _compiled(query) == general.data
    with pytest.raises(NotCompiled):
        await _compiled('{ items(names: ["later", "secret"]) { decided } }')


async def test_the_fields_of_one_tier_ask_their_permission_once_per_object() -> None:
    """Once per object and tier, for all its selected fields of that tier (named for the
    audit), whatever their order, aliases or count; not once per field."""
    query = '{ items(names: ["a", "b"]) { turnover contact t: turnover equity name } }'
    general = await GENERAL.execute(query)
    CALLS.clear()

    assert await _compiled(query) == general.data

    assert CALLS == {"decide_fields tier turnover equity": 2, "decide_fields other contact": 2}


async def test_a_tier_whose_permission_answers_later_is_awaited_once_for_its_fields() -> None:
    query = '{ items(names: ["a", "later"]) { name turnover equity contact } }'
    general = await GENERAL.execute(query)
    assert general.errors is None
    CALLS.clear()

    assert await _compiled(query) == general.data

    assert CALLS["decide_fields tier turnover equity"] == 2


@pytest.mark.parametrize(
    "query",
    [
        '{ items(names: ["a", "secret"]) { name turnover equity } }',
        '{ items(names: ["a", "secret"]) { name equity } }',
        '{ items(names: ["secret"]) { contact } }',
    ],
)
async def test_a_tier_refused_on_an_object_is_reported_by_graphql_core(query: str) -> None:
    general = await GENERAL.execute(query)
    assert {error.message for error in general.errors or ()} == {"Refused."}
    with pytest.raises(NotCompiled):
        await _compiled(query)


@pytest.mark.parametrize(
    "query",
    ["mutation { x }", "{ __schema { types { name } } }", "{ items @defer { name } }"],
)
async def test_what_the_compiler_does_not_take_is_said(query: str) -> None:
    with pytest.raises(Unsupported):
        await _compiled(query)


@strawberry.type
class Leaf:
    @strawberry.field
    async def a(self) -> str:
        CALLS["leaf"] += 1
        await asyncio.sleep(0)
        return "a"


@strawberry.type
class FailingQuery:
    @strawberry.field
    async def failing(self) -> str:
        raise ValueError("boom")

    @strawberry.field
    async def leaves(self) -> list[Leaf]:
        return [Leaf(), Leaf()]


async def test_a_run_handed_over_leaves_no_coroutine_unawaited(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    unraisable: list[str] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda hook: unraisable.append(repr(hook.object)))
    schema = strawberry.Schema(query=FailingQuery)
    with pytest.raises(NotCompiled):
        await _compiled("{ failing leaves { a } }", schema=schema)
    await asyncio.sleep(0)
    gc.collect()
    assert unraisable == []


async def test_an_operation_keeps_a_bounded_number_of_plans() -> None:
    switches = [f"s{n}" for n in range(6)]
    query = (
        f"query({', '.join(f'${s}: Boolean!' for s in switches)}) {{ items {{ name "
        + " ".join(f"{s}: count @include(if: ${s})" for s in switches)
        + " } }"
    )
    policy = CostPolicy(CostPlanner(), max_cost=10**6, max_reads=10**6, max_anonymous_reads=10**6)
    compiled = CompiledOperations(GENERAL._schema, policy)
    compiled.learn(query, None)
    answered = 0
    for combination in range(2 ** len(switches)):
        values = {s: bool(combination >> n & 1) for n, s in enumerate(switches)}
        answer = await compiled.answer(query, None, values, _ANONYMOUS, _Context())
        answered += answer is not None
    assert answered == PLANS_PER_OPERATION  # the other 48 combinations: graphql-core's


@dataclass
class _Context:
    """What a plan's run reads of the request's context besides what resolvers read."""

    warnings: list[dict[str, str]] = field(default_factory=list)
    audit: None = None


def test_every_enum_of_the_schema_completes_to_the_name_its_type_serializes_to(
    schema: HubSchema,
) -> None:
    """The compiled leaf looks a member's name up instead of asking ``serialize``: both must
    give the same name for every member of every enum the graph answers with."""
    enums = [
        type_ for type_ in schema._schema.type_map.values()
        if isinstance(type_, GraphQLEnumType) and getattr(type_, "wrapped_cls", None)
    ]  # fmt: skip
    assert len(enums) > 10
    for type_ in enums:
        complete = leaf_completer(type_)
        for member in type_.wrapped_cls:  # type: ignore[attr-defined]
            assert complete(member, None, None) == type_.serialize(member), (type_, member)  # type: ignore[arg-type]
        assert set(enum_names(type_).values()) <= set(type_.values)


async def test_an_object_of_attributes_is_completed_as_graphql_core_completes_it() -> None:
    """Its fields are attributes holding leaves: one loop, no path; a null where the schema
    says non-null is graphql-core's to report."""
    await _same_both_ways("{ items { checks { name outcome value __typename } } }")
    assert (await GENERAL.execute("{ brokenChecks { name outcome } }")).errors
    with pytest.raises(NotCompiled):
        await _compiled("{ brokenChecks { name outcome } }")


def test_a_member_named_otherwise_in_graphql_completes_to_its_graphql_name() -> None:
    class Colour(enum.Enum):
        RED = "red"

    type_ = GraphQLEnumType("Colour", {"ROUGE": GraphQLEnumValue("red")})
    type_.wrapped_cls = Colour  # type: ignore[attr-defined]  # as Strawberry's enums carry it

    assert leaf_completer(type_)(Colour.RED, None, None) == "ROUGE"  # type: ignore[arg-type]


@strawberry.type
class Kept:
    """Its objects name their content (``answer_key``): a plan keeps their answer by it when
    the selection reads nothing but their own data."""

    __kept_answer_key__: ClassVar[str] = "answer_key"

    name: str
    checks: list[Check]
    answer_key: strawberry.Private[tuple[int, int] | None] = None

    @strawberry.field
    def title(self) -> str:
        CALLS["kept title"] += 1
        return self.name.title()

    @strawberry.field
    def seen_by(self, info: strawberry.Info) -> str:
        """Reads the request: an answer with it is never kept."""
        CALLS["kept seen_by"] += 1
        return str(info.path.key)


KEPT: list[Kept] = []


class NamedList(list[Kept]):
    """A list that names its content by its items' attribute (``answer_key``)."""

    answer_key: tuple[int, int] | None = None


KEPT_LIST = NamedList()


@strawberry.type
class KeptQuery:
    @strawberry.field
    def kept(self) -> list[Kept]:
        return KEPT

    @strawberry.field
    def kept_list(self) -> list[Kept]:
        return KEPT_LIST


KEPT_SCHEMA = strawberry.Schema(
    query=KeptQuery, execution_context_class=StrawberryGraphQLCoreExecutionContext
)


def _kept(*keys: tuple[int, int] | None) -> list[Kept]:
    checks = [Check(name="size", outcome=Outcome.MET, value="12")]
    return [Kept(name=f"n{index}", checks=checks, answer_key=key) for index, key in enumerate(keys)]


async def test_an_answer_named_by_its_objects_key_is_kept_and_handed_out_again() -> None:
    query = "{ kept { name title checks { name outcome } } }"
    KEPT[:] = _kept((1, 0), (1, 1))
    plan_run = await _run_kept(query, times=2)

    assert plan_run[0] == (await KEPT_SCHEMA.execute(query)).data
    assert plan_run[0]["kept"][0] is plan_run[1]["kept"][0]  # the kept answer itself
    assert CALLS["kept title"] == 2 + 2  # the first run, then graphql-core's: not the second run


async def test_an_encoded_run_hands_out_a_kept_answer_as_its_json_already_encoded() -> None:
    query = "{ kept { name title checks { name outcome } } }"
    KEPT[:] = _kept((1, 0), (1, 1))
    first, second = await _run_kept(query, times=2, encoded=True)
    expected = (await KEPT_SCHEMA.execute(query)).data

    assert not isinstance(first["kept"][0], KeptJSON)  # completed by this run
    assert isinstance(second["kept"][0], KeptJSON)  # kept: its JSON encoded when it was kept
    assert orjson.loads(encode_answer(second)) == expected
    beyond_64_bits = {**second, "big": 2**70}  # orjson refuses it: the standard way writes all
    assert orjson.loads(encode_answer(beyond_64_bits)) == {**expected, "big": 2**70}
    with pytest.raises(TypeError):
        orjson.dumps(second)  # the plain encoder would not know it: only an encoded run has it
    assert second["kept"][0].value == expected["kept"][0]


async def test_a_list_named_by_its_own_key_is_kept_whole() -> None:
    query = "{ keptList { name title } }"
    KEPT_LIST[:] = _kept(None, None)  # its items name nothing: only the list is kept
    KEPT_LIST.answer_key = (9, 0)
    first, second = await _run_kept(query, times=2)

    assert first == (await KEPT_SCHEMA.execute(query)).data
    assert second["keptList"] is first["keptList"]
    assert CALLS["kept title"] == 2 + 2  # the first run, then graphql-core's: not the second


async def test_a_list_without_a_name_or_with_a_new_one_is_completed_again() -> None:
    query = "{ keptList { name } }"
    KEPT_LIST[:] = _kept(None)
    KEPT_LIST.answer_key = None
    unnamed = await _run_kept(query, times=2)
    KEPT_LIST.answer_key = (9, 1)
    named = await _run_kept(query, times=1)
    KEPT_LIST[:] = [Kept(name="renamed", checks=[])]
    KEPT_LIST.answer_key = (9, 2)
    renamed = await _run_kept(query, times=1)

    assert unnamed[0] == unnamed[1] == named[0] == {"keptList": [{"name": "n0"}]}
    assert unnamed[0]["keptList"] is not unnamed[1]["keptList"]
    assert renamed[0] == {"keptList": [{"name": "renamed"}]}


async def test_a_list_kept_by_an_encoded_run_is_kept_as_plain_data() -> None:
    """Its items' kept answers, which an encoded run is handed as their JSON, are completed
    as data when the list is kept: a run that is not encoded reads the list as graphql-core
    would give it."""
    query = "{ keptList { name checks { name } } }"
    KEPT_LIST[:] = _kept((3, 0), (3, 1))
    KEPT_LIST.answer_key = None
    plan = _plan(query)
    await plan.run(None, plan_values := _values())  # the items' answers kept
    KEPT_LIST.answer_key = (9, 3)
    encoded_first = await plan.run(None, plan_values, encoded=True)
    encoded_again = await plan.run(None, plan_values, encoded=True)
    plain = await plan.run(None, plan_values)
    expected = (await KEPT_SCHEMA.execute(query)).data

    assert encoded_first == expected  # completed as plain data, to be kept
    assert isinstance(encoded_again["keptList"], KeptJSON)
    assert plain == expected
    assert not any(isinstance(item, KeptJSON) for item in plain["keptList"])
    assert orjson.loads(encode_answer(encoded_again)) == expected


async def test_a_new_key_is_a_new_answer() -> None:
    query = "{ kept { name title } }"
    KEPT[:] = _kept((1, 0))
    first = await _run_kept(query, times=1)
    KEPT[:] = [Kept(name="renamed", checks=[], answer_key=(2, 0))]
    second = await _run_kept(query, times=1)

    assert first[0] == {"kept": [{"name": "n0", "title": "N0"}]}
    assert second[0] == {"kept": [{"name": "renamed", "title": "Renamed"}]}


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        ("{ kept { name seenBy } }", [(1, 0)]),  # a field reads the request
        ("{ kept { name title } }", [None]),  # an object without a key
    ],
)
async def test_an_answer_is_completed_each_time_unless_it_is_its_objects_alone(
    query: str, keys: list[tuple[int, int] | None]
) -> None:
    KEPT[:] = _kept(*keys)
    runs = await _run_kept(query, times=2)

    assert runs[0] == runs[1]
    assert runs[0]["kept"][0] is not runs[1]["kept"][0]


async def _run_kept(query: str, *, times: int, encoded: bool = False) -> list[Any]:
    """``times`` runs of one plan of ``query`` (a plan keeps its answers for its runs)."""
    plan = _plan(query)
    return [await plan.run(None, _values(), encoded=encoded) for _ in range(times)]


def _values() -> Any:
    values = get_variable_values(KEPT_SCHEMA._schema, (), {})
    assert not isinstance(values, list)
    return values


def _plan(query: str) -> Any:
    """A plan of ``query`` on the kept answers' schema (no variables)."""
    return compile_operation(KEPT_SCHEMA._schema, parse(query), None, _values())


async def test_past_the_bound_the_oldest_kept_answer_is_dropped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(kept_module, "KEPT_ANSWERS", 2)
    core = KEPT_SCHEMA._schema
    document = parse("{ kept { title } }")
    values = get_variable_values(core, (), {})
    assert not isinstance(values, list)
    plan = compile_operation(core, document, None, values)
    KEPT[:] = _kept((1, 0), (1, 1), (1, 2))  # three keys, two kept: (1, 0) is dropped
    await plan.run(None, values)
    assert CALLS["kept title"] == 3

    KEPT[:] = _kept(None, (1, 1), (1, 2))[1:]
    await plan.run(None, values)
    assert CALLS["kept title"] == 3  # both still kept

    KEPT[:] = _kept((1, 0))
    await plan.run(None, values)
    assert CALLS["kept title"] == 4  # the oldest was dropped: completed again
