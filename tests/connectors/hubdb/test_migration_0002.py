"""Revision 0002 carries the data of a 0001 database: agents' JSON criteria become rows,
names are folded for search, and a downgrade puts everything back."""

from __future__ import annotations

import json

from connectors.hubdb import migrate
from tests.connectors.hubdb.migrations import downgrade, run_sql

_AT = "2025-01-06 09:00:00+00:00"
_0001_ROWS = (
    (
        "INSERT INTO structures VALUES ('cci', 'Chambre Économique', 'CCI', '30', true, true, "
        "NULL, NULL)"
    ),
    (
        f"INSERT INTO accounts VALUES ('acc', 'elodie@x.example', 'Élodie Müller', NULL, "
        f"'AGENT', '{_AT}')"
    ),
    (
        "INSERT INTO agents VALUES ('ag', 'acc', 'cci', 'Élodie', 'Müller', NULL, "
        '\'["bois", "btp"]\', \'["creation"]\', \'["30", "341"]\')'
    ),
    "INSERT INTO agent_roles VALUES ('ag', 'REFERENT')",
    f"INSERT INTO companies VALUES ('84215637400014', '842156374', 'LEROY SAS', '{_AT}')",
    f"INSERT INTO projects VALUES ('p', '84215637400014', NULL, 'Pile', NULL, '{_AT}')",
    f"INSERT INTO project_actors VALUES ('p', 'ag', 'REFERENT', '{_AT}')",
)


async def test_upgrade_moves_agent_criteria_to_rows_and_folds_names(empty_url: str) -> None:
    await migrate(empty_url, "0001")
    await run_sql(empty_url, *_0001_ROWS)

    await migrate(empty_url)

    agents, filieres, domains, territories, structures, actors = await run_sql(
        empty_url,
        "SELECT id, search_name, sort_name FROM agents",
        "SELECT agent_id, filiere FROM agent_filieres ORDER BY filiere",
        "SELECT agent_id, domain FROM agent_domains",
        "SELECT agent_id, code FROM agent_territories ORDER BY code",
        "SELECT id, search_name, labelled, city FROM structures",
        "SELECT project_id, agent_id FROM project_actors",
    )
    assert agents == [("ag", "elodie muller", "muller\telodie")]
    assert filieres == [("ag", "bois"), ("ag", "btp")]
    assert domains == [("ag", "creation")]
    assert territories == [("ag", "30"), ("ag", "341")]
    assert [(s[0], s[1], bool(s[2]), s[3]) for s in structures] == [
        ("cci", "chambre economique", False, None)
    ]
    assert actors == [("p", "ag")]


async def test_downgrade_to_0001_restores_the_json_criteria_and_keeps_project_actors(
    empty_url: str,
) -> None:
    await migrate(empty_url, "0001")
    await run_sql(empty_url, *_0001_ROWS)
    await migrate(empty_url)

    await downgrade(empty_url, "0001")

    agents, actors, version = await run_sql(
        empty_url,
        "SELECT filieres, domains, territory FROM agents",
        "SELECT project_id, agent_id, role FROM project_actors",
        "SELECT version_num FROM alembic_version",
    )
    decoded = [tuple(json.loads(v) if isinstance(v, str) else v for v in row) for row in agents]
    assert decoded == [(["bois", "btp"], ["creation"], ["30", "341"])]
    assert actors == [("p", "ag", "REFERENT")]
    assert version == [("0001",)]
