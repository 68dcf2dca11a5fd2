"""What every seeded viewer may see, computed from the seed alone (the hub database and the
API Entreprise sandbox) by the rules of docs/visibility.md written out again here: the oracle of
the tier matrix and of the leak tests. It does not call ``auth/`` to decide anything."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from auth.identity import Authenticator
from auth.scopes import Scope
from auth.tiers import Access, Tier
from auth.tokens import DevTokenIssuer
from auth.viewer import ANONYMOUS, Viewer
from connectors.hubdb import (
    AgentRecord,
    CachedDirectory,
    CompanyFacts,
    HubRepository,
    PersonRecord,
    ProjectRecord,
    PublicAidRecord,
    StructureRecord,
    create_engine,
    create_session_factory,
)
from connectors.platforms import Application, Platform
from sandbox.entreprise.records import SandboxCompany
from sandbox.entreprise.seed import companies as sandbox_companies
from sandbox.platforms.seed import applications as platform_applications

__all__ = [
    "COMPANIES",
    "VIEWERS",
    "Secrets",
    "SeedWorld",
    "application_id",
    "load_world",
]

LEROY = "84215637400014"  # Durand's (CCI du Gard) accepted referent; Claire + Thomas members
BIOCOSMETIQUES = "44306184100047"  # Durand, pending; Paul Girard's company
FABRE = "51234987900027"  # Roux (CCI du Gard) accepted; Antoine's company
DRONES = "79345612000013"  # Garcia (BGE) accepted; Inès Moreau's company
ATLANTIQUE = "38271940900031"  # in Sirene, no space on the hub
NON_DIFFUSIBLE = "90012345600015"  # a sole trader, not diffusible, no space
CLOSED = "32112345700012"
COMPANIES = (LEROY, BIOCOSMETIQUES, FABRE, DRONES, ATLANTIQUE, NON_DIFFUSIBLE, CLOSED)
"""The companies the tests query: every relation a viewer can have to a company."""

HOLDER = "holder"
VIEWERS: dict[str, str | None] = {
    "anonymous": None,
    "claire (mandataire of LEROY)": "claire.leroy@leroy-sas.example",
    "thomas (collaborator of LEROY)": "thomas.blanc@cabinet-blanc.example",
    "antoine (another company)": "antoine.fabre@menuiserie-fabre.example",
    "paul (chose a pending referent)": "paul.girard@biocosmetiques.example",
    "durand (accepted referent of LEROY)": "pierre.durand@cci-gard.example",
    "roux (the referent's structure)": "sophie.roux@cci-gard.example",
    "garcia (another network structure)": "julien.garcia@bge-occitanie.example",
    "martin (agent outside the network)": "marc.martin@ademe.example",
    "benali (funding expert)": "nadia.benali@laregion.example",
    "vidal (admin)": "helene.vidal@laregion.example",
    "holder (project holder)": HOLDER,
}
"""Every kind of viewer, by label: its e-mail (None: anonymous; HOLDER: the first seeded
project holder)."""

_RANK = {access: rank for rank, access in enumerate(Access)}
_NEEDS = {Tier.PUBLIC: Access.PUBLIC, Tier.TIER1: Access.TIER1, Tier.TIER2: Access.TIER2}


@dataclass
class Secrets:
    """Values a viewer must never receive, by how they are found in a response."""

    tokens: set[str] = field(default_factory=set)
    """E-mails, phone numbers, ids: looked for anywhere in the serialised response."""
    leaves: set[str] = field(default_factory=set)
    """Names, titles, streets: looked for as whole string values."""
    numbers: set[int] = field(default_factory=set)
    """Turnover amounts: looked for as number values."""
    pairs: set[tuple[str, str]] = field(default_factory=set)
    """(first name, LAST NAME) of Infogreffe directors: both values in one object."""

    def __sub__(self, other: Secrets) -> Secrets:
        return Secrets(
            self.tokens - other.tokens,
            self.leaves - other.leaves,
            self.numbers - other.numbers,
            self.pairs - other.pairs,
        )

    def add(self, other: Secrets) -> None:
        self.tokens |= other.tokens
        self.leaves |= other.leaves
        self.numbers |= other.numbers
        self.pairs |= other.pairs


@dataclass
class SeedWorld:
    viewers: dict[str, Viewer]
    structures: dict[str, StructureRecord]
    agents: dict[str, AgentRecord]
    facts: dict[str, CompanyFacts]
    """Every registered company's members and current referent."""
    projects: dict[str, list[ProjectRecord]]
    holder_projects: dict[str, list[ProjectRecord]]
    aids: dict[str, list[PublicAidRecord]] = field(default_factory=dict)
    """The hub's recorded public aids of every registered company."""
    sandbox: Mapping[str, SandboxCompany] = field(default_factory=sandbox_companies)
    applications: Mapping[str, list[Application]] = field(default_factory=lambda: _by_siret())
    """The platform sandboxes' applications, by company."""
    _visible: dict[Viewer, Secrets] = field(default_factory=dict, repr=False)

    @property
    def companies(self) -> tuple[str, ...]:
        """COMPANIES and three generated ones with collaborators, projects and an accepted
        referent (the first by SIRET), to query."""
        full = [
            siret
            for siret, facts in sorted(self.facts.items())
            if siret not in COMPANIES
            and any(p.role == "COLLABORATOR" for p in facts.people)
            and self.projects.get(siret)
            and facts.referent is not None
            and facts.referent.status == "ACCEPTED"
        ]
        return (*COMPANIES, *full[:3])

    # -- the rules (docs/visibility.md) --------------------------------------------------

    def network_member(self, viewer: Viewer) -> bool:
        structure = self.structures.get(viewer.structure_id or "")
        return structure is not None and structure.in_network and structure.charter_signed

    def access(self, viewer: Viewer, siret: str) -> Access:
        facts = self.facts.get(siret)
        if viewer.is_admin:
            return Access.ADMIN
        if facts is not None and (viewer.account_id or "") in facts.members:
            return Access.OWNER
        # a partner key acts as a member of its structure, if its scopes let it read companies
        acts_as_agent = viewer.agent_id is not None or (
            viewer.partner is not None and Scope.COMPANIES_READ in viewer.partner.scopes
        )
        if not acts_as_agent or not self.network_member(viewer):
            return Access.PUBLIC
        referent = facts.referent if facts is not None else None
        if referent is not None and referent.status == "ACCEPTED":
            chosen = self.agents[referent.agent_id]
            if viewer.agent_id == chosen.id or viewer.structure_id == chosen.structure_id:
                return Access.TIER2
        return Access.TIER1

    def diffusible(self, siret: str) -> bool:
        company = self.sandbox.get(siret)
        return company is None or company.diffusion == "diffusible"

    def sees(self, viewer: Viewer, tier: Tier, siret: str) -> bool:
        """A company-bound tier (PUBLIC, PUBLIC_IF_DIFFUSIBLE, TIER1, TIER2)."""
        access = self.access(viewer, siret)
        if tier is Tier.PUBLIC_IF_DIFFUSIBLE:
            return self.diffusible(siret) or _RANK[access] >= _RANK[Access.TIER1]
        return _RANK[access] >= _RANK[_NEEDS[tier]]

    def chosen_agents(self, viewer: Viewer) -> set[str]:
        """The referents (pending or accepted) of the viewer's companies."""
        account = viewer.account_id or ""
        return {
            facts.referent.agent_id
            for facts in self.facts.values()
            if account in facts.members and facts.referent is not None
        }

    def sees_contact(self, viewer: Viewer, agent_id: str) -> bool:
        return (
            viewer.is_admin
            or (viewer.agent_id is not None and self.network_member(viewer))
            or (  # a partner key: a member of its structure, reading the directory
                viewer.partner is not None
                and Scope.DIRECTORY_READ in viewer.partner.scopes
                and self.network_member(viewer)
            )
            or viewer.agent_id == agent_id
            or agent_id in self.chosen_agents(viewer)
        )

    # -- what is secret ------------------------------------------------------------------

    def company_values(self, siret: str, tier: Tier) -> Secrets:
        """The values a company's fields of ``tier`` carry."""
        found = Secrets()
        facts = self.facts.get(siret)
        company = self.sandbox.get(siret)
        if tier is Tier.PUBLIC_IF_DIFFUSIBLE and company is not None:
            found.leaves |= {_name(company), _street(company)}
        if tier is Tier.TIER1 and facts is not None:
            mandataires = [p for p in facts.people if p.role == "MANDATAIRE"]
            found.add(_people(mandataires))
            if facts.referent is not None:
                found.tokens.add(facts.referent.id)
        if tier is Tier.TIER2:
            if facts is not None:
                found.add(_people(p for p in facts.people if p.role == "COLLABORATOR"))
            for project in self.projects.get(siret, ()):
                found.tokens.add(project.id)
                found.leaves.add(project.title)
            for application in self.applications.get(siret, ()):
                found.tokens.add(application_id(application))
                if application.platform is Platform.MES_AIDES_EN_LIGNE:
                    found.tokens.add(application.reference)
            found.leaves |= {aid.scheme for aid in self.aids.get(siret, ())}
            if company is not None:
                found.numbers |= {t.amount for t in company.turnovers}
                found.pairs |= {
                    (m.first_name, m.last_name)
                    for m in company.mandataires
                    if m.first_name and m.last_name
                }
        found.leaves.discard("")
        return found

    def visible(self, viewer: Viewer) -> Secrets:
        """Everything of these kinds the viewer may receive, from any company or agent."""
        if viewer not in self._visible:
            self._visible[viewer] = self._visible_to(viewer)
        return self._visible[viewer]

    def _visible_to(self, viewer: Viewer) -> Secrets:
        seen = Secrets()
        for siret in {*self.facts, *self.sandbox}:
            for tier in (Tier.PUBLIC_IF_DIFFUSIBLE, Tier.TIER1, Tier.TIER2):
                if self.sees(viewer, tier, siret):
                    seen.add(self.company_values(siret, tier))
        for company in self.sandbox.values():  # public names, even of other companies
            if company.diffusion == "diffusible":
                seen.leaves.add(_name(company))
        for agent in self.agents.values():
            if viewer.is_authenticated:  # the directory (names) is open to signed-in users
                seen.leaves.add(agent.name)
            if self.sees_contact(viewer, agent.id):
                seen.tokens |= {agent.email, *([agent.phone] if agent.phone else [])}
        seen.tokens |= {viewer.email or "", viewer.account_id or "", viewer.agent_id or ""}
        seen.leaves.add(viewer.name or "")
        for project in self.holder_projects.get(viewer.account_id or "", ()):
            seen.tokens.add(project.id)
            seen.leaves.add(project.title)
        return seen

    def secrets(self, viewer: Viewer) -> Secrets:
        """What the viewer must not receive from the queried companies and the directory:
        values of the tiers it may not see, less what it may see elsewhere."""
        hidden = Secrets()
        for siret in self.companies:
            for tier in (Tier.PUBLIC_IF_DIFFUSIBLE, Tier.TIER1, Tier.TIER2):
                if not self.sees(viewer, tier, siret):
                    hidden.add(self.company_values(siret, tier))
        for agent in self.agents.values():
            if not self.sees_contact(viewer, agent.id):
                hidden.tokens |= {agent.email, *([agent.phone] if agent.phone else [])}
        return hidden - self.visible(viewer)


def application_id(application: Application) -> str:
    """The graph's id of an application (docs: the platform and its reference), written out
    again here rather than read from the resolvers."""
    raw = f"Application:{application.platform.value}:{application.reference}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _by_siret() -> dict[str, list[Application]]:
    found: dict[str, list[Application]] = {}
    for application in platform_applications():
        found.setdefault(application.siret, []).append(application)
    return found


def _name(company: SandboxCompany) -> str:
    if company.company_name:
        return company.company_name
    return " ".join(part for part in (company.first_name, company.last_name) if part)


def _street(company: SandboxCompany) -> str:
    parts = (company.street_number, company.street_type, company.street_label)
    return " ".join(part for part in parts if part)


def _people(people: Iterable[PersonRecord]) -> Secrets:
    found = Secrets()
    for person in people:
        found.tokens.add(person.email)
        if person.phone:
            found.tokens.add(person.phone)
        found.leaves.add(person.name)
    return found


async def _load(database_url: str, issuer: DevTokenIssuer) -> SeedWorld:
    engine = create_engine(database_url)
    try:
        hub = HubRepository(create_session_factory(engine))
        async with engine.connect() as connection:
            sirets = list((await connection.scalars(sa.text("SELECT siret FROM companies"))).all())
            agent_ids = list((await connection.scalars(sa.text("SELECT id FROM agents"))).all())
            structure_ids = list(
                (await connection.scalars(sa.text("SELECT id FROM structures"))).all()
            )
            holder = await connection.scalar(
                sa.text("SELECT email FROM accounts WHERE kind = 'PROJECT_HOLDER' ORDER BY id")
            )
        authenticator = Authenticator(issuer, hub, CachedDirectory(hub))
        viewers: dict[str, Viewer] = {}
        for label, email in VIEWERS.items():
            email = holder if email == HOLDER else email
            token = email and issuer.issue(subject=email, email=email)
            viewers[label] = await authenticator.viewer(f"Bearer {token}") if token else ANONYMOUS
        holders = [v.account_id for v in viewers.values() if v.account_id is not None]
        return SeedWorld(
            viewers=viewers,
            structures={k: v for k, v in (await hub.structures(structure_ids)).items() if v},
            agents={k: v for k, v in (await hub.agents(agent_ids)).items() if v},
            facts=dict(await hub.company_facts(sirets)),
            projects={k: list(v) for k, v in (await hub.projects(sirets)).items()},
            holder_projects={k: list(v) for k, v in (await hub.holder_projects(holders)).items()},
            aids={k: list(v) for k, v in (await hub.public_aids(sirets)).items()},
        )
    finally:
        await engine.dispose()


def load_world(seeded_database: Path, issuer: DevTokenIssuer) -> SeedWorld:
    """Read once per test session (the seed is deterministic), outside any test's loop."""
    return asyncio.run(_load(f"sqlite+aiosqlite:///{seeded_database}", issuer))
