"""DEL's (state, suivi) ↔ the one lifecycle, both ways."""

from __future__ import annotations

import pytest

from connectors.del_ import label, lifecycle_of, state_of
from connectors.platforms import Lifecycle

EXPECTED = {
    ("en_construction", None): Lifecycle.SUBMITTED,
    ("en_construction", "Pièces manquantes"): Lifecycle.INCOMPLETE,
    ("en_instruction", None): Lifecycle.UNDER_REVIEW,
    ("en_instruction", "Dossier complet"): Lifecycle.ACKNOWLEDGED,
    ("accepte", None): Lifecycle.GRANTED,
    ("accepte", "Demande de paiement reçue"): Lifecycle.PAYMENT_REQUESTED,
    ("accepte", "Avance versée"): Lifecycle.ADVANCE_PAID,
    ("accepte", "Soldé"): Lifecycle.CLOSED,
    ("refuse", None): Lifecycle.REJECTED,
    ("sans_suite", None): Lifecycle.WITHDRAWN,
}


@pytest.mark.parametrize(("pair", "status"), EXPECTED.items())
def test_each_state_and_follow_up_maps_to_its_lifecycle_status(
    pair: tuple[str, str | None], status: Lifecycle
) -> None:
    assert lifecycle_of(*pair) is status


@pytest.mark.parametrize(("pair", "status"), EXPECTED.items())
def test_each_lifecycle_status_maps_back_to_its_state(
    pair: tuple[str, str | None], status: Lifecycle
) -> None:
    assert state_of(status) == pair


def test_draft_and_unconfirmed_have_no_del_state() -> None:
    assert state_of(Lifecycle.DRAFT) is None
    assert state_of(Lifecycle.UNCONFIRMED) is None


def test_a_follow_up_foreign_to_the_state_is_the_state_alone() -> None:
    assert lifecycle_of("en_instruction", "Soldé") is Lifecycle.UNDER_REVIEW
    assert lifecycle_of("brouillon", None) is None


def test_the_platform_status_shows_state_and_follow_up() -> None:
    assert label("accepte", "Avance versée") == "accepte · Avance versée"
    assert label("refuse", None) == "refuse"
