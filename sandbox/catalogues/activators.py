"""France Num's activators: public digital advisers (CCI, CMA), financial advisers (Banque de
France, Bpifrance, the banks' TPE/PME advisers), private consultants and solution providers,
in every region. Listed under the adviser's name, except solution providers (the company's).

Structures are real networks (CCI Hérault, Banque de France…) or invented firms; people,
e-mails (``.example``) and telephone numbers (fiction ranges) are invented.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator

from sandbox.catalogues.records import Activator, Category
from sandbox.catalogues.schemes import person_email
from sandbox.catalogues.territories import REGIONS, Department, Phones, slug
from sandbox.entreprise.tables import FIRST_NAMES, LAST_NAMES

__all__ = ["ACTIVATORS_PER_REGION", "DOMAINS", "generated_activators"]

ACTIVATORS_PER_REGION = {
    "11": 190, "24": 75, "27": 80, "28": 90, "32": 150, "44": 150, "52": 120, "53": 100,
    "75": 160, "76": 180, "84": 200, "93": 140, "94": 20,
    "01": 15, "02": 15, "03": 10, "04": 20, "06": 8,
}  # fmt: skip

DOMAINS = ("site_web", "vente_en_ligne", "paiement_en_ligne", "place_de_marche", "visibilite",
           "reservation", "gestion_stocks", "logiciel_caisse", "cybersecurite", "hebergement",
           "relation_client", "emailing", "diagnostic", "conseil_strategie", "financement")  # fmt: skip

_CATEGORY_WEIGHTS: tuple[tuple[Category, int], ...] = (
    ("conseiller_public", 25), ("conseiller_financier", 20), ("consultant_prive", 30),
    ("offreur_solutions", 25),
)  # fmt: skip
_BANKS = ("BNP Paribas", "CIC", "Crédit Agricole", "Caisse d'Epargne", "Banque Populaire",
          "Société Générale", "LCL", "Crédit Mutuel", "La Banque Postale")  # fmt: skip
_CONSULTING = ("{last} Conseil", "{last} Digital", "Cap Numérique {department}",
               "{last} & Associés", "Atelier {last}", "{initials} Stratégie Numérique",
               "Numérique en {department}", "{last} Transformation")  # fmt: skip
_PRODUCTS = (("Web", "site_web"), ("Boutik", "vente_en_ligne"), ("Paiement", "paiement_en_ligne"),
             ("Marché", "place_de_marche"), ("Visibilité", "visibilite"),
             ("Résa", "reservation"), ("Stock", "gestion_stocks"), ("Caisse", "logiciel_caisse"),
             ("Cyber", "cybersecurite"), ("Héberg", "hebergement"), ("Client", "relation_client"),
             ("Mail", "emailing"))  # fmt: skip
_SUFFIXES = ("Atelier", "Studio", "Solutions", "Services", "Factory", "Lab", "Pro", "Box",
             "Connect", "Express")  # fmt: skip
_PUBLIC_DOMAINS = ("diagnostic", "conseil_strategie", "site_web", "visibilite",
                   "vente_en_ligne", "cybersecurite")  # fmt: skip
_FINANCIAL_DOMAINS = ("financement", "paiement_en_ligne", "conseil_strategie")


def generated_activators(rng: random.Random, phones: Phones) -> list[Activator]:
    taken: set[str] = set()
    names: set[str] = set()
    activators = []
    for region, count in ACTIVATORS_PER_REGION.items():
        departments = REGIONS[region][1]
        for _ in range(count):
            department = rng.choice(departments)
            category = rng.choices(*zip(*_CATEGORY_WEIGHTS, strict=True))[0]
            activators.append(_activator(rng, phones, category, region, department, taken, names))
    return activators


def _activator(
    rng: random.Random,
    phones: Phones,
    category: Category,
    region: str,
    department: Department,
    taken: set[str],
    names: set[str],
) -> Activator:
    code, department_name, towns = department
    town = rng.choice(towns)
    first, gender = rng.choice(FIRST_NAMES)
    person = f"{first} {rng.choice(LAST_NAMES)}"
    adviser = "Conseillère" if gender == "F" else "Conseiller"
    if category == "conseiller_public":
        network = rng.choice(("CCI", "CMA"))
        structure = f"{network} {department_name}"
        domain = f"{network.lower()}-{slug(department_name)}.example"
        domains = ("diagnostic", *rng.sample(_PUBLIC_DOMAINS[1:], rng.randint(1, 2)))
        presentation = (f"{adviser} numérique à la {structure} : diagnostic gratuit de votre "
                        "maturité numérique, orientation vers les bons outils et les bons "
                        "prestataires.")  # fmt: skip
        display, email, phone = person, person_email(person, domain, taken), None
    elif category == "conseiller_financier":
        structure, domain = _financial_structure(rng, department_name, town)
        domains = ("financement", *rng.sample(_FINANCIAL_DOMAINS[1:], rng.randint(0, 1)))
        presentation = (f"{adviser} TPE/PME ({structure}) : financement de vos projets "
                        "numériques, solutions d'encaissement et de paiement en ligne.")  # fmt: skip
        display, email, phone = person, person_email(person, domain, taken), None
    elif category == "consultant_prive":
        structure = _unique(rng.choice(_CONSULTING).format(
            last=person.split(" ", 1)[1], department=department_name,
            initials="".join(word[0] for word in person.split())), town, names)  # fmt: skip
        domains = tuple(rng.sample(DOMAINS[:-1], rng.randint(1, 3)))
        e = "e" if gender == "F" else ""
        presentation = (f"Consultant{e} indépendant{e} basé{e} à {town} : accompagnement des TPE "
                        "dans leur transformation numérique, de la stratégie à la mise en "
                        "œuvre.")  # fmt: skip
        display = person
        email = person_email(person, f"{slug(structure)}.example", taken)
        phone = phones.mobile()
    else:
        word, main = rng.choice(_PRODUCTS)
        structure = _unique(f"{word} {rng.choice(_SUFFIXES)}", town, names)
        others = [domain for domain in DOMAINS[:12] if domain != main]
        domains = (main, *rng.sample(others, rng.randint(0, 2)))
        presentation = (f"{structure} édite des solutions numériques pour les petites "
                        f"entreprises et les commerçants, depuis {town}.")  # fmt: skip
        display, email, phone = structure, f"contact@{slug(structure)}.example", None
        taken.add(email)
    return Activator(
        uuid=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        category=category,
        display_name=display,
        structure=structure,
        region=region,
        department=code,
        commune=town,
        domains=domains,
        presentation=presentation,
        site=f"https://www.{email.split('@', 1)[1]}",
        email=email,
        phone=phone or phones.landline(region, code),
    )


def _financial_structure(rng: random.Random, department: str, town: str) -> tuple[str, str]:
    network = rng.choices(("Banque de France", "Bpifrance", "banque"), (3, 2, 5))[0]
    if network == "Banque de France":
        return f"Banque de France – {department}", "banque-france.example"
    if network == "Bpifrance":
        return f"Bpifrance {town}", "bpifrance.example"
    bank = rng.choice(_BANKS)
    return f"{bank} – Centre d'affaires {town}", f"{slug(bank)}.example"


def _unique(name: str, town: str, names: set[str]) -> str:
    for candidate in _candidates(name, town):
        if candidate not in names:
            names.add(candidate)
            return candidate
    raise AssertionError("unreachable")


def _candidates(name: str, town: str) -> Iterator[str]:
    yield name
    yield f"{name} {town}"
    n = 2
    while True:
        yield f"{name} {town} {n}"
        n += 1
