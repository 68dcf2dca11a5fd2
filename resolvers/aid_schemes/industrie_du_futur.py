"""The funding rules of Région Occitanie's Parcours régional Industrie du futur, each figure
with the sentence of the scheme's text that sets it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from resolvers.aid_rules import (
    Advance,
    AidRules,
    Category,
    Cited,
    Closing,
    DayRules,
    DeadlineKind,
    DeadlineRule,
    InvoiceMentions,
    Phase,
    Schedule,
    SinglePayment,
)

__all__ = ["REGION_PARCOURS_INDUSTRIE_DU_FUTUR"]


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
