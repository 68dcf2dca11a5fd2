"""France Num's schemes (its ateliers, one per theme) and the regional digital schemes it
lists, drawn by ``schemes.py`` (``templates.py`` says what a template is)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sandbox.catalogues.templates import (
    LOCAL_SHOPS,
    METROPOLITAN,
    MICRO,
    NONE,
    SMALL,
    SME_MIDCAP,
    TPE,
    Template,
)

__all__ = ["ATELIER_THEMES", "FRANCENUM", "FRANCENUM_REGIONAL"]

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
             channel="PRESTATAIRE", minimis=None, spread="regions", places=METROPOLITAN),
    Template("cheque-numerique-{place}", "Chèque numérique {place}", ("aide_forfaitaire",),
             ("numerique",),
             "Aide forfaitaire régionale pour l'achat de solutions numériques par les petites "
             "entreprises.", replace(TPE, micro_enterprise=MICRO), spread="regions",
             places=("28", "32", "75", "93")),
)  # fmt: skip
