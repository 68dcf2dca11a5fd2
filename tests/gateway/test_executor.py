"""Plain-data lists completed in one pass (gateway.executor): the same answers and errors as
graphql-core's general path, which still runs for every list that selects a field with a
permission, arguments, an async resolver or ``info``, and for every answer with an error."""

from __future__ import annotations

import asyncio
import datetime
import enum
import gc
import sys
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
import strawberry
from strawberry.permission import BasePermission, PermissionExtension
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from gateway.executor import HubExecutor

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
    def shout(self, loud: bool = False) -> str:
        return self.name.upper() if loud else self.name

    @strawberry.field(extensions=[PermissionExtension(permissions=[Counted()])])
    def guarded(self) -> str | None:
        return f"{self.name}'s secret"


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
    """Like SchemeEligibility: made once, never changed, its answers reused the same day."""

    __reuse_answers__ = True

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


FAST = strawberry.Schema(query=Query, execution_context_class=HubExecutor)
GENERAL = strawberry.Schema(
    query=Query, execution_context_class=StrawberryGraphQLCoreExecutionContext
)


class Spy(HubExecutor):
    """Counts the fields graphql-core resolves the general way."""

    def execute_field(self, parent_type: Any, *args: Any, **kwargs: Any) -> Any:
        CALLS[f"general:{parent_type.name}"] += 1
        return super().execute_field(parent_type, *args, **kwargs)


SPIED = strawberry.Schema(query=Query, execution_context_class=Spy)


@pytest.fixture(autouse=True)
def _reset_calls() -> None:
    CALLS.clear()


def _answer(result: Any) -> tuple[Any, list[tuple[str, list[Any] | None]]]:
    errors = [(error.message, error.path) for error in result.errors or ()]
    return result.data, errors


async def _same_both_ways(query: str, variables: dict[str, Any] | None = None) -> Any:
    fast = await FAST.execute(query, variable_values=variables)
    general = await GENERAL.execute(query, variable_values=variables)
    assert _answer(fast) == _answer(general)
    return fast


PLAIN_DOCUMENTS = [
    "{ items { name title amount opens count optional requiredLate grid } }",
    "{ items { __typename a: name b: name checks { name outcome value missing __typename } } }",
    "{ items { ...F checks { ... on Check { outcome } } } } fragment F on Item { name count }",
    "{ items { name ... @include(if: false) { count } checks @skip(if: true) { name } } }",
    '{ items(names: ["x", "y"]) { name checks { name } checks { outcome } } }',
    "{ maybeItems { name } tupleItems { name } generatedItems { name } }",
]


@pytest.mark.parametrize("query", PLAIN_DOCUMENTS)
async def test_plain_lists_answer_as_graphql_core_does(query: str) -> None:
    result = await _same_both_ways(query)
    assert result.errors is None


async def test_a_plain_list_is_completed_without_the_general_path_per_field() -> None:
    result = await SPIED.execute("{ items { name title count checks { name outcome } } }")
    assert result.errors is None
    assert len(result.data["items"]) == 3
    assert CALLS["title"] == 3  # each method ran once
    assert not any(key.startswith("general:Item") or key == "general:Check" for key in CALLS)
    assert CALLS["general:Query"] == 1


async def test_include_and_skip_follow_the_variables() -> None:
    query = "query($full: Boolean!) { items { name checks @include(if: $full) { name } } }"
    shown = await _same_both_ways(query, {"full": True})
    hidden = await _same_both_ways(query, {"full": False})
    assert "checks" in shown.data["items"][0]
    assert "checks" not in hidden.data["items"][0]


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ('{ items(names: ["a", "hole", "b"]) { name strict } }', "null in a non-null field"),
        ('{ items(names: ["a", "boom"]) { name fails } }', "an exception"),
    ],
)
async def test_an_answer_with_an_error_is_the_general_paths(query: str, reason: str) -> None:
    result = await _same_both_ways(query)
    assert result.errors, reason
    assert result.data is None or result.data["items"] is None  # non-null items: the list is null


@pytest.mark.parametrize(
    ("selection", "counter", "expected"),
    [
        ("guarded", "permission", 4),  # one permission check per item, as always
        ("later", "later", 4),
        ("withInfo", "with_info", 4),
        ("shout(loud: true)", "general:Item", 8),  # name and shout, for 4 items
    ],
)
async def test_lists_with_a_field_that_is_not_plain_data_go_the_general_way(
    selection: str, counter: str, expected: int
) -> None:
    query = f'{{ items(names: ["a", "b", "secret", "c"]) {{ name {selection} }} }}'
    spied = await SPIED.execute(query)
    assert CALLS[counter] == expected
    assert _answer(spied) == _answer(await GENERAL.execute(query))


async def test_a_refused_field_is_null_with_its_error_for_its_item_only() -> None:
    result = await _same_both_ways('{ items(names: ["a", "secret"]) { name guarded } }')
    assert result.data["items"][0]["guarded"] == "a's secret"
    assert [error.path for error in result.errors] == [["items", 1, "guarded"]]


VERDICTS = "{ verdicts { outcome today item { name checks { name outcome } } } }"


async def test_answers_of_a_reusing_type_are_reused_for_the_same_selection() -> None:
    first = await _same_both_ways(VERDICTS)
    again = await FAST.execute(VERDICTS)
    assert again.data == first.data
    assert all(a is b for a, b in zip(again.data["verdicts"], first.data["verdicts"], strict=True))
    aliased = await _same_both_ways("{ verdicts { o: outcome item { n: name } } }")
    assert aliased.data["verdicts"][0] == {"o": "MET", "item": {"n": "alpha"}}


async def test_answers_are_not_reused_another_day(monkeypatch: pytest.MonkeyPatch) -> None:
    first = await FAST.execute(VERDICTS)

    class Tomorrow(datetime.date):
        @classmethod
        def today(cls) -> Tomorrow:
            return cls(2031, 1, 2)

    monkeypatch.setattr("gateway.executor.date", Tomorrow)
    monkeypatch.setattr("datetime.date", Tomorrow)
    later = await FAST.execute(VERDICTS)
    assert later.data["verdicts"][0]["today"] == "2031-01-02" != first.data["verdicts"][0]["today"]


async def test_a_reusing_type_under_a_permission_is_checked_every_time() -> None:
    query = "{ verdicts { item { name guarded } } }"
    await _same_both_ways(query)
    CALLS.clear()
    result = await FAST.execute(query)
    assert CALLS["permission"] == 2  # once per item, this request too
    assert result.data["verdicts"][1]["item"]["guarded"] is None


@strawberry.type
class Leaf:
    @strawberry.field
    async def a(self) -> str:
        CALLS["leaf"] += 1
        return "a"

    @strawberry.field
    async def b(self) -> str:
        CALLS["leaf"] += 1
        return "b"


@strawberry.type
class FailingQuery:
    @strawberry.field
    async def failing(self) -> str:
        raise ValueError("`postalCode` has at most 64 characters.")

    @strawberry.field
    async def leaves(self) -> list[Leaf]:
        await asyncio.sleep(0)
        return [Leaf(), Leaf()]


async def test_work_cancelled_before_it_started_leaves_no_coroutine_unawaited(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The failing non-null field nulls the answer: graphql-core cancels the leaves' tasks
    before they start (as in the leak property test, ``structures`` with a too long postal
    code beside ``viewer { companies { address turnover active } }``)."""
    unraisable: list[str] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda hook: unraisable.append(repr(hook.object)))
    schema = strawberry.Schema(query=FailingQuery, execution_context_class=HubExecutor)
    result = await schema.execute("{ failing leaves { a b } }")
    await asyncio.sleep(0)
    gc.collect()
    assert result.data is None
    assert [error.path for error in result.errors or ()] == [["failing"]]
    assert CALLS["leaf"] == 0  # closed before they ran
    assert unraisable == []
