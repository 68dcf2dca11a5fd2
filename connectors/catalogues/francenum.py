"""France Num: its schemes and its activators directory (cursor paging,
``{items, next_cursor, total}``). See docs/catalogues.md."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connectors.catalogues.flat import FlatVocabulary, flat_criteria
from connectors.catalogues.models import (
    Activator,
    ActivatorCategory,
    AidKind,
    Scheme,
    SchemeSource,
    SubmissionChannel,
)
from connectors.catalogues.wire import (
    PayloadError,
    contact,
    faq,
    folded,
    iso_date,
    mapping,
    optional_int,
    optional_str,
    required_str,
    strings,
)

__all__ = [
    "ACTIVATORS_PAGE_SIZE",
    "ACTIVATORS_PATH",
    "SCHEMES_PAGE_SIZE",
    "SCHEMES_PATH",
    "next_cursor",
    "parse_activateur",
    "parse_dispositif",
]

SCHEMES_PATH = "/francenum/api/v2/dispositifs"
ACTIVATORS_PATH = "/francenum/api/v2/activateurs"
SCHEMES_PAGE_SIZE = 500
ACTIVATORS_PAGE_SIZE = 500

_KINDS = {
    "aide_forfaitaire": AidKind.GRANT,
    "subvention": AidKind.GRANT,
    "pret": AidKind.LOAN,
    "accompagnement": AidKind.SUPPORT_PROGRAMME,
}
_CHANNELS = {
    "teleservice": SubmissionChannel.MES_AIDES_EN_LIGNE,
    "telechargement": SubmissionChannel.DOWNLOAD,
    "prestataire": SubmissionChannel.PROVIDER,
}
_CATEGORIES = {
    "conseiller_public": ActivatorCategory.PUBLIC_DIGITAL_ADVISER,
    "conseiller_financier": ActivatorCategory.FINANCIAL_ADVISER,
    "consultant_prive": ActivatorCategory.PRIVATE_CONSULTANT,
    "offreur_solutions": ActivatorCategory.SOLUTION_PROVIDER,
}


_VOCABULARY = FlatVocabulary(
    staff_min="salaries_min", staff_max="salaries_max", turnover_max="ca_max",
    balance_max="bilan_max", categories="categories", age_months="anciennete_mois",
    regions="regions", departments="departements", naf_include="naf_inclus",
    naf_exclude="naf_exclus", legal_forms="formes", associations="association",
    market_share="part_marchande_min",
    market_share_exclusive="part_marchande_majoritaire", agreement="agrement",
    not_in_difficulty="hors_difficulte", compliance="regularite_fiscale_sociale",
    micro="micro", micro_turnover="ca_min", micro_certified="comptes_certifies",
)  # fmt: skip


def next_cursor(body: Mapping[str, Any]) -> str | None:
    if not isinstance(body.get("items"), list):
        raise PayloadError("page without items")
    return optional_str(body.get("next_cursor"))


def parse_dispositif(item: Mapping[str, Any]) -> Scheme:
    title = required_str(item, "intitule")
    territory = item.get("territoire")
    regions = strings(mapping(territory).get("regions"))
    deposit = mapping(item.get("depot"))
    financers = strings(item.get("porteurs"))
    themes = strings(item.get("themes"))
    summary = optional_str(item.get("chapo")) or ""
    kind = _KINDS.get(str(item.get("type")))
    return Scheme(
        id=f"{SchemeSource.FRANCE_NUM.prefix}:{required_str(item, 'slug')}",
        source=SchemeSource.FRANCE_NUM,
        title=title,
        summary=summary,
        description=optional_str(item.get("texte")) or summary,
        financers=financers,
        kinds=(kind,) if kind else (),
        themes=themes,
        beneficiaries=strings(item.get("publics")),
        territory_scale="region" if regions else "country",
        territory_codes=regions,
        opens_on=iso_date(item.get("ouverture")),
        closes_on=iso_date(item.get("fermeture")),
        channel=_CHANNELS.get(str(deposit.get("mode"))),
        submission_url=optional_str(deposit.get("url")),
        eligible_expenses=strings(item.get("themes_depenses")),
        funding_rules=strings(item.get("regles")),
        legal_references=strings(item.get("textes")),
        providers=(),
        faq=faq(item.get("faq"), "question", "reponse"),
        expert=contact(item.get("contact_expert"), "nom", "courriel", "tel"),
        de_minimis_regulation=optional_str(item.get("minimis")),
        flat_amount=optional_int(item.get("montant_forfaitaire")),
        criteria=flat_criteria(mapping(item.get("conditions")), _VOCABULARY),
        search_text=folded(title, summary, financers, themes),
    )


def parse_activateur(item: Mapping[str, Any]) -> Activator:
    category = _CATEGORIES.get(str(item.get("categorie")))
    if category is None:
        raise PayloadError(f"unknown activator category {item.get('categorie')!r}")
    name = required_str(item, "nom_affiche")
    structure = optional_str(item.get("structure")) or ""
    domains = strings(item.get("domaines"))
    city = optional_str(item.get("commune")) or ""
    return Activator(
        id=required_str(item, "uuid"),
        category=category,
        display_name=name,
        structure=structure,
        region=required_str(item, "region"),
        department=optional_str(item.get("departement")) or "",
        city=city,
        domains=domains,
        presentation=optional_str(item.get("presentation")) or "",
        website=optional_str(item.get("site")),
        email=optional_str(item.get("courriel")),
        phone=optional_str(item.get("telephone")),
        search_text=folded(name, structure, city, domains),
    )
