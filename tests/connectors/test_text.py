"""Text folded as the hub compares it: accents and case gone, spaces collapsed; a short
text's folded form kept, a long one's folded each time."""

from __future__ import annotations

import uuid

from connectors import text
from connectors.text import fold


def test_accents_case_and_spaces_are_folded() -> None:
    assert fold("Élodie  Müller\t(Région)") == "elodie muller (region)"


def test_a_long_text_is_folded_alike_and_not_kept() -> None:
    long = "Électrolyseur " * 100  # a search term a client sent: 1,400 characters
    kept = text._kept_fold.cache_info().currsize
    assert fold(long) == ("electrolyseur " * 100).strip()
    assert text._kept_fold.cache_info().currsize == kept
    fold(f"Électrolyseur {uuid.uuid4()}")  # short: kept
    assert text._kept_fold.cache_info().currsize == kept + 1
