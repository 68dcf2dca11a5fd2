"""The generated network directory: ~310 structures across the 13 departments of Occitanie
and ~1,250 agents with roles, filières, competence domains and territories.

Deterministic (``random.Random(DIRECTORY_SEED)``); ids are readable slugs. The canonical
structures and agents (``canonical.py``) are not generated again, only staffed further.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from connectors.hubdb.enums import AccountKind, AgentRole, StructureKind, SupportKind
from connectors.hubdb.models import agent_sort_name, fold
from sandbox.hubdb._common import Rows, at, phones, slug
from sandbox.hubdb.vocabulary import (
    CCI_NAMES,
    COMMUNITY_PLACES,
    DEPARTMENTS,
    DOMAINS,
    EPCI_NAMES,
    FILIERES,
    FIRST_NAMES,
    INITIATIVE_LOCAL,
    LAST_NAMES,
    TOWNS,
)

__all__ = ["DIRECTORY_SEED", "StructureSpec", "directory_rows"]

DIRECTORY_SEED = 20261123

_S = SupportKind
_SUPPORT: dict[StructureKind, tuple[SupportKind, ...]] = {
    StructureKind.REGION: (_S.DEVELOPPEMENT, _S.INNOVATION, _S.INTERNATIONAL, _S.FINANCEMENT,
                           _S.EMPLOI_FORMATION, _S.DEVELOPPEMENT_DURABLE),
    StructureKind.ADOCC: (_S.DEVELOPPEMENT, _S.INNOVATION, _S.INTERNATIONAL, _S.FINANCEMENT),
    StructureKind.CCI: (_S.CREATION, _S.REPRISE, _S.DEVELOPPEMENT, _S.INTERNATIONAL,
                        _S.TRANSMISSION, _S.EMPLOI_FORMATION),
    StructureKind.CMA: (_S.CREATION, _S.REPRISE, _S.DEVELOPPEMENT, _S.TRANSMISSION,
                        _S.EMPLOI_FORMATION),
    StructureKind.BGE: (_S.CREATION, _S.REPRISE, _S.EMPLOI_FORMATION),
    StructureKind.INITIATIVE: (_S.CREATION, _S.REPRISE, _S.FINANCEMENT),
    StructureKind.EPCI: (_S.CREATION, _S.DEVELOPPEMENT),
    StructureKind.RESO: (_S.DEVELOPPEMENT, _S.INNOVATION),
    StructureKind.RESO_INNOVATION: (_S.INNOVATION, _S.FINANCEMENT),
    StructureKind.OTHER: (_S.DEVELOPPEMENT_DURABLE, _S.FINANCEMENT),
}  # fmt: skip
_LABELLED = {StructureKind.CCI, StructureKind.CMA, StructureKind.BGE, StructureKind.INITIATIVE}
_STAFF = {StructureKind.REGION: 6, StructureKind.ADOCC: 8, StructureKind.CCI: 10,
          StructureKind.CMA: 6, StructureKind.BGE: 4, StructureKind.INITIATIVE: 3,
          StructureKind.EPCI: 3, StructureKind.RESO: 3, StructureKind.RESO_INNOVATION: 3,
          StructureKind.OTHER: 2}  # fmt: skip
_DOMAIN_BIAS = {StructureKind.BGE: ("creation", "reprise"),
                StructureKind.INITIATIVE: ("financement", "creation", "reprise"),
                StructureKind.CCI: ("developpement", "export", "transmission"),
                StructureKind.CMA: ("reprise", "transmission", "rh"),
                StructureKind.ADOCC: ("innovation", "export", "financement"),
                StructureKind.EPCI: ("immobilier-entreprise", "creation", "developpement"),
                StructureKind.RESO_INNOVATION: ("innovation", "financement")}  # fmt: skip
_NEIGHBOURS = {"09": ("11", "31", "66"), "11": ("09", "31", "34", "66", "81"),
               "12": ("46", "48", "81", "82", "30", "34"), "30": ("34", "48", "12"),
               "31": ("09", "11", "32", "65", "81", "82"), "32": ("31", "65", "82"),
               "34": ("11", "12", "30", "81"), "46": ("12", "82"), "48": ("12", "30"),
               "65": ("31", "32"), "66": ("09", "11"), "81": ("11", "12", "31", "34", "82"),
               "82": ("12", "31", "32", "46", "81")}  # fmt: skip
_OUTSIDE = (("bpifrance-toulouse", "Bpifrance Toulouse", "31"),
            ("bpifrance-montpellier", "Bpifrance Montpellier", "34"),
            ("banque-des-territoires-occitanie", "Banque des Territoires Occitanie", "31"),
            ("business-france-occitanie", "Business France Occitanie", "31"),
            ("inpi-occitanie", "INPI Occitanie", "31"),
            ("ademe-montpellier", "ADEME — direction régionale, site de Montpellier", "34"),
            ("france-active-occitanie", "France Active Occitanie", "34"),
            ("reseau-entreprendre-occitanie", "Réseau Entreprendre Occitanie", "31"),
            ("safer-occitanie", "SAFER Occitanie", "34"),
            ("cerema-sud-ouest", "Cerema Sud-Ouest", "31"))  # fmt: skip
_CANONICAL_STAFF = {"region-occitanie": 20, "adocc": 10, "cci-gard": 8, "bge-occitanie": 5}
_TITLES = {AgentRole.REFERENT: ("Conseiller entreprises", "Développeur économique",
                                "Chargé de mission création", "Chargé d'affaires"),
           AgentRole.FUNDING_EXPERT: ("Expert financement", "Chargé de mission aides"),
           AgentRole.SPECIALIST: ("Chargé de mission filière", "Ingénieur conseil")}  # fmt: skip


@dataclass(frozen=True, slots=True)
class StructureSpec:
    id: str
    name: str
    kind: StructureKind
    department_code: str | None
    town: tuple[str, str] | None
    in_network: bool = True
    charter_signed: bool = True


def _structures(rng: random.Random) -> Iterator[StructureSpec]:
    for code, name in DEPARTMENTS.items():
        towns = TOWNS[code]
        for town in towns[:2]:
            yield StructureSpec(f"region-{slug(town[0])}", f"Maison de ma Région — {town[0]}",
                                StructureKind.REGION, code, town)  # fmt: skip
        yield StructureSpec(f"adocc-{code}", f"AD'OCC — antenne {name}", StructureKind.ADOCC,
                            code, towns[0])  # fmt: skip
        if code != "30":  # the CCI du Gard is canonical
            cci_id, cci_name = CCI_NAMES[code]
            yield StructureSpec(cci_id, cci_name, StructureKind.CCI, code, towns[0])
        yield StructureSpec(f"cma-{code}", f"CMA Occitanie — {name}", StructureKind.CMA, code,
                            towns[0])  # fmt: skip
        yield StructureSpec(f"initiative-{slug(name)}", f"Initiative {name}",
                            StructureKind.INITIATIVE, code, towns[0])  # fmt: skip
        for town in towns[:3]:
            yield StructureSpec(f"bge-{slug(town[0])}", f"BGE {town[0]}", StructureKind.BGE,
                                code, town)  # fmt: skip
            yield StructureSpec(f"reso-{slug(town[0])}", f"RésO by AD'OCC — {town[0]}",
                                StructureKind.RESO, code, town)  # fmt: skip
        for label, town in zip(("Technopole", "Incubateur", "Pépinière d'entreprises"),
                               towns[1:4], strict=False):  # fmt: skip
            yield StructureSpec(f"reso-innovation-{slug(label)}-{slug(town[0])}",
                                f"{label} {town[0]} (ResO Innovation)",
                                StructureKind.RESO_INNOVATION, code, town,
                                charter_signed=rng.random() > 0.08)  # fmt: skip
        if len(towns) > 3:
            town = towns[3]
            yield StructureSpec(f"cc-pays-{slug(town[0])}",
                                f"Communauté de communes du Pays de {town[0]}",
                                StructureKind.EPCI, code, town)  # fmt: skip
    for code, name in INITIATIVE_LOCAL:
        yield StructureSpec(slug(name), name, StructureKind.INITIATIVE, code,
                            rng.choice(TOWNS[code]))  # fmt: skip
    for code, name in EPCI_NAMES:
        yield StructureSpec(slug(name), name, StructureKind.EPCI, code, TOWNS[code][0])
    codes = sorted(DEPARTMENTS)
    for place in COMMUNITY_PLACES:
        code = rng.choice(codes)
        yield StructureSpec(slug(f"cc {place}"), f"Communauté de communes {place}",
                            StructureKind.EPCI, code, rng.choice(TOWNS[code]),
                            charter_signed=rng.random() > 0.12)  # fmt: skip
    for id_, name, code in _OUTSIDE:
        yield StructureSpec(id_, name, StructureKind.OTHER, code, TOWNS[code][0],
                            in_network=False, charter_signed=False)  # fmt: skip


def _structure_rows(rows: Rows, spec: StructureSpec, phone: str, rng: random.Random) -> None:
    rows["structures"].append({
        "id": spec.id, "name": spec.name, "kind": spec.kind.value,
        "department_code": spec.department_code, "in_network": spec.in_network,
        "charter_signed": spec.charter_signed, "email": f"contact@{spec.id}.example",
        "phone": phone, "city": spec.town[0] if spec.town else None,
        "postal_code": spec.town[1] if spec.town else None,
        "labelled": spec.kind in _LABELLED or (spec.kind is StructureKind.RESO
                                                and rng.random() < 0.3),
        "search_name": fold(spec.name),
    })  # fmt: skip
    kinds = set(_SUPPORT[spec.kind])
    if spec.kind is StructureKind.EPCI and rng.random() < 0.4:
        kinds.add(SupportKind.DEVELOPPEMENT_DURABLE)
    rows["structure_support_kinds"].extend(
        {"structure_id": spec.id, "support_kind": kind.value} for kind in sorted(kinds)
    )


class _People:
    """Unique invented names (never one of the canonical people's)."""

    def __init__(self, rng: random.Random, taken: set[tuple[str, str]]) -> None:
        self._rng = rng
        self._taken = set(taken)

    def next(self) -> tuple[str, str]:
        while True:
            person = (self._rng.choice(FIRST_NAMES), self._rng.choice(LAST_NAMES))
            if person not in self._taken:
                self._taken.add(person)
                return person


def _roles(rng: random.Random, kind: StructureKind) -> list[AgentRole]:
    if kind is StructureKind.OTHER:
        return [AgentRole.SPECIALIST]
    draw = rng.random()
    expert_share = 0.25 if kind in (StructureKind.REGION, StructureKind.ADOCC) else 0.04
    if draw < expert_share:
        return [AgentRole.FUNDING_EXPERT]
    if draw < expert_share + 0.06:
        return [AgentRole.SPECIALIST]
    return (
        [AgentRole.REFERENT, AgentRole.SPECIALIST] if rng.random() < 0.1 else [AgentRole.REFERENT]
    )


def _territories(rng: random.Random, spec: StructureSpec) -> list[str]:
    code = spec.department_code
    if code is None or spec.id in ("region-occitanie", "adocc") or spec.kind is StructureKind.OTHER:
        return sorted(DEPARTMENTS)
    if spec.kind is StructureKind.EPCI and spec.town is not None and rng.random() < 0.3:
        return [spec.town[1][:3]]
    codes = {code}
    if rng.random() < 0.25:
        codes.add(rng.choice(_NEIGHBOURS[code]))
    return sorted(codes)


def _agent_rows(
    rows: Rows, spec: StructureSpec, person: tuple[str, str], phone: str, rng: random.Random
) -> None:
    first, last = person
    key = slug(f"{first} {last}")
    roles = _roles(rng, spec.kind)
    bias = _DOMAIN_BIAS.get(spec.kind, ())
    domains = set(rng.sample(DOMAINS, rng.randint(1, 2)))
    domains |= set(rng.sample(bias, min(len(bias), rng.randint(1, 2)))) if bias else set()
    filieres = rng.sample(FILIERES, rng.randint(1, 3))
    rows["accounts"].append({
        "id": f"account-{key}", "email": f"{slug(first)}.{slug(last)}@{spec.id}.example",
        "name": f"{first} {last}", "phone": phone, "kind": AccountKind.AGENT.value,
        "created_at": at(2024, 11, 4, 8),
    })  # fmt: skip
    rows["agents"].append({
        "id": f"agent-{key}", "account_id": f"account-{key}", "structure_id": spec.id,
        "first_name": first, "last_name": last, "title": rng.choice(_TITLES[roles[0]]),
        "search_name": fold(f"{first} {last}"), "sort_name": agent_sort_name(first, last),
    })  # fmt: skip
    agent_id = f"agent-{key}"
    rows["agent_roles"].extend({"agent_id": agent_id, "role": role.value} for role in roles)
    rows["agent_filieres"].extend({"agent_id": agent_id, "filiere": f} for f in sorted(filieres))
    rows["agent_domains"].extend({"agent_id": agent_id, "domain": d} for d in sorted(domains))
    rows["agent_territories"].extend(
        {"agent_id": agent_id, "code": code} for code in _territories(rng, spec)
    )


def directory_rows(canonical: list[StructureSpec], canonical_people: set[tuple[str, str]]) -> Rows:
    """Generated structures and agents (and the agents' accounts), by table. ``canonical``
    structures are staffed, not written; ``canonical_people`` are never generated again."""
    rng = random.Random(DIRECTORY_SEED)
    rows: Rows = {name: [] for name in ("structures", "structure_support_kinds", "accounts",
                                        "agents", "agent_roles", "agent_filieres",
                                        "agent_domains", "agent_territories")}  # fmt: skip
    numbers = phones(3000)
    generated = list(_structures(rng))
    for spec in generated:
        _structure_rows(rows, spec, next(numbers), rng)
    people = _People(rng, canonical_people)
    for spec in [*canonical, *generated]:
        staff = _CANONICAL_STAFF.get(spec.id, _STAFF[spec.kind])
        if spec.kind is StructureKind.EPCI and "Métropole" in spec.name:
            staff += 3
        for _ in range(staff):
            _agent_rows(rows, spec, people.next(), next(numbers), rng)
    return rows
