"""The catalogue seed: the seeds' three real schemes as published, at least 150 more schemes
and 1,500 activators, deterministic, in the documented vocabularies, and no real person's
contact details."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from sandbox.catalogues import (
    CHEQUE_NUMERIQUE,
    INDUSTRIE_DU_FUTUR,
    INVESTISSEMENT_NUMERIQUE,
    build,
    catalogue,
    payloads,
)
from sandbox.catalogues.territories import REGIONS, slug

SEEDS = Path(__file__).resolve().parents[3].parent / "shared" / "seeds"
THEMES = {"numerique", "industrie", "innovation", "export", "developpement", "creation",
          "transmission", "emploi", "formation", "transition_ecologique", "tourisme",
          "agriculture", "commerce", "ess"}  # fmt: skip
DOMAINS = {"site_web", "vente_en_ligne", "paiement_en_ligne", "place_de_marche", "visibilite",
           "reservation", "gestion_stocks", "logiciel_caisse", "cybersecurite", "hebergement",
           "relation_client", "emailing", "diagnostic", "conseil_strategie", "financement"}  # fmt: skip
FICTION_PHONES = re.compile(r"^(01 99 00|02 61 91|03 53 01|04 65 71|05 36 49|06 39 98)( \d\d){2}$")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?:\+33\s?|\b0)[1-9](?:[\s.-]?\d{2}){4}\b")


def _by(items: tuple[dict[str, Any], ...], key: str, value: str) -> dict[str, Any]:
    return next(item for item in items if item[key] == value)


# Counts and determinism


def test_at_least_150_schemes_beside_the_three_real_ones() -> None:
    built = catalogue()
    sources = Counter(scheme.source for scheme in built.schemes)

    assert len(built.schemes) - 3 >= 150
    assert all(sources[source] >= 30 for source in ("region", "bpifrance", "francenum"))
    assert {scheme.region_code for scheme in built.of("region")} == {"76", "52"}


def test_at_least_1500_activators_in_every_region_and_category() -> None:
    activators = catalogue().activators

    assert len(activators) >= 1500
    assert {activator.region for activator in activators} == set(REGIONS)
    for region in ("11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84", "93"):
        categories = {a.category for a in activators if a.region == region}
        assert categories == {"conseiller_public", "conseiller_financier", "consultant_prive",
                              "offreur_solutions"}, region  # fmt: skip


def test_build_is_deterministic_per_seed_and_month() -> None:
    today = date(2026, 11, 23)

    assert build(20261123, today) == build(20261123, today)
    assert build(20261123, today) == build(20261123, date(2026, 11, 2))
    assert build(20261123, today) != build(7, today)


def test_catalogue_is_built_once_and_cached() -> None:
    assert catalogue() is catalogue()
    assert payloads() is payloads()


def test_schemes_are_mostly_open_some_closed_some_not_yet_open() -> None:
    today = date.today()
    states = Counter(
        "upcoming" if scheme.opens_on and scheme.opens_on > today
        else "closed" if scheme.closes_on and scheme.closes_on < today
        else "open"
        for scheme in catalogue().schemes
    )  # fmt: skip

    assert states["open"] > states["closed"] + states["upcoming"]
    assert states["closed"] >= 10 and states["upcoming"] >= 5


def test_schemes_cover_every_kind_of_aid_and_of_criteria() -> None:
    schemes = catalogue().schemes
    kinds = {kind for scheme in schemes for kind in scheme.kinds}

    assert {"subvention", "pret", "garantie", "avance_remboursable", "accompagnement"} <= kinds
    criteria = [scheme.criteria for scheme in schemes]
    assert any(c.staff_max is None and c.categories is None and not c.not_in_difficulty
               for c in criteria)  # fmt: skip
    for field in (
        "staff_min",
        "turnover_max",
        "age_months_min",
        "departments",
        "naf_include",
        "naf_exclude",
        "legal_forms",
        "associations",
        "micro_enterprise",
    ):
        assert any(getattr(c, field) is not None for c in criteria), field


def test_identifiers_are_unique_per_source() -> None:
    data = payloads()

    for ids in ([d["id"] for d in data.region], [a["slug"] for a in data.bpifrance],
                [a["id"] for a in data.bpifrance], [d["slug"] for d in data.francenum],
                [a["uuid"] for a in data.activators]):  # fmt: skip
        assert len(ids) == len(set(ids))


# Vocabularies of docs/catalogues.md


def test_region_items_speak_the_etalab_vocabulary() -> None:
    for item in payloads().region:
        assert item["region_code"] in {"76", "52"}
        assert set(item["natures"]) <= {"subvention", "pret", "garantie", "avance_remboursable",
                                        "accompagnement"}  # fmt: skip
        assert set(item["thematiques"]) <= THEMES
        assert item["zone_geographique"]["type"] in {"region", "departement", "france"}
        assert item["modalite_depot"]["canal"] in {"DEL", "MES_AIDES_EN_LIGNE",
                                                   "TELECHARGEMENT", "PRESTATAIRE"}  # fmt: skip
        assert item["reglement_minimis"] in {"2023/2831", "1407/2013", None}
        assert isinstance(item["criteres"]["pas_en_difficulte"], bool)
        if item["criteres"]["regions"] is not None:
            assert item["criteres"]["regions"] == [item["region_code"]]


def test_bpifrance_items_speak_the_aides_territoires_vocabulary() -> None:
    rule_kinds = {"headcount", "turnover", "balance_sheet", "size_category", "company_age",
                  "territory", "naf", "legal_form", "association", "not_in_difficulty",
                  "tax_social_compliance", "micro_enterprise"}  # fmt: skip
    for aid in payloads().bpifrance:
        assert isinstance(aid["id"], int)
        assert set(aid["aid_types"]) <= {"grant", "loan", "guarantee", "recoverable_advance",
                                         "technical_engineering"}  # fmt: skip
        assert set(aid["categories"]) <= THEMES
        assert aid["perimeter"]["scale"] in {"country", "region", "department"}
        assert aid["application_channel"] in {"online_form", "download", "provider"}
        assert aid["de_minimis_regulation"] in {"EU 2023/2831", "EU 1407/2013", None}
        kinds = [rule["kind"] for rule in aid["eligibility_rules"]]
        assert set(kinds) <= rule_kinds and len(kinds) == len(set(kinds))


def test_francenum_items_speak_their_own_vocabulary() -> None:
    for item in payloads().francenum:
        assert item["type"] in {"aide_forfaitaire", "accompagnement", "pret", "subvention"}
        assert set(item["themes"]) <= THEMES
        assert item["territoire"] == "national" or set(item["territoire"]) == {"regions"}
        assert item["depot"]["mode"] in {"teleservice", "telechargement", "prestataire"}
        assert item["minimis"] in {"2023/2831", "1407/2013", None}
    for activator in payloads().activators:
        assert set(activator["domaines"]) <= DOMAINS and activator["domaines"]
        department = activator["departement"]
        assert department in {d[0] for d in REGIONS[activator["region"]][1]}


def test_activators_are_listed_by_adviser_except_solution_providers() -> None:
    for activator in catalogue().activators:
        if activator.category == "offreur_solutions":
            assert activator.display_name == activator.structure
        else:
            assert activator.display_name != activator.structure
            assert len(activator.display_name.split()) >= 2
    structures = {a.structure.split(" – ")[0].split(" ")[0] for a in catalogue().activators
                  if a.category in ("conseiller_public", "conseiller_financier")}  # fmt: skip
    assert {"CCI", "CMA", "Banque", "Bpifrance", "BNP", "CIC"} <= structures


# The seeds' real schemes


def test_industrie_du_futur_as_the_region_publishes_it() -> None:
    item = _by(payloads().region, "id", INDUSTRIE_DU_FUTUR)
    criteria = item["criteres"]

    assert item["region_code"] == "76"
    assert item["nom"] == "Parcours régional Industrie du futur"
    assert item["date_cloture"] == "2022-12-31"
    assert item["modalite_depot"]["canal"] == "DEL"
    assert item["reglement_minimis"] == "2023/2831"
    assert criteria["effectif_max"] == 4999 and criteria["categories"] == ["PME", "ETI"]
    assert criteria["anciennete_min_mois"] == 12 and criteria["regions"] == ["76"]
    assert criteria["naf_inclus"] == [str(division) for division in range(10, 34)]
    assert criteria["associations"] == {
        "recettes_marchandes_min": 0.5, "recettes_marchandes_majoritaires": False,
        "agrement_ei_ea": True,
    }  # « au moins 50% de recettes »  # fmt: skip
    assert criteria["pas_en_difficulte"] and criteria["a_jour_fiscal_social"]
    assert any("1 200 € HT par jour" in expense for expense in item["depenses_eligibles"])
    assert any("36 000 € HT" in expense for expense in item["depenses_eligibles"])
    assert any("acompte maximum de 70 %" in rule for rule in item["regles_financement"])
    assert any("SA.40453" in reference for reference in item["references_legales"])
    assert any("1407/2013" in reference for reference in item["references_legales"])
    providers = item["prestataires_references"]
    assert [p["nom"] for p in providers] == ["AFNOR", "AGILEA", "ALTRAN", "CYLAD",
                                             "IN EXTENSO INNOVATION CROISSANCE", "OPEO SOCODIT",
                                             "TOPTECH"]  # fmt: skip
    assert providers[0]["site"].startswith("www.afnor.org")
    assert all(p["email"].endswith(".example") for p in providers)
    assert item["expert"]["email"].endswith("@laregion.example")


def test_investissement_numerique_as_the_faq_describes_it() -> None:
    item = _by(payloads().region, "id", INVESTISSEMENT_NUMERIQUE)
    criteria = item["criteres"]

    assert item["region_code"] == "52"
    assert item["date_cloture"] is None
    assert item["modalite_depot"]["canal"] == "MES_AIDES_EN_LIGNE"
    assert item["reglement_minimis"] == "1407/2013"
    assert criteria["effectif_max"] == 49 and criteria["ca_max"] == 10_000_000
    assert criteria["anciennete_min_mois"] == 24 and criteria["regions"] == ["52"]
    assert {"01", "64", "68"} <= set(criteria["naf_exclus"])
    assert criteria["associations"] == {
        "recettes_marchandes_min": 0.5, "recettes_marchandes_majoritaires": True,
        "agrement_ei_ea": False,
    }  # FAQ 2: « plus de 50% de vos produits »  # fmt: skip
    assert criteria["micro_entreprise"] == {"ca_min": 20_000, "comptes_certifies": True}
    assert len(item["faq"]) == 37
    assert any("200 000 €" in entry["reponse"] for entry in item["faq"])
    assert any("4 000 €" in rule for rule in item["regles_financement"])
    assert item["expert"]["email"].endswith("@paysdelaloire.example")


def test_cheque_france_num_as_france_num_publishes_it() -> None:
    item = _by(payloads().francenum, "slug", CHEQUE_NUMERIQUE)

    assert item["intitule"] == "Chèque France Num de 500 €"
    assert item["montant_forfaitaire"] == 500 and item["type"] == "aide_forfaitaire"
    assert len(item["themes_depenses"]) == 11
    assert "Gestion - Logiciel de caisse" in item["themes_depenses"]
    assert item["fermeture"] is not None and item["fermeture"].startswith("2021-")
    assert item["conditions"]["salaries_max"] == 10
    assert item["depot"]["mode"] == "teleservice"
    assert any("4 mois" in rule for rule in item["regles"])


def test_a_couple_of_schemes_have_no_expert_and_region_experts_are_region_agents() -> None:
    schemes = catalogue().schemes
    assert 2 <= sum(scheme.expert is None for scheme in schemes) <= 5
    for scheme in catalogue().of("region"):
        assert scheme.expert is not None
        agents = {"76": "@laregion.example", "52": "@paysdelaloire.example"}
        assert scheme.expert.email.endswith(agents[scheme.region_code or ""])


# Contacts: invented, and never a real person's


def _contacts() -> list[tuple[str, str]]:
    built = catalogue()
    contacts = [(a.email, a.phone) for a in built.activators]
    for scheme in built.schemes:
        contacts += [(p.email, p.phone) for p in scheme.providers]
        if scheme.expert is not None:
            contacts.append((scheme.expert.email, scheme.expert.phone))
    return contacts


def test_every_contact_is_invented() -> None:
    for email, phone in _contacts():
        assert email.endswith(".example"), email
        assert FICTION_PHONES.match(phone), phone


SEED_DIGESTS = Path(__file__).with_name("seed_contacts.sha256")
"""SHA-256 digests of the seeds' e-mails, phones and people (never the values: they belong
to real people), so that the check runs where ../shared/seeds is not checked out."""


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _from_seeds() -> dict[str, set[str]]:
    text = "\n".join(path.read_text(encoding="utf-8") for path in SEEDS.glob("*.md"))
    emails = {email.lower() for email in EMAIL.findall(text)}
    phones = {re.sub(r"\D", "", phone)[-9:] for phone in PHONE.findall(text)}
    people = {email.split("@")[0].replace(".", "-") for email in emails
              if email.split("@")[0].count(".") == 1}  # fmt: skip
    return {
        kind: {_digest(value) for value in values}
        for kind, values in (("email", emails), ("phone", phones), ("person", people))
    }


@pytest.fixture(scope="module")
def seed_contacts() -> dict[str, set[str]]:
    committed: dict[str, set[str]] = {"email": set(), "phone": set(), "person": set()}
    for line in SEED_DIGESTS.read_text().split():
        kind, _, digest = line.partition(":")
        committed[kind].add(digest)
    if SEEDS.is_dir():  # next to the seeds: the committed digests must be theirs
        assert _from_seeds() == committed, "regenerate seed_contacts.sha256 from the seeds"
    assert len(committed["email"]) >= 7 and len(committed["phone"]) >= 7
    return committed


def test_no_email_or_phone_of_the_seeds_is_served(seed_contacts: dict[str, set[str]]) -> None:
    data = payloads()
    served = json.dumps([data.region, data.bpifrance, data.francenum, data.activators],
                        ensure_ascii=False).lower()  # fmt: skip

    assert not {_digest(email) for email in EMAIL.findall(served)} & seed_contacts["email"]
    served_phones = {re.sub(r"\D", "", phone)[-9:] for phone in PHONE.findall(served)}
    assert served_phones and not {_digest(p) for p in served_phones} & seed_contacts["phone"]


def test_no_person_of_the_seeds_is_served(seed_contacts: dict[str, set[str]]) -> None:
    names = {slug(a.display_name) for a in catalogue().activators} | {
        slug(s.expert.name) for s in catalogue().schemes if s.expert is not None
    }

    assert seed_contacts["person"] and not {_digest(n) for n in names} & seed_contacts["person"]
