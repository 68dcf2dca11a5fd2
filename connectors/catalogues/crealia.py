"""Créalia's honour loans (prêts d'honneur for creators and buyers in Occitanie): offset
paging ``{prets, pagination: {offset, limit, total}}``, no authentication. See
docs/catalogues.md."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connectors.catalogues.models import (
    AidKind,
    AmountRange,
    CompanyAge,
    Criterion,
    Scheme,
    SchemeSource,
    SubmissionChannel,
    Territory,
)
from connectors.catalogues.wire import (
    PayloadError,
    contact,
    folded,
    iso_date,
    mapping,
    optional_int,
    optional_str,
    required_str,
    strings,
)
from connectors.http import ResilientCaller

__all__ = ["PAGE_SIZE", "PATH", "PROBE", "fetch", "parse_pret"]

PATH = "/crealia/api/prets"
PAGE_SIZE = 50
PROBE: dict[str, str | int] = {"offset": 0, "limit": 1}

_OCCITANIE = "76"
_AUDIENCES = {"createur": "createur", "repreneur": "repreneur", "dirigeant": "entreprise"}
_CHANNELS = {
    "dossier": SubmissionChannel.DOWNLOAD,
    "accompagnateur": SubmissionChannel.PROVIDER,
}


async def fetch(caller: ResilientCaller) -> list[Any]:
    """Every loan, one page after the other (``offset`` grows by the page's length until
    ``total``)."""
    items: list[Any] = []
    while True:
        params: dict[str, str | int] = {"offset": len(items), "limit": PAGE_SIZE}
        body = mapping(await caller.get_json(PATH, name="crealia_page", params=params))
        page = body.get("prets")
        total = optional_int(mapping(body.get("pagination")).get("total"))
        if not isinstance(page, list) or total is None:
            raise PayloadError("page without prets or pagination.total")
        items.extend(page)
        if not page or len(items) >= total:
            return items


def parse_pret(item: Mapping[str, Any]) -> Scheme:
    title = required_str(item, "intitule")
    summary = optional_str(item.get("accroche")) or ""
    themes = strings(item.get("secteurs"))
    departments = strings(item.get("departements"))
    application = mapping(item.get("candidature"))
    financers = ("Créalia",)
    return Scheme(
        id=f"{SchemeSource.CREALIA.prefix}:{required_str(item, 'reference')}",
        source=SchemeSource.CREALIA,
        title=title,
        summary=summary,
        description=optional_str(item.get("presentation")) or summary,
        financers=financers,
        kinds=(AidKind.HONOUR_LOAN, AidKind.LOAN),
        themes=themes,
        beneficiaries=tuple(
            _AUDIENCES.get(audience, audience) for audience in strings(item.get("cibles"))
        ),
        territory_scale="department" if departments else "region",
        territory_codes=departments or (_OCCITANIE,),
        opens_on=iso_date(item.get("ouvert_du")),
        closes_on=iso_date(item.get("ouvert_au")),
        channel=_CHANNELS.get(str(application.get("mode"))),
        submission_url=optional_str(application.get("lien")),
        eligible_expenses=strings(item.get("besoins_finances")),
        funding_rules=_terms(item) + strings(item.get("modalites")),
        expert=contact(item.get("charge_de_mission"), "prenom_nom", "mel", "tel"),
        de_minimis_regulation=optional_str(item.get("minimis")),
        criteria=_criteria(item, departments),
        search_text=folded(title, summary, financers, themes, "pret d'honneur"),
        amounts=AmountRange(
            optional_int(item.get("montant_min")), optional_int(item.get("montant_max"))
        ),
    )


def _terms(item: Mapping[str, Any]) -> tuple[str, ...]:
    """The loan's terms as its funding rules: rate, duration, deferral, guarantee."""
    terms = []
    rate = item.get("taux")
    if isinstance(rate, int | float) and not isinstance(rate, bool):
        terms.append(f"Taux : {rate:g} %.")
    if (months := optional_int(item.get("duree_mois"))) is not None:
        deferral = optional_int(item.get("differe_mois"))
        terms.append(
            f"Remboursement sur {months} mois"
            + (f", dont {deferral} mois de différé." if deferral else ".")
        )
    if item.get("garantie") is False:
        terms.append("Sans garantie ni caution personnelle.")
    return tuple(terms)


def _criteria(item: Mapping[str, Any], departments: tuple[str, ...]) -> tuple[Criterion, ...]:
    criteria: list[Criterion] = [
        Territory(departments=departments) if departments else Territory(regions=(_OCCITANIE,))
    ]
    if (months := optional_int(item.get("entreprise_age_max_mois"))) is not None:
        criteria.append(CompanyAge(0, months))
    return tuple(criteria)
