"""Région Occitanie's Parcours régional Industrie du futur, as its seed page gives it (the
providers' contact details are invented: see ``real.py``)."""

from __future__ import annotations

from datetime import date

from sandbox.catalogues.records import (
    AssociationRule,
    Contact,
    Criteria,
    Provider,
    Scheme,
    Territory,
)
from sandbox.catalogues.territories import Phones

__all__ = ["INDUSTRIE_DU_FUTUR", "INDUSTRY_DIVISIONS", "NADIA_BENALI", "industrie_du_futur"]

INDUSTRIE_DU_FUTUR = "parcours-industrie-du-futur"

NADIA_BENALI = Contact("Nadia Benali", "nadia.benali@laregion.example", "04 65 71 10 06")
"""The Région Occitanie funding expert of the hub's own seed (same person, same contacts)."""

INDUSTRY_DIVISIONS = tuple(str(division) for division in range(10, 34))
"""NAF section C, manufacturing (divisions 10–33): the seed's "activité principale de
production, de fabrication ou de transformation"."""

_PROVIDERS = (  # name, website as the seed gives it, invented mailbox
    ("AFNOR", ("www.afnor.org/actualites/industrie-du-futur-afnor-accompagne-les-projets-"
              "entreprises-occitanes/"), "industrie-du-futur@afnor.example"),
    ("AGILEA", ("www.agilea-group.com/la-region-occitanie-selectionne-agilea-et-ses-partenaires-"
               "pour-le-programme-regional-industrie-du-futur"), "occitanie@agilea.example"),
    ("ALTRAN", "www.altran.com", "industrie-du-futur@altran.example"),
    ("CYLAD", "www.cylad-consulting.com/fr/actualites/11582/", "parcours-idf@cylad.example"),
    ("IN EXTENSO INNOVATION CROISSANCE", "www.inextenso-innovation.fr",
     "occitanie@inextenso-innovation.example"),
    ("OPEO SOCODIT", "www.opeo-conseil.fr/parcours-regional-industrie-du-futur-occitanie",
     "parcours-occitanie@opeo-socodit.example"),
    ("TOPTECH", "www.toptechfrance.eu/", "contact@toptech.example"),
)  # fmt: skip


def industrie_du_futur(phones: Phones) -> Scheme:
    providers = tuple(
        Provider(name, site, email, phones.take("05 36 49")) for name, site, email in _PROVIDERS
    )
    return Scheme(
        source="region",
        key=INDUSTRIE_DU_FUTUR,
        region_code="76",
        title="Parcours régional Industrie du futur",
        summary="Diagnostic, conseil et accompagnement des entreprises industrielles régionales "
        "vers l'Industrie du futur, réalisés par un prestataire référencé par la Région.",
        description="Le parcours régional Industrie du futur s'inscrit dans le cadre du "
        "partenariat État-Région mis en place au sein du programme national des 10 000 "
        "accompagnements de PME vers l'industrie du futur, qui vise à accompagner 400 "
        "entreprises sur le territoire régional sur la période 2020-2022. Ce programme vise à "
        "accompagner les entreprises industrielles régionales dans la préparation et la mise "
        "en œuvre d'une démarche systémique de transformation significative et durable vers "
        "l'Industrie du Futur au travers d'une prestation de diagnostic, conseil et "
        "accompagnement réalisée par des prestataires référencés par la Région : vision et "
        "stratégie du dirigeant ; intégration du numérique et des technologies de production "
        "avancées, sûreté physique et cyber ; performance industrielle et organisationnelle, "
        "qualité, entreprise étendue ; réduction de l'empreinte environnementale et économies "
        "d'énergie ; accompagnement humain et management des compétences ; performance "
        "économique et nouveaux modèles (servicisation, économie circulaire). Le parcours est "
        "mobilisable jusqu'au 31 décembre 2022.",
        financers=("Région Occitanie", "État"),
        kinds=("subvention",),
        themes=("industrie", "numerique"),
        associations_welcome=True,
        territory=Territory("region", ("76",)),
        opens_on=date(2020, 1, 1),
        closes_on=date(2022, 12, 31),
        channel="DEL",
        url="https://hubentreprendre.laregion.fr",
        criteria=Criteria(
            staff_max=4999,
            categories=("PME", "ETI"),
            age_months_min=12,
            regions=("76",),
            naf_include=INDUSTRY_DIVISIONS,
            associations=AssociationRule(market_income_share_min=0.5, ei_ea_agreement=True),
            not_in_difficulty=True,
            tax_social_compliance=True,
        ),
        expenses=(
            (
                "Dépenses de conseil externe acquittées par l'entreprise, réalisées par ou sous la "
                "responsabilité d'un prestataire référencé par la Région"
            ),
            "Facturées par un prestataire référencé par la Région",
            "Plafonnées à 1 200 € HT par jour, tous frais compris",
            (
                "Plafonnées à 36 000 € HT tous frais compris pour la totalité du parcours "
                "d'accompagnement"
            ),
            "Les dépenses postérieures au 31/12/2022 ne sont pas prises en compte",
            "Les prestations doivent se dérouler sur le territoire de la région Occitanie",
        ),
        funding_rules=(
            (
                "Subvention d'investissement versée par la Région, comprenant la part régionale "
                "(crédits Région) et la part État (crédits du PIA)"
            ),
            (
                "100 % des dépenses éligibles pour la 1re phase de diagnostic / accompagnement "
                "court de 5 jours"
            ),
            (
                "50 % des dépenses éligibles pour la 2e phase d'accompagnement long sur mesure "
                "jusqu'à 25 jours"
            ),
            (
                "Le montant de la subvention ne peut pas excéder le montant des fonds propres de "
                "l'entreprise"
            ),
            "Durée minimum de 5 jours de prestation",
            (
                "Versement proportionnel au prorata des dépenses justifiées, sur la base d'une "
                "prestation de 5 jours minimum"
            ),
            "Phase 1 : un versement unique à l'issue de la phase 1",
            (
                "Phase 2 : un acompte maximum de 70 % de la subvention au titre de la phase 2, le "
                "solde à l'issue de la phase 2"
            ),
            (
                "Pour la phase 1 financée à 100 % et en tout état de cause pour les ETI, fournir "
                "une attestation de minimis"
            ),
        ),
        legal_references=(
            "Code Général des Collectivités Territoriales",
            (
                "Règlement d'exemption n°1407/2013 du 18 décembre 2013 relatif à l'application "
                "des Articles 107 et 108 du traité sur le fonctionnement de l'Union Européenne aux "
                "aides de minimis"
            ),
            "Régime cadre exempté SA.40453 PME / 6.2 Aides au conseil en faveur des PME",
            "Règlement d'intervention du Programme régional Industrie du futur",
        ),
        providers=providers,
        expert=NADIA_BENALI,
        de_minimis="2023/2831",
    )
