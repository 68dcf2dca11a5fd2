"""The CCI standard « Entreprendre & Transmettre » (CCI France, version 1.4, 30 June 2020):
its 17 mandatory and 5 optional national products / services, and the four offers every CCI
carries, one per client segment, each level with its products (the annex « Détail des
offres »). Data, read by the hub database's seed and by the indicators (the « 5 jours pour
Entreprendre » workshop)."""

from __future__ import annotations

from dataclasses import dataclass

from connectors.hubdb.enums import ExpertiseLevel, Segment

__all__ = [
    "FIVE_DAYS_TO_START",
    "NATIONAL_OFFERS",
    "NATIONAL_PRODUCTS",
    "NationalProduct",
    "OfferLevel",
    "OfferedProduct",
]

_D, _O = ExpertiseLevel.DISCOVERY, ExpertiseLevel.ORIENTATION
_E, _S = ExpertiseLevel.EXPERTISE, ExpertiseLevel.SUPPORT


@dataclass(frozen=True, slots=True)
class NationalProduct:
    code: str
    """``N1``…``N17``: the mandatory ones in the standard's order; ``O1``…``O5``: the optional."""
    title: str
    expertise_level: ExpertiseLevel
    mandatory: bool


def _products() -> dict[str, NationalProduct]:
    mandatory = [
        (_D, ("Action de découverte en ligne et/ou présentiel (réunion d'information) et/ou tous "
         "produits permettant de faire découvrir les thématiques de la Création – Transmission "
         "– Reprise (guide papier par exemple)")),
        (_O, "Tests en ligne : positionnement de compétences, détermination et projet"),
        (_O, "Test en ligne sur la santé financière d'une cible dans le cadre d'une reprise"),
        (_O, "Test en ligne sur la santé financière d'une entreprise"),
        (_O, "Entretien de Découverte des besoins / de positionnement, physique ou à distance"),
        (_O, "Pré-diagnostic / Auto-diagnostic de la transmissibilité"),
        (_O, ("Auto-diagnostic en ligne sur la situation à l'instant t de l'entreprise et sur le "
         "projet à mener pour consolider l'entreprise")),
        (_O, "Mise en relation cédants / repreneurs"),
        (_O, "Rédaction et mise en ligne d'une annonce de transmission d'entreprise"),
        (_O, "Mise en relation avec des experts"),
        (_O, "Rencontres entre entrepreneurs"),
        (_E, "Workshop « 5 jours pour Entreprendre »"),
        (_E, "Appui à la formalité d'entreprise (cf. norme CFE)"),
        (_E, "Evaluation financière de l'entreprise cible avec un diagnostic complet préalable"),
        (_E, "Modules de formation à distance"),
        (_E, "Facilitation à l'accès au financement"),
        (_S, "Rendez-vous individuels d'accompagnement sur le projet, physique ou à distance"),
    ]  # fmt: skip
    optional = [
        "Workshop « Repreneurs PME »",
        "Préparation au titre « Chef d'entreprise, développeur de PME »",
        "Préparation à la certification « Développer un projet entrepreneurial réussi »",
        "Ateliers thématiques",
        "L'assistance administrative pour les chefs d'entreprise",
    ]
    products = [
        NationalProduct(f"N{number}", title, level, True)
        for number, (level, title) in enumerate(mandatory, start=1)
    ]
    products += [
        NationalProduct(f"O{number}", title, _E, False)
        for number, title in enumerate(optional, start=1)
    ]
    return {product.code: product for product in products}


NATIONAL_PRODUCTS = _products()
"""By code: 17 mandatory (``N…``), 5 optional (``O…``)."""

FIVE_DAYS_TO_START = "N12"
"""Workshop « 5 jours pour Entreprendre » (indicator A02-IA10-1-A)."""


@dataclass(frozen=True, slots=True)
class OfferedProduct:
    code: str | None
    """A national product's code; None for a local one."""
    title: str
    """As the offer words it (« Cinq heures de rendez-vous individuels… » is ``N17``)."""
    required: bool
    """Part of the level (False: listed under « Option »)."""


@dataclass(frozen=True, slots=True)
class OfferLevel:
    segment: Segment
    level: int
    title: str
    products: tuple[OfferedProduct, ...]


def _p(code: str | None, title: str | None = None, *, option: bool = False) -> OfferedProduct:
    wording = title if title is not None else NATIONAL_PRODUCTS[str(code)].title
    return OfferedProduct(code, wording, not option)


_DISCOVER = (_p("N1"), _p("N2"))
_RDV_5H = ("Cinq heures de rendez-vous individuels d'accompagnement sur le projet, physique ou "
           "à distance (montage du projet, rédaction du business plan)")  # fmt: skip
_RDV_2H = ("Deux heures de rendez-vous individuels d'accompagnement sur le projet, physique ou "
           "à distance (bilan à 6 mois et 12 mois)")  # fmt: skip
_TITLE_PME = _p("O2", option=True)
_CERTIFICATION = _p("O3", option=True)


def _offers() -> tuple[OfferLevel, ...]:
    c, r = Segment.CREATEUR, Segment.REPRENEUR
    nd, t = Segment.NOUVEAU_DIRIGEANT, Segment.CEDANT
    return (
        OfferLevel(c, 1, "Découvrir", _DISCOVER),
        OfferLevel(c, 2, "Expérimenter", (
            _p("N12"), _p("N15"),
            _p("N17", "Un rendez-vous individuel (bilan de la formation)", option=True),
        )),
        OfferLevel(c, 3, "Structurer, financer, démarrer", (
            _p("N17", _RDV_5H), _p("N15"), _p("N10"), _p("N11"), _p("N13"), _p("N16"),
            _p("N17", _RDV_2H), _TITLE_PME, _CERTIFICATION,
            _p("O4", "Ateliers thématiques sur les différents thèmes du business plan",
               option=True),
            _p(None, "Parcours « micro-entrepreneur »", option=True),
        )),
        OfferLevel(r, 1, "Découvrir", _DISCOVER),
        OfferLevel(r, 2, "Expérimenter", (
            _p("N6", "Pré-diagnostic / Autodiagnostic de la transmissibilité d'une cible"),
            _p("N3"), _p("N15"), _p("N17", "Au moins un rendez-vous individuel"),
            _p("O1", option=True),
        )),
        OfferLevel(r, 3, "Structurer, financer, démarrer", (
            _p("N6", "Pré-diagnostic / Autodiagnostic de la transmissibilité d'une cible"),
            _p("N3"), _p("N17", _RDV_5H), _p("N15"), _p("N10"), _p("N8"), _p("N11"),
            _p("N13"), _p("N16"), _p("N17", _RDV_2H.replace("bilan", "bilan après la reprise,")),
            _TITLE_PME, _CERTIFICATION,
            _p("O4", "Ateliers thématiques sur les différents thèmes de la reprise", option=True),
        )),
        OfferLevel(nd, 1, "Structurer", (
            _p("N4"), _p("N17", "Au moins deux rendez-vous individuels (organisation, outils "
                                "de pilotage)"),
            _p("N10"), _p("N11"), _p("N16"), _p("N15"), _p("N13"), _TITLE_PME,
            _p("O4", "Ateliers thématiques « Tableaux de bord », « Gérer son administratif »",
               option=True),
            _p("O5", option=True),
        )),
        OfferLevel(nd, 2, "Consolider", (
            _p("N7"), _p("N17", "Au moins deux rendez-vous individuels (consolidation, seuil "
                                "de rentabilité)"),
            _p("N10"), _p("N11"), _p("N16"), _p("N15"), _p("N13"), _TITLE_PME,
            _p("O4", "Ateliers thématiques « Trouver ses premiers clients », « Se faire payer »",
               option=True),
            _p("O5", option=True),
        )),
        OfferLevel(t, 1, "Découvrir", (_p("N1"), _p("N2", "Tests en ligne sur la détermination "
                                                          "à vendre"))),
        OfferLevel(t, 2, "Préparer", (
            _p("N6", "Pré-diagnostic / Autodiagnostic de la transmissibilité de l'entreprise"),
            _p("N17", "Au moins deux rendez-vous individuels d'accompagnement sur le projet, "
                      "physique ou à distance"),
            _p("N10"),
        )),
        OfferLevel(t, 3, "Lancer", (_p("N14"), _p("N9"), _p("N10"), _p("N8"), _p("N13"))),
    )  # fmt: skip


NATIONAL_OFFERS = _offers()
"""The four offers by segment and level, as the annex « Détail des offres » sets them."""
