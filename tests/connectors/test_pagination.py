"""One pagination module: the cursor codecs and how a page is put together."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connectors.pagination import (
    Page,
    assemble_page,
    decode_cursor,
    decode_time_cursor,
    encode_cursor,
    encode_time_cursor,
)


def _raw(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode("ascii")


_TEXT = st.text(st.characters(exclude_categories=["Cs"]))  # a cursor's parts are valid text


@given(_TEXT, _TEXT)
def test_a_cursor_is_written_as_it_always_was(sort_key: str, id_: str) -> None:
    """Cursors handed out before stay the cursors handed out now (compact JSON, not ASCII-
    escaped, in URL-safe base64), and every one gives its parts back."""
    written = json.dumps([sort_key, id_], ensure_ascii=False, separators=(",", ":"))
    cursor = encode_cursor(sort_key, id_)

    assert cursor == base64.urlsafe_b64encode(written.encode()).decode("ascii")
    assert decode_cursor(cursor) == (sort_key, id_)


@pytest.mark.parametrize(
    ("sort_key", "id_"),
    [("durand pierre", "agent-1"), ("", ""), ("élodie/é%_", "id with spaces"), ("a" * 300, "x")],
)
def test_a_cursor_gives_back_its_sort_key_and_id(sort_key: str, id_: str) -> None:
    cursor = encode_cursor(sort_key, id_)

    assert decode_cursor(cursor) == (sort_key, id_)
    assert cursor.isascii() and "/" not in cursor and "+" not in cursor


@pytest.mark.parametrize(
    "moment",
    [datetime(2026, 3, 1, 8, 30, 0, 123456, tzinfo=UTC),
     datetime(2026, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=1)))],
)  # fmt: skip
def test_a_time_cursor_gives_back_its_aware_moment_and_id(moment: datetime) -> None:
    found, id_ = decode_time_cursor(encode_time_cursor(moment, "event-1"))

    assert (found, id_) == (moment, "event-1")
    assert found.utcoffset() == moment.utcoffset()


def _tampered() -> list[str]:
    cursor = encode_cursor("durand", "agent-1")
    return [
        "nope",
        "",
        cursor[:-2],
        cursor[1:],
        "é",
        _raw(["only one"]),
        _raw(["a", "b", "c"]),
        _raw(["a", 1]),
        _raw({"sort": "a", "id": "b"}),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
    ]


@pytest.mark.parametrize("cursor", _tampered())
def test_a_tampered_cursor_is_invalid(cursor: str) -> None:
    with pytest.raises(ValueError, match="^invalid cursor$"):
        decode_cursor(cursor)


@pytest.mark.parametrize(
    "cursor",
    [*_tampered(), encode_cursor("yesterday", "event-1"),
     encode_cursor("2026-03-01T08:30:00", "event-1")],  # not a moment; no time zone
)  # fmt: skip
def test_a_time_cursor_that_is_not_an_aware_moment_is_invalid(cursor: str) -> None:
    with pytest.raises(ValueError, match="^invalid cursor$"):
        decode_time_cursor(cursor)


def _page_of_letters(fetched: str, first: int, after: str | None) -> Page[str]:
    return assemble_page(
        list(fetched), first, item=str.upper, cursor=lambda letter: f"<{letter}>",
        total=26, after=after,
    )  # fmt: skip


def test_one_more_row_than_asked_means_a_next_page() -> None:
    page = _page_of_letters("abc", 2, None)

    assert page.items == ("A", "B")
    assert page.cursors == ("<a>", "<b>")
    assert (page.start_cursor, page.end_cursor) == ("<a>", "<b>")
    assert (page.total, page.has_next, page.has_previous) == (26, True, False)


def test_the_last_page_has_a_previous_one_and_no_next() -> None:
    page = _page_of_letters("yz", 2, after="<x>")

    assert page.items == ("Y", "Z")
    assert (page.has_next, page.has_previous) == (False, True)


def test_an_empty_page_has_no_cursors() -> None:
    page = _page_of_letters("", 5, after="<z>")

    assert page.items == page.cursors == ()
    assert page.start_cursor is page.end_cursor is None
    assert (page.total, page.has_next, page.has_previous) == (26, False, True)


def test_a_page_of_none_asked_tells_whether_any_would_follow() -> None:
    assert _page_of_letters("a", 0, None).has_next
    assert not _page_of_letters("", 0, None).has_next
