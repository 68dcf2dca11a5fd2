"""The short-lived directory cache: hits skip the database, forget() and the TTL refresh; a
read under way when forget() runs is answered but not kept."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from connectors.hubdb import CachedDirectory, StructureRecord


def _structure(name: str) -> StructureRecord:
    return StructureRecord(
        id="cci-gard",
        name=name,
        kind="CCI",
        department_code="30",
        in_network=True,
        charter_signed=True,
        email=None,
        phone=None,
    )


class FakeRepository:
    def __init__(self) -> None:
        self.name = "CCI du Gard"
        self.calls: list[list[str]] = []
        self.held: asyncio.Event | None = None
        """When set, a read waits for this event after reading the row."""
        self.reading = asyncio.Event()

    async def structures(self, ids: Sequence[str]) -> dict[str, StructureRecord]:
        self.calls.append(list(ids))
        found = {i: _structure(self.name) for i in ids if i == "cci-gard"}
        self.reading.set()
        if self.held is not None:
            await self.held.wait()
        return found

    async def agents(self, ids: Sequence[str]) -> dict[str, object]:
        return {}


async def test_second_read_is_served_from_memory() -> None:
    repository = FakeRepository()
    directory = CachedDirectory(repository)  # type: ignore[arg-type]
    await directory.structures(["cci-gard"])
    found = await directory.structures(["cci-gard", "unknown"])
    assert found["cci-gard"].name == "CCI du Gard"
    assert repository.calls == [["cci-gard"], ["unknown"]]  # only the miss goes to the DB


async def test_forget_makes_the_next_read_fresh() -> None:
    repository = FakeRepository()
    directory = CachedDirectory(repository)  # type: ignore[arg-type]
    await directory.structures(["cci-gard"])
    repository.name = "CCI Gard"
    directory.forget(structures=["cci-gard"])
    assert (await directory.structures(["cci-gard"]))["cci-gard"].name == "CCI Gard"


async def test_entries_expire_after_the_ttl() -> None:
    repository = FakeRepository()
    directory = CachedDirectory(repository, ttl=0.05)  # type: ignore[arg-type]
    await directory.structures(["cci-gard"])
    repository.name = "renamed"
    await asyncio.sleep(0.1)
    assert (await directory.structures(["cci-gard"]))["cci-gard"].name == "renamed"


async def test_a_read_under_way_when_forget_runs_is_answered_but_not_kept() -> None:
    repository = FakeRepository()
    directory = CachedDirectory(repository)  # type: ignore[arg-type]
    repository.held = asyncio.Event()
    reading = asyncio.ensure_future(directory.structures(["cci-gard"]))
    await repository.reading.wait()  # the row is read: the old name
    repository.name = "CCI Gard"
    directory.forget(structures=["cci-gard"])  # the write lands while the read is under way
    repository.held.set()
    assert (await reading)["cci-gard"].name == "CCI du Gard"  # answered
    repository.held = None
    assert (await directory.structures(["cci-gard"]))["cci-gard"].name == "CCI Gard"
    assert repository.calls == [["cci-gard"], ["cci-gard"]]  # read again: not kept


async def test_a_kept_agent_is_handed_out_without_an_await_until_forgotten() -> None:
    agent = object()

    class Agents(FakeRepository):
        async def agents(self, ids: Sequence[str]) -> dict[str, object]:
            self.calls.append(list(ids))
            return {i: agent for i in ids if i == "agent-1"}

    repository = Agents()
    directory = CachedDirectory(repository)  # type: ignore[arg-type]
    assert directory.kept_agent("agent-1") is None  # never read
    await directory.agents(["agent-1", "unknown"])
    assert directory.kept_agent("agent-1") is agent
    assert directory.kept_agent("unknown") is None  # an unknown id is not kept
    directory.forget(agents=["agent-1"])
    assert directory.kept_agent("agent-1") is None
    assert repository.calls == [["agent-1", "unknown"]]
