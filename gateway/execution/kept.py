"""Kept answers: the answer of an object that names its content, handed out again to the
next request that asks the same selection of an object with the same name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
from graphql.pyutils import Path

from gateway.execution.plan import Complete, Run

__all__ = [
    "KEPT_ANSWERS",
    "KEPT_LISTS",
    "KeptJSON",
    "kept_answers",
    "kept_as_fragment",
    "kept_as_value",
    "kept_lists",
]

KEPT_ANSWERS = 4096
"""Answers kept per ``kept_answers`` completer; past it the oldest kept is dropped."""

KEPT_LISTS = 32
"""Answers of whole lists kept per ``kept_lists`` completer (a company's verdicts on the
catalogue: some 220 kB of JSON with every criterion, held with their data, 1–2 MB each);
past it the oldest kept is dropped."""


class KeptJSON:
    """A kept answer, with its JSON encoded once when it was kept: what an encoded run
    (``Run.encoded``: the data goes to the encoder only) hands out in its place. orjson
    writes its bytes as they are (``kept_as_fragment``, its ``default``); an encoder that is
    not orjson writes its value (``kept_as_value``). A warm ``eligibleSchemes`` hands out
    219 kept verdicts, some 100 kB of JSON that orjson encoded again on every request."""

    __slots__ = ("fragment", "value")

    def __init__(self, value: Any, fragment: orjson.Fragment) -> None:
        self.value = value
        self.fragment = fragment


def kept_as_fragment(part: object) -> orjson.Fragment:
    """``orjson.dumps``' ``default`` for the data of an encoded run."""
    if type(part) is KeptJSON:
        return part.fragment
    raise TypeError(f"{type(part).__name__} is not JSON serializable")


def kept_as_value(part: object) -> Any:
    """``json.dumps``' ``default`` for the data of an encoded run."""
    if type(part) is KeptJSON:
        return part.value
    raise TypeError(f"{type(part).__name__} is not JSON serializable")


def kept_answers(complete: Complete, key_of: Callable[[Any], Any]) -> Complete:
    """``complete``, its answers kept by the key ``key_of`` reads of the value: for a type
    whose objects name their content (``__kept_answer_key__``: the same key, the same
    content) and whose answer reads nothing of the request below it (the compiler checks it:
    every field read of its object alone, no info, no permission, no argument). A warm
    ``eligibleSchemes`` completes some 1,500 criteria of verdicts that a cache hands out
    unchanged; kept, each verdict's answer is one lookup (a dict's: a least-recently-used
    cache's bookkeeping cost as much as the rest of the lookup). A value without a key
    (None) is completed each time. What is kept is handed to every request that asks the
    same plan and is never changed: an answer is only encoded (an encoded run is handed
    its ``KeptJSON``)."""
    return _kept(complete, key_of, lambda: KEPT_ANSWERS)


def kept_lists(complete: Complete, key_name: str) -> Complete:
    """A list completer of such objects, its answers kept whole by the list's own key, read
    by the same attribute as its items' (``key_name``): a list that names its content
    (``schema.eligibility.SchemeEligibilities``: a company's verdicts on the catalogue, by
    their generation and filter) is answered by one lookup, its items neither made nor
    looked up one by one; any other list (no such attribute) is completed each time."""
    return _kept(complete, lambda value: getattr(value, key_name, None), lambda: KEPT_LISTS)


def _kept(complete: Complete, key_of: Callable[[Any], Any], bound: Callable[[], int]) -> Complete:
    kept: dict[tuple[Any, ...], KeptJSON] = {}

    def complete_kept(value: Any, path: Path | None, run: Run) -> Any:
        key = key_of(value)
        if key is None:
            return complete(value, path, run)
        found = kept.get(key)
        if found is None:
            if type(key) is not tuple:
                raise TypeError(f"a kept answer's key is a tuple of frozen values, not {key!r}")
            waits, encoded = run.waits, run.encoded
            run.encoded = False  # what is kept is plain data, kept answers below included
            try:
                answer = complete(value, path, run)
            finally:
                run.encoded = encoded
            if run.waits == waits:  # whole: nothing below it is filled in later
                if len(kept) >= bound():
                    del kept[next(iter(kept))]  # the oldest kept
                kept[key] = _encoded(answer)
            return answer
        return found if run.encoded else found.value

    return complete_kept


def _encoded(answer: Any) -> KeptJSON:
    """``answer`` with its JSON. A kept answer holds what a plan's leaves completed (text,
    numbers within 64 bits, lists and dicts of them), all of which orjson encodes."""
    return KeptJSON(answer, orjson.Fragment(orjson.dumps(answer)))
