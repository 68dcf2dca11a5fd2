"""Text in the form the hub compares it in, shared by the connectors that search or match."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

__all__ = ["fold"]

_KEPT_UP_TO = 256
"""Characters of the longest text whose folded form is kept (``fold``)."""


def fold(text: str) -> str:
    """Accent- and case-folded text ("Élodie  Müller" -> "elodie muller"): the form the
    search columns hold and the search terms are compared in.

    A pure function of its text, so the folded form of a short text is kept by the text
    (the least recently used dropped past 16,384): a warm eligibility request folds the same
    twenty-odd names of grantors and schemes each time (its aids matched across sources), a
    few µs each. A longer text (a search term a client sent, up to what the body limit
    lets through) is folded each time: kept, 16,384 of them could hold gigabytes."""
    if len(text) > _KEPT_UP_TO:
        return _fold(text)
    return _kept_fold(text)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", " ".join(text.split()))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


_kept_fold = lru_cache(maxsize=16_384)(_fold)
