"""What belongs to the viewer: its company spaces, its own projects, its portfolio."""

from __future__ import annotations

from connectors.hubdb import Page, ProjectRecord
from resolvers.company import prefetch_listed
from resolvers.context import Info
from resolvers.directory_search import page_size, paged

__all__ = ["my_companies", "my_portfolio", "my_projects"]

_EMPTY: Page[str] = Page(items=(), total=0, end_cursor=None, has_next=False, start_cursor=None)


async def my_companies(info: Info) -> list[str]:
    """The SIRETs of the viewer's company spaces (mandataire or collaborator)."""
    account_id = info.context.viewer.account_id
    if account_id is None:
        return []
    found = await info.context.services.hub.memberships([account_id])
    return [siret for siret, _role in found.get(account_id, [])]


async def my_projects(info: Info) -> list[ProjectRecord]:
    """A project holder's own projects (a company's are under its space); an agent's, the
    projects whose group it is in and the holders' projects its structure supports."""
    viewer, hub = info.context.viewer, info.context.services.hub
    if viewer.agent_id is not None:
        return await hub.projects_of_agent(viewer.agent_id, viewer.structure_id)
    if viewer.account_id is None:
        return []
    return (await hub.holder_projects([viewer.account_id])).get(viewer.account_id, [])


async def my_portfolio(info: Info, first: int | None, after: str | None) -> Page[str]:
    """An agent's portfolio: the companies it is the accepted referent of. The viewer's
    access to each is worked out here, for the page at once: their tiered fields then find
    it known. Their établissements are asked for here too when the page shows any of their
    Sirene fields (``prefetch_listed``)."""
    agent_id = info.context.viewer.agent_id
    size = page_size(first)
    if agent_id is None:
        return _EMPTY
    page = await paged(info.context.services.hub.portfolio(agent_id, size, after))
    await info.context.learn_company_access(page.items)
    prefetch_listed(info, page.items, ("edges", "node"))
    return page
