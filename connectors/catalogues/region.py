"""The Régions' catalogue (vocabulary of the Etalab "schema-dispositif-aide"; page-number
paging with ``meta.total``). See docs/catalogues.md."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connectors.catalogues.flat import FlatVocabulary, flat_criteria
from connectors.catalogues.models import (
    AidKind,
    Provider,
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

__all__ = ["PAGE_SIZE", "PATH", "page_count", "parse_dispositif"]

PATH = "/region/api/v1/dispositifs"
PAGE_SIZE = 100

_SOURCES = {"76": SchemeSource.REGION_OCCITANIE, "52": SchemeSource.REGION_PAYS_DE_LA_LOIRE}
_KINDS = {
    "subvention": AidKind.GRANT,
    "pret": AidKind.LOAN,
    "garantie": AidKind.GUARANTEE,
    "avance_remboursable": AidKind.REPAYABLE_ADVANCE,
    "accompagnement": AidKind.SUPPORT_PROGRAMME,
}
_CHANNELS = {channel.value: channel for channel in SubmissionChannel}
_SCALES = {"region": "region", "departement": "department", "france": "country"}


_VOCABULARY = FlatVocabulary(
    staff_min="effectif_min", staff_max="effectif_max", turnover_max="ca_max",
    balance_max="bilan_max", categories="categories", age_months="anciennete_min_mois",
    regions="regions", departments="departements", naf_include="naf_inclus",
    naf_exclude="naf_exclus", legal_forms="formes_juridiques", associations="associations",
    market_share="recettes_marchandes_min",
    market_share_exclusive="recettes_marchandes_majoritaires", agreement="agrement_ei_ea",
    not_in_difficulty="pas_en_difficulte", compliance="a_jour_fiscal_social",
    micro="micro_entreprise", micro_turnover="ca_min", micro_certified="comptes_certifies",
)  # fmt: skip


def page_count(body: Mapping[str, Any]) -> int:
    pages = optional_int(mapping(body.get("meta")).get("pages"))
    if pages is None or pages < 0:
        raise PayloadError("page without meta.pages")
    return pages


def parse_dispositif(item: Mapping[str, Any]) -> Scheme:
    region_code = required_str(item, "region_code")
    source = _SOURCES.get(region_code)
    if source is None:
        raise PayloadError(f"unknown region {region_code}")
    title = required_str(item, "nom")
    zone = mapping(item.get("zone_geographique"))
    deposit = mapping(item.get("modalite_depot"))
    channel = optional_str(deposit.get("canal"))
    financers = strings(item.get("financeurs"))
    themes = strings(item.get("thematiques"))
    summary = optional_str(item.get("resume")) or ""
    return Scheme(
        id=f"{source.prefix}:{required_str(item, 'id')}",
        source=source,
        title=title,
        summary=summary,
        description=optional_str(item.get("description")) or summary,
        financers=financers,
        kinds=tuple(_KINDS[n] for n in strings(item.get("natures")) if n in _KINDS),
        themes=themes,
        beneficiaries=strings(item.get("beneficiaires")),
        territory_scale=_SCALES.get(str(zone.get("type")), "region"),
        territory_codes=strings(zone.get("codes")),
        opens_on=iso_date(item.get("date_ouverture")),
        closes_on=iso_date(item.get("date_cloture")),
        channel=_CHANNELS.get(channel or ""),
        submission_url=optional_str(deposit.get("url")),
        eligible_expenses=strings(item.get("depenses_eligibles")),
        funding_rules=strings(item.get("regles_financement")),
        legal_references=strings(item.get("references_legales")),
        providers=tuple(
            Provider(
                name,
                optional_str(fields.get("site")),
                optional_str(fields.get("email")),
                optional_str(fields.get("telephone")),
            )
            for fields in map(mapping, item.get("prestataires_references") or ())
            if (name := optional_str(fields.get("nom")))
        ),
        faq=faq(item.get("faq"), "question", "reponse"),
        expert=contact(item.get("expert"), "nom", "email", "telephone"),
        de_minimis_regulation=optional_str(item.get("reglement_minimis")),
        flat_amount=None,
        criteria=flat_criteria(mapping(item.get("criteres")), _VOCABULARY),
        search_text=folded(title, summary, financers, themes),
    )
