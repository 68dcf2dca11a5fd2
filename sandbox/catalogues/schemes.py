"""The generated schemes: every template of ``templates.py`` published once or once per
territory / year / theme, with amounts, rates, dates, experts and FAQ drawn from a seeded
``random.Random``.

Dates are drawn relative to ``reference`` (the first day of the current month), so that a
"closed" scheme stays closed and a "not yet open" one stays in the future whatever the day
the sandbox runs; campaign years likewise follow the reference year.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sandbox.catalogues.bpifrance_templates import BPIFRANCE, BPIFRANCE_REGIONAL
from sandbox.catalogues.francenum_templates import FRANCENUM, FRANCENUM_REGIONAL
from sandbox.catalogues.real_industrie_du_futur import NADIA_BENALI
from sandbox.catalogues.records import Contact, Criteria, FaqItem, Kind, Scheme, Territory
from sandbox.catalogues.regional_templates import OCCITANIE, PAYS_DE_LA_LOIRE
from sandbox.catalogues.templates import Template
from sandbox.catalogues.territories import DEPARTMENTS, REGIONS, Phones, slug
from sandbox.entreprise.tables import FIRST_NAMES, LAST_NAMES

__all__ = ["add_months", "generated_schemes", "month_start", "person_email"]


@dataclass(frozen=True, slots=True)
class _Publisher:
    source: str
    templates: tuple[Template, ...]
    region_code: str | None
    financer: str
    url: str


_PUBLISHERS = (
    _Publisher("region", OCCITANIE, "76", "Région Occitanie",
               "https://hubentreprendre.laregion.fr/dispositifs/{key}"),
    _Publisher("region", PAYS_DE_LA_LOIRE, "52", "Région Pays de la Loire",
               "https://www.paysdelaloire.fr/les-aides/{key}"),
    _Publisher("bpifrance", BPIFRANCE + BPIFRANCE_REGIONAL, None, "Bpifrance",
               "https://www.bpifrance.fr/catalogue-offres/{key}"),
    _Publisher("francenum", FRANCENUM + FRANCENUM_REGIONAL, None, "France Num",
               "https://www.francenum.gouv.fr/aides-financieres/{key}"),
)  # fmt: skip

_REGION_COUNCIL = {"94": "Collectivité de Corse"}


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    """The first day of the month ``months`` after ``day``'s."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def person_email(name: str, domain: str, taken: set[str] | None = None) -> str:
    local = slug(name).replace("-", ".", 1)
    email, n = f"{local}@{domain}", 1
    while taken is not None and email in taken:
        n += 1
        email = f"{local}{n}@{domain}"
    if taken is not None:
        taken.add(email)
    return email


def generated_schemes(rng: random.Random, reference: date, phones: Phones) -> list[Scheme]:
    experts = _Experts(rng, phones)
    schemes: list[Scheme] = []
    number = 1000
    for publisher in _PUBLISHERS:
        for template in publisher.templates:
            for key, title, territory, year in _variants(template, publisher, reference):
                opens, closes = _dates(rng, template, reference, year)
                if publisher.source == "bpifrance":
                    number += rng.randint(1, 37)
                schemes.append(_scheme(
                    rng, publisher, template, key, title, territory, opens, closes,
                    expert=None if template.no_expert else experts.pick(publisher, territory),
                    number=number if publisher.source == "bpifrance" else None,
                ))  # fmt: skip
    return schemes


def _variants(
    template: Template, publisher: _Publisher, reference: date
) -> Iterator[tuple[str, str, Territory, int | None]]:
    home = Territory("region", (publisher.region_code,)) if publisher.region_code else None
    national = home or Territory("france")
    if template.spread == "once":
        yield template.key, template.title, national, None
    elif template.spread == "years":
        for year in range(reference.year - 3, reference.year + 2):
            yield (template.key.format(year=year), template.title.format(year=year), national,
                   year)  # fmt: skip
    elif template.spread == "themes":
        for theme in template.places:
            yield (template.key.format(place=slug(theme)), template.title.format(place=theme),
                   national, None)  # fmt: skip
    elif template.spread == "regions":
        for code in template.places:
            name = REGIONS[code][0]
            yield (template.key.format(place=slug(name)), template.title.format(place=name),
                   Territory("region", (code,)), None)  # fmt: skip
    else:
        for code in template.places:
            name = DEPARTMENTS[code][1]
            yield (template.key.format(place=slug(name)), template.title.format(place=name),
                   Territory("departement", (code,)), None)  # fmt: skip


def _dates(
    rng: random.Random, template: Template, reference: date, year: int | None
) -> tuple[date | None, date | None]:
    if template.period is not None:
        return template.period
    if year is not None:
        return date(year, 3, 1), date(year, 6, 30)
    timing = template.timing
    if timing == "rolling":
        timing = rng.choices(("open", "closed", "upcoming"), (76, 13, 11))[0]
    if timing == "closed":
        closes = add_months(reference, -rng.randint(4, 36)) - timedelta(days=1)
        return add_months(closes, -rng.randint(12, 36)), closes
    if timing == "upcoming":
        opens = add_months(reference, rng.randint(1, 6))
        months = rng.choice((None, 12, 18, 24))
        return opens, None if months is None else add_months(opens, months) - timedelta(days=1)
    opens_in = None if rng.random() < 0.15 else add_months(reference, -rng.randint(1, 72))
    closes_in = None if rng.random() < 0.55 else add_months(reference, rng.randint(3, 30))
    return opens_in, None if closes_in is None else closes_in - timedelta(days=1)


def _scheme(
    rng: random.Random,
    publisher: _Publisher,
    template: Template,
    key: str,
    title: str,
    territory: Territory,
    opens: date | None,
    closes: date | None,
    *,
    expert: Contact | None,
    number: int | None,
) -> Scheme:
    criteria = _located(template.criteria, territory)
    financers = (_publisher_name(publisher, territory), *template.financers)
    minimis = template.minimis
    if minimis == "2023/2831" and opens is not None and opens.year < 2024:
        minimis = "1407/2013"  # the regulation in force when the scheme was adopted
    return Scheme(
        source=publisher.source,  # type: ignore[arg-type]
        key=key,
        region_code=publisher.region_code,
        number=number,
        title=title,
        short_title=template.summary.split(":")[0].split(",")[0].rstrip(". "),
        summary=template.summary,
        description=f"{template.summary} {_audience(criteria)} {_where(territory)}",
        financers=financers,
        kinds=template.kinds,
        themes=template.themes,
        associations_welcome=_welcomes_associations(criteria),
        territory=territory,
        opens_on=opens,
        closes_on=closes,
        channel=template.channel,
        url=publisher.url.format(key=key),
        criteria=criteria,
        expenses=template.expenses or _default_expenses(template),
        funding_rules=tuple(_rule(rng, kind) for kind in template.kinds),
        legal_references=_legal_references(publisher, template, minimis),
        faq=_faq(rng, template.kinds),
        expert=expert,
        de_minimis=minimis,
        flat_amount=rng.choice((500, 800, 1000, 1500)) if "aide_forfaitaire" in template.kinds
        else None,
    )  # fmt: skip


def _located(criteria: Criteria, territory: Territory) -> Criteria:
    if territory.scale == "region":
        return replace(criteria, regions=territory.codes)
    if territory.scale == "departement":
        return replace(criteria, departments=territory.codes)
    return criteria


def _publisher_name(publisher: _Publisher, territory: Territory) -> str:
    if publisher.source == "francenum" and territory.scale == "region":
        return f"CCI {REGIONS[territory.codes[0]][0]}"
    return publisher.financer


def _welcomes_associations(criteria: Criteria) -> bool:
    forms = criteria.legal_forms
    return criteria.associations is not None or (
        forms is not None and any(form.startswith("9") for form in forms)
    )


def _audience(criteria: Criteria) -> str:
    if criteria.staff_max is None and criteria.categories is None:
        return "Ouvert à toutes les entreprises, sans condition de taille."
    size = {9: "les TPE", 10: "les entreprises de moins de 11 salariés",
            49: "les petites entreprises de moins de 50 salariés",
            249: "les PME", 499: "les entreprises de moins de 500 salariés",
            4999: "les PME et ETI"}.get(criteria.staff_max or 0, "les entreprises")  # fmt: skip
    if criteria.staff_min:
        size = f"{size} d'au moins {criteria.staff_min} salariés"
    age = f", immatriculées depuis au moins {criteria.age_months_min} mois" if (
        criteria.age_months_min) else ""  # fmt: skip
    return f"Pour {size}{age}."


def _where(territory: Territory) -> str:
    if territory.scale == "france":
        return "Dispositif national."
    if territory.scale == "region":
        return f"Établissement situé en région {REGIONS[territory.codes[0]][0]}."
    return f"Établissement situé dans le département {DEPARTMENTS[territory.codes[0]][1]}."


def _default_expenses(template: Template) -> tuple[str, ...]:
    if "garantie" in template.kinds:
        return ("Prêts bancaires à moyen et long terme finançant le programme",)
    if "accompagnement" in template.kinds:
        return ("Jours de conseil et d'accompagnement réalisés par un expert référencé",)
    return ("Investissements matériels et immatériels liés au programme",
            "Prestations externes (conseil, études, ingénierie)",
            "Frais de personnel affecté au projet")  # fmt: skip


def _rule(rng: random.Random, kind: Kind) -> str:
    if kind == "subvention":
        rate, cap = rng.choice((20, 30, 40, 50)), rng.choice((10, 20, 30, 50, 100, 200))
        return (f"Subvention de {rate} % des dépenses éligibles, plafonnée à "
                f"{_euros(cap * 1000)} ; dépenses éligibles minimales de "
                f"{_euros(rng.choice((5, 10, 20)) * 1000)} HT")  # fmt: skip
    if kind == "pret":
        low, high = rng.choice(((10, 50), (30, 300), (50, 500), (100, 1500), (150, 5000)))
        return (f"Prêt de {_euros(low * 1000)} à {_euros(high * 1000)} sur "
                f"{rng.choice((5, 7, 8, 10))} ans dont "
                f"{rng.choice((12, 18, 24))} mois de différé d'amortissement, sans garantie "
                "sur les actifs de l'entreprise ni caution personnelle du dirigeant")  # fmt: skip
    if kind == "garantie":
        return (f"Garantie de {rng.choice((40, 50, 60, 70))} % du montant du prêt bancaire, "
                "sollicitée par la banque, moyennant une commission")  # fmt: skip
    if kind == "avance_remboursable":
        return (f"Avance remboursable à taux zéro couvrant jusqu'à {rng.choice((40, 50, 60))} % "
                "des dépenses, remboursable en cas de succès selon un échéancier fixé à "
                "l'avance")  # fmt: skip
    if kind == "accompagnement":
        return (f"{rng.choice((2, 5, 8, 10, 12))} jours d'accompagnement, pris en charge à "
                f"{rng.choice((50, 70, 80, 100))} %")  # fmt: skip
    return "Aide forfaitaire versée en une seule fois sur présentation des factures acquittées"


def _euros(amount: int) -> str:
    return f"{amount:,} €".replace(",", " ")


def _legal_references(
    publisher: _Publisher, template: Template, minimis: str | None
) -> tuple[str, ...]:
    references = []
    if minimis == "2023/2831":
        references.append(
            "Règlement (UE) 2023/2831 de la Commission du 13 décembre 2023 "
            "relatif à l'application des articles 107 et 108 du traité sur le "
            "fonctionnement de l'Union européenne aux aides de minimis"
        )
    elif minimis == "1407/2013":
        references.append(
            "Règlement (UE) n° 1407/2013 de la Commission du 18 décembre 2013 "
            "relatif aux aides de minimis"
        )
    elif {"subvention", "avance_remboursable"} & set(template.kinds):
        references.append(
            "Règlement (UE) n° 651/2014 de la Commission du 17 juin 2014 "
            "déclarant certaines catégories d'aides compatibles avec le marché "
            "intérieur (RGEC)"
        )
    if publisher.source == "region":
        references += [
            ("Code général des collectivités territoriales, articles L1511-1 et suivants"),
            f"Règlement d'intervention de la {publisher.financer}",
        ]
    elif publisher.source == "bpifrance":
        references.append("Conditions générales d'intervention de Bpifrance")
    return tuple(references)  # fmt: skip


_FAQ_BY_KIND: dict[str, tuple[FaqItem, ...]] = {
    "subvention": (
        FaqItem("Puis-je commencer mon projet avant la décision ?",
                "Les dépenses sont éligibles à compter de l'accusé de réception du dossier "
                "complet ; un projet engagé avant le dépôt n'est pas éligible."),
    ),
    "pret": (
        FaqItem("Faut-il un cofinancement bancaire ?",
                "Oui, le prêt est associé à un financement bancaire d'un montant au moins "
                "égal."),
    ),
    "garantie": (
        FaqItem("Qui sollicite la garantie ?",
                "Votre banque, au moment où elle vous accorde le prêt : vous n'avez pas de "
                "démarche à faire."),
    ),
    "avance_remboursable": (
        FaqItem("Que se passe-t-il si le projet échoue ?",
                "En cas d'échec technique ou commercial constaté, le remboursement peut être "
                "réduit ; un constat d'échec est alors établi."),
    ),
    "accompagnement": (
        FaqItem("Le prestataire est-il imposé ?",
                "Non, vous choisissez parmi les experts référencés pour ce programme."),
    ),
    "aide_forfaitaire": (
        FaqItem("Quand l'aide est-elle versée ?",
                "En une seule fois, après l'instruction de la demande et des factures."),
    ),
}  # fmt: skip
_CUMUL = FaqItem("Cette aide est-elle cumulable avec d'autres aides publiques ?",
                 "Oui, dans le respect des plafonds du régime d'aide applicable ; les aides "
                 "reçues sont à déclarer au dépôt du dossier.")  # fmt: skip


def _faq(rng: random.Random, kinds: tuple[Kind, ...]) -> tuple[FaqItem, ...]:
    if rng.random() > 0.35:
        return ()
    items = _FAQ_BY_KIND[kinds[0]]
    return (*items, _CUMUL) if rng.random() < 0.5 else items


class _Experts:
    """Funding experts: Région agents for the Régions, chargés d'affaires for Bpifrance, CCI
    and France Num advisers for France Num. Invented people, ``.example`` addresses."""

    def __init__(self, rng: random.Random, phones: Phones) -> None:
        self._rng = rng
        self._phones = phones
        self._taken: set[str] = {NADIA_BENALI.email}
        self._pools: dict[str, list[Contact]] = {
            "76": [NADIA_BENALI, *(self._new("laregion.example", "76", "31") for _ in range(3))],
            "52": [self._new("paysdelaloire.example", "52", "44") for _ in range(3)],
        }

    def pick(self, publisher: _Publisher, territory: Territory) -> Contact:
        if publisher.region_code is not None:
            return self._rng.choice(self._pools[publisher.region_code])
        region = territory.codes[0] if territory.scale == "region" else "national"
        pool_key = f"{publisher.source}:{region}"
        if pool_key not in self._pools:
            size = 3 if region == "national" else 1
            where = (region, REGIONS[region][1][0][0]) if region != "national" else ("11", "75")
            domain = ("bpifrance.example" if publisher.source == "bpifrance"
                      else "francenum.example" if region == "national"
                      else f"cci-{slug(REGIONS[region][0])}.example")  # fmt: skip
            self._pools[pool_key] = [self._new(domain, *where) for _ in range(size)]
        return self._rng.choice(self._pools[pool_key])

    def _new(self, domain: str, region: str, department: str) -> Contact:
        first = self._rng.choice(FIRST_NAMES)[0]
        name = f"{first} {self._rng.choice(LAST_NAMES)}"
        return Contact(name, person_email(name, domain, self._taken),
                       self._phones.landline(region, department))  # fmt: skip
