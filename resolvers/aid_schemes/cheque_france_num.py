"""The funding rules of the Chèque France Num, each figure with the sentence of the scheme's
text that sets it."""

from __future__ import annotations

from decimal import Decimal

from resolvers.aid_rules import (
    AidRules,
    Category,
    Cited,
    DeadlineKind,
    DeadlineRule,
    Phase,
    Schedule,
    SinglePayment,
)

__all__ = ["CHEQUE_FRANCE_NUM"]


_CHEQUE_THEMES = "Les dépenses à justifier doivent relever des thèmes suivants"
_CHEQUE_FORMS = (
    "Les dépenses peuvent être des achats de solutions, de l'abonnement à un service, elles "
    "peuvent inclure une part d'accompagnement."
)
_CHEQUE_DEPOSIT = (
    "La demande doit être déposée au plus tard 4 mois après la date indiquée sur la facture la "
    "plus récente."
)

CHEQUE_FRANCE_NUM = AidRules(
    scheme_id="francenum:cheque-numerique",
    title="Chèque France Num de 500 €",
    start="la date indiquée sur la facture la plus récente (la demande se dépose au plus tard "
    "4 mois après)",
    categories=(
        Category(
            "sales_promotion",
            "Vente, promotion (site e-commerce ou promotionnel, contenus, paiement en ligne, "
            "place de marché, visibilité internet)",
            eligible=True,
            source=f"{_CHEQUE_THEMES} : Vente, promotion - Site e-commerce ou promotionnel ; "
            "Contenus ; Paiement en ligne ; Place de marché ; Visibilité internet",
        ),
        Category(
            "management",
            "Gestion (réservation, stocks et commandes, logiciel de caisse, hébergement, nom "
            "de domaine, cybersécurité)",
            eligible=True,
            source=f"{_CHEQUE_THEMES} : Gestion - Solution de réservation, prise de rendez-vous ;"
            " Gestion des stocks, des commandes, des livraisons ; Logiciel de caisse ; "
            "Hébergement, stockage de données, gestion du nom de domaine, outils de "
            "cybersécurité",
        ),
        Category(
            "customer_relations",
            "Relation client (gestion des clients, envoi en masse de courriels et de lettres "
            "d'information)",
            eligible=True,
            source=f"{_CHEQUE_THEMES} : Relation client - Gestion des clients ; Outil de "
            "gestion en masse des courriers électroniques, de lettres d'information",
        ),
        Category(
            "support",
            "Part d'accompagnement de ces solutions",
            eligible=True,
            source=_CHEQUE_FORMS,
        ),
    ),
    phases=(
        Phase(
            number=1,
            label="Aide forfaitaire",
            rate=None,
            flat=Cited(Decimal(500), "Chèque 500 euros [...] cette aide forfaitaire"),
            schedule=Schedule(
                single=SinglePayment(
                    label="Versement unique",
                    due="sur demande déposée sur le téléservice, au plus tard 4 mois après la "
                    "facture la plus récente",
                    source=_CHEQUE_DEPOSIT,
                )
            ),
        ),
    ),
    prorata="Aide forfaitaire : son montant ne dépend pas des dépenses justifiées.",
    deadlines=(
        DeadlineRule(
            label="Dépôt de la demande",
            kind=DeadlineKind.APPLICATION,
            rule="au plus tard 4 mois après la date indiquée sur la facture la plus récente",
            months_after=4,
            source=_CHEQUE_DEPOSIT,
        ),
    ),
    legal_references=(
        (
            "Décret n° 2021-87 du 28 janvier 2021 portant création d'une aide visant à soutenir "
            "la numérisation des petites entreprises"
        ),
    ),
)
