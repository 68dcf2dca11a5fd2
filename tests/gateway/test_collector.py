"""The serving process's garbage collector (``gateway.server.settle_collector``): once
``hub-gateway serve``'s server started, what start-up made is frozen out of collections and
the youngest generation is collected every ``YOUNGEST_GENERATION`` allocations; a server a
test runs in its own process leaves the collector as it is."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette

from gateway import server as server_module
from gateway.server import YOUNGEST_GENERATION, gateway_server, settle_collector
from gateway.settings import Settings
from tests.servers import running


@pytest.fixture
def collector() -> Iterator[None]:
    """The test process's collector as it was, whatever the test did to it."""
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


@pytest.mark.usefixtures("collector")
def test_settling_freezes_what_start_up_made_and_collects_the_young_less_often() -> None:
    made_at_start_up = [object() for _ in range(10)]
    middle, oldest = gc.get_threshold()[1:]

    settle_collector()

    assert gc.get_freeze_count() >= len(made_at_start_up)
    assert gc.get_threshold() == (YOUNGEST_GENERATION, middle, oldest)


@pytest.mark.usefixtures("collector")
@pytest.mark.parametrize("serving", [True, False])
async def test_only_the_serving_process_settles_its_collector_once_started(
    serving: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settled: list[bool] = []
    monkeypatch.setattr(server_module, "settle_collector", lambda: settled.append(True))
    settings = Settings(port=0, dev_secret_file=tmp_path / "secret", log_level="WARNING")

    async with running(gateway_server(Starlette(), settings, serving=serving)):
        assert settled == ([True] if serving else [])
