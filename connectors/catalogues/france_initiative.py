"""France Initiative: the honour loans of the Initiative network's local platforms, in
JSON:API (``data`` resources with their ``platform`` relationship, the platforms in
``included``; pages chained by ``links.next``); an ``Authorization: Token …`` header. See
docs/catalogues.md."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from connectors.catalogues.models import (
    AidKind,
    AmountRange,
    CompanyAge,
    Contact,
    Criterion,
    Scheme,
    SchemeSource,
    SubmissionChannel,
    Territory,
)
from connectors.catalogues.wire import (
    PayloadError,
    folded,
    iso_date,
    mapping,
    optional_int,
    optional_str,
    required_str,
    strings,
)
from connectors.http import ResilientCaller

__all__ = ["PAGE_SIZE", "PATH", "PROBE", "auth_headers", "fetch", "parse_loan"]

PATH = "/franceinitiative/v1/honour-loans"
PAGE_SIZE = 20
PROBE: dict[str, str | int] = {"page[number]": 1, "page[size]": 1}

_PLATFORM = "platform"
_KINDS = {"creation": "creation", "reprise": "transmission", "croissance": "developpement"}
_AUDIENCES = {"creator": "createur", "buyer": "repreneur", "company": "entreprise"}


def auth_headers(key: str) -> dict[str, str]:
    return {"Authorization": f"Token {key}"}


async def fetch(caller: ResilientCaller) -> list[Any]:
    """Every loan, following ``links.next``; each loan comes back with its platform's
    attributes inlined under ``platform`` (the relationship resolved from ``included``)."""
    items: list[Any] = []
    params: dict[str, str | int] | None = {"page[number]": 1, "page[size]": PAGE_SIZE}
    seen: set[str] = set()
    while params is not None:
        body = mapping(await caller.get_json(PATH, name="franceinitiative_page", params=params))
        data = body.get("data")
        if not isinstance(data, list):
            raise PayloadError("page without data")
        platforms = {
            str(resource.get("id")): mapping(resource.get("attributes"))
            for resource in map(mapping, body.get("included") or ())
            if resource.get("type") == _PLATFORM
        }
        for resource in map(mapping, data):
            related = mapping(
                mapping(mapping(resource.get("relationships")).get(_PLATFORM)).get("data")
            )
            items.append({**resource, _PLATFORM: platforms.get(str(related.get("id")), {})})
        params = _next_page(mapping(body.get("links")).get("next"), seen)
    return items


def _next_page(link: Any, seen: set[str]) -> dict[str, str | int] | None:
    """The query of the ``next`` link (the path is ours: a link elsewhere is not followed);
    None on the last page or when a link comes back (a partner looping on itself)."""
    if not isinstance(link, str) or not link or link in seen:
        return None
    seen.add(link)
    url = httpx.URL(link)
    if not url.path.endswith(PATH):
        raise PayloadError(f"next link outside the feed: {url.path}")
    return dict(url.params)


def parse_loan(resource: Mapping[str, Any]) -> Scheme:
    if resource.get("type") != "honour-loan":
        raise PayloadError(f"not an honour loan: {resource.get('type')!r}")
    item = mapping(resource.get("attributes"))
    platform = mapping(resource.get(_PLATFORM))
    platform_name = required_str(platform, "name")
    department = required_str(platform, "department")
    title = required_str(item, "title")
    summary = optional_str(item.get("summary")) or ""
    stage = _KINDS.get(str(item.get("loan_type")))
    themes = tuple(dict.fromkeys((*((stage,) if stage else ()), *strings(item.get("themes")))))
    financers = ("France Initiative", platform_name)
    amount = mapping(item.get("amount"))
    return Scheme(
        id=f"{SchemeSource.FRANCE_INITIATIVE.prefix}:{required_str(resource, 'id')}",
        source=SchemeSource.FRANCE_INITIATIVE,
        title=title,
        summary=summary,
        description=optional_str(item.get("body")) or summary,
        financers=financers,
        kinds=(AidKind.HONOUR_LOAN, AidKind.LOAN),
        themes=themes,
        beneficiaries=tuple(
            _AUDIENCES.get(audience, audience) for audience in strings(item.get("audiences"))
        ),
        territory_scale="department",
        territory_codes=(department,),
        opens_on=iso_date(item.get("opens_at")),
        closes_on=iso_date(item.get("closes_at")),
        channel=SubmissionChannel.PROVIDER,
        submission_url=optional_str(item.get("apply_url")),
        eligible_expenses=strings(item.get("eligible_needs")),
        funding_rules=_terms(item),
        expert=_platform_contact(platform, platform_name),
        criteria=_criteria(item, department),
        search_text=folded(title, summary, financers, themes, "pret d'honneur"),
        amounts=AmountRange(optional_int(amount.get("min")), optional_int(amount.get("max"))),
    )


def _terms(item: Mapping[str, Any]) -> tuple[str, ...]:
    """The loan's terms as its funding rules (the partner's words follow)."""
    terms = []
    rate = item.get("rate_percent")
    if isinstance(rate, int | float) and not isinstance(rate, bool):
        terms.append(f"Taux : {rate:g} %.")
    term = mapping(item.get("term_months"))
    low, high = optional_int(term.get("min")), optional_int(term.get("max"))
    if low is not None and high is not None:
        terms.append(f"Remboursement sur {low} à {high} mois.")
    if item.get("guarantee_required") is False:
        terms.append("Sans garantie ni caution personnelle : un prêt personnel au créateur.")
    return (*terms, *strings(item.get("conditions")))


def _platform_contact(platform: Mapping[str, Any], name: str) -> Contact | None:
    email, phone = optional_str(platform.get("email")), optional_str(platform.get("phone"))
    if email is None and phone is None:
        return None
    return Contact(name, email, phone)


def _criteria(item: Mapping[str, Any], department: str) -> tuple[Criterion, ...]:
    criteria: list[Criterion] = [Territory(departments=(department,))]
    if (months := optional_int(item.get("max_company_age_months"))) is not None:
        criteria.append(CompanyAge(0, months))
    return tuple(criteria)
