"""Companies registered on the hub, drawn from the API Entreprise sandbox, and project
holders.

Every active sandbox company with a physical-person mandataire in its Infogreffe record is
registered (the canonical ones are left to ``canonical.py``); its first such mandataire holds
the space, named exactly as in the sandbox ("Claire LEROY"), so the "only a mandataire may
create the space" rule holds for the seeded spaces too. Some have collaborators (internal or
external), and referent requests in every state: ACCEPTED (most), PENDING (overdue, or due
in the future), REFUSED history, or none. Pierre Durand holds at least
:data:`DURAND_PORTFOLIO` companies of the Gard.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from connectors.entreprise.geography import department_of_commune
from connectors.hubdb.enums import (
    AccountKind,
    AssignmentStatus,
    MembershipRole,
    ProjectActorRole,
)
from connectors.hubdb.models import company_search_text, fold
from sandbox.entreprise.canonical import canonical_companies
from sandbox.entreprise.records import SandboxCompany, SandboxMandataire
from sandbox.entreprise.seed import companies as sandbox_companies
from sandbox.hubdb._common import Rows, add_working_days, at, phones, slug, stable_id
from sandbox.hubdb.vocabulary import DEPARTMENTS, FILIERES, FIRST_NAMES, LAST_NAMES

__all__ = [
    "COMPANIES_SEED",
    "DURAND",
    "DURAND_PORTFOLIO",
    "company_rows",
    "holder_mandataire",
    "sirene_columns",
]

COMPANIES_SEED = 20261124
DURAND = "agent-pierre-durand"
DURAND_PORTFOLIO = 55
"""Generated Gard companies whose ACCEPTED referent is Pierre Durand (LEROY comes on top)."""
HOLDERS = 120

_REFUSALS = ("Hors de mon territoire", "Portefeuille complet", "Hors de mes domaines",
             "L'entreprise est déjà suivie par un collègue")  # fmt: skip
_THEMES = ("innovation", "export", "developpement", "transition-ecologique", "recrutement")
_PROJECT_TITLES = ("Nouvelle ligne de production", "Ouverture d'un site à l'export",
                   "Démarche RSE et bilan carbone", "Recrutement de trois techniciens",
                   "Prototype de produit innovant", "Extension de l'atelier",
                   "Transformation numérique de la relation client")  # fmt: skip
_HOLDER_TITLES = ("Création d'une microbrasserie à {town}", "Reprise d'une menuiserie à {town}",
                  "Épicerie vrac et circuits courts à {town}", "Studio de jeux vidéo à {town}",
                  "Atelier de réparation de vélos à {town}", "Reprise d'un hôtel à {town}",
                  "Cabinet de conseil en énergie à {town}")  # fmt: skip


def holder_mandataire(company: SandboxCompany) -> SandboxMandataire | None:
    """The mandataire who holds a seeded company's space: its first physical person."""
    return next((m for m in company.mandataires if m.kind == "personne_physique"), None)


def sirene_columns(company: SandboxCompany) -> dict[str, Any]:
    """The ``companies`` columns copied from Sirene when a space is registered (as
    ``registerCompany`` copies them from the API Entreprise answer), and the search keys."""
    name = company.display_name[:200]
    return {"postal_code": company.postal_code, "city": company.city,
            "department_code": department_of_commune(company.commune_code),
            "naf_code": company.naf_code, "active": company.active,
            "search_text": company_search_text(name, company.siret, company.city),
            "sort_name": fold(name)}  # fmt: skip


def _eligible() -> list[tuple[SandboxCompany, SandboxMandataire]]:
    canonical = {company.siret for company in canonical_companies()}
    found = []
    for company in sandbox_companies().values():
        mandataire = holder_mandataire(company)
        if company.active and mandataire is not None and company.siret not in canonical:
            found.append((company, mandataire))
    return found


def _department(postal_code: str) -> str | None:
    return postal_code[:2] if postal_code[:2] in DEPARTMENTS else None


class _Context:
    def __init__(self, agents: Rows) -> None:
        self.rng = random.Random(COMPANIES_SEED)
        self.rows: Rows = {name: [] for name in ("accounts", "companies", "company_memberships",
                                                 "referent_assignments", "projects",
                                                 "project_actors")}  # fmt: skip
        self.numbers = phones(6000)
        self.emails: set[str] = set()
        unsigned = {s["id"] for s in agents["structures"]
                    if not (s["in_network"] and s["charter_signed"])}  # fmt: skip
        selectable = {a["id"] for a in agents["agents"] if a["structure_id"] not in unsigned}
        roles: dict[str, set[str]] = {}
        for row in agents["agent_roles"]:
            if row["agent_id"] in selectable:
                roles.setdefault(row["agent_id"], set()).add(row["role"])
        self.referents_by_department: dict[str | None, list[str]] = {None: []}
        for row in agents["agent_territories"]:
            if "REFERENT" in roles.get(row["agent_id"], ()) and row["code"] in DEPARTMENTS:
                self.referents_by_department.setdefault(row["code"], []).append(row["agent_id"])
        self.referents_by_department[None] = sorted(
            {a for ids in self.referents_by_department.values() for a in ids}
        )
        self.experts = sorted(a for a, r in roles.items() if "FUNDING_EXPERT" in r)
        self.specialists = sorted(a for a, r in roles.items() if "SPECIALIST" in r)
        self.durand_count = 0

    def email(self, local: str, domain: str) -> str:
        candidate, n = f"{local}@{domain}.example", 1
        while candidate in self.emails:
            n += 1
            candidate = f"{local}{n}@{domain}.example"
        self.emails.add(candidate)
        return candidate

    def account(self, id_: str, name: str, email: str, kind: AccountKind, when: Any) -> None:
        self.rows["accounts"].append({"id": id_, "email": email, "name": name,
                                      "phone": next(self.numbers), "kind": kind.value,
                                      "created_at": when})  # fmt: skip


def _register(
    ctx: _Context, index: int, company: SandboxCompany, holder: SandboxMandataire
) -> None:
    rng, rows, siret = ctx.rng, ctx.rows, company.siret
    registered_at = at(2024, 1, 8) + timedelta(hours=index * 5 + rng.randint(0, 4))
    domain = slug(company.display_name)[:40] or siret
    rows["companies"].append({"siret": siret, "siren": company.siren,
                              "display_name": company.display_name[:200],
                              "registered_at": registered_at,
                              **sirene_columns(company)})  # fmt: skip
    people = [(f"{holder.first_name} {holder.last_name}", MembershipRole.MANDATAIRE,
               ctx.email(f"{slug(holder.first_name or '')}.{slug(holder.last_name or '')}",
                         domain))]  # fmt: skip
    for _ in range(rng.choice((0, 0, 0, 0, 0, 1, 1, 2))):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        where = domain if rng.random() < 0.6 else f"cabinet-{slug(rng.choice(LAST_NAMES))}"
        people.append((f"{first} {last}", MembershipRole.COLLABORATOR,
                       ctx.email(f"{slug(first)}.{slug(last)}", where)))  # fmt: skip
    for n, (name, role, email) in enumerate(people):
        account_id = f"account-co-{siret}-{n}"
        ctx.account(account_id, name, email, AccountKind.COMPANY_USER, registered_at)
        rows["company_memberships"].append({"id": stable_id("membership", siret, account_id),
                                            "siret": siret, "account_id": account_id,
                                            "role": role.value})  # fmt: skip
    _referent(ctx, company, registered_at)


def _assignment(siret: str, agent_id: str, status: AssignmentStatus, requested: Any,
                answered: Any = None, reason: str | None = None) -> dict[str, Any]:  # fmt: skip
    return {"id": stable_id("referent", siret, agent_id), "siret": siret, "agent_id": agent_id,
            "status": status.value, "requested_at": requested, "answered_at": answered,
            "due_at": add_working_days(requested, 2), "reminded_at": None,
            "refusal_reason": reason}  # fmt: skip


def _referent(ctx: _Context, company: SandboxCompany, registered_at: Any) -> None:
    rng, siret = ctx.rng, company.siret
    department = _department(company.postal_code)
    candidates = ctx.referents_by_department.get(department) or ctx.referents_by_department[None]
    draw = rng.random()
    requested = registered_at + timedelta(minutes=30)
    if draw < 0.14:
        return  # no referent chosen yet
    if draw < 0.22 or rng.random() < 0.08:  # a refused request first (or only)
        refused_by = rng.choice(candidates)
        ctx.rows["referent_assignments"].append(_assignment(
            siret, refused_by, AssignmentStatus.REFUSED, requested,
            requested + timedelta(hours=20), rng.choice(_REFUSALS)))  # fmt: skip
        if draw < 0.22:
            return
        candidates = [a for a in candidates if a != refused_by] or candidates
        requested += timedelta(days=3)
    if draw < 0.32:
        overdue = rng.random() < 0.5
        requested = at(2026, 11, 2) if overdue else at(2030, 3, 4)
        requested += timedelta(days=rng.randint(0, 2), hours=rng.randint(0, 8))
        agent = rng.choice(candidates)
        ctx.rows["referent_assignments"].append(
            _assignment(siret, agent, AssignmentStatus.PENDING, requested)
        )
        return
    agent = rng.choice(candidates)
    if department == "30" and ctx.durand_count < DURAND_PORTFOLIO:
        agent, ctx.durand_count = DURAND, ctx.durand_count + 1
    ctx.rows["referent_assignments"].append(_assignment(
        siret, agent, AssignmentStatus.ACCEPTED, requested,
        requested + timedelta(hours=rng.randint(1, 30))))  # fmt: skip
    if rng.random() < (0.5 if agent == DURAND else 0.12):
        _project(ctx, siret, agent, requested + timedelta(days=10))


def _project(ctx: _Context, siret: str, referent: str, created: Any) -> None:
    rng = ctx.rng
    project_id = f"project-{siret}-1"
    ctx.rows["projects"].append({"id": project_id, "siret": siret, "holder_account_id": None,
                                 "title": rng.choice(_PROJECT_TITLES),
                                 "theme": rng.choice(_THEMES), "filiere": rng.choice(FILIERES),
                                 "structure_id": None, "created_at": created})  # fmt: skip
    actors = [(referent, ProjectActorRole.REFERENT)]
    if rng.random() < 0.5:
        actors.append((rng.choice(ctx.experts), ProjectActorRole.FUNDING_EXPERT))
    if rng.random() < 0.3:
        actors.append((rng.choice(ctx.specialists), ProjectActorRole.SPECIALIST))
    for n, (agent_id, role) in enumerate(dict(actors).items()):
        ctx.rows["project_actors"].append({"project_id": project_id, "agent_id": agent_id,
                                           "role": role.value,
                                           "added_at": created + timedelta(hours=n)})  # fmt: skip


def _holders(ctx: _Context, labelled: Sequence[tuple[str, str, str]]) -> None:
    """``labelled``: (structure id, department code, city) of the labelled structures."""
    rng = ctx.rng
    for n in range(1, HOLDERS + 1):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        account_id = f"account-holder-{n:03d}"
        created = at(2025, 2, 3) + timedelta(days=n, hours=rng.randint(0, 8))
        email = ctx.email(f"{slug(first)}.{slug(last)}", "porteur-de-projet")
        ctx.account(account_id, f"{first} {last}", email, AccountKind.PROJECT_HOLDER, created)
        structure_id, _, city = rng.choice(labelled)
        ctx.rows["projects"].append({
            "id": f"project-holder-{n:03d}", "siret": None, "holder_account_id": account_id,
            "title": rng.choice(_HOLDER_TITLES).format(town=city),
            "theme": rng.choice(("creation", "reprise")), "filiere": rng.choice(FILIERES),
            "structure_id": structure_id, "created_at": created,
        })  # fmt: skip


def company_rows(directory: Rows) -> Rows:
    """Registered companies, their people, referent requests and projects, and the project
    holders, by table. ``directory`` is the generated directory (agents to choose from)."""
    ctx = _Context(directory)
    for index, (company, holder) in enumerate(_eligible()):
        _register(ctx, index, company, holder)
    labelled = sorted((s["id"], s["department_code"], s["city"])
                      for s in directory["structures"] if s["labelled"])  # fmt: skip
    _holders(ctx, labelled)
    return ctx.rows
