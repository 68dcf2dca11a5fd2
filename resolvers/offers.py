"""The structures' offers: the search, a structure's, and those recommended to the viewer
(the segments of its companies and projects, in their departments)."""

from __future__ import annotations

from auth.viewer import ViewerKind
from connectors.calendar import hub_today
from connectors.hubdb import OfferFilter, OfferRecord, Page
from connectors.hubdb.enums import Segment
from resolvers.context import Info
from resolvers.directory_search import page_size, paged
from resolvers.errors import BAD_USER_INPUT, coded_error
from resolvers.inputs import bounded_text
from resolvers.segments import company_segment, project_segment
from resolvers.viewer import my_companies, my_projects

__all__ = ["MAX_RECOMMENDED", "recommended_offers", "search_offers", "structure_offers"]

MAX_RECOMMENDED = 20


async def search_offers(
    info: Info, filter: OfferFilter, first: int | None, after: str | None
) -> Page[OfferRecord]:
    bounded_text(filter.text, "text")
    bounded_text(filter.structure_id, "structureId", 64)
    bounded_text(filter.department, "department", 3)
    if filter.level is not None and not 1 <= filter.level <= 9:
        raise coded_error("`level` is between 1 and 9.", BAD_USER_INPUT, argument="level")
    return await paged(info.context.services.hub.search_offers(filter, page_size(first), after))


async def structure_offers(info: Info, structure_id: str) -> list[OfferRecord]:
    return await info.context.loaders.structure_offers.load(structure_id)


async def recommended_offers(info: Info) -> list[OfferRecord]:
    """The offers of the segment of each of the viewer's companies (in the company's
    department) and projects (in its support structure's department); none for agents and
    anonymous viewers (no company, no project of their own)."""
    if info.context.viewer.kind not in (ViewerKind.COMPANY_USER, ViewerKind.PROJECT_HOLDER):
        return []
    wanted: list[tuple[Segment, str | None]] = []
    today = hub_today()
    for siret in await my_companies(info):
        segment = await company_segment(info, siret, today)
        if segment is not None:
            address = (await info.context.loaders.etablissement.load(siret)).address
            wanted.append((segment, address.department_code if address else None))
    for project in await my_projects(info):
        segment = project_segment(project)
        if segment is None:
            continue
        structure_id = project.structure_id
        structure = (
            await info.context.loaders.structures.load(structure_id) if structure_id else None
        )
        wanted.append((segment, structure.department_code if structure else None))
    found: dict[str, OfferRecord] = {}
    hub = info.context.services.hub
    for segment, department in dict.fromkeys(wanted):
        criteria = OfferFilter(segments=(segment.value,), department=department)
        for offer in (await hub.search_offers(criteria, MAX_RECOMMENDED, None)).items:
            found.setdefault(offer.id, offer)
    return list(found.values())[:MAX_RECOMMENDED]
