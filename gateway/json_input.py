"""The one place a client's JSON is read (request bodies, ``variables`` and ``extensions`` in
a GET's query string, websocket messages): strict UTF-8, no lone surrogate, bounded depth.

orjson refuses malformed UTF-8 and lone surrogates (``"\\ud800"``) and stops at 1,024
levels without recursing in Python; the gateway then bounds the depth at ``MAX_DEPTH``, far
above what any input type of the schema nests, so nothing later (variable coercion, a
database driver that encodes the text) meets such a value."""

from __future__ import annotations

import json
from collections.abc import Iterable

import orjson

__all__ = ["MAX_DEPTH", "UnreadableJSON", "decode_request_json"]

MAX_DEPTH = 64
"""Deepest nesting of objects and lists accepted in a request's JSON."""


class UnreadableJSON(json.JSONDecodeError):
    """What a client sent is not JSON the gateway reads; ``reason`` says why, for the client
    (a ``JSONDecodeError``, so a websocket handler closes as for any bad JSON)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason, "", 0)
        self.reason = reason


def decode_request_json(raw: str | bytes) -> object:
    try:
        decoded = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise UnreadableJSON(_reason(raw, str(error))) from None
    if _openings(raw) > MAX_DEPTH and not _within_depth(decoded, MAX_DEPTH):
        raise UnreadableJSON(_too_deep())
    return decoded


def _openings(raw: str | bytes) -> int:
    """At least the depth (brackets inside strings count too): most requests have fewer
    than ``MAX_DEPTH`` and need no walk."""
    if isinstance(raw, bytes):
        return raw.count(b"[") + raw.count(b"{")
    return raw.count("[") + raw.count("{")


def _reason(raw: str | bytes, message: str) -> str:
    if isinstance(raw, bytes):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as error:
            return f"The request is not valid UTF-8 (byte {error.start})."
    if "surrogate" in message:
        return "The request holds a lone UTF-16 surrogate (\\ud800-\\udfff), which is no text."
    if "depth" in message:
        return _too_deep()
    return f"The request is not valid JSON: {message.partition(':')[0]}."


def _too_deep() -> str:
    return f"The request's JSON nests more than {MAX_DEPTH} levels."


def _within_depth(value: object, limit: int) -> bool:
    """Without recursion: the value may be 1,024 levels deep."""
    pending: list[tuple[object, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            children: Iterable[object] = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return False
        pending.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return True
