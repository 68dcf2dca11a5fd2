"""The funding rules of Pays de la Loire Investissement Numérique, each figure with the
sentence of the scheme's text that sets it."""

from __future__ import annotations

from decimal import Decimal

from resolvers.aid_rules import (
    Advance,
    AidRules,
    Category,
    Cited,
    CompanyCap,
    DeadlineKind,
    DeadlineRule,
    InvoiceMentions,
    Phase,
    Schedule,
    SinglePayment,
)

__all__ = ["PAYS_DE_LA_LOIRE_INVESTISSEMENT_NUMERIQUE"]


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
