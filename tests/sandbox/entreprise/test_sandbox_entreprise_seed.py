"""The sandbox seed: deterministic, large enough, valid identifiers, exact canonical records."""

from __future__ import annotations

import time
from datetime import date

from sandbox.entreprise.identifiers import LA_POSTE_SIREN, is_siren, is_siret
from sandbox.entreprise.seed import by_siren, companies, generate
from sandbox.entreprise.tables import COMMUNES_OCCITANIE, NAF


def test_seed_is_deterministic() -> None:
    assert generate(20261123) == generate(20261123)
    assert generate(20261123) != generate(7)


def test_seed_builds_quickly_and_is_cached() -> None:
    started = time.perf_counter()
    generate(99)
    assert time.perf_counter() - started < 1.0
    assert companies() is companies()


def test_at_least_2000_companies_with_unique_identifiers() -> None:
    records = companies()
    assert len(records) >= 2000
    assert len(by_siren()) == len(records)


def test_every_siren_and_siret_is_luhn_valid() -> None:
    for siret, company in companies().items():
        assert is_siret(siret), siret
        assert is_siren(company.siren), company.siren
        assert siret.startswith(company.siren)
        assert company.siren != LA_POSTE_SIREN


def test_seed_has_variety() -> None:
    records = list(companies().values())
    occitanie_departments = {commune[0][:2] for commune in COMMUNES_OCCITANIE}
    assert {c.commune_code[:2] for c in records} >= occitanie_departments
    assert sum(not c.active for c in records) > 20
    assert sum(c.diffusion == "partiellement_diffusible" for c in records) > 10
    assert sum(not c.social_up_to_date for c in records) > 10
    assert all(c.naf_code in NAF for c in records)
    assert all(1 <= len(c.turnovers) <= 3 for c in records if c.turnovers)
    assert all(c.mandataires for c in records if c.legal_form_code in ("5710", "5499"))


def test_leroy_is_exact() -> None:
    leroy = companies()["84215637400014"]
    assert leroy.company_name == "LEROY SAS"
    assert leroy.siren == "842156374"
    assert (leroy.legal_form_code, leroy.naf_code, leroy.workforce_code) == ("5710", "25.62A", "12")
    assert leroy.workforce_label == "20 à 49 salariés"
    assert (leroy.commune_code, leroy.postal_code, leroy.city) == ("30189", "30000", "NIMES")
    assert leroy.street == "12 RUE DE L'INDUSTRIE"
    assert leroy.created_on == date(2018, 4, 12)
    assert leroy.active and leroy.diffusion == "diffusible"
    assert (leroy.mandataires[0].first_name, leroy.mandataires[0].last_name) == ("Claire", "LEROY")
    assert leroy.mandataires[0].role == "Présidente"
    assert any(m.role == "Directeur général" for m in leroy.mandataires)
    assert [(t.closing_date.year, t.amount) for t in leroy.turnovers] == [
        (2023, 3_412_000),
        (2022, 3_105_000),
        (2021, 2_874_000),
    ]
    assert leroy.social_up_to_date and leroy.fiscal_up_to_date


def test_other_canonical_records() -> None:
    records = companies()
    fabre = records["51234987900027"]
    assert (fabre.company_name, fabre.commune_code, fabre.postal_code) == (
        "MENUISERIE FABRE", "30007", "30100"
    )  # fmt: skip
    assert (fabre.naf_code, fabre.workforce_code) == ("16.23Z", "11")
    assert (fabre.mandataires[0].first_name, fabre.mandataires[0].role) == ("Antoine", "Gérant")
    drones = records["79345612000013"]
    assert (drones.company_name, drones.commune_code, drones.naf_code) == (
        "OCCITANIE DRONES", "31555", "30.30Z"
    )  # fmt: skip
    assert drones.workforce_code == "12"
    assert (drones.mandataires[0].first_name, drones.mandataires[0].role) == ("Inès", "Présidente")
    bio = records["44306184100047"]
    assert (bio.company_name, bio.commune_code, bio.postal_code, bio.naf_code) == (
        "BIOCOSMETIQUES DU LANGUEDOC", "34172", "34000", "20.42Z"
    )  # fmt: skip
    assert (bio.mandataires[0].first_name, bio.mandataires[0].role) == ("Paul", "Président")
    atlantique = records["38271940900031"]
    assert (atlantique.company_name, atlantique.commune_code, atlantique.naf_code) == (
        "ATLANTIQUE NUMERIQUE", "44109", "62.01Z"
    )  # fmt: skip
    assert atlantique.created_on == date(2021, 1, 15) and atlantique.workforce_code == "11"
    sole_trader = records["90012345600015"]
    assert sole_trader.legal_form_code == "1000" and sole_trader.company_name is None
    assert sole_trader.diffusion == "partiellement_diffusible"
    assert sole_trader.commune_code == "34172"
    closed = records["32112345700012"]
    assert not closed.active and closed.closed_on is not None
