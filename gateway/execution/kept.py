"""Kept answers: the answer of an object that names its content, handed out again to the
next request that asks the same selection of an object with the same name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql.pyutils import Path

from gateway.execution.plan import Complete, Run

__all__ = ["KEPT_ANSWERS", "kept_answers"]

KEPT_ANSWERS = 4096
"""Answers kept per ``kept_answers`` completer; past it the oldest kept is dropped."""


def kept_answers(complete: Complete, key_of: Callable[[Any], Any]) -> Complete:
    """``complete``, its answers kept by the key ``key_of`` reads of the value: for a type
    whose objects name their content (``__kept_answer_key__``: the same key, the same
    content) and whose answer reads nothing of the request below it (the compiler checks it:
    every field read of its object alone, no info, no permission, no argument). A warm
    ``eligibleSchemes`` completes some 1,500 criteria of verdicts that a cache hands out
    unchanged; kept, each verdict's answer is one lookup (a dict's: a least-recently-used
    cache's bookkeeping cost as much as the rest of the lookup). A value without a key
    (None) is completed each time. What is kept is handed to every request that asks the
    same plan and is never changed: an answer is only encoded."""
    kept: dict[tuple[Any, ...], Any] = {}

    def complete_kept(value: Any, path: Path | None, run: Run) -> Any:
        key = key_of(value)
        if key is None:
            return complete(value, path, run)
        found = kept.get(key, _NOT_KEPT)
        if found is _NOT_KEPT:
            if type(key) is not tuple:
                raise TypeError(f"a kept answer's key is a tuple of frozen values, not {key!r}")
            waits = run.waits
            found = complete(value, path, run)
            if run.waits == waits:  # whole: nothing below it is filled in later
                if len(kept) >= KEPT_ANSWERS:
                    del kept[next(iter(kept))]  # the oldest kept
                kept[key] = found
        return found

    return complete_kept


_NOT_KEPT = object()
