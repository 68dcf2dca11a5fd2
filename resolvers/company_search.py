"""Company search for the network's agents: the registered companies, filtered in SQL, each
row then shown at the viewer's tier by the Company type's own fields."""

from __future__ import annotations

import re
from collections.abc import Mapping

from auth.relations import company_search_scope
from auth.tiers import Tier
from connectors.hubdb import CompanyFilter, Page
from resolvers.context import Info
from resolvers.directory_search import page_size, paged
from resolvers.errors import BAD_USER_INPUT, coded_error
from resolvers.inputs import bounded_text

__all__ = ["search_companies"]

_SIRET = re.compile(r"^(\d{9}|\d{14})$")
_POSTAL_CODE = re.compile(r"^\d{5}$")
_DEPARTMENT = re.compile(r"^(\d{2}|2[AB]|97\d)$")
_NAF = re.compile(r"^\d{2}(\.?\d{1,2}[A-Z]?)?$")


def _checked(value: str | None, pattern: re.Pattern[str], argument: str, what: str) -> str | None:
    if value is None:
        return None
    cleaned = "".join(value.split()).upper()
    if not pattern.match(cleaned):
        raise coded_error(f"`{argument}` is {what}.", BAD_USER_INPUT, argument=argument)
    return cleaned


def _valid(filter: CompanyFilter) -> CompanyFilter:
    bounded_text(filter.text, "text")
    bounded_text(filter.structure_id, "structureId", 64)
    bounded_text(filter.referent_id, "referentId", 64)
    return CompanyFilter(
        text=filter.text,
        siret=_checked(filter.siret, _SIRET, "siret", "a SIRET (14 digits) or a SIREN (9)"),
        postal_code=_checked(filter.postal_code, _POSTAL_CODE, "postalCode", "5 digits"),
        department_code=_checked(
            filter.department_code, _DEPARTMENT, "department", 'a department code ("30", "2A")'
        ),
        naf_code=_checked(filter.naf_code, _NAF, "naf", 'a NAF code or its start ("25.62A")'),
        structure_id=filter.structure_id,
        referent_id=filter.referent_id,
        has_referent=filter.has_referent,
        active=filter.active,
        has_projects=filter.has_projects,
    )


async def search_companies(
    info: Info,
    filter: CompanyFilter,
    criteria: Mapping[str, Tier],
    first: int | None,
    after: str | None,
) -> Page[str]:
    """The SIRETs of one page of matches. ``criteria``: the tier each criterion reads
    (declared on the filter's input type); those above the viewer's tier are confined to
    the companies where it has tier 2."""
    filter = _valid(filter)
    scope = company_search_scope(info.context.viewer, criteria)
    hub = info.context.services.hub
    return await paged(hub.search_companies(filter, scope, page_size(first), after))
