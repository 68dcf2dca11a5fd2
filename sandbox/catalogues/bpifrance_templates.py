"""Bpifrance's schemes, national and regional (with the Régions), drawn by ``schemes.py``
(``templates.py`` says what a template is)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sandbox.catalogues.templates import (
    COMPANIES,
    COMPANIES_AND_SOLE_TRADERS,
    HEALTHY,
    INDUSTRY,
    METROPOLITAN,
    MIDCAP,
    NONE,
    SMALL,
    SME,
    SME_MIDCAP,
    TOURISM,
    TPE,
    USUAL_EXCLUSIONS,
    Template,
)

__all__ = ["BPIFRANCE", "BPIFRANCE_REGIONAL"]

BPIFRANCE: tuple[Template, ...] = (
    Template("pret-innovation", "Prêt Innovation", ("pret",), ("innovation",),
             "Prêt sans garantie pour financer le lancement industriel et commercial d'une "
             "innovation.", replace(SME, age_months_min=12), minimis=None),
    Template("pret-amorcage", "Prêt d'amorçage", ("pret",), ("innovation", "creation"),
             "Prêt pour renforcer la trésorerie des start-up innovantes de moins de 5 ans en "
             "vue d'une levée de fonds.", replace(SMALL, legal_forms=COMPANIES)),
    Template("pret-croissance-tpe", "Prêt Croissance TPE", ("pret",),
             ("numerique", "developpement"),
             "Prêt pour financer les investissements immatériels et le besoin en fonds de "
             "roulement des TPE en croissance.", replace(SMALL, age_months_min=36),
             minimis=None),
    Template("pret-developpement", "Prêt de développement", ("pret",), ("developpement",),
             "Prêt long terme pour financer les investissements immatériels, corporels à faible "
             "valeur de gage et le BFR.", replace(SME_MIDCAP, age_months_min=36), minimis=None),
    Template("pret-croissance-industrie", "Prêt Croissance Industrie", ("pret",),
             ("industrie",),
             "Prêt pour financer les programmes d'investissement des PME et ETI industrielles.",
             replace(SME_MIDCAP, naf_include=INDUSTRY, age_months_min=36), minimis=None),
    Template("pret-export", "Prêt Export", ("pret",), ("export",),
             "Prêt pour financer le développement international : implantation, prospection, "
             "recrutements.", replace(SME_MIDCAP, age_months_min=36), minimis=None),
    Template("pret-vert", "Prêt Vert", ("pret",), ("transition_ecologique",),
             "Prêt bonifié pour financer les investissements de transition écologique et "
             "énergétique.", replace(SME_MIDCAP, age_months_min=36), minimis=None,
             financers=("ADEME",)),
    Template("pret-tourisme", "Prêt Tourisme", ("pret",), ("tourisme",),
             "Prêt sans garantie pour la modernisation des entreprises du tourisme.",
             replace(SME, naf_include=TOURISM), minimis=None,
             financers=("Banque des Territoires",)),
    Template("pret-transmission", "Prêt Transmission", ("pret",), ("transmission",),
             "Prêt pour financer l'acquisition d'une PME par un repreneur personne physique ou "
             "une holding.", replace(SME, legal_forms=COMPANIES), minimis=None),
    Template("pret-creation", "Prêt Création", ("pret",), ("creation",),
             "Prêt sans garantie associé à un crédit bancaire pour les entreprises de moins de "
             "3 ans.", replace(TPE, legal_forms=COMPANIES_AND_SOLE_TRADERS), timing="closed",
             minimis="1407/2013"),
    Template("pret-atout", "Prêt Atout", ("pret",), ("developpement",),
             "Prêt de trésorerie pour les PME et ETI confrontées à une difficulté "
             "conjoncturelle.", replace(SME_MIDCAP, age_months_min=12), minimis=None,
             period=(date(2020, 4, 1), date(2022, 6, 30))),
    Template("pret-garanti-par-l-etat", "Prêt Garanti par l'État", ("garantie",),
             ("developpement",),
             "Garantie de l'État sur les prêts de trésorerie accordés par les banques pendant la "
             "crise sanitaire.", NONE, channel="PRESTATAIRE", minimis=None,
             financers=("État",), no_expert=True, period=(date(2020, 3, 25), date(2023, 12, 31))),
    Template("pret-participatif-relance", "Prêt participatif Relance", ("pret",),
             ("developpement",),
             "Quasi-fonds propres pour les PME et ETI qui investissent dans leur relance.",
             replace(SME_MIDCAP, age_months_min=36), minimis=None, financers=("État",),
             period=(date(2021, 6, 1), date(2023, 12, 31))),
    Template("garantie-creation", "Garantie Bpifrance – Création", ("garantie",),
             ("creation",),
             "Garantie des prêts bancaires finançant la création d'entreprise.",
             replace(SME, legal_forms=COMPANIES_AND_SOLE_TRADERS), channel="PRESTATAIRE",
             minimis=None),
    Template("garantie-transmission", "Garantie Bpifrance – Transmission", ("garantie",),
             ("transmission",),
             "Garantie des prêts bancaires finançant la reprise d'une PME.", SME,
             channel="PRESTATAIRE", minimis=None),
    Template("garantie-developpement", "Garantie Bpifrance – Développement", ("garantie",),
             ("developpement",),
             "Garantie des financements bancaires des programmes d'investissement et de "
             "développement.", replace(SME, age_months_min=36), channel="PRESTATAIRE",
             minimis=None),
    Template("garantie-renforcement-tresorerie", "Garantie Bpifrance – Renforcement de la "
             "trésorerie", ("garantie",), ("developpement",),
             "Garantie des crédits de consolidation à moyen terme de la trésorerie.",
             replace(SME, age_months_min=36), channel="PRESTATAIRE", minimis=None),
    Template("garantie-projets-international", "Garantie des projets à l'international",
             ("garantie",), ("export",),
             "Garantie des investissements des PME dans leurs filiales à l'étranger.",
             replace(SME, age_months_min=36), channel="PRESTATAIRE", minimis=None),
    Template("avance-remboursable-innovation", "Avance remboursable Innovation",
             ("avance_remboursable",), ("innovation",),
             "Avance à taux zéro pour le développement d'un produit, procédé ou service "
             "innovant, remboursable en cas de succès.", SME, minimis=None),
    Template("aide-faisabilite-innovation", "Aide pour la faisabilité de l'innovation",
             ("subvention",), ("innovation",),
             "Subvention des études de faisabilité technique et économique d'un projet "
             "innovant.", SME, minimis=None),
    Template("aide-developpement-innovation", "Aide pour le développement de l'innovation",
             ("avance_remboursable", "subvention"), ("innovation",),
             "Financement du développement et de la mise au point d'une innovation jusqu'au "
             "prototype.", replace(SME, naf_exclude=USUAL_EXCLUSIONS), minimis=None),
    Template("bourse-french-tech", "Bourse French Tech", ("subvention",),
             ("innovation", "creation"),
             "Subvention des dépenses de maturation des start-up de moins d'un an à fort "
             "potentiel.", replace(SMALL, legal_forms=COMPANIES), minimis=None),
    Template("bourse-french-tech-emergence", "Bourse French Tech Émergence", ("subvention",),
             ("innovation", "creation"),
             "Subvention des projets de création d'entreprises deeptech issus de la recherche.",
             replace(SMALL, legal_forms=COMPANIES), minimis=None),
    Template("french-tech-tremplin", "French Tech Tremplin", ("subvention", "accompagnement"),
             ("creation", "ess"),
             "Programme de bourse et d'accompagnement pour les fondateurs issus de la diversité.",
             NONE, timing="upcoming"),
    Template("accelerateur-eti", "Accélérateur ETI", ("accompagnement",), ("developpement",),
             "Programme de 24 mois de conseil, formation et mise en réseau pour les dirigeants "
             "d'ETI.", MIDCAP, channel="TELECHARGEMENT", minimis=None),
    Template("diag-data-ia", "Diag Data IA", ("accompagnement",), ("numerique", "innovation"),
             "Diagnostic cofinancé pour identifier les cas d'usage de la donnée et de "
             "l'intelligence artificielle.", SME_MIDCAP, channel="PRESTATAIRE"),
    Template("diag-decarbon-action", "Diag Décarbon'Action", ("accompagnement",),
             ("transition_ecologique",),
             "Bilan carbone et plan d'action de décarbonation réalisés par un expert, "
             "cofinancés.", replace(HEALTHY, staff_max=499), channel="PRESTATAIRE",
             financers=("ADEME",)),
    Template("diag-eco-flux", "Diag Eco-Flux", ("accompagnement",),
             ("transition_ecologique",),
             "Accompagnement de 12 mois pour réduire les pertes d'énergie, d'eau, de matières "
             "et de déchets.", replace(HEALTHY, staff_min=20, staff_max=249),
             channel="PRESTATAIRE", financers=("ADEME",)),
    Template("diag-croissance", "Diag Croissance", ("accompagnement",), ("developpement",),
             "Diagnostic stratégique de 5 à 10 jours pour structurer un projet de croissance.",
             SME, channel="PRESTATAIRE"),
    Template("assurance-prospection", "Assurance prospection", ("garantie",), ("export",),
             "Assurance des dépenses de prospection à l'international, avec avance de "
             "trésorerie.", replace(NONE, turnover_max=500_000_000, age_months_min=12),
             minimis=None),
    Template("assurance-prospection-accompagnee", "Assurance prospection Accompagnée",
             ("garantie", "accompagnement"), ("export",),
             "Assurance prospection et accompagnement par Team France Export pour les primo-"
             "exportateurs.", replace(SMALL, turnover_max=50_000_000), minimis=None,
             financers=("Team France Export",)),
    Template("concours-i-nov-vague-{year}", "Concours d'innovation i-Nov – vague {year}",
             ("subvention", "avance_remboursable"), ("innovation",),
             "Concours cofinançant des projets d'innovation à fort potentiel pour l'économie "
             "française, dans le cadre de France 2030.", replace(SME, legal_forms=COMPANIES),
             minimis=None, timing="campaign", spread="years", financers=("État (France 2030)",)),
)  # fmt: skip

BPIFRANCE_REGIONAL: tuple[Template, ...] = (
    Template("pret-rebond-{place}", "Prêt Rebond {place}", ("pret",), ("developpement",),
             "Prêt à taux zéro, sans garantie, pour renforcer la trésorerie des PME de la "
             "région, avec le soutien du conseil régional.",
             replace(SME, age_months_min=12, naf_exclude=USUAL_EXCLUSIONS),
             spread="regions", places=METROPOLITAN),
    Template("accelerateur-pme-{place}", "Accélérateur PME {place}", ("accompagnement",),
             ("developpement",),
             "Programme régional de 18 mois de conseil, formation et mise en réseau pour les "
             "dirigeants de PME en croissance.",
             replace(HEALTHY, staff_min=10, staff_max=249, categories=("PME",)),
             channel="TELECHARGEMENT", minimis=None, spread="regions",
             places=("11", "32", "44", "53", "75", "76", "84", "93")),
    Template("fonds-regional-innovation-{place}", "Fonds régional d'innovation {place}",
             ("avance_remboursable", "subvention"), ("innovation",),
             "Aides à l'innovation cofinancées par la Région et Bpifrance : faisabilité, "
             "développement, industrialisation.", SME, minimis=None, spread="regions",
             places=("24", "27", "28", "52", "53", "75", "76", "84")),
)  # fmt: skip
