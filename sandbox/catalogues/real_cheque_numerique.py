"""The Chèque France Num de 500 €, as its seed page gives it."""

from __future__ import annotations

from datetime import date

from sandbox.catalogues.records import (
    Criteria,
    FaqItem,
    Scheme,
    Territory,
)

__all__ = ["CHEQUE_NUMERIQUE", "cheque_numerique"]

CHEQUE_NUMERIQUE = "cheque-numerique"


def cheque_numerique() -> Scheme:
    return Scheme(
        source="francenum",
        key=CHEQUE_NUMERIQUE,
        title="Chèque France Num de 500 €",
        summary="Aide forfaitaire de 500 € pour les petites entreprises qui ont engagé des "
        "dépenses de numérisation (vente en ligne, gestion, relation client).",
        description="Le chèque France Num est une aide forfaitaire de 500 € destinée aux "
        "petites entreprises de moins de 11 salariés pour financer des dépenses de "
        "numérisation : achat de solutions ou abonnement à un service, pouvant inclure une "
        "part d'accompagnement. Les conditions d'éligibilité ont été publiées par décret le 28 "
        "janvier 2021 ; la demande se fait sur le téléservice.",
        financers=("État", "Agence de services et de paiement"),
        kinds=("aide_forfaitaire",),
        themes=("numerique",),
        associations_welcome=False,
        territory=Territory("france"),
        opens_on=date(2021, 1, 28),
        closes_on=date(2021, 3, 31),
        channel="MES_AIDES_EN_LIGNE",
        url="https://www.francenum.gouv.fr/aides-financieres/cheque-france-num",
        criteria=Criteria(staff_max=10),
        funding_rules=(
            "Aide forfaitaire de 500 €",
            (
                "La demande doit être déposée au plus tard 4 mois après la date indiquée sur la "
                "facture la plus récente"
            ),
            (
                "Les dépenses peuvent être des achats de solutions, de l'abonnement à un service ; "
                "elles peuvent inclure une part d'accompagnement"
            ),
            (
                "Le prestataire n'a pas à être référencé pour les dépenses des thèmes éligibles ; "
                "un accompagnement généraliste à la transformation (diagnostic, conseil) doit être "
                "réalisé par un prestataire référencé"
            ),
        ),
        legal_references=(
            (
                "Décret n° 2021-87 du 28 janvier 2021 portant création d'une aide visant à "
                "soutenir la numérisation des petites entreprises"
            ),
        ),
        faq=(
            FaqItem(
                "Quelles sont les dépenses à justifier ?",
                "Les dépenses à justifier doivent relever des thèmes listés (vente et "
                "promotion, gestion, relation client). Ce peuvent être des achats de "
                "solutions, de l'abonnement à un service ; elles peuvent inclure une part "
                "d'accompagnement.",
            ),
            FaqItem(
                "Mon prestataire doit-il être référencé ?",
                "Non, pas pour les dépenses des thèmes listés. Si la prestation est un "
                "accompagnement généraliste à la transformation, notamment de type "
                "diagnostic ou conseil, votre prestataire doit être référencé.",
            ),
            FaqItem(
                "Comment savoir si je suis éligible à cette aide forfaitaire ?",
                "Les conditions d'éligibilité ont été publiées par décret le 28 janvier "
                "2021 ; l'information de référence est accessible depuis la page d'accueil "
                "du téléservice.",
            ),
            FaqItem(
                "Dans quels délais dois-je déposer ma demande ?",
                "La demande doit être déposée au plus tard 4 mois après la date indiquée "
                "sur la facture la plus récente.",
            ),
        ),
        expert=None,
        de_minimis="1407/2013",
        flat_amount=500,
        expense_themes=(
            "Vente, promotion - Site e-commerce ou promotionnel",
            "Vente, promotion - Contenus",
            "Vente, promotion - Paiement en ligne",
            "Vente, promotion - Place de marché",
            "Vente, promotion - Visibilité internet",
            "Gestion - Solution de réservation, prise de rendez-vous",
            "Gestion - Gestion des stocks, des commandes, des livraisons",
            "Gestion - Logiciel de caisse",
            (
                "Gestion - Hébergement, stockage de données, gestion du nom de domaine, outils de "
                "cybersécurité"
            ),
            "Relation client - Gestion des clients",
            (
                "Relation client - Outil de gestion en masse des courriers électroniques, de "
                "lettres d'information"
            ),
        ),
    )
