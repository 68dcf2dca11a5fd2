"""The preference store on every backend: an account's filières replaced whole, favourites
kept once (idempotent both ways), newest first, never another account's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from connectors.hubdb.preferences import PreferenceStore

CLAIRE, DURAND = "account-claire-leroy", "account-pierre-durand"
T0 = datetime(2026, 12, 1, 9, tzinfo=UTC)


@pytest.fixture
def store(fresh_session_factory: async_sessionmaker[AsyncSession]) -> PreferenceStore:
    return PreferenceStore(fresh_session_factory)


async def test_filieres_are_replaced_whole_and_kept_per_account(store: PreferenceStore) -> None:
    assert await store.set_filieres(CLAIRE, ["tourisme", "numerique", "tourisme"]) == (
        "numerique", "tourisme",
    )  # fmt: skip
    await store.set_filieres(DURAND, ["bois"])
    assert await store.set_filieres(CLAIRE, ["sante"]) == ("sante",)

    assert await store.filieres(CLAIRE) == ("sante",)
    assert await store.filieres(DURAND) == ("bois",)
    assert await store.set_filieres(CLAIRE, []) == ()
    assert await store.filieres(CLAIRE) == ()


async def test_favourites_are_kept_once_newest_first_and_removed_idempotently(
    store: PreferenceStore,
) -> None:
    await store.add_favourite(CLAIRE, "EVENT", "50000000", T0)
    await store.add_favourite(CLAIRE, "NEWS", "news-a", T0 + timedelta(hours=1))
    await store.add_favourite(CLAIRE, "EVENT", "50000000", T0 + timedelta(hours=2))  # again
    await store.add_favourite(DURAND, "OFFER", "o-1", T0)
    await store.remove_favourite(CLAIRE, "OFFER", "o-1")  # Durand's, not hers: nothing

    kept = await store.favourites(CLAIRE)
    assert [(f.kind, f.item_id, f.created_at) for f in kept] == [
        ("NEWS", "news-a", T0 + timedelta(hours=1)), ("EVENT", "50000000", T0),
    ]  # fmt: skip
    await store.remove_favourite(CLAIRE, "NEWS", "news-a")
    await store.remove_favourite(CLAIRE, "NEWS", "news-a")
    assert [f.item_id for f in await store.favourites(CLAIRE)] == ["50000000"]
    assert [f.item_id for f in await store.favourites(DURAND)] == ["o-1"]
