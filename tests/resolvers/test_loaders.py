"""``KeptFirst``: a key its source holds in memory is answered at once (a future already
done: the field awaiting it goes on in the same step); the others are batched as a
DataLoader batches them; an error held for a key goes to that key's callers only."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import pytest

from resolvers.loaders import KeptFirst


class Source:
    """Holds some keys (an error for one of them); the batch reads the others."""

    def __init__(self) -> None:
        self.held: dict[str, Any] = {"kept": "kept value", "gone": LookupError("gone")}
        self.asked: list[str] = []
        self.batches: list[list[str]] = []

    def kept(self, key: str) -> Any:
        self.asked.append(key)
        return self.held.get(key)

    async def load(self, keys: Sequence[str]) -> list[Any]:
        self.batches.append(list(keys))
        return [f"read {key}" for key in keys]


async def test_a_kept_key_is_answered_at_once_without_a_batch() -> None:
    source = Source()
    loader = KeptFirst(source.load, source.kept)

    future = loader.load("kept")

    assert isinstance(future, asyncio.Future) and future.done()
    assert await future == "kept value"
    await asyncio.sleep(0)
    assert source.batches == []


async def test_the_keys_not_kept_are_batched_together() -> None:
    source = Source()
    loader = KeptFirst(source.load, source.kept)

    found = await asyncio.gather(loader.load("a"), loader.load("kept"), loader.load("b"))

    assert found == ["read a", "kept value", "read b"]
    assert source.batches == [["a", "b"]]


async def test_a_key_is_asked_once_per_request() -> None:
    source = Source()
    loader = KeptFirst(source.load, source.kept)

    first, again = loader.load("kept"), loader.load("kept")
    read, read_again = loader.load("a"), loader.load("a")

    assert first is again and read is read_again
    await read
    assert source.asked == ["kept", "a"]
    assert source.batches == [["a"]]


async def test_an_error_held_for_a_key_goes_to_its_callers_only() -> None:
    source = Source()
    loader = KeptFirst(source.load, source.kept)

    gone, kept = loader.load("gone"), loader.load("kept")

    with pytest.raises(LookupError, match="gone"):
        await gone
    assert await kept == "kept value"


async def test_many_kept_keys_are_one_future_already_done() -> None:
    source = Source()
    loader = KeptFirst(source.load, source.kept)
    source.held["other"] = "other value"

    future = loader.load_many(["kept", "other", "kept"])

    assert isinstance(future, asyncio.Future) and future.done()
    assert await future == ["kept value", "other value", "kept value"]


async def test_many_keys_some_not_kept_wait_for_their_batch() -> None:
    source = Source()
    loader = KeptFirst(source.load, source.kept)

    assert await loader.load_many(["kept", "a"]) == ["kept value", "read a"]
    assert source.batches == [["a"]]


async def test_many_keys_one_with_an_error_raise_it_as_a_dataloader_does() -> None:
    source = Source()
    loader = KeptFirst(source.load, source.kept)

    with pytest.raises(LookupError, match="gone"):
        await loader.load_many(["kept", "gone"])
