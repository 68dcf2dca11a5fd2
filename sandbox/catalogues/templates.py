"""The tables the generated schemes are drawn from: one template per kind of scheme, each
published once or once per territory (region, department, campaign year).

Titles follow the partners' real programme names; amounts, rates and dates are drawn per
scheme in ``schemes.py``. Criteria are realistic profiles, from none at all to strict.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

from sandbox.catalogues.records import AssociationRule, Channel, Criteria, Kind, MicroRule

__all__ = [
    "ATELIER_THEMES",
    "BPIFRANCE",
    "BPIFRANCE_REGIONAL",
    "FRANCENUM",
    "FRANCENUM_REGIONAL",
    "OCCITANIE",
    "PAYS_DE_LA_LOIRE",
    "Spread",
    "Template",
    "Timing",
]

Timing = Literal["rolling", "open", "closed", "upcoming", "campaign"]
Spread = Literal["once", "regions", "departments", "years", "themes"]


@dataclass(frozen=True, slots=True)
class Template:
    key: str
    """Slug; ``{place}`` / ``{year}`` are filled per variant."""
    title: str
    kinds: tuple[Kind, ...]
    themes: tuple[str, ...]
    summary: str
    criteria: Criteria
    channel: Channel = "MES_AIDES_EN_LIGNE"
    minimis: str | None = "2023/2831"
    timing: Timing = "rolling"
    spread: Spread = "once"
    places: tuple[str, ...] = ()
    """Region or department codes, or themes, when spread over them."""
    financers: tuple[str, ...] = ()
    """Partners beside the publisher."""
    expenses: tuple[str, ...] = ()
    no_expert: bool = False
    period: tuple[date, date] | None = None
    """Fixed opening and closing dates (historical programmes)."""


_HEALTHY = Criteria(not_in_difficulty=True, tax_social_compliance=True)
NONE = Criteria()
TPE = replace(_HEALTHY, staff_max=9, turnover_max=2_000_000, categories=("PME",))
SMALL = replace(_HEALTHY, staff_max=49, turnover_max=10_000_000, categories=("PME",))
SME = replace(_HEALTHY, staff_max=249, categories=("PME",))
SME_MIDCAP = replace(_HEALTHY, staff_max=4999, categories=("PME", "ETI"))
MIDCAP = replace(_HEALTHY, staff_min=250, staff_max=4999, categories=("ETI",))

ASSOCIATIONS = AssociationRule(market_income_share_min=0.5, ei_ea_agreement=False)
ASSOCIATIONS_EI_EA = AssociationRule(market_income_share_min=0.5, ei_ea_agreement=True)
MICRO = MicroRule(turnover_min=15_000, certified_accounts=False)

INDUSTRY = tuple(str(division) for division in range(10, 34))
USUAL_EXCLUSIONS = ("01", "02", "03", "64", "65", "66", "68", "84")
TOURISM = ("55", "56", "7911", "7912", "7990", "9321", "9329")
LOCAL_SHOPS = ("1071", "47", "56", "9523", "9602")
AGRIFOOD = ("10", "11")
COMPANIES = ("5",)  # sociétés commerciales (catégories juridiques 5xxx)
COMPANIES_AND_SOLE_TRADERS = ("1", "5")

_OCCITANIE_DEPARTMENTS = ("11", "12", "30", "31", "34", "65", "66", "81")
_PDL_DEPARTMENTS = ("44", "49", "53", "72", "85")
_METROPOLITAN = ("11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84", "93", "94")


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
             replace(_HEALTHY, staff_max=49, legal_forms=COMPANIES_AND_SOLE_TRADERS),
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
             replace(_HEALTHY, legal_forms=COMPANIES_AND_SOLE_TRADERS),
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
             "cofinancés.", replace(_HEALTHY, staff_max=499), channel="PRESTATAIRE",
             financers=("ADEME",)),
    Template("diag-eco-flux", "Diag Eco-Flux", ("accompagnement",),
             ("transition_ecologique",),
             "Accompagnement de 12 mois pour réduire les pertes d'énergie, d'eau, de matières "
             "et de déchets.", replace(_HEALTHY, staff_min=20, staff_max=249),
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
             spread="regions", places=_METROPOLITAN),
    Template("accelerateur-pme-{place}", "Accélérateur PME {place}", ("accompagnement",),
             ("developpement",),
             "Programme régional de 18 mois de conseil, formation et mise en réseau pour les "
             "dirigeants de PME en croissance.",
             replace(_HEALTHY, staff_min=10, staff_max=249, categories=("PME",)),
             channel="TELECHARGEMENT", minimis=None, spread="regions",
             places=("11", "32", "44", "53", "75", "76", "84", "93")),
    Template("fonds-regional-innovation-{place}", "Fonds régional d'innovation {place}",
             ("avance_remboursable", "subvention"), ("innovation",),
             "Aides à l'innovation cofinancées par la Région et Bpifrance : faisabilité, "
             "développement, industrialisation.", SME, minimis=None, spread="regions",
             places=("24", "27", "28", "52", "53", "75", "76", "84")),
)  # fmt: skip

ATELIER_THEMES = ("Créer son site internet", "Vendre en ligne", "Réseaux sociaux",
                  "Cybersécurité", "Intelligence artificielle", "Données et RGPD",
                  "Référencement local", "Paiement en ligne")  # fmt: skip
"""Atelier France Num variants (its ``{place}`` is the theme)."""

FRANCENUM: tuple[Template, ...] = (
    Template("atelier-france-num-{place}", "Atelier France Num – {place}",
             ("accompagnement",), ("numerique",),
             "Atelier collectif gratuit animé par un activateur France Num.", NONE,
             channel="PRESTATAIRE", minimis=None, spread="themes", places=ATELIER_THEMES),
    Template("diagnostic-numerique-cma", "Diagnostic numérique CMA", ("accompagnement",),
             ("numerique", "commerce"),
             "Diagnostic de la maturité numérique des entreprises artisanales par un conseiller "
             "de la chambre de métiers.", replace(NONE, staff_max=10),
             channel="PRESTATAIRE", minimis=None),
    Template("ia-booster", "IA Booster France 2030", ("accompagnement",),
             ("numerique", "innovation"),
             "Parcours de sensibilisation, diagnostic et accompagnement à l'intelligence "
             "artificielle pour les PME et ETI.", SME_MIDCAP, channel="PRESTATAIRE",
             financers=("Bpifrance", "État (France 2030)")),
    Template("pret-france-num", "Prêt France Num", ("pret",), ("numerique",),
             "Prêt bancaire garanti pour financer les projets de transformation numérique des "
             "TPE et PME.", replace(SMALL, age_months_min=12), minimis=None,
             financers=("Fonds européen d'investissement",),
             period=(date(2021, 6, 1), date(2022, 12, 31))),
    Template("parcours-cybersecurite", "Parcours cybersécurité des TPE-PME",
             ("accompagnement",), ("numerique",),
             "Diagnostic et plan de sécurisation des systèmes d'information des petites "
             "entreprises.", replace(NONE, staff_max=249), channel="PRESTATAIRE",
             financers=("Cybermalveillance.gouv.fr",)),
    Template("essentiels-du-numerique", "Formation « Les essentiels du numérique »",
             ("accompagnement",), ("numerique", "formation"),
             "Formation courte des dirigeants et salariés aux outils numériques du quotidien.",
             NONE, channel="PRESTATAIRE", minimis=None, financers=("OPCO",), no_expert=True),
    Template("subvention-vente-en-ligne", "Aide à la vente en ligne des commerces",
             ("subvention",), ("numerique", "commerce"),
             "Prise en charge d'une partie des frais de création d'une boutique en ligne ou "
             "d'adhésion à une place de marché locale.",
             replace(TPE, naf_include=LOCAL_SHOPS), minimis="1407/2013",
             period=(date(2020, 11, 15), date(2021, 6, 30))),
)  # fmt: skip

FRANCENUM_REGIONAL: tuple[Template, ...] = (
    Template("diagnostic-numerique-cci-{place}", "Diagnostic numérique CCI {place}",
             ("accompagnement",), ("numerique",),
             "Diagnostic gratuit de la maturité numérique de l'entreprise par un conseiller de "
             "la CCI, suivi d'un plan d'action.", replace(NONE, staff_max=49),
             channel="PRESTATAIRE", minimis=None, spread="regions", places=_METROPOLITAN),
    Template("cheque-numerique-{place}", "Chèque numérique {place}", ("aide_forfaitaire",),
             ("numerique",),
             "Aide forfaitaire régionale pour l'achat de solutions numériques par les petites "
             "entreprises.", replace(TPE, micro_enterprise=MICRO), spread="regions",
             places=("28", "32", "75", "93")),
)  # fmt: skip
