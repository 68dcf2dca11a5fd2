"""The generated directory: sizes, kinds, referents in every state, mandataires that match
the sandbox's Infogreffe records, and a seed that is the same in every process."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from connectors.hubdb.models import fold
from sandbox.entreprise.seed import companies as sandbox_companies
from sandbox.hubdb.companies import holder_mandataire
from sandbox.hubdb.runner import seed_rows
from sandbox.hubdb.vocabulary import CCI_NAMES, DEPARTMENTS
from tests.connectors.hubdb.canonical import ATLANTIQUE, BIOCOSMETIQUES, DRONES, FABRE, LEROY

CANONICAL_SIRETS = {LEROY, FABRE, DRONES, BIOCOSMETIQUES}


async def _rows(engine: AsyncEngine, statement: str) -> list[Any]:
    async with engine.connect() as connection:
        return list(await connection.execute(sa.text(statement)))


async def test_the_directory_is_at_network_scale(engine: AsyncEngine) -> None:
    [(structures, agents, holders, holder_projects)] = await _rows(
        engine,
        """
        SELECT (SELECT count(*) FROM structures), (SELECT count(*) FROM agents),
               (SELECT count(*) FROM accounts WHERE kind = 'PROJECT_HOLDER'),
               (SELECT count(*) FROM projects WHERE holder_account_id IS NOT NULL)""",
    )

    assert structures >= 300
    assert agents >= 1200
    assert holders >= 100 and holder_projects == holders


async def test_structures_of_every_kind_cover_the_thirteen_departments(
    engine: AsyncEngine,
) -> None:
    rows = await _rows(
        engine,
        "SELECT id, name, kind, department_code, in_network, "
        "charter_signed, email, phone, city, postal_code FROM structures",
    )

    kinds = Counter(row.kind for row in rows)
    assert set(kinds) == {
        "REGION",
        "ADOCC",
        "CCI",
        "CMA",
        "BGE",
        "INITIATIVE",
        "EPCI",
        "RESO",
        "RESO_INNOVATION",
        "OTHER",
    }
    assert {row.department_code for row in rows} - {None} == set(DEPARTMENTS)
    ccis = {row.department_code: row.name for row in rows if row.kind == "CCI"}
    assert ccis == {code: name for code, (_, name) in CCI_NAMES.items()}
    assert {
        "Nîmes Métropole",
        "Toulouse Métropole",
        "Montpellier Méditerranée Métropole",
        "Communauté d'agglomération du Grand Narbonne",
        "Initiative Gard",
        "Initiative Aveyron",
    } <= {row.name for row in rows}
    assert any(not row.in_network for row in rows if row.id != "ademe")
    assert any(row.in_network and not row.charter_signed for row in rows)
    assert all(row.email.endswith(".example") and row.phone.startswith("04 65 71 ") for row in rows)
    assert all(row.city and row.postal_code for row in rows if row.id != "ademe")


async def test_agents_are_mostly_referents_and_helene_vidal_is_the_only_admin(
    engine: AsyncEngine,
) -> None:
    roles = Counter(row.role for row in await _rows(engine, "SELECT role FROM agent_roles"))
    admins = await _rows(engine, "SELECT agent_id FROM agent_roles WHERE role = 'ADMIN'")
    without_criteria = await _rows(
        engine,
        """
        SELECT id FROM agents a WHERE NOT EXISTS
          (SELECT 1 FROM agent_territories t WHERE t.agent_id = a.id)""",
    )

    assert roles["REFERENT"] > 0.7 * sum(roles.values())
    assert roles["FUNDING_EXPERT"] > 20 and roles["SPECIALIST"] > 20
    assert admins == [("agent-helene-vidal",)]
    assert without_criteria == []


async def test_pierre_durand_holds_at_least_fifty_companies(engine: AsyncEngine) -> None:
    [(accepted,)] = await _rows(
        engine,
        """
        SELECT count(*) FROM referent_assignments
        WHERE agent_id = 'agent-pierre-durand' AND status = 'ACCEPTED'""",
    )

    assert accepted >= 50


async def test_referent_requests_exist_in_every_state(engine: AsyncEngine) -> None:
    rows = await _rows(
        engine, "SELECT siret, status, due_at, answered_at FROM referent_assignments"
    )
    [(without_any,)] = await _rows(
        engine,
        """
        SELECT count(*) FROM companies c WHERE NOT EXISTS
          (SELECT 1 FROM referent_assignments r WHERE r.siret = c.siret)""",
    )
    now = datetime.now(UTC)

    def due(row: Any) -> datetime:
        value = row.due_at
        value = datetime.fromisoformat(value) if isinstance(value, str) else value
        return value if value.tzinfo else value.replace(tzinfo=UTC)

    pending = [row for row in rows if row.status == "PENDING"]
    assert sum(row.status == "ACCEPTED" for row in rows) > len(rows) / 2
    assert any(due(row) < now for row in pending) and any(due(row) > now for row in pending)
    assert all(row.answered_at is None for row in pending)
    refused = {row.siret for row in rows if row.status == "REFUSED"}
    current = {row.siret for row in rows if row.status != "REFUSED"}
    assert refused & current and refused - current  # refused before a new choice, or alone
    assert without_any > 0


async def test_seeded_spaces_are_held_by_the_sandbox_mandataire(engine: AsyncEngine) -> None:
    rows = await _rows(
        engine,
        """
        SELECT m.siret, a.name FROM company_memberships m JOIN accounts a
          ON a.id = m.account_id WHERE m.role = 'MANDATAIRE'""",
    )
    sandbox = sandbox_companies()

    holders = {siret: name for siret, name in rows}
    assert len(holders) == len(rows)  # one mandataire per seeded space
    for siret, name in holders.items():
        mandataire = holder_mandataire(sandbox[siret])
        assert mandataire is not None and sandbox[siret].active
        expected = f"{mandataire.first_name} {mandataire.last_name}"
        if siret in CANONICAL_SIRETS:
            assert fold(name) == fold(expected)
        else:
            assert name == expected


async def test_every_active_sandbox_company_with_a_mandataire_is_registered(
    engine: AsyncEngine,
) -> None:
    registered = {siret for (siret,) in await _rows(engine, "SELECT siret FROM companies")}
    eligible = {
        siret
        for siret, company in sandbox_companies().items()
        if company.active and holder_mandataire(company) is not None
    }

    assert ATLANTIQUE not in registered
    assert eligible - registered == {ATLANTIQUE}
    assert registered <= eligible
    assert len(registered) >= 2000  # the issue: at least 2,000 hub-registered companies


async def test_companies_have_collaborators_inside_and_outside_and_projects_with_actors(
    engine: AsyncEngine,
) -> None:
    collaborators = await _rows(
        engine,
        """
        SELECT a.email FROM company_memberships m JOIN accounts a ON a.id = m.account_id
        WHERE m.role = 'COLLABORATOR'""",
    )
    [(with_actors,)] = await _rows(
        engine,
        """
        SELECT count(DISTINCT p.id) FROM projects p JOIN project_actors x
          ON x.project_id = p.id WHERE p.siret IS NOT NULL""",
    )
    [(unlabelled,)] = await _rows(
        engine,
        """
        SELECT count(*) FROM projects p JOIN structures s ON s.id = p.structure_id
        WHERE p.holder_account_id IS NOT NULL AND NOT s.labelled""",
    )

    assert any("@cabinet-" in email for (email,) in collaborators)
    assert any("@cabinet-" not in email for (email,) in collaborators)
    assert with_actors >= 50
    assert unlabelled == 0


def _digest() -> str:
    rows = {table: list(found) for table, found in seed_rows().items()}
    return hashlib.sha256(json.dumps(rows, default=str, sort_keys=True).encode()).hexdigest()


def test_the_generated_seed_is_the_same_in_every_process() -> None:
    other = subprocess.run(
        [sys.executable, "-c",
         "from tests.sandbox.hubdb.test_hubdb_seed_directory import _digest; print(_digest())"],
        capture_output=True, text=True, check=True, env={**os.environ, "PYTHONHASHSEED": "12345"},
    )  # fmt: skip

    assert other.stdout.strip() == _digest()
