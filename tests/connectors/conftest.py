"""What the partner connectors' suites share: an empty in-memory raw cache, and a sleep that
does not wait (retries back off without slowing the suite)."""

from __future__ import annotations

import pytest

from connectors.cache import RawCache
from connectors.http import Sleep


@pytest.fixture
def cache() -> RawCache:
    return RawCache()


async def _no_sleep(seconds: float) -> None:
    return None


@pytest.fixture
def no_sleep() -> Sleep:
    return _no_sleep
