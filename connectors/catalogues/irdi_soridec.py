"""Irdi-Soridec's equity funds: one document, no paging (``{editeur, mis_a_jour, fonds}``),
tickets in thousands of euros and turnover ceilings in millions; no authentication. Each
fund is a scheme of kind EQUITY. See docs/catalogues.md."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connectors.catalogues.models import (
    AidKind,
    AmountRange,
    CompanyAge,
    Criterion,
    Headcount,
    Scheme,
    SchemeSource,
    SubmissionChannel,
    Territory,
    Turnover,
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

__all__ = ["PATH", "PROBE", "fetch", "parse_fonds"]

PATH = "/irdisoridec/api/fonds.json"
PROBE: dict[str, str | int] = {}

_THOUSAND = 1_000
_MILLION = 1_000_000
_STAGES = {
    "amorcage": ("creation", "innovation"),
    "developpement": ("developpement",),
    "transmission": ("transmission",),
}
_STAGE_NAMES = {"amorcage": "amorçage", "developpement": "développement",
                "transmission": "transmission"}  # fmt: skip
_INSTRUMENTS = {"actions": "actions", "obligations_convertibles": "obligations convertibles",
                "comptes_courants": "comptes courants d'associés"}  # fmt: skip


async def fetch(caller: ResilientCaller) -> list[Any]:
    body = mapping(await caller.get_json(PATH, name="irdisoridec_funds"))
    funds = body.get("fonds")
    if not isinstance(funds, list):
        raise PayloadError("document without fonds")
    return funds


def parse_fonds(item: Mapping[str, Any]) -> Scheme:
    title = required_str(item, "nom")
    summary = optional_str(item.get("resume")) or ""
    stages = [stage for stage in strings(item.get("stades")) if stage in _STAGES]
    if not stages:
        raise PayloadError(f"fund {title!r} without a known stage")
    themes = tuple(dict.fromkeys(
        (*(theme for stage in stages for theme in _STAGES[stage]), *strings(item.get("secteurs")))
    ))  # fmt: skip
    ticket = mapping(item.get("ticket_keur"))
    period = mapping(item.get("periode_investissement"))
    regions, departments = strings(item.get("regions")), strings(item.get("departements"))
    financers = ("Irdi-Soridec",)
    return Scheme(
        id=f"{SchemeSource.IRDI_SORIDEC.prefix}:{required_str(item, 'code')}",
        source=SchemeSource.IRDI_SORIDEC,
        title=title,
        summary=summary,
        description=optional_str(item.get("description")) or summary,
        financers=financers,
        kinds=(AidKind.EQUITY,),
        themes=themes,
        beneficiaries=("entreprise",),
        territory_scale="department" if departments else "region",
        territory_codes=departments or regions,
        opens_on=iso_date(period.get("debut")),
        closes_on=iso_date(period.get("fin")),
        channel=SubmissionChannel.PROVIDER,
        submission_url=optional_str(item.get("candidature_url")),
        eligible_expenses=(),
        funding_rules=_terms(item, stages),
        expert=contact(item.get("contact"), "nom", "courriel", "telephone"),
        criteria=_criteria(item, regions, departments),
        search_text=folded(title, summary, financers, themes, "fonds propres capital"),
        amounts=AmountRange(_euros(ticket.get("min"), _THOUSAND),
                            _euros(ticket.get("max"), _THOUSAND)),
    )  # fmt: skip


def _euros(value: Any, unit: int) -> int | None:
    amount = optional_int(value)
    return None if amount is None else amount * unit


def _terms(item: Mapping[str, Any], stages: list[str]) -> tuple[str, ...]:
    terms = ["Stades : " + ", ".join(_STAGE_NAMES[stage] for stage in stages) + "."]
    instruments = [_INSTRUMENTS[i] for i in strings(item.get("instruments")) if i in _INSTRUMENTS]
    if instruments:
        terms.append("Instruments : " + ", ".join(instruments) + ".")
    if item.get("minoritaire") is True:
        terms.append("Prise de participation minoritaire.")
    return (*terms, *strings(item.get("conditions")))


def _criteria(
    item: Mapping[str, Any], regions: tuple[str, ...], departments: tuple[str, ...]
) -> tuple[Criterion, ...]:
    criteria: list[Criterion] = []
    if regions or departments:
        criteria.append(Territory(regions, departments))
    if (staff := optional_int(item.get("effectif_max"))) is not None:
        criteria.append(Headcount(None, staff))
    if (turnover := _euros(item.get("ca_max_meur"), _MILLION)) is not None:
        criteria.append(Turnover(turnover))
    low = optional_int(item.get("anciennete_min_mois"))
    high = optional_int(item.get("anciennete_max_mois"))
    if low is not None or high is not None:
        criteria.append(CompanyAge(low or 0, high))
    return tuple(criteria)
