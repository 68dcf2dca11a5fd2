"""Each partner's item, rendered from the neutral records exactly as ``docs/catalogues.md``
writes it: the Région's Etalab vocabulary, Bpifrance's Aides-territoires one, France Num's
own."""

from __future__ import annotations

from datetime import date
from typing import Any

from sandbox.catalogues.records import Activator, Criteria, Scheme

__all__ = ["bpifrance_aid", "francenum_activateur", "francenum_dispositif", "region_dispositif"]

_BPIFRANCE_KINDS = {"subvention": "grant", "pret": "loan", "garantie": "guarantee",
                    "avance_remboursable": "recoverable_advance",
                    "accompagnement": "technical_engineering", "aide_forfaitaire": "grant"}  # fmt: skip
_BPIFRANCE_CHANNELS = {"DEL": "online_form", "MES_AIDES_EN_LIGNE": "online_form",
                       "TELECHARGEMENT": "download", "PRESTATAIRE": "provider"}  # fmt: skip
_BPIFRANCE_SCALES = {"france": "country", "region": "region", "departement": "department"}
_FRANCENUM_CHANNELS = {"DEL": "teleservice", "MES_AIDES_EN_LIGNE": "teleservice",
                       "TELECHARGEMENT": "telechargement", "PRESTATAIRE": "prestataire"}  # fmt: skip
_FRANCENUM_KINDS = {"subvention": "subvention", "pret": "pret", "accompagnement": "accompagnement",
                    "aide_forfaitaire": "aide_forfaitaire", "avance_remboursable": "subvention",
                    "garantie": "pret"}  # fmt: skip


def region_dispositif(scheme: Scheme) -> dict[str, Any]:
    criteria = scheme.criteria
    return {
        "id": scheme.key,
        "region_code": scheme.region_code,
        "nom": scheme.title,
        "resume": scheme.summary,
        "description": scheme.description,
        "financeurs": list(scheme.financers),
        "natures": [_region_kind(kind) for kind in scheme.kinds],
        "thematiques": list(scheme.themes),
        "beneficiaires": ["entreprise", "association"] if scheme.associations_welcome
        else ["entreprise"],
        "zone_geographique": {"type": scheme.territory.scale,
                              "codes": list(scheme.territory.codes)},
        "date_ouverture": _iso(scheme.opens_on),
        "date_cloture": _iso(scheme.closes_on),
        "modalite_depot": {"canal": scheme.channel, "url": scheme.url},
        "depenses_eligibles": list(scheme.expenses),
        "regles_financement": list(scheme.funding_rules),
        "references_legales": list(scheme.legal_references),
        "prestataires_references": [
            {"nom": p.name, "site": p.site, "email": p.email, "telephone": p.phone}
            for p in scheme.providers
        ],
        "faq": [{"question": item.question, "reponse": item.answer} for item in scheme.faq],
        "expert": None if scheme.expert is None else {
            "nom": scheme.expert.name, "email": scheme.expert.email,
            "telephone": scheme.expert.phone},
        "reglement_minimis": scheme.de_minimis,
        "criteres": {
            "effectif_max": criteria.staff_max,
            "effectif_min": criteria.staff_min,
            "ca_max": criteria.turnover_max,
            "bilan_max": criteria.balance_sheet_max,
            "categories": _list(criteria.categories),
            "anciennete_min_mois": criteria.age_months_min,
            "regions": _list(criteria.regions),
            "departements": _list(criteria.departments),
            "naf_inclus": _list(criteria.naf_include),
            "naf_exclus": _list(criteria.naf_exclude),
            "formes_juridiques": _list(criteria.legal_forms),
            "associations": None if criteria.associations is None else {
                "recettes_marchandes_min": criteria.associations.market_income_share_min,
                "recettes_marchandes_majoritaires": criteria.associations.exclusive,
                "agrement_ei_ea": criteria.associations.ei_ea_agreement},
            "pas_en_difficulte": criteria.not_in_difficulty,
            "a_jour_fiscal_social": criteria.tax_social_compliance,
            "micro_entreprise": None if criteria.micro_enterprise is None else {
                "ca_min": criteria.micro_enterprise.turnover_min,
                "comptes_certifies": criteria.micro_enterprise.certified_accounts},
        },
    }  # fmt: skip


def bpifrance_aid(scheme: Scheme) -> dict[str, Any]:
    return {
        "id": scheme.number,
        "slug": scheme.key,
        "name": scheme.title,
        "short_title": scheme.short_title,
        "description": scheme.description,
        "financers": list(scheme.financers),
        "aid_types": [_BPIFRANCE_KINDS[kind] for kind in scheme.kinds],
        "categories": list(scheme.themes),
        "targeted_audiences": ["private_sector", "association"] if scheme.associations_welcome
        else ["private_sector"],
        "perimeter": {"scale": _BPIFRANCE_SCALES[scheme.territory.scale],
                      "codes": list(scheme.territory.codes)},
        "start_date": _iso(scheme.opens_on),
        "submission_deadline": _iso(scheme.closes_on),
        "application_channel": _BPIFRANCE_CHANNELS[scheme.channel],
        "application_url": scheme.url,
        "eligible_expenses": list(scheme.expenses),
        "funding_rules": list(scheme.funding_rules),
        "legal_references": list(scheme.legal_references),
        "contact": None if scheme.expert is None else {
            "full_name": scheme.expert.name, "email": scheme.expert.email,
            "phone": scheme.expert.phone},
        "faq": [{"q": item.question, "a": item.answer} for item in scheme.faq],
        "de_minimis_regulation": None if scheme.de_minimis is None
        else f"EU {scheme.de_minimis}",
        "eligibility_rules": _bpifrance_rules(scheme.criteria),
    }  # fmt: skip


def francenum_dispositif(scheme: Scheme) -> dict[str, Any]:
    criteria = scheme.criteria
    territory: str | dict[str, list[str]] = (
        "national"
        if scheme.territory.scale == "france"
        else {"regions": list(scheme.territory.codes)}
    )
    small = criteria.staff_max is not None and criteria.staff_max <= 10
    return {
        "slug": scheme.key,
        "intitule": scheme.title,
        "chapo": scheme.summary,
        "texte": scheme.description,
        "porteurs": list(scheme.financers),
        "type": _FRANCENUM_KINDS[scheme.kinds[0]],
        "themes": list(scheme.themes),
        "publics": (["tpe"] if small else ["tpe", "pme"])
        + (["association"] if scheme.associations_welcome else []),
        "territoire": territory,
        "ouverture": _iso(scheme.opens_on),
        "fermeture": _iso(scheme.closes_on),
        "depot": {"mode": _FRANCENUM_CHANNELS[scheme.channel], "url": scheme.url},
        "montant_forfaitaire": scheme.flat_amount,
        "themes_depenses": list(scheme.expense_themes or scheme.expenses),
        "regles": list(scheme.funding_rules),
        "textes": list(scheme.legal_references),
        "faq": [{"question": item.question, "reponse": item.answer} for item in scheme.faq],
        "contact_expert": None if scheme.expert is None else {
            "nom": scheme.expert.name, "courriel": scheme.expert.email,
            "tel": scheme.expert.phone},
        "minimis": scheme.de_minimis,
        "conditions": {
            "salaries_max": criteria.staff_max, "salaries_min": criteria.staff_min,
            "ca_max": criteria.turnover_max, "bilan_max": criteria.balance_sheet_max,
            "categories": _list(criteria.categories),
            "anciennete_mois": criteria.age_months_min,
            "regions": _list(criteria.regions), "departements": _list(criteria.departments),
            "naf_inclus": _list(criteria.naf_include), "naf_exclus": _list(criteria.naf_exclude),
            "formes": _list(criteria.legal_forms),
            "association": None if criteria.associations is None else {
                "part_marchande_min": criteria.associations.market_income_share_min,
                "part_marchande_majoritaire": criteria.associations.exclusive,
                "agrement": criteria.associations.ei_ea_agreement},
            "hors_difficulte": criteria.not_in_difficulty,
            "regularite_fiscale_sociale": criteria.tax_social_compliance,
            "micro": None if criteria.micro_enterprise is None else {
                "ca_min": criteria.micro_enterprise.turnover_min,
                "comptes_certifies": criteria.micro_enterprise.certified_accounts},
        },
    }  # fmt: skip


def francenum_activateur(activator: Activator) -> dict[str, Any]:
    return {
        "uuid": activator.uuid,
        "categorie": activator.category,
        "nom_affiche": activator.display_name,
        "structure": activator.structure,
        "region": activator.region,
        "departement": activator.department,
        "commune": activator.commune,
        "domaines": list(activator.domains),
        "presentation": activator.presentation,
        "site": activator.site,
        "courriel": activator.email,
        "telephone": activator.phone,
    }


def _bpifrance_rules(criteria: Criteria) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = []
    if criteria.staff_min is not None or criteria.staff_max is not None:
        headcount: dict[str, Any] = {"kind": "headcount"}
        if criteria.staff_min is not None:
            headcount["min"] = criteria.staff_min
        if criteria.staff_max is not None:
            headcount["max"] = criteria.staff_max
        rules.append(headcount)
    if criteria.turnover_max is not None:
        rules.append({"kind": "turnover", "max": criteria.turnover_max})
    if criteria.balance_sheet_max is not None:
        rules.append({"kind": "balance_sheet", "max": criteria.balance_sheet_max})
    if criteria.categories is not None:
        rules.append({"kind": "size_category", "accepted": list(criteria.categories)})
    if criteria.age_months_min is not None:
        rules.append({"kind": "company_age", "min_months": criteria.age_months_min})
    if criteria.regions is not None or criteria.departments is not None:
        rules.append({"kind": "territory", "regions": list(criteria.regions or ()),
                      "departments": list(criteria.departments or ())})  # fmt: skip
    if criteria.naf_include is not None or criteria.naf_exclude is not None:
        rules.append({"kind": "naf", "include": list(criteria.naf_include or ()),
                      "exclude": list(criteria.naf_exclude or ())})  # fmt: skip
    if criteria.legal_forms is not None:
        rules.append({"kind": "legal_form", "include": list(criteria.legal_forms)})
    if criteria.associations is not None:
        rules.append({"kind": "association",
                      "min_market_income_share": criteria.associations.market_income_share_min,
                      "market_income_share_exclusive": criteria.associations.exclusive,
                      "ei_ea_agreement": criteria.associations.ei_ea_agreement})  # fmt: skip
    if criteria.not_in_difficulty:
        rules.append({"kind": "not_in_difficulty"})
    if criteria.tax_social_compliance:
        rules.append({"kind": "tax_social_compliance"})
    if criteria.micro_enterprise is not None:
        rules.append({"kind": "micro_enterprise",
                      "min_turnover": criteria.micro_enterprise.turnover_min,
                      "certified_accounts": criteria.micro_enterprise.certified_accounts})  # fmt: skip
    return rules


def _region_kind(kind: str) -> str:
    return "subvention" if kind == "aide_forfaitaire" else kind


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _list(values: tuple[str, ...] | None) -> list[str] | None:
    return None if values is None else list(values)
