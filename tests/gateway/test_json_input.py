"""The one reader of a client's JSON: each refusal says why."""

from __future__ import annotations

import pytest

from gateway.json_input import MAX_DEPTH, UnreadableJSON, decode_request_json


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b'{"a": "\xff"}', "not valid UTF-8 (byte 7)"),
        (b'{"a": "\\udc00"}', "lone UTF-16 surrogate"),
        ('{"a": "\ud800"}', "lone UTF-16 surrogate"),
        (b"[" * 5_000 + b"]" * 5_000, "nests more than 64 levels"),
        (b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1), "nests more than 64 levels"),
        (b'{"a": 1,}', "not valid JSON: trailing comma is not allowed"),
    ],
)
def test_unreadable_json_is_refused_with_its_reason(raw: str | bytes, reason: str) -> None:
    with pytest.raises(UnreadableJSON) as refused:
        decode_request_json(raw)
    assert reason in refused.value.reason


def test_json_up_to_the_depth_bound_is_read_and_brackets_in_strings_do_not_count() -> None:
    deepest = b"[" * MAX_DEPTH + b"]" * MAX_DEPTH
    assert decode_request_json(deepest) is not None
    assert decode_request_json(b'{"q": "' + b"[{" * 500 + b'"}') == {"q": "[{" * 500}
