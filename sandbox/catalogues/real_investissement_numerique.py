"""Pays de la Loire Investissement Numérique, as its seed page gives it, with the page's
questions and answers (the expert's contact details are invented: see ``real.py``)."""

from __future__ import annotations

from sandbox.catalogues.records import (
    AssociationRule,
    Contact,
    Criteria,
    FaqItem,
    MicroRule,
    Scheme,
    Territory,
)
from sandbox.catalogues.territories import Phones

__all__ = ["INVESTISSEMENT_NUMERIQUE", "PAYS_DE_LA_LOIRE_NAF_EXCLUDED", "investissement_numerique"]

INVESTISSEMENT_NUMERIQUE = "investissement-numerique"

PAYS_DE_LA_LOIRE_NAF_EXCLUDED = (
    "01", "02", "03",          # agriculture, forestry, fishing (their own EU regimes)
    "64", "65", "66",          # financial and insurance activities
    "68",                      # real estate
    "84",                      # public administration
    "6910",                    # legal activities
    "8621", "8622", "8623",    # medical and dental practices
)  # fmt: skip
"""The seed says some NAF codes are ineligible without listing them; this is the sandbox's
realistic choice (sectors the Régions' economic-development schemes usually leave out)."""


def investissement_numerique(phones: Phones) -> Scheme:
    return Scheme(
        source="region",
        key=INVESTISSEMENT_NUMERIQUE,
        region_code="52",
        title="Pays de la Loire Investissement Numérique",
        summary="Subvention de 50 % des investissements numériques des petites entreprises "
        "ligériennes (ERP, CRM, site e-commerce…), plafonnée à 15 000 €.",
        description="Pays de la Loire Investissement Numérique soutient les projets de "
        "numérisation des entreprises de moins de 50 salariés et d'au plus 10 millions d'euros "
        "de chiffre d'affaires, exerçant une activité marchande majoritaire, pour leur "
        "établissement situé en Pays de la Loire (un établissement secondaire suffit). Le "
        "dossier est déposé avant l'engagement des dépenses, sur le Portail des Aides de la "
        "Région ; les aides sont attribuées au fil de l'eau, dans la limite des crédits "
        "disponibles.",
        financers=("Région Pays de la Loire",),
        kinds=("subvention",),
        themes=("numerique",),
        associations_welcome=True,
        territory=Territory("region", ("52",)),
        opens_on=None,
        closes_on=None,
        channel="MES_AIDES_EN_LIGNE",
        url="https://www.paysdelaloire.fr/les-aides/pays-de-la-loire-investissement-numerique",
        criteria=Criteria(
            staff_max=49,
            turnover_max=10_000_000,
            categories=("PME",),
            age_months_min=24,
            regions=("52",),
            naf_exclude=PAYS_DE_LA_LOIRE_NAF_EXCLUDED,
            associations=AssociationRule(
                market_income_share_min=0.5, ei_ea_agreement=False, exclusive=True
            ),
            not_in_difficulty=True,
            tax_social_compliance=True,
            micro_enterprise=MicroRule(turnover_min=20_000, certified_accounts=True),
        ),
        expenses=(
            (
                "Coûts éligibles listés à l'annexe 1 du règlement d'intervention : investissements "
                "numériques (logiciels, ERP, CRM, site e-commerce…) et leur paramétrage"
            ),
            "Le matériel informatique (un ordinateur par exemple) n'est pas éligible",
            "Seuil minimal de 5 000 € HT de coûts éligibles, sans dérogation",
            (
                "Dépenses engagées après l'accusé de réception du dossier (un devis déjà signé "
                "rend le projet inéligible)"
            ),
            (
                "Plusieurs investissements prévus : un seul dossier pour l'ensemble ; plusieurs "
                "prestataires possibles pour un même projet"
            ),
        ),
        funding_rules=(
            "Taux d'aide de 50 % des coûts éligibles",
            (
                "Aide plafonnée à 15 000 € : coûts éligibles retenus dans la limite de 30 000 € HT "
                "(un projet de 50 000 € HT est aidé à 15 000 €, soit un taux réel de 30 %)"
            ),
            (
                "Subvention proratisée si la dépense finale est inférieure à la dépense prévue "
                "(15 000 € prévus sur 30 000 € HT, 20 000 € HT dépensés : 10 000 €)"
            ),
            (
                "Avance de 30 % de la subvention sur présentation d'un devis ou bon de commande "
                "signé, daté et tamponné par une autorité compétente de la structure"
            ),
            (
                "Solde sur état récapitulatif des factures, attestation de fin d'engagement des "
                "dépenses et factures acquittées"
            ),
            (
                "Toute aide inférieure ou égale à 4 000 € est versée en une seule fois, avec les "
                "justificatifs du solde"
            ),
            (
                "Réalisation du projet entre la date de début des dépenses et deux ans après "
                "l'arrêté d'attribution ; six mois ensuite pour transmettre les justificatifs"
            ),
            (
                "Une entreprise n'ayant pas atteint 15 000 € d'aide peut déposer un second dossier "
                "pour un nouveau projet ; une entreprise ayant atteint le plafond ne peut en "
                "bénéficier à nouveau qu'après 2 ans révolus à compter de l'accusé de réception"
            ),
        ),
        legal_references=(
            (
                "Règlement (UE) n°651/2014 de la Commission du 17 juin 2014 (annexe I : définition "
                "de la PME ; entreprise en difficulté)"
            ),
            (
                "Règlement (UE) n°1407/2013 de la Commission du 18 décembre 2013 relatif aux aides "
                "de minimis (200 000 € d'aides publiques sur 3 ans par entreprise)"
            ),
            "Règlement d'intervention Pays de la Loire Investissement Numérique",
        ),
        faq=_PAYS_DE_LA_LOIRE_FAQ,
        expert=Contact(
            "Gwenaëlle Le Bihan",
            "gwenaelle.le-bihan@paysdelaloire.example",
            phones.take("02 61 91"),
        ),
        de_minimis="1407/2013",
    )


_PAYS_DE_LA_LOIRE_FAQ = (
    FaqItem("Mon entreprise doit avoir deux ans d'existence. A partir de quand s'entendent les "
            "deux ans d'existence ?",
            "La date d'immatriculation de l'entreprise est la date de référence ; elle figure "
            "notamment sur le KBIS."),
    FaqItem("Que signifie « activité marchande majoritaire » ?",
            "Le dispositif est une aide économique, réservé aux structures dont plus de 50 % des "
            "produits proviennent d'une activité économique."),
    FaqItem("Je suis une association, puis-je déposer un dossier ?",
            "Oui, une association est éligible si elle répond aux critères du règlement et exerce "
            "une activité marchande majoritaire."),
    FaqItem("L'entreprise partenaire : mon entreprise est détenue à plus de 25 % par une autre "
            "entreprise, ou je détiens plus de 25 % d'une autre entreprise. Comment se calculent "
            "les seuils de 50 salariés et 10 millions d'euros de CA ?",
            "Selon la définition communautaire de la PME (annexe I du règlement (UE) n°651/2014) : "
            "pour une détention entre 25 et 50 %, on compte 100 % de votre entreprise et la part "
            "détenue de l'entreprise partenaire (30 % de ses effectifs et de son CA pour une "
            "détention de 30 %). En dessous de 25 %, l'entreprise est autonome."),
    FaqItem("L'entreprise liée : mon entreprise est détenue à plus de 50 % par une autre "
            "entreprise, ou je détiens plus de 50 % d'une autre entreprise. Comment se calculent "
            "les seuils ?",
            "Les entreprises sont alors liées : on compte 100 % de votre entreprise et 100 % de "
            "l'entreprise détenue ou détenant."),
    FaqItem("Mon siège social est hors Pays de la Loire mais mon investissement concerne mon "
            "établissement secondaire situé en Pays de la Loire. Puis-je bénéficier de l'aide ?",
            "Oui, si le projet concerne l'implantation en Pays de la Loire. Si le projet concerne "
            "aussi un établissement hors région, l'aide est proratisée selon la répartition du "
            "chiffre d'affaires et des salariés par établissement."),
    FaqItem("Mon code NAF est inéligible, puis-je tout de même bénéficier de l'aide ?",
            "Le règlement d'intervention ne prévoit pas de dérogation. Si votre code NAF ne "
            "reflète pas votre activité, faites-le modifier auprès de l'INSEE."),
    FaqItem("Que veut dire être à jour de ses obligations et ne pas être en difficulté au sens "
            "du règlement (UE) n°651/2014 ?",
            "Une société dont plus de la moitié du capital social souscrit a disparu en raison "
            "des pertes accumulées est en difficulté et ne peut pas bénéficier de la subvention ; "
            "la demande peut être réitérée après un exercice plus favorable."),
    FaqItem("Je suis en micro-entreprise, puis-je bénéficier de l'aide ?",
            "Oui, si vous fournissez les deux derniers comptes de résultat certifiés par un "
            "comptable et l'attestation fiscale, et si l'activité est exercée à temps plein : un "
            "minimum de 20 000 € de chiffre d'affaires sur l'année est demandé."),
    FaqItem("Quel est le taux d'aide ?",
            "50 % des coûts éligibles : 20 000 € HT de coûts éligibles donnent 10 000 €. L'aide "
            "étant plafonnée à 15 000 €, les coûts retenus sont limités à 30 000 € HT ; pour un "
            "projet à 50 000 € HT, le taux réel est de 30 %."),
    FaqItem("Y a-t-il un seuil minimal de dépenses ?",
            "Oui, 5 000 € HT de coûts éligibles."),
    FaqItem("Qu'est-ce qu'un coût éligible ?",
            "Une dépense retenue dans le cadre de l'aide (annexe 1 du règlement d'intervention) : "
            "pour un ERP couplé à l'achat d'un ordinateur, seules les dépenses liées à l'ERP sont "
            "retenues."),
    FaqItem("Mon investissement n'atteint pas les 5 000 € HT minimum, puis-je obtenir une "
            "dérogation ?",
            "Non, il n'est pas prévu de dérogation."),
    FaqItem("Si je n'ai pas consommé le plafond de l'aide, puis-je refaire une demande ?",
            "Oui, pour un nouveau projet de numérisation et dans la limite du plafond restant : "
            "une entreprise aidée à hauteur de 10 000 € pour un ERP peut demander 5 000 € au plus "
            "pour un CRM ou un site e-commerce, mais pas une seconde aide pour l'ERP."),
    FaqItem("Une entreprise ayant atteint le plafond de 15 000 € ne peut en bénéficier à nouveau "
            "qu'après 2 ans révolus. Quelle date retenir ?",
            "La date de l'accusé de réception du dossier recevable, et non celle d'autorisation "
            "d'engagement des dépenses : un accusé daté du 15/03/2019 permet un nouveau dépôt à "
            "partir du 15/03/2021, pour un nouveau projet."),
    FaqItem("J'ai déjà signé mon devis. Puis-je bénéficier de l'aide ?",
            "Non : le dossier doit être déposé avant l'engagement des dépenses, la subvention "
            "étant incitative."),
    FaqItem("Existe-t-il une liste de prestataires agréés ?",
            "Non, chaque entreprise choisit librement son prestataire. L'annuaire des activateurs "
            "France Num (francenum.gouv.fr) peut aider."),
    FaqItem("J'ai deux projets numériques (un ERP et un site e-commerce). Dois-je déposer deux "
            "dossiers ?",
            "Non, un seul dossier pour l'ensemble des investissements prévus."),
    FaqItem("Jusqu'à quand puis-je déposer mon dossier ?",
            "Il n'y a pas de date limite : les aides sont attribuées au fil de l'eau, dans la "
            "limite des crédits disponibles."),
    FaqItem("Que dois-je remplir dans la partie « présentation de l'entreprise » ?",
            "Pas de formalisme imposé (un modèle est proposé) : historique, activités, marché, "
            "ressources humaines, recherche et développement le cas échéant, situation "
            "financière."),
    FaqItem("Que dois-je remplir dans la partie « rapport de réflexion » ?",
            "Contexte et existant, projet numérique, valeur ajoutée de l'investissement, risques "
            "identifiés et actions préventives, choix du prestataire, autres informations "
            "utiles."),
    FaqItem("Est-ce que je peux avoir plusieurs prestataires pour un même projet ?",
            "Oui, par exemple l'éditeur d'un logiciel et un autre prestataire pour son "
            "paramétrage."),
    FaqItem("Qu'est-ce que le règlement « de minimis » ?",
            "Un régime d'aide d'État qui impose de ne pas dépasser 200 000 € d'aides publiques sur "
            "3 ans par entreprise (30 000 € pour le de minimis agricole) ; les aides reçues les 3 "
            "dernières années sont à déclarer au dépôt du dossier."),
    FaqItem("Comment faire pour déposer un dossier ?",
            "Sur la page du dispositif du site de la Région : « déposer un dossier », « faire une "
            "demande », puis créer un compte sur le Portail des Aides et suivre la procédure."),
    FaqItem("J'ai déposé mon dossier. Quelle est la prochaine étape ?",
            "Un agent instruit la demande et demande des compléments si besoin. Un dossier "
            "complet et recevable reçoit un accusé de réception indiquant la date de début de "
            "prise en compte des dépenses, puis un arrêté d'attribution."),
    FaqItem("Combien de temps dure l'instruction ?",
            "Le délai varie avec le nombre de dossiers ; une première prise de contact intervient "
            "sous un mois."),
    FaqItem("De combien de temps je dispose pour effectuer le projet ?",
            "Du début des dépenses retenu jusqu'à deux ans après l'arrêté d'attribution "
            "(autorisé le 25/03/2021, arrêté du 16/04/2021 : réalisation jusqu'au 16/04/2023), "
            "puis six mois pour transmettre les justificatifs."),
    FaqItem("Après accord de la subvention, j'ai changé de prestataire. Y a-t-il une incidence ?",
            "Non si le projet reste le même ; il est préférable d'en informer la Région et de lui "
            "transmettre le nouveau devis."),
    FaqItem("A partir de quand puis-je faire ma demande de paiement ?",
            "Dès réception par mail de l'arrêté officiel d'attribution, qui détaille la "
            "procédure."),
    FaqItem("Comment dois-je faire ma demande de paiement ?",
            "Sur le Portail des Aides, « suivre mes demandes », puis le signe « € » de la "
            "demande."),
    FaqItem("Quelles sont les modalités de paiement de la subvention ?",
            "Une avance de 30 % sur devis ou bon de commande signé ; le solde sur état "
            "récapitulatif des factures, attestation de fin d'engagement des dépenses et "
            "factures. Toute aide inférieure ou égale à 4 000 € est versée en une seule fois."),
    FaqItem("Que signifie « autorité compétente » ?",
            "La personne habilitée à signer dans l'entreprise : gérant, responsable administratif "
            "et financier ou employé ayant délégation de signature."),
    FaqItem("Que signifie « acquitté » ?",
            "Que la facture a été payée par le bénéficiaire de l'aide."),
    FaqItem("Qu'est-ce que l'attestation de fin des dépenses ?",
            "Elle précise que les dépenses liées au projet présenté sont bien payées."),
    FaqItem("Quelles mentions sont attendues sur les factures présentées ?",
            "La date de paiement, le tampon de la structure bénéficiaire et la signature de la "
            "personne habilitée à constater la dépense."),
    FaqItem("A quel moment vais-je percevoir le versement ?",
            "Le délai varie avec l'activité ; chaque demande est contrôlée : compter au minimum "
            "un mois."),
    FaqItem("Je n'ai pas perçu la totalité de la subvention. Pourquoi ?",
            "Le taux d'aide étant de 50 %, la subvention est proratisée si la dépense prévue n'a "
            "pas été atteinte : 15 000 € prévus sur 30 000 € HT, 20 000 € HT dépensés, 10 000 € "
            "versés."),
)  # fmt: skip
