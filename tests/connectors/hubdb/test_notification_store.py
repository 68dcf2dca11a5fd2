"""The notification store on every backend: newest first in keyset pages, unread filter and
counts, and marking read that never touches (nor reveals) another account's notifications."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from connectors.hubdb.notifications import NotificationStore
from connectors.hubdb.writes import HubWriter

CLAIRE, DURAND = "account-claire-leroy", "account-pierre-durand"
T0 = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)


async def _notify(sessions: async_sessionmaker[AsyncSession], account_id: str,
                  count: int, *, start: datetime = T0, tag: str = "") -> list[str]:  # fmt: skip
    """``count`` notifications, one minute apart (two share each minute, to test ties)."""
    ids = []
    async with HubWriter(sessions).transaction() as tx:
        for n in range(count):
            message = await tx.notify(
                account_id=account_id, kind="REFERENT_CHOSEN", payload={"n": n},
                dedupe_key=f"{tag}{account_id}:{n}", now=start + timedelta(minutes=n // 2),
            )  # fmt: skip
            assert message is not None
            ids.append(message["id"])
    return ids


@pytest.fixture
def store(fresh_session_factory: async_sessionmaker[AsyncSession]) -> NotificationStore:
    return NotificationStore(fresh_session_factory)


async def test_pages_are_newest_first_without_gaps_or_duplicates(
    store: NotificationStore, fresh_session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await _notify(fresh_session_factory, CLAIRE, 7)
    await _notify(fresh_session_factory, DURAND, 3)
    seen, after, pages = [], None, 0
    while True:
        page = await store.page(CLAIRE, first=3, after=after)
        pages += 1
        assert page.total == 7 and len(page.cursors) == len(page.items)
        assert page.has_previous is (after is not None)
        seen.extend(page.items)
        if not page.has_next:
            break
        after = page.end_cursor
    assert pages == 3
    assert sorted(r.payload["n"] for r in seen) == list(range(7))
    assert [r.payload["n"] // 2 for r in seen] == [3, 2, 2, 1, 1, 0, 0]  # minute, newest first
    assert {r.account_id for r in seen} == {CLAIRE}
    assert all(r.created_at.tzinfo is not None and r.read_at is None for r in seen)
    ordered = [(r.created_at, r.id) for r in seen]
    assert ordered == sorted(ordered, reverse=True)  # same minute: by id, descending


async def test_an_empty_inbox_is_an_empty_page(store: NotificationStore) -> None:
    page = await store.page(CLAIRE, first=5)
    assert (page.items, page.total, page.has_next, page.end_cursor) == ((), 0, False, None)


@pytest.mark.parametrize("cursor", [
    "nonsense",
    "WyJ4IiwiaWQiXQ==",  # ["x","id"]
    "WyIyMDI1LTAxLTA2VDA5OjAwOjAwIiwiaWQiXQ==",  # a naive time
])  # fmt: skip
async def test_a_cursor_the_store_did_not_give_is_refused(
    store: NotificationStore, cursor: str
) -> None:
    with pytest.raises(ValueError, match="invalid cursor"):
        await store.page(CLAIRE, first=5, after=cursor)


async def test_unread_filter_count_and_marking_read(
    store: NotificationStore, fresh_session_factory: async_sessionmaker[AsyncSession]
) -> None:
    claire = await _notify(fresh_session_factory, CLAIRE, 4)
    await _notify(fresh_session_factory, DURAND, 2)
    assert await store.mark_read(CLAIRE, claire[:2] + [claire[0]], T0 + timedelta(hours=1)) == 2
    assert await store.mark_read(CLAIRE, claire[:2], T0 + timedelta(hours=2)) == 0  # already read

    unread = await store.page(CLAIRE, first=10, unread_only=True)
    assert unread.total == 2 and {r.id for r in unread.items} == set(claire[2:])
    everything = await store.page(CLAIRE, first=10)
    read_at = {r.id: r.read_at for r in everything.items}
    assert read_at[claire[0]] == read_at[claire[1]] == T0 + timedelta(hours=1)
    assert await store.unread_count([CLAIRE, DURAND, "account-nobody"]) == {
        CLAIRE: 2, DURAND: 2, "account-nobody": 0,
    }  # fmt: skip
    assert await store.unread_count([]) == {}


async def test_marking_another_accounts_ids_changes_nothing(
    store: NotificationStore, fresh_session_factory: async_sessionmaker[AsyncSession]
) -> None:
    durand = await _notify(fresh_session_factory, DURAND, 2)
    assert await store.mark_read(CLAIRE, [*durand, "no-such-id"], T0) == 0
    assert await store.mark_read(CLAIRE, [], T0) == 0
    assert (await store.unread_count([DURAND]))[DURAND] == 2
    assert await store.get(CLAIRE, durand[0]) is None
    mine = await store.get(DURAND, durand[0])
    assert mine is not None and mine.payload == {"n": 0}
