"""The Régions' own schemes, drawn by ``schemes.py``: Occitanie's and Pays de la Loire's
(``templates.py`` says what a template is)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sandbox.catalogues.templates import (
    AGRIFOOD,
    ASSOCIATIONS,
    ASSOCIATIONS_EI_EA,
    COMPANIES,
    COMPANIES_AND_SOLE_TRADERS,
    HEALTHY,
    INDUSTRY,
    LOCAL_SHOPS,
    MICRO,
    NONE,
    SMALL,
    SME,
    SME_MIDCAP,
    TOURISM,
    TPE,
    USUAL_EXCLUSIONS,
    Template,
)

__all__ = ["OCCITANIE", "PAYS_DE_LA_LOIRE"]

_OCCITANIE_DEPARTMENTS = ("11", "12", "30", "31", "34", "65", "66", "81")
_PDL_DEPARTMENTS = ("44", "49", "53", "72", "85")


OCCITANIE: tuple[Template, ...] = (
    Template("pass-occitanie", "Pass Occitanie", ("subvention",), ("developpement",),
             "Aide simplifiée aux premiers projets de développement des TPE et PME : "
             "investissements matériels, conseil, recrutement d'un premier cadre.",
             replace(SMALL, age_months_min=12, naf_exclude=USUAL_EXCLUSIONS,
                     associations=ASSOCIATIONS), channel="DEL",
             expenses=("Investissements matériels et immatériels", "Prestations de conseil",
                       "Recrutement d'un premier cadre (salaire chargé de la première année)")),
    Template("contrat-croissance", "Contrat Croissance", ("avance_remboursable", "subvention"),
             ("developpement", "industrie"),
             "Financement des programmes de développement d'envergure des PME : "
             "investissements productifs, immatériels et recrutements.",
             replace(SME, age_months_min=36, naf_exclude=USUAL_EXCLUSIONS), channel="DEL",
             financers=("AD'OCC",),
             expenses=("Investissements productifs", "Investissements immatériels",
                       "Recrutements liés au programme")),
    Template("contrat-entreprendre-occitanie", "Contrat Entreprendre Occitanie",
             ("subvention", "avance_remboursable"), ("creation",),
             "Soutien aux créateurs et repreneurs d'entreprise dans leurs premiers "
             "investissements, en complément d'un prêt d'honneur.",
             replace(HEALTHY, staff_max=49, legal_forms=COMPANIES_AND_SOLE_TRADERS),
             channel="DEL", minimis="2023/2831"),
    Template("pass-export", "Pass Export", ("subvention",), ("export",),
             "Aide aux premières démarches à l'international : prospection, salons, "
             "adaptation de l'offre et des supports.",
             replace(SME, age_months_min=12), channel="DEL", financers=("AD'OCC",),
             expenses=("Participation à des salons à l'étranger", "Missions de prospection",
                       "Traduction et adaptation des supports")),
    Template("contrat-export", "Contrat Export", ("avance_remboursable",), ("export",),
             "Financement d'un programme export structuré sur deux à trois ans, dont le "
             "recrutement d'un responsable export.",
             replace(SME_MIDCAP, age_months_min=36), channel="DEL", minimis=None,
             financers=("AD'OCC",)),
    Template("pass-innovation", "Pass Innovation", ("subvention",), ("innovation",),
             "Financement des études de faisabilité et de la protection intellectuelle d'un "
             "projet d'innovation.",
             replace(SME, naf_exclude=USUAL_EXCLUSIONS), channel="DEL"),
    Template("contrat-innovation", "Contrat Innovation", ("avance_remboursable",),
             ("innovation",),
             "Avance remboursable pour le développement et l'industrialisation de produits, "
             "procédés ou services innovants.",
             replace(SME_MIDCAP, age_months_min=12), channel="DEL", minimis=None,
             financers=("Bpifrance",)),
    Template("contrat-transmission-reprise", "Contrat Transmission-Reprise", ("pret",),
             ("transmission",),
             "Prêt à taux zéro au repreneur d'une entreprise régionale, en complément d'un prêt "
             "bancaire.", replace(SME, legal_forms=COMPANIES), channel="DEL"),
    Template("pass-tourisme", "Pass Tourisme", ("subvention",), ("tourisme",),
             "Aide à la modernisation et à la montée en gamme des hébergements et sites "
             "touristiques.", replace(SMALL, naf_include=TOURISM), channel="DEL"),
    Template("contrat-tourisme", "Contrat Tourisme", ("subvention", "avance_remboursable"),
             ("tourisme",),
             "Accompagnement des projets structurants d'hébergement touristique et de loisirs.",
             replace(SME, naf_include=TOURISM, age_months_min=24), channel="DEL"),
    Template("pass-agro-viti", "Pass Agro-viti", ("subvention",), ("agriculture", "industrie"),
             "Aide aux investissements des entreprises agroalimentaires et viticoles de "
             "transformation.", replace(SME, naf_include=AGRIFOOD), channel="DEL"),
    Template("pret-rebond-occitanie", "Prêt Rebond Occitanie", ("pret",), ("developpement",),
             "Prêt à taux zéro, sans garantie, pour renforcer la trésorerie des PME qui "
             "traversent une difficulté conjoncturelle.",
             replace(SME, age_months_min=12, naf_exclude=USUAL_EXCLUSIONS), channel="DEL",
             financers=("Bpifrance",)),
    Template("fonds-occal", "Fonds L'Occal", ("subvention", "avance_remboursable"),
             ("commerce", "tourisme"),
             "Fonds de relance des commerces de proximité, de l'artisanat et du tourisme, "
             "abondé par la Région, les départements et les intercommunalités.",
             replace(TPE, naf_include=(*LOCAL_SHOPS, *TOURISM)), channel="DEL",
             minimis="1407/2013", financers=("Banque des Territoires",),
             period=(date(2020, 5, 1), date(2022, 6, 30))),
    Template("pass-ressources-humaines", "Pass Ressources humaines", ("subvention",),
             ("emploi",),
             "Prise en charge d'une prestation de conseil en organisation et gestion des "
             "ressources humaines.", SME, channel="DEL"),
    Template("contrat-emploi-formation", "Contrat Emploi-Formation", ("subvention",),
             ("formation", "emploi"),
             "Aide à la formation des salariés recrutés dans le cadre d'un projet de "
             "développement ou d'implantation.", SME_MIDCAP, minimis=None),
    Template("garantie-occitanie", "Garantie Occitanie", ("garantie",), ("developpement",),
             "Garantie régionale des prêts bancaires finançant la création, le développement "
             "ou la transmission des PME.", SME, channel="PRESTATAIRE", minimis=None,
             financers=("Bpifrance",)),
    Template("pass-ess-occitanie", "Pass ESS Occitanie", ("subvention",), ("ess",),
             "Soutien aux projets de consolidation et de développement des structures de "
             "l'économie sociale et solidaire.",
             replace(SME, associations=ASSOCIATIONS_EI_EA, legal_forms=("5", "92")),
             channel="MES_AIDES_EN_LIGNE"),
    Template("contrat-transition-energetique", "Contrat Transition énergétique",
             ("subvention",), ("transition_ecologique", "industrie"),
             "Aide aux investissements de réduction des consommations d'énergie et de "
             "décarbonation des procédés industriels.",
             replace(SME_MIDCAP, naf_include=INDUSTRY), minimis=None, financers=("ADEME",)),
    Template("pass-numerique-occitanie", "Pass Numérique Occitanie", ("subvention",),
             ("numerique",),
             "Aide aux projets de transformation numérique des TPE et PME : logiciels de "
             "gestion, outils collaboratifs, cybersécurité.",
             replace(SMALL, micro_enterprise=MICRO), channel="DEL", timing="upcoming"),
    Template("accompagnement-export-adocc", "Accompagnement export AD'OCC",
             ("accompagnement",), ("export",),
             "Conseil individuel et missions collectives à l'international animés par l'agence "
             "régionale de développement économique.", NONE, channel="PRESTATAIRE",
             minimis=None, financers=("AD'OCC",)),
    Template("contrat-agro-viti", "Contrat Agro-viti", ("avance_remboursable",),
             ("agriculture", "industrie"),
             "Avance remboursable pour les programmes d'investissement importants des "
             "industries agroalimentaires.",
             replace(SME_MIDCAP, naf_include=AGRIFOOD, age_months_min=36), channel="DEL"),
    Template("pass-commerce-proximite", "Pass Commerce de proximité", ("subvention",),
             ("commerce",),
             "Aide à la modernisation des commerces et de l'artisanat de proximité dans les "
             "communes de moins de 10 000 habitants.",
             replace(TPE, naf_include=LOCAL_SHOPS, legal_forms=COMPANIES_AND_SOLE_TRADERS,
                     micro_enterprise=MICRO)),
    Template("appel-a-projets-hydrogene-vert", "Appel à projets Hydrogène vert Occitanie",
             ("subvention",), ("innovation", "transition_ecologique"),
             "Soutien aux projets de production et d'usage d'hydrogène renouvelable.",
             SME_MIDCAP, minimis=None, timing="closed", financers=("ADEME",)),
    Template("readynov-{year}", "Appel à projets Readynov {year}", ("subvention",),
             ("innovation",),
             "Appel à projets de R&D collaborative entre entreprises et laboratoires sur les "
             "filières stratégiques régionales.", replace(SME_MIDCAP, age_months_min=12),
             minimis=None, timing="campaign", spread="years",
             financers=("Union européenne (FEDER)",)),
    Template("immobilier-entreprise-{place}", "Aide à l'immobilier d'entreprise – {place}",
             ("subvention",), ("developpement",),
             "Aide à la construction ou à l'extension de bâtiments d'activité, en complément de "
             "l'intercommunalité.", replace(SME, naf_exclude=USUAL_EXCLUSIONS), channel="DEL",
             spread="departments", places=_OCCITANIE_DEPARTMENTS),
)  # fmt: skip

PAYS_DE_LA_LOIRE: tuple[Template, ...] = (
    Template("pays-de-la-loire-conseil", "Pays de la Loire Conseil", ("subvention",),
             ("developpement",),
             "Prise en charge de missions de conseil stratégique réalisées par un consultant "
             "externe.", replace(SME, age_months_min=12, naf_exclude=USUAL_EXCLUSIONS)),
    Template("pays-de-la-loire-export", "Pays de la Loire Export", ("subvention",),
             ("export",),
             "Soutien aux actions de prospection internationale des PME ligériennes.",
             replace(SME, age_months_min=12)),
    Template("pays-de-la-loire-croissance", "Pays de la Loire Croissance",
             ("avance_remboursable",), ("developpement",),
             "Avance remboursable pour les programmes de croissance des PME : investissements, "
             "recrutements, conquête de marchés.",
             replace(SME, age_months_min=36, naf_exclude=USUAL_EXCLUSIONS), minimis=None),
    Template("pays-de-la-loire-redeploiement", "Pays de la Loire Redéploiement", ("pret",),
             ("developpement",),
             "Prêt pour accompagner les entreprises en mutation dans leur plan de "
             "redéploiement.", replace(SME_MIDCAP, age_months_min=36)),
    Template("pays-de-la-loire-garantie", "Pays de la Loire Garantie", ("garantie",),
             ("creation", "developpement", "transmission"),
             "Garantie régionale des prêts bancaires des TPE et PME, en complément de celle de "
             "Bpifrance.", SME, channel="PRESTATAIRE", minimis=None,
             financers=("Bpifrance",)),
    Template("pays-de-la-loire-pret-rebond", "Pays de la Loire Prêt Rebond", ("pret",),
             ("developpement",),
             "Prêt à taux zéro pour renforcer la trésorerie des entreprises fragilisées par un "
             "contexte économique difficile.", replace(SME, age_months_min=12),
             channel="PRESTATAIRE", financers=("Bpifrance",)),
    Template("pays-de-la-loire-transmission-reprise", "Pays de la Loire Transmission-Reprise",
             ("pret",), ("transmission",),
             "Prêt d'honneur au repreneur, en renforcement de ses fonds propres.",
             replace(SMALL, legal_forms=COMPANIES), channel="TELECHARGEMENT"),
    Template("pays-de-la-loire-tourisme", "Pays de la Loire Tourisme", ("subvention",),
             ("tourisme",),
             "Aide aux investissements de montée en qualité des hébergements touristiques.",
             replace(SMALL, naf_include=TOURISM)),
    Template("pays-de-la-loire-innovation", "Pays de la Loire Innovation",
             ("avance_remboursable", "subvention"), ("innovation",),
             "Financement des projets de développement de produits ou services innovants, avec "
             "Bpifrance.", replace(SME_MIDCAP, naf_exclude=USUAL_EXCLUSIONS), minimis=None,
             financers=("Bpifrance",)),
    Template("pays-de-la-loire-industrie-du-futur", "Pays de la Loire Industrie du futur",
             ("subvention",), ("industrie", "numerique"),
             "Aide aux investissements de modernisation de l'outil de production : robotique, "
             "automatisation, outils numériques.",
             replace(SME_MIDCAP, naf_include=INDUSTRY, age_months_min=24)),
    Template("pays-de-la-loire-ess", "Pays de la Loire ESS", ("subvention",), ("ess",),
             "Soutien au développement des entreprises de l'économie sociale et solidaire.",
             replace(SMALL, associations=ASSOCIATIONS_EI_EA)),
    Template("pays-de-la-loire-emploi-recrutement", "Pays de la Loire Emploi – Recrutement",
             ("subvention",), ("emploi",),
             "Aide forfaitaire au recrutement de profils stratégiques dans les PME.", SMALL),
    Template("pays-de-la-loire-transition-ecologique", "Pays de la Loire Transition "
             "écologique", ("subvention",), ("transition_ecologique",),
             "Aide aux investissements d'efficacité énergétique et d'économie circulaire.",
             replace(SME, naf_exclude=USUAL_EXCLUSIONS), financers=("ADEME",)),
    Template("pays-de-la-loire-commerce-rural", "Pays de la Loire Commerce rural",
             ("subvention",), ("commerce",),
             "Aide à la création et à la reprise de derniers commerces en milieu rural.",
             replace(TPE, naf_include=LOCAL_SHOPS, micro_enterprise=MICRO),
             channel="TELECHARGEMENT"),
    Template("pays-de-la-loire-agri-agro", "Pays de la Loire Agri-agro", ("subvention",),
             ("agriculture", "industrie"),
             "Aide aux investissements des entreprises de transformation agroalimentaire.",
             replace(SME, naf_include=AGRIFOOD), minimis=None),
    Template("pays-de-la-loire-competences", "Pays de la Loire Compétences",
             ("subvention",), ("formation",),
             "Cofinancement des plans de formation liés à un projet de développement.", SME,
             timing="upcoming"),
    Template("pays-de-la-loire-creation", "Pays de la Loire Création", ("pret",),
             ("creation",),
             "Prêt d'honneur régional aux créateurs, adossé à un prêt bancaire.",
             replace(HEALTHY, legal_forms=COMPANIES_AND_SOLE_TRADERS),
             channel="PRESTATAIRE"),
    Template("pays-de-la-loire-relance-tpe", "Pays de la Loire Relance TPE", ("subvention",),
             ("developpement", "commerce"),
             "Fonds territorial de relance des très petites entreprises après la crise "
             "sanitaire.", TPE, minimis="1407/2013",
             period=(date(2020, 6, 1), date(2021, 12, 31))),
    Template("innovation-collaborative-{year}", "Appel à projets Innovation collaborative "
             "{year}", ("subvention",), ("innovation",),
             "Appel à projets de R&D collaborative entre PME, ETI et laboratoires ligériens.",
             SME_MIDCAP, minimis=None, timing="campaign", spread="years"),
    Template("immobilier-productif-{place}", "Aide à l'immobilier productif – {place}",
             ("subvention",), ("developpement", "industrie"),
             "Aide aux projets immobiliers des entreprises industrielles, avec les "
             "intercommunalités.", replace(SME, naf_include=INDUSTRY),
             spread="departments", places=_PDL_DEPARTMENTS, channel="TELECHARGEMENT"),
)  # fmt: skip
