"""The funding rules of the schemes the hub estimates, as data (types in
``resolvers.aid_rules``). Each figure carries the sentence of the scheme's text that sets it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from types import MappingProxyType

from resolvers.aid_rules import (
    Advance,
    AidRules,
    Category,
    Cited,
    Closing,
    CompanyCap,
    DayRules,
    DeadlineKind,
    DeadlineRule,
    InvoiceMentions,
    Phase,
    Schedule,
    SinglePayment,
)

__all__ = [
    "CHEQUE_FRANCE_NUM",
    "PAYS_DE_LA_LOIRE_INVESTISSEMENT_NUMERIQUE",
    "REGION_PARCOURS_INDUSTRIE_DU_FUTUR",
    "RULES",
]


_PDL_RATE = (
    "Le taux d'aide est de 50% des coûts éligibles. Par exemple, si votre projet s'élève à "
    "20 000€HT de coûts éligibles, la subvention sera de 10 000€."
)
_PDL_CAP = (
    "L'aide étant plafonnée à 15 000€, le taux d'aide de 50% sera basé sur des coûts éligibles "
    "de maximum 30 000€HT et ce, même si le coût du projet est supérieur."
)
_PDL_ELIGIBLE_COST = (
    "Un coût éligible est une dépense que nous retenons dans le cadre de l'aide (voir annexe 1 "
    "du règlement d'intervention). [...] sur un projet d'ERP couplé à l'achat d'un ordinateur, "
    "ce dernier faisant partie des dépenses inéligibles, nous ne retiendrons en coûts éligibles "
    "que les dépenses liées à l'ERP"
)
_PDL_PAYMENT = "Les modalités de paiement vous sont précisées lors de l'envoi de l'arrêté."

PAYS_DE_LA_LOIRE_INVESTISSEMENT_NUMERIQUE = AidRules(
    scheme_id="paysdelaloire:investissement-numerique",
    title="Pays de la Loire Investissement Numérique",
    start="la date retenue comme début des dépenses (celle que donne l'accusé de réception du "
    "dossier recevable)",
    decision="la date d'édition de l'arrêté d'attribution (la fin de la réalisation et des "
    "justificatifs en dépend)",
    categories=(
        Category(
            "software",
            "Logiciel ou solution numérique (ERP, CRM, site e-commerce…)",
            eligible=True,
            source=_PDL_ELIGIBLE_COST,
        ),
        Category(
            "software_setup",
            "Paramétrage et intégration du logiciel par un prestataire",
            eligible=True,
            source="Vous pouvez acheter le logiciel à un prestataire et faire réaliser le "
            "paramétrage par un autre prestataire si le premier n'est pas en mesure d'assurer "
            "cette partie.",
        ),
        Category(
            "hardware",
            "Matériel informatique (ex. : ordinateur)",
            eligible=False,
            source=_PDL_ELIGIBLE_COST,
        ),
    ),
    phases=(
        Phase(
            number=1,
            label="Projet de numérisation",
            rate=Cited(Decimal("0.50"), _PDL_RATE),
            schedule=Schedule(
                single=SinglePayment(
                    label="Versement unique",
                    due="en une seule fois, sur les mêmes justificatifs que le solde",
                    up_to=Decimal(4000),
                    source="Toute aide inférieure ou égale à 4000€ est versée en une seule fois "
                    "avec les mêmes justificatifs de ceux du solde.",
                ),
                advance=Advance(
                    label="Avance",
                    rate=Decimal("0.30"),
                    due="sur présentation d'un devis ou bon de commande signé, daté et tamponné "
                    "par une autorité compétente de la structure",
                    balance_label="Solde",
                    balance_due="sur présentation de l'état récapitulatif des factures, de "
                    "l'attestation de fin d'engagement des dépenses et des factures acquittées",
                    source=f"{_PDL_PAYMENT} Une avance de 30% de la subvention sur présentation "
                    "d'un devis ou bon de commande signé, daté et tamponné par une autorité "
                    "compétente de votre structure.",
                    on_quote=True,
                ),
            ),
        ),
    ),
    prorata="Le taux d'aide étant de 50%, la subvention sera proratisée si le montant de "
    "dépenses prévues n'a pas été atteint. Par exemple, il était prévu une subvention de "
    "15 000€ sur un montant de dépenses à justifier de 30 000€HT. Finalement, le projet a été "
    "moins coûteux et la dépense finale est de 20 000€HT. La subvention sera donc proratisée à "
    "hauteur de 10 000€ pour respecter le taux d'aide de 50%.",
    minimum_expenses=Cited(
        Decimal(5000),
        "Le seuil minimal est de 5 000€HT de coûts éligibles à la subvention. Il n'est pas prévu "
        "de dérogation au règlement si votre projet n'atteint pas ce montant.",
    ),
    aid_cap=Cited(Decimal(15000), _PDL_CAP),
    company_cap=CompanyCap(
        amount=Decimal(15000),
        years=2,
        counted_from="la date de l'accusé de réception du dossier recevable",
        source="Une entreprise qui n'a pas atteint les 15 000€ d'aide lors de sa première "
        "demande peut déposer un deuxième dossier s'il correspond à un nouveau projet de "
        "numérisation. [...] Une entreprise ayant atteint le plafond d'aide de 15 000 €, ne "
        "pourra bénéficier à nouveau du dispositif qu'après 2 ans révolus [...] à compter de la "
        "date de cet accusé.",
    ),
    deadlines=(
        DeadlineRule(
            label="Fin de la période de réalisation",
            kind=DeadlineKind.REALISATION,
            rule="de la date retenue comme début des dépenses jusqu'à deux ans après l'édition "
            "de l'arrêté d'attribution",
            months_after=24,
            from_decision=True,
            source="Le délai de réalisation court de la date retenue comme début des dépenses "
            "et jusqu'à deux ans après l'édition de l'arrêté d'attribution. Ainsi, si vous avez "
            "été autorisé à commencer le 25/03/2021 et que vous recevez votre arrêté le "
            "16/04/2021, votre investissement doit être réalisé entre le 25/03/2021 et le "
            "16/04/2023.",
        ),
        DeadlineRule(
            label="Transmission des justificatifs",
            kind=DeadlineKind.PROOFS,
            rule="six mois après la fin de la période de réalisation",
            months_after=6,
            after="Fin de la période de réalisation",
            source="Suite à cela, vous avez six mois pour nous transmettre les justificatifs.",
        ),
    ),
    incentive_effect="Le dossier de demande d'aide doit être déposé avant l'engagement des "
    "dépenses. Une subvention est par définition incitative [...] J'ai déjà signé mon devis, je "
    "me suis donc engagé auprès de mon prestataire. [...] Vous ne pouvez donc pas bénéficier de "
    "l'aide.",
    invoice_mentions=InvoiceMentions(
        paid_on=True,
        signed=True,
        stamped=True,
        source="l'ensemble des factures : ces documents doivent avoir les mentions suivantes : "
        "date de paiement, signature de l'autorité compétente et tampon de votre structure.",
    ),
    de_minimis="1407/2013",
    legal_references=(
        (
            "Règlement d'intervention « Pays de la Loire Investissement Numérique » (annexe 1 : "
            "coûts éligibles)"
        ),
        (
            "Règlement (UE) n°651/2014 de la Commission du 17 juin 2014 (annexe I : définition de "
            "la PME ; entreprise en difficulté)"
        ),
        "Règlement « De Minimis » : 200 000 € d'aides publiques par entreprise sur 3 ans",
    ),
)

_IDF_CONSULTING = (
    "Sont éligibles les dépenses de conseil externe acquittées par les entreprises : réalisées "
    "par ou sous la responsabilité d'un prestataire référencé par la Région, facturées par un "
    "prestataire référencé par la Région"
)
_IDF_PER_DAY = Cited(Decimal(1200), "plafonnées à 1 200 € HT/ jour tous frais compris")
_IDF_PHASE_2 = (
    "50% des dépenses éligibles pour la 2ème phase d'accompagnement long sur mesure jusqu'à "
    "25 jours."
)

REGION_PARCOURS_INDUSTRIE_DU_FUTUR = AidRules(
    scheme_id="region:parcours-industrie-du-futur",
    title="Parcours régional Industrie du futur",
    start="le premier jour de la prestation",
    categories=(
        Category(
            "consulting",
            "Conseil externe d'un prestataire référencé par la Région",
            eligible=True,
            counts_days=True,
            source=_IDF_CONSULTING,
        ),
        Category(
            "consulting_costs",
            "Frais du prestataire référencé (compris dans les plafonds « tous frais compris »)",
            eligible=True,
            source="plafonnées à 1 200 € HT/ jour tous frais compris, plafonnées à 36 000 € HT "
            "tous frais compris pour la totalité du parcours d'accompagnement",
        ),
        Category(
            "unreferenced_consulting",
            "Conseil d'un prestataire non référencé par la Région",
            eligible=False,
            source=_IDF_CONSULTING,
        ),
    ),
    phases=(
        Phase(
            number=1,
            label="Diagnostic / accompagnement court",
            rate=Cited(
                Decimal(1),
                "100% des dépenses éligibles pour la 1ère phase de diagnostic/accompagnement "
                "court de 5 jours",
            ),
            days=DayRules(
                per_day=_IDF_PER_DAY,
                minimum=Cited(
                    Decimal(5),
                    "Les prestations devront se dérouler sur une durée minimum de 5 jours de "
                    "prestation.",
                ),
                maximum=Cited(
                    Decimal(5), "la 1ère phase de diagnostic/accompagnement court de 5 jours"
                ),
            ),
            schedule=Schedule(
                single=SinglePayment(
                    label="Versement unique",
                    due="à l'issue de la phase 1",
                    source="phase 1: un versement unique à l'issue de la phase 1.",
                )
            ),
            notes=(
                (
                    "Phase 1 is funded at 100 %: provide a de minimis attestation (« Pour la phase 1 "
                    "financée à 100% et en tout état de cause pour les ETI, il faut fournir une "
                    "attestation de minimis »)."
                ),
            ),
        ),
        Phase(
            number=2,
            label="Accompagnement long sur mesure",
            rate=Cited(Decimal("0.50"), _IDF_PHASE_2),
            days=DayRules(per_day=_IDF_PER_DAY, maximum=Cited(Decimal(25), _IDF_PHASE_2)),
            schedule=Schedule(
                advance=Advance(
                    label="Acompte (maximum 70 %)",
                    rate=Decimal("0.70"),
                    due="acompte au titre de la phase 2, au plus 70 % de la subvention de la "
                    "phase 2",
                    balance_label="Solde",
                    balance_due="à l'issue de la phase 2",
                    source="phase 2: un acompte maximum de 70% de la subvention au titre de la "
                    "phase 2, le solde à l'issue de la phase 2.",
                    on_quote=False,
                )
            ),
            notes=(
                (
                    "An ETI must provide a de minimis attestation (« en tout état de cause pour les "
                    "ETI, il faut fournir une attestation de minimis »)."
                ),
            ),
        ),
    ),
    prorata="Le versement est proportionnel au prorata des dépenses justifiées, sur la base "
    "d'une prestation de 5 jours minimum.",
    expense_cap=Cited(
        Decimal(36000),
        "plafonnées à 36 000 € HT tous frais compris pour la totalité du parcours "
        "d'accompagnement.",
    ),
    equity_cap="Le montant de la subvention ne peut pas excéder le montant des fonds propres de "
    "l'entreprise.",
    deadlines=(
        DeadlineRule(
            label="Dernier jour de dépenses prises en compte",
            kind=DeadlineKind.EXPENSES,
            rule="les dépenses postérieures au 31/12/2022 ne sont pas prises en compte",
            on=date(2022, 12, 31),
            source="Les dépenses postérieures au 31/12/2022 ne sont pas prises en compte.",
        ),
    ),
    closes=Closing(
        date(2022, 12, 31),
        "Le parcours régional Industrie du Futur est mobilisable jusqu'au 31 décembre 2022.",
    ),
    incentive_effect="Régime cadre exempté SA.40453 PME / 6.2 Aides au conseil en faveur des PME "
    "(une aide exemptée doit être demandée avant le début des travaux : effet incitatif, "
    "règlement (UE) n°651/2014, article 6)",
    invoice_mentions=InvoiceMentions(
        paid_on=True,
        signed=False,
        stamped=False,
        source="Sont éligibles les dépenses de conseil externe acquittées par les entreprises",
    ),
    de_minimis="2023/2831",
    legal_references=(
        "Code Général des Collectivités Territoriales",
        (
            "Règlement n°1407/2013 du 18 décembre 2013 relatif à l'application des articles 107 et "
            "108 du traité sur le fonctionnement de l'Union européenne aux aides de minimis"
        ),
        "Règle de minimis n°2023/2831",
        "Régime cadre exempté SA.40453 PME / 6.2 Aides au conseil en faveur des PME",
        "Règlement d'intervention du Programme régional Industrie du futur",
    ),
)

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

RULES: Mapping[str, AidRules] = MappingProxyType(
    {
        rules.scheme_id: rules
        for rules in (
            PAYS_DE_LA_LOIRE_INVESTISSEMENT_NUMERIQUE,
            REGION_PARCOURS_INDUSTRIE_DU_FUTUR,
            CHEQUE_FRANCE_NUM,
        )
    }
)
