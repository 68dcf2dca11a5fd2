"""Every portal label ↔ the one lifecycle, both ways."""

from __future__ import annotations

import pytest

from connectors.mesaides import LABELS, label_of, lifecycle_of
from connectors.platforms import Lifecycle

EXPECTED = {
    "Brouillon": Lifecycle.DRAFT,
    "Transmise": Lifecycle.SUBMITTED,
    "En cours d'instruction": Lifecycle.UNDER_REVIEW,
    "Demande de compléments": Lifecycle.INCOMPLETE,
    "Recevable": Lifecycle.ACKNOWLEDGED,
    "Votée": Lifecycle.GRANTED,
    "Attribuée": Lifecycle.GRANTED,
    "Rejetée": Lifecycle.REJECTED,
    "Abandonnée": Lifecycle.WITHDRAWN,
    "Demande de paiement transmise": Lifecycle.PAYMENT_REQUESTED,
    "Acompte versé": Lifecycle.ADVANCE_PAID,
    "Soldée": Lifecycle.CLOSED,
}


@pytest.mark.parametrize(("label", "status"), EXPECTED.items())
def test_each_portal_label_maps_to_its_lifecycle_status(label: str, status: Lifecycle) -> None:
    assert lifecycle_of(label) is status


def test_the_portal_has_exactly_the_labels_of_the_issue() -> None:
    assert dict(LABELS) == EXPECTED


@pytest.mark.parametrize("status", [s for s in Lifecycle if s is not Lifecycle.UNCONFIRMED])
def test_every_status_but_unconfirmed_has_a_label_that_maps_back(status: Lifecycle) -> None:
    label = label_of(status)
    assert label is not None
    assert lifecycle_of(label) is status


def test_granted_is_shown_as_attribuee_and_unconfirmed_has_no_label() -> None:
    assert label_of(Lifecycle.GRANTED) == "Attribuée"
    assert label_of(Lifecycle.UNCONFIRMED) is None
    assert lifecycle_of("Archivée") is None
