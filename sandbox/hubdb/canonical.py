"""The canonical sandbox identities: the FAQ's own example (LEROY, M. Durand of the CCI du
Gard, Mme Mercier and M. Martin) and a few neighbours around it.

Invented people only: e-mails under ``.example``, phones in the French fiction range
``04 65 71 xx xx``. Ids and timestamps are fixed, so tests and docs can name them.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from connectors.hubdb.enums import (
    AccountKind,
    AgentRole,
    AssignmentStatus,
    MembershipRole,
    ProjectActorRole,
    StructureKind,
    SupportKind,
)
from connectors.hubdb.models import (
    Account,
    Agent,
    AgentDomain,
    AgentFiliere,
    AgentRoleRow,
    AgentTerritory,
    Base,
    Company,
    CompanyMembership,
    Project,
    ProjectActor,
    PublicAid,
    ReferentAssignment,
    Structure,
    StructureSupportKind,
)
from sandbox.entreprise.canonical import canonical_companies
from sandbox.hubdb.companies import sirene_columns
from sandbox.hubdb.directory import StructureSpec

__all__ = ["CANONICAL_PEOPLE", "CANONICAL_STRUCTURES", "OCCITANIE_DEPARTMENTS", "canonical_rows"]

OCCITANIE_DEPARTMENTS = (
    "09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82",
)  # fmt: skip

_NAMESPACE = uuid.UUID("4d1f0c52-8a41-4b6e-9a53-6f2b9d1c7e10")


def _at(day: str, hour: int, minute: int = 0) -> datetime:
    year, month, dom = (int(part) for part in day.split("-"))
    return datetime(year, month, dom, hour, minute, tzinfo=UTC)


def _stable_id(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, ":".join(parts)))


_S = SupportKind
_PLACES = {"region-occitanie": ("Toulouse", "31000", False,
                                (_S.DEVELOPPEMENT, _S.INNOVATION, _S.INTERNATIONAL, _S.FINANCEMENT,
                                 _S.EMPLOI_FORMATION, _S.DEVELOPPEMENT_DURABLE)),
           "cci-gard": ("Nîmes", "30000", True,
                        (_S.CREATION, _S.REPRISE, _S.DEVELOPPEMENT, _S.INTERNATIONAL,
                         _S.TRANSMISSION, _S.EMPLOI_FORMATION)),
           "bge-occitanie": ("Toulouse", "31000", True,
                             (_S.CREATION, _S.REPRISE, _S.EMPLOI_FORMATION)),
           "adocc": ("Montpellier", "34000", False,
                     (_S.DEVELOPPEMENT, _S.INNOVATION, _S.INTERNATIONAL, _S.FINANCEMENT)),
           "ademe": (None, None, False, (_S.DEVELOPPEMENT_DURABLE, _S.FINANCEMENT))}  # fmt: skip
"""City, postal code, labelled flag and kinds of support of the canonical structures."""


def _structures() -> list[Base]:
    network = {"in_network": True, "charter_signed": True}
    structures = [
        Structure(id="region-occitanie", name="Région Occitanie", kind=StructureKind.REGION,
                  department_code="31", email="hub@laregion.example",
                  phone="04 65 71 00 01", **network),
        Structure(id="cci-gard", name="CCI du Gard", kind=StructureKind.CCI,
                  department_code="30", email="contact@cci-gard.example",
                  phone="04 65 71 00 02", **network),
        Structure(id="bge-occitanie", name="BGE Occitanie", kind=StructureKind.BGE,
                  department_code="31", email="contact@bge-occitanie.example",
                  phone="04 65 71 00 03", **network),
        Structure(id="adocc", name="AD'OCC", kind=StructureKind.ADOCC,
                  department_code="34", email="contact@adocc.example",
                  phone="04 65 71 00 04", **network),
        Structure(id="ademe", name="ADEME", kind=StructureKind.OTHER, department_code=None,
                  in_network=False, charter_signed=False, email="contact@ademe.example",
                  phone="04 65 71 00 05"),
    ]  # fmt: skip
    rows: list[Base] = []
    for structure in structures:
        city, postal_code, labelled, kinds = _PLACES[structure.id]
        structure.city, structure.postal_code, structure.labelled = city, postal_code, labelled
        rows.append(structure)
        rows.extend(StructureSupportKind(structure_id=structure.id, support_kind=kind)
                    for kind in kinds)  # fmt: skip
    return rows


def _structure_specs() -> list[StructureSpec]:
    return [
        StructureSpec(s.id, s.name, StructureKind(s.kind), s.department_code,
                      (s.city, s.postal_code) if s.city and s.postal_code else None,
                      s.in_network, s.charter_signed)
        for s in _structures() if isinstance(s, Structure)
    ]  # fmt: skip


def _agent(
    slug: str,
    structure_id: str,
    first_name: str,
    last_name: str,
    email: str,
    phone: str,
    title: str,
    roles: tuple[AgentRole, ...],
    *,
    filieres: tuple[str, ...] = (),
    domains: tuple[str, ...] = (),
    territory: tuple[str, ...],
) -> list[Base]:
    account = Account(
        id=f"account-{slug}",
        email=email,
        name=f"{first_name} {last_name}",
        phone=phone,
        kind=AccountKind.AGENT,
        created_at=_at("2024-11-04", 8),
    )
    agent = Agent(
        id=f"agent-{slug}",
        account_id=account.id,
        structure_id=structure_id,
        first_name=first_name,
        last_name=last_name,
        title=title,
    )
    return [
        account,
        agent,
        *(AgentRoleRow(agent_id=agent.id, role=role) for role in roles),
        *(AgentFiliere(agent_id=agent.id, filiere=filiere) for filiere in filieres),
        *(AgentDomain(agent_id=agent.id, domain=domain) for domain in domains),
        *(AgentTerritory(agent_id=agent.id, code=code) for code in territory),
    ]


def _agents() -> list[Base]:
    region = OCCITANIE_DEPARTMENTS
    return [
        *_agent("pierre-durand", "cci-gard", "Pierre", "Durand",
                "pierre.durand@cci-gard.example", "04 65 71 10 01",
                "Conseiller entreprises", (AgentRole.REFERENT,),
                filieres=("industrie", "energie"),
                domains=("innovation", "developpement", "financement"), territory=("30",)),
        *_agent("sophie-roux", "cci-gard", "Sophie", "Roux",
                "sophie.roux@cci-gard.example", "04 65 71 10 02",
                "Conseillère entreprises", (AgentRole.REFERENT,),
                filieres=("artisanat", "bois"),
                domains=("developpement", "transmission"), territory=("30",)),
        *_agent("julien-garcia", "bge-occitanie", "Julien", "Garcia",
                "julien.garcia@bge-occitanie.example", "04 65 71 10 03",
                "Conseiller création", (AgentRole.REFERENT,),
                filieres=("aeronautique", "numerique"),
                domains=("creation", "reprise"), territory=("31", "32", "82")),
        *_agent("lucie-mercier", "adocc", "Lucie", "Mercier",
                "lucie.mercier@adocc.example", "04 65 71 10 04",
                "Chargée de mission hydrogène", (AgentRole.SPECIALIST,),
                filieres=("hydrogene",), domains=("innovation",), territory=region),
        *_agent("marc-martin", "ademe", "Marc", "Martin",
                "marc.martin@ademe.example", "04 65 71 10 05",
                "Ingénieur transition énergétique", (AgentRole.SPECIALIST,),
                filieres=("energie",), domains=("transition-energetique",), territory=region),
        *_agent("nadia-benali", "region-occitanie", "Nadia", "Benali",
                "nadia.benali@laregion.example", "04 65 71 10 06",
                "Experte financement innovation", (AgentRole.FUNDING_EXPERT,),
                domains=("financement", "innovation"), territory=region),
        *_agent("helene-vidal", "region-occitanie", "Hélène", "Vidal",
                "helene.vidal@laregion.example", "04 65 71 10 07",
                "Administratrice du Hub", (AgentRole.ADMIN,), territory=region),
    ]  # fmt: skip


def _company(
    siret: str,
    display_name: str,
    registered_at: datetime,
    people: tuple[tuple[str, str, str, str, MembershipRole], ...],
) -> list[Base]:
    """``people``: (account slug, name, e-mail, phone, role); the first is the mandataire who
    created the space."""
    sirene = next(c for c in canonical_companies() if c.siret == siret)
    rows: list[Base] = [
        Company(siret=siret, siren=siret[:9], display_name=display_name,
                registered_at=registered_at, **sirene_columns(sirene)),
    ]  # fmt: skip
    for slug, name, email, phone, role in people:
        account_id = f"account-{slug}"
        rows.append(
            Account(id=account_id, email=email, name=name, phone=phone,
                    kind=AccountKind.COMPANY_USER, created_at=registered_at)
        )  # fmt: skip
        rows.append(
            CompanyMembership(
                id=_stable_id("membership", siret, account_id),
                siret=siret,
                account_id=account_id,
                role=role,
            )
        )
    return rows


def _referent(
    siret: str,
    agent_id: str,
    status: AssignmentStatus,
    requested_at: datetime,
    due_at: datetime,
    answered_at: datetime | None = None,
) -> ReferentAssignment:
    return ReferentAssignment(
        id=_stable_id("referent", siret, agent_id),
        siret=siret,
        agent_id=agent_id,
        status=status,
        requested_at=requested_at,
        due_at=due_at,
        answered_at=answered_at,
        reminded_at=None,
        refusal_reason=None,
    )


LEROY = "84215637400014"
FABRE = "51234987900027"
DRONES = "79345612000013"
BIOCOSMETIQUES = "44306184100047"

_MANDATAIRE = MembershipRole.MANDATAIRE
_COLLABORATOR = MembershipRole.COLLABORATOR


def _companies() -> list[Base]:
    # Referents answer within 48 working hours: due_at is two working days after the request.
    return [
        *_company(LEROY, "LEROY SAS", _at("2025-01-06", 8), (
            ("claire-leroy", "Claire Leroy", "claire.leroy@leroy-sas.example",
             "04 65 71 20 01", _MANDATAIRE),
            ("thomas-blanc", "Thomas Blanc", "thomas.blanc@cabinet-blanc.example",
             "04 65 71 20 02", _COLLABORATOR),
        )),
        *_company(FABRE, "MENUISERIE FABRE", _at("2025-01-13", 9), (
            ("antoine-fabre", "Antoine Fabre", "antoine.fabre@menuiserie-fabre.example",
             "04 65 71 20 03", _MANDATAIRE),
        )),
        *_company(DRONES, "OCCITANIE DRONES", _at("2025-02-03", 10), (
            ("ines-moreau", "Inès Moreau", "ines.moreau@occitanie-drones.example",
             "04 65 71 20 04", _MANDATAIRE),
        )),
        *_company(BIOCOSMETIQUES, "BIOCOSMETIQUES DU LANGUEDOC", _at("2025-03-03", 9), (
            ("paul-girard", "Paul Girard", "paul.girard@biocosmetiques.example",
             "04 65 71 20 05", _MANDATAIRE),
        )),
        _referent(LEROY, "agent-pierre-durand", AssignmentStatus.ACCEPTED,
                  _at("2025-01-06", 8, 30), _at("2025-01-08", 8, 30), _at("2025-01-06", 14)),
        _referent(FABRE, "agent-sophie-roux", AssignmentStatus.ACCEPTED,
                  _at("2025-01-13", 9, 30), _at("2025-01-15", 9, 30), _at("2025-01-14", 10)),
        _referent(DRONES, "agent-julien-garcia", AssignmentStatus.ACCEPTED,
                  _at("2025-02-03", 10, 30), _at("2025-02-05", 10, 30), _at("2025-02-04", 9)),
        _referent(BIOCOSMETIQUES, "agent-pierre-durand", AssignmentStatus.PENDING,
                  _at("2025-03-03", 9, 30), _at("2025-03-05", 9, 30)),
    ]  # fmt: skip


def _projects() -> list[Base]:
    project_id = "project-leroy-pile-hydrogene"
    return [
        Project(id=project_id, siret=LEROY, holder_account_id=None,
                title="Pile à combustible hydrogène", theme="innovation",
                created_at=_at("2025-01-20", 9)),
        ProjectActor(project_id=project_id, agent_id="agent-pierre-durand",
                     role=ProjectActorRole.REFERENT, added_at=_at("2025-01-20", 9)),
        ProjectActor(project_id=project_id, agent_id="agent-lucie-mercier",
                     role=ProjectActorRole.SPECIALIST, added_at=_at("2025-01-21", 10)),
        ProjectActor(project_id=project_id, agent_id="agent-marc-martin",
                     role=ProjectActorRole.SPECIALIST, added_at=_at("2025-01-21", 10, 5)),
    ]  # fmt: skip


def _public_aids() -> list[Base]:
    """Aids LEROY and MENUISERIE FABRE received (invented), for the de minimis ceiling."""
    aids = (
        (LEROY, "2021-05-03", 20_000, "Région Occitanie", "Contrat Croissance", "1407/2013"),
        (LEROY, "2022-09-01", 30_000, "AD'OCC", "Pass Export", "1407/2013"),
        (LEROY, "2024-06-10", 45_000, "Région Occitanie", "Contrat Innovation", "2023/2831"),
        (LEROY, "2025-02-14", 12_500, "Bpifrance", "Bourse French Tech", "2023/2831"),
        (LEROY, "2025-09-15", 80_000, "Bpifrance", "Prêt d'amorçage", None),
        (FABRE, "2024-03-01", 180_000, "Région Occitanie", "Contrat Relance", "2023/2831"),
    )
    return [
        PublicAid(id=_stable_id("aid", siret, day, scheme), siret=siret,
                  granted_on=date.fromisoformat(day), amount=amount, grantor=grantor,
                  scheme=scheme, regulation=regulation)
        for siret, day, amount, grantor, scheme, regulation in aids
    ]  # fmt: skip


CANONICAL_STRUCTURES = _structure_specs()
CANONICAL_PEOPLE = {(a.first_name, a.last_name) for a in _agents() if isinstance(a, Agent)} | {
    ("Claire", "Leroy"),
    ("Thomas", "Blanc"),
    ("Antoine", "Fabre"),
    ("Inès", "Moreau"),
    ("Paul", "Girard"),
}
"""Names generated people never take (so a name search finds the canonical person only)."""


def canonical_rows() -> list[Base]:
    """Fresh (unsaved) rows, parents before children."""
    return [*_structures(), *_agents(), *_companies(), *_projects(), *_public_aids()]
