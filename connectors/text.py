"""Text in the form the hub compares it in, shared by the connectors that search or match."""

from __future__ import annotations

import unicodedata

__all__ = ["fold"]


def fold(text: str) -> str:
    """Accent- and case-folded text ("Élodie  Müller" -> "elodie muller"): the form the
    search columns hold and the search terms are compared in."""
    decomposed = unicodedata.normalize("NFKD", " ".join(text.split()))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
