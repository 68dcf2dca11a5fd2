"""The client segment of the CCI standard a company or a project is in, read from the data:
a declared transfer (a project on « transmission ») makes a company's head a cédant, a
company less than 3 years old (Sirene's creation date of the unité légale) a nouveau
dirigeant; a holder's project is a créateur's, or a repreneur's when it is about a reprise."""

from __future__ import annotations

from datetime import date

from connectors.hubdb import ProjectRecord
from connectors.hubdb.enums import Segment
from connectors.hubdb.models import fold
from resolvers.context import Info

__all__ = [
    "NEW_COMPANY_YEARS",
    "company_segment",
    "is_new_company",
    "project_segment",
    "theme_segment",
]

NEW_COMPANY_YEARS = 3
"""« Offre nouveaux dirigeants (moins de 3 ans) »."""


def is_new_company(created_on: date, as_of: date) -> bool:
    """Less than 3 years old on ``as_of`` (a company created on 29 February turns 3 on
    1 March)."""
    try:
        third_birthday = created_on.replace(year=created_on.year + NEW_COMPANY_YEARS)
    except ValueError:
        third_birthday = date(created_on.year + NEW_COMPANY_YEARS, 3, 1)
    return created_on <= as_of < third_birthday


def project_segment(project: ProjectRecord) -> Segment | None:
    return theme_segment(project.theme, holder=project.siret is None)


def theme_segment(theme: str | None, *, holder: bool) -> Segment | None:
    """The segment of a project on ``theme``: a holder's (``holder``) or a company's."""
    folded = fold(theme or "")
    if folded == "transmission":
        return Segment.CEDANT
    if folded == "reprise":
        return Segment.REPRENEUR
    return Segment.CREATEUR if holder else None


async def company_segment(info: Info, siret: str, as_of: date) -> Segment | None:
    """CEDANT when one of its projects declares a transfer, else NOUVEAU_DIRIGEANT when less
    than 3 years old on ``as_of``, else None (no segment of the standard)."""
    projects = await info.context.loaders.projects.load(siret)
    if any(project_segment(project) is Segment.CEDANT for project in projects):
        return Segment.CEDANT
    created_on = (await info.context.loaders.unite_legale.load(siret[:9])).created_on
    if created_on is not None and is_new_company(created_on, as_of):
        return Segment.NOUVEAU_DIRIGEANT
    return None
