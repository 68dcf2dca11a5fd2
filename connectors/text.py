"""Text in the form the hub compares it in, shared by the connectors that search or match."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

__all__ = ["fold"]


@lru_cache(maxsize=16_384)
def fold(text: str) -> str:
    """Accent- and case-folded text ("Élodie  Müller" -> "elodie muller"): the form the
    search columns hold and the search terms are compared in.

    A pure function of its text, so its answers are kept by the text (the least recently
    used dropped past 16,384): a warm eligibility request folds the same twenty-odd names of
    grantors and schemes each time (its aids matched across sources), a few µs each."""
    decomposed = unicodedata.normalize("NFKD", " ".join(text.split()))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
