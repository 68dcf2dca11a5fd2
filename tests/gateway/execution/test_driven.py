"""A compiled plan runs the resolvers declared ``tiered(..., loads_only=True)`` without a task
of their own (``gateway.execution.plan.Run.drive``): the loads they make batch as they do
on graphql-core, a loader's failure reaches the resolver that awaits it, and a resolver that
awaits anything else, or a run given up, leaves nothing running."""

from __future__ import annotations

import asyncio
import gc
import sys
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
import strawberry
from graphql import parse
from graphql.execution.values import get_variable_values
from strawberry.dataloader import DataLoader
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from auth.tiers import Tier
from auth.visibility import tiered
from gateway.execution.compiler import compile_operation
from gateway.execution.plan import NotCompiled
from tests.task_count import with_tasks_counted

BOOKS = {"north": ("Dunes", "ana"), "south": ("Reefs", "ben"), "east": ("Steppes", "ana")}
AUTHORS = {"ana": "Ana Roux", "ben": "Ben Vidal"}


@dataclass
class Library:
    """The request's context: its loaders, and what they were asked (one entry per batch)."""

    batches: Counter[str] = field(default_factory=Counter)
    keys: dict[str, list[list[str]]] = field(default_factory=dict)
    closed: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.books = DataLoader(self._loader("books", self._book))
        self.authors = DataLoader(self._loader("authors", self._author))

    def _loader(self, name: str, read: Any) -> Any:
        async def load(keys: list[str]) -> list[Any]:
            self.batches[name] += 1
            self.keys.setdefault(name, []).append(sorted(keys))
            return [read(key) for key in keys]

        return load

    @staticmethod
    def _book(key: str) -> Any:
        if key not in BOOKS:
            return KeyError(key)
        title, author_id = BOOKS[key]
        return Book(title=title, author_id=author_id)

    @staticmethod
    def _author(key: str) -> Any:
        return Author(name=AUTHORS[key])


@strawberry.type
class Author:
    name: str


@strawberry.type
class Book:
    title: str
    author_id: strawberry.Private[str]

    @tiered(Tier.PUBLIC, loads_only=True)
    async def author(self, info: strawberry.Info) -> Author:
        return await info.context.authors.load(self.author_id)  # type: ignore[no-any-return]

    @tiered(Tier.PUBLIC, loads_only=True)
    async def everyone(self, info: strawberry.Info) -> list[Author]:
        return await info.context.authors.load_many(sorted(AUTHORS))  # type: ignore[no-any-return]


@strawberry.type
class Shelf:
    name: str

    @tiered(Tier.PUBLIC, loads_only=True)
    async def book(self, info: strawberry.Info) -> Book | None:
        return await info.context.books.load(self.name)  # type: ignore[no-any-return]

    @tiered(Tier.PUBLIC, loads_only=True)
    async def title(self, info: strawberry.Info) -> str:
        return (await info.context.books.load(self.name)).title  # type: ignore[no-any-return]

    @tiered(Tier.PUBLIC, loads_only=True)
    async def missing(self, info: strawberry.Info) -> str:
        """A loader's failure, caught by the resolver that awaits it."""
        try:
            await info.context.books.load(f"{self.name}-missing")
        except KeyError:
            return "not on the shelf"
        return "found"

    @tiered(Tier.PUBLIC, loads_only=True)
    async def slow(self, info: strawberry.Info) -> str:
        """Declared ``loads_only``, and awaits something else."""
        await asyncio.sleep(0)
        return "slept"

    @tiered(Tier.PUBLIC, loads_only=True)
    async def tasked(self, info: strawberry.Info) -> str:
        """Declared ``loads_only``, and awaits a task."""
        return await asyncio.ensure_future(asyncio.sleep(0, "tasked"))

    @tiered(Tier.PUBLIC, loads_only=True)
    async def stubborn(self, info: strawberry.Info) -> str:
        """Its ``finally`` awaits again: it will not close quietly."""
        try:
            return (await info.context.books.load(self.name)).title  # type: ignore[no-any-return]
        finally:
            await info.context.books.load(f"{self.name}, again")

    @tiered(Tier.PUBLIC, loads_only=True)
    async def watched(self, info: strawberry.Info) -> str:
        try:
            return (await info.context.books.load(self.name)).title  # type: ignore[no-any-return]
        finally:
            info.context.closed.append(self.name)


@strawberry.type
class Query:
    @strawberry.field
    def shelves(self) -> list[Shelf]:
        return [Shelf(name=name) for name in BOOKS]

    @strawberry.field
    def broken(self) -> str:
        raise ValueError("torn page")

    @tiered(Tier.PUBLIC, loads_only=True)
    async def late_hole(self, info: strawberry.Info) -> str:
        """A null for a non-null (graphql-core's to report), once its load is done."""
        await info.context.books.load("north")
        return None  # type: ignore[return-value]


SCHEMA = strawberry.Schema(
    query=Query, execution_context_class=StrawberryGraphQLCoreExecutionContext
)


async def _compiled(query: str, library: Library) -> Any:
    core = SCHEMA._schema
    document = parse(query)
    values = get_variable_values(core, (), {})
    assert not isinstance(values, list)
    return await compile_operation(core, document, None, values).run(library, values)


NESTED = "{ shelves { name title book { title author { name } everyone { name } } } }"


async def test_declared_resolvers_answer_as_on_graphql_core_with_no_task_but_the_batches() -> None:
    general_library, library = Library(), Library()
    general = await SCHEMA.execute(NESTED, context_value=general_library)
    assert general.errors is None

    compiled, tasks = await with_tasks_counted(_compiled(NESTED, library))

    assert compiled == general.data
    assert tasks == sum(library.batches.values())  # the DataLoaders' own dispatches only
    assert library.batches == Counter({"books": 1, "authors": 1})


async def test_the_loads_of_sibling_objects_batch_as_on_graphql_core() -> None:
    general_library, library = Library(), Library()
    await SCHEMA.execute(NESTED, context_value=general_library)

    await _compiled(NESTED, library)

    assert library.keys == general_library.keys
    assert library.keys == {"books": [["east", "north", "south"]], "authors": [["ana", "ben"]]}


async def test_a_loaders_failure_reaches_the_resolver_that_awaits_it() -> None:
    query = "{ shelves { name missing } }"
    general = await SCHEMA.execute(query, context_value=Library())
    assert general.errors is None

    assert await _compiled(query, Library()) == general.data


async def test_a_declared_resolver_that_awaits_anything_else_is_handed_to_graphql_core(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    unraisable: list[str] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda hook: unraisable.append(repr(hook.object)))

    with pytest.raises(NotCompiled):
        await _compiled("{ shelves { name slow } }", Library())

    await asyncio.sleep(0)
    gc.collect()
    assert unraisable == []


async def test_a_run_given_up_closes_the_resolvers_it_was_running() -> None:
    library = Library()

    with pytest.raises(NotCompiled):
        await _compiled("{ shelves { watched } broken }", library)
    await asyncio.sleep(0.01)

    assert sorted(library.closed) == sorted(BOOKS)  # each resolver's finally ran: closed
    assert library.batches == Counter()  # its loads were cancelled: the batch never went


async def test_a_run_cancelled_while_it_waits_sends_none_of_its_loads() -> None:
    library = Library()
    running = asyncio.ensure_future(_compiled("{ shelves { watched } }", library))
    await asyncio.sleep(0)  # the run read its fields and waits for their loads

    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running
    await asyncio.sleep(0.01)

    assert sorted(library.closed) == sorted(BOOKS)
    assert library.batches == Counter()


async def test_a_declared_resolver_awaiting_a_task_is_handed_to_graphql_core() -> None:
    with pytest.raises(NotCompiled):
        await _compiled("{ shelves { name tasked } }", Library())


async def test_a_resolver_that_will_not_close_does_not_keep_the_run_from_ending() -> None:
    """``lateHole``'s null gives the run up, in the callback of the books' batch, while the
    shelves' resolvers wait for theirs: each is closed, and its ``finally`` awaits again."""
    async with asyncio.timeout(5):
        with pytest.raises(NotCompiled):
            await _compiled("{ lateHole shelves { stubborn } }", Library())


async def test_each_handover_is_a_new_exception() -> None:
    """One instance raised again and again would keep every traceback it went through,
    and the frames, contexts and answers of every request handed over with them."""
    raised = []
    for _ in range(3):
        with pytest.raises(NotCompiled) as handed_over:
            await _compiled("{ shelves { name } broken }", Library())
        raised.append(handed_over.value)

    assert len({id(error) for error in raised}) == 3
