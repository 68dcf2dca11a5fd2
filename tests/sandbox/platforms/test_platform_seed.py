"""The platforms' seed: the canonical companies' cases, every state of each platform, a few
hundred applications, schemes routed by their catalogue channel, deterministic."""

from __future__ import annotations

from collections import Counter
from datetime import date

from connectors.mesaides.lifecycle import LABELS
from connectors.platforms import Lifecycle, Platform
from sandbox.mesaides.wire import demande
from sandbox.platforms.seed import PLATFORMS_SEED, _applications, applications, schemes_by_platform

LEROY, FABRE, DRONES = "84215637400014", "51234987900027", "79345612000013"
INDUSTRIE = "region:parcours-industrie-du-futur"


def of(siret: str) -> list[tuple[Platform, str | None, Lifecycle]]:
    return [(a.platform, a.scheme_id, a.status) for a in applications() if a.siret == siret]


def test_leroy_has_a_granted_industrie_du_futur_dossier_with_an_advance_paid() -> None:
    assert (Platform.DEL, INDUSTRIE, Lifecycle.ADVANCE_PAID) in of(LEROY)
    dossier = next(a for a in applications() if a.siret == LEROY and a.platform is Platform.DEL)
    assert dossier.granted and 0 < dossier.paid < dossier.granted


def test_occitanie_drones_has_one_under_review() -> None:
    assert [status for _, _, status in of(DRONES)] == [Lifecycle.UNDER_REVIEW]


def test_menuiserie_fabre_has_one_rejected() -> None:
    assert [status for _, _, status in of(FABRE)] == [Lifecycle.REJECTED]


def test_every_state_of_each_platform_is_present() -> None:
    seen = Counter((a.platform, a.status) for a in applications())
    every = set(Lifecycle) - {Lifecycle.UNCONFIRMED}
    assert {s for p, s in seen if p is Platform.MES_AIDES_EN_LIGNE} == every
    assert {s for p, s in seen if p is Platform.DEL} == every - {Lifecycle.DRAFT}


def test_a_few_hundred_applications_with_unique_references() -> None:
    found = applications()
    assert 300 <= len(found) <= 1000
    assert len({(a.platform, a.reference) for a in found}) == len(found)


def test_schemes_go_to_the_platform_their_catalogue_entry_names() -> None:
    routed = schemes_by_platform().by_platform
    del_ids = {scheme for scheme, _ in routed[Platform.DEL]}
    assert INDUSTRIE in del_ids
    for application in applications():
        assert (application.scheme_id in del_ids) is (application.platform is Platform.DEL)


def test_the_seed_is_deterministic() -> None:
    month = date(2026, 1, 1)
    assert _applications.__wrapped__(PLATFORMS_SEED, month) == _applications.__wrapped__(
        PLATFORMS_SEED, month
    )


def test_mes_aides_en_ligne_shows_every_label_of_the_portal() -> None:
    wire = [demande(a) for a in applications() if a.platform is Platform.MES_AIDES_EN_LIGNE]
    current = {d["statut"]["libelle"] for d in wire}
    assert set(LABELS) <= current | {step["statut"] for d in wire for step in d["historique"]}
    assert {"Votée", "Attribuée"} <= current  # voted, and voted with the arrêté signed


def test_a_grant_on_mes_aides_en_ligne_is_voted_before_the_arrete() -> None:
    for application in applications():
        labels = [step.label for step in application.history]
        if "Attribuée" in labels:
            assert labels.index("Votée") == labels.index("Attribuée") - 1
            vote, arrete = (application.history[labels.index(k)].at for k in ("Votée", "Attribuée"))
            assert vote < arrete
