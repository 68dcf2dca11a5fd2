"""graphql-core's executor as the hub runs it (gateway.executor): the work it cancels before
it started leaves no coroutine unawaited."""

from __future__ import annotations

import asyncio
import gc
import sys
from collections import Counter

import pytest
import strawberry

from gateway.executor import HubExecutor

CALLS: Counter[str] = Counter()


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
