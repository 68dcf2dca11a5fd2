"""The viewer's relation to a company or an agent, turned into access (docs/visibility.md)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from auth.scopes import Scope
from auth.tiers import Access, Tier, allows
from auth.viewer import Viewer
from connectors.hubdb import CompanyFacts, CompanySearchScope, ProjectRecord

__all__ = [
    "access_without_facts",
    "baseline_access",
    "company_access",
    "company_search_scope",
    "in_project_group",
    "may_see_agent_contact",
    "projects_in_view",
]

_ACCEPTED = "ACCEPTED"


def company_access(viewer: Viewer, facts: CompanyFacts) -> Access:
    """Admin sees everything; the company's members see all of their company; network members
    have tier 1, raised to tier 2 when they are the accepted referent or belong to its
    structure. A pending referent has tier 1 until it accepts. A partner key is a member of
    its structure, and sees only public fields without the COMPANIES_READ scope."""
    decided = access_without_facts(viewer)
    if decided is not None:
        return decided
    if viewer.account_id is not None and viewer.account_id in facts.members:
        return Access.OWNER
    if not viewer.network_member:
        return Access.PUBLIC
    referent = facts.referent
    if (
        referent is not None
        and referent.status == _ACCEPTED
        and (referent.agent_id == viewer.agent_id or referent.structure_id == viewer.structure_id)
    ):
        return Access.TIER2
    return Access.TIER1


def access_without_facts(viewer: Viewer) -> Access | None:
    """The viewer's access to every company when no fact of a company can change it (then
    nobody needs to read them: an anonymous sheet reads nothing of the hub's database); None
    when it depends on the company. ``company_access`` starts with it."""
    if not viewer.grants(Scope.COMPANIES_READ):
        return Access.PUBLIC
    if viewer.is_admin:
        return Access.ADMIN
    if viewer.account_id is None and not viewer.network_member:
        return Access.PUBLIC  # a member of no company and of no structure
    return None


_UNRELATED = CompanyFacts(siret="", registered=True, members={}, people=(), referent=None)


def baseline_access(viewer: Viewer) -> Access:
    """The viewer's access to a company it has no relation with: what it has everywhere."""
    return company_access(viewer, _UNRELATED)


def company_search_scope(viewer: Viewer, criteria: Mapping[str, Tier]) -> CompanySearchScope:
    """Where each criterion of a company search may look (rule 3 of docs/visibility.md):
    a criterion whose declared tier (``criteria``: criterion -> tier) the viewer's
    ``baseline_access`` does not open reads only the companies where the viewer has tier 2
    (it is their accepted referent or of the referent's structure), so that neither the rows
    nor the count tell anything of the others' values. The search itself is for viewers
    with tier 1 everywhere (``Tier.TIER1_EVERYWHERE``)."""
    baseline = baseline_access(viewer)
    confined = frozenset(name for name, tier in criteria.items() if not allows(tier, baseline))
    return CompanySearchScope(
        tier2_criteria=confined, agent_id=viewer.agent_id, structure_id=viewer.structure_id
    )


def in_project_group(viewer: Viewer, project: ProjectRecord) -> bool:
    """The viewer is an agent of the project's group (funding expert, specialist, referent,
    inside or outside the network): it sees that project and its company's identity."""
    return viewer.agent_id is not None and any(
        actor.agent_id == viewer.agent_id for actor in project.actors
    )


def projects_in_view(
    viewer: Viewer, access: Access, projects: Sequence[ProjectRecord]
) -> list[ProjectRecord]:
    """A company's projects the viewer sees: all of them from tier 2 up, otherwise those
    whose group it is in (``Company.projects`` is ``Tier.PROJECT_GROUP``)."""
    if allows(Tier.TIER2, access):
        return list(projects)
    return [project for project in projects if in_project_group(viewer, project)]


def may_see_agent_contact(viewer: Viewer, agent_id: str, chosen_agents: Collection[str]) -> bool:
    """An agent's e-mail and phone: network members, the admin, the agent itself, and the
    members of the companies that chose that agent (``chosen_agents``: their referents).
    A partner key needs the DIRECTORY_READ scope."""
    return viewer.grants(Scope.DIRECTORY_READ) and (
        viewer.is_admin
        or viewer.network_member
        or viewer.agent_id == agent_id
        or agent_id in chosen_agents
    )
