"""Revision 0008 keeps every referent request of a 0007 database, takes a project holder's
project's request beside the companies', and a downgrade keeps the companies' requests."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from connectors.hubdb import migrate
from tests.connectors.hubdb.migrations import downgrade, run_sql

_AT = "2025-01-06 09:00:00+00:00"
_SIRET = "84215637400014"
_0007_ROWS = (
    (
        "INSERT INTO structures (id, name, kind, department_code, labelled, in_network, "
        "charter_signed, search_name) VALUES ('cci', 'CCI', 'CCI', '30', true, true, true, 'cci')"
    ),
    (
        "INSERT INTO accounts (id, email, name, kind, created_at) VALUES "
        f"('acc', 'agent@x.example', 'Agent', 'AGENT', '{_AT}'), "
        f"('holder', 'holder@x.example', 'Holder', 'PROJECT_HOLDER', '{_AT}')"
    ),
    (
        "INSERT INTO agents (id, account_id, structure_id, first_name, last_name, search_name, "
        "sort_name) VALUES ('ag', 'acc', 'cci', 'Élodie', 'Müller', 'elodie muller', 'muller')"
    ),
    (
        "INSERT INTO companies (siret, siren, display_name, registered_at) VALUES "
        f"('{_SIRET}', '842156374', 'LEROY SAS', '{_AT}')"
    ),
    (
        "INSERT INTO projects (id, siret, holder_account_id, title, structure_id, created_at) VALUES "
        f"('company-project', '{_SIRET}', NULL, 'Pile', NULL, '{_AT}'), "
        f"('holder-project', NULL, 'holder', 'Boulangerie', 'cci', '{_AT}')"
    ),
    (
        "INSERT INTO referent_assignments (id, siret, agent_id, status, requested_at) VALUES "
        f"('refused', '{_SIRET}', 'ag', 'REFUSED', '{_AT}'), "
        f"('current', '{_SIRET}', 'ag', 'ACCEPTED', '{_AT}')"
    ),
)
_COMPANY_ROWS = [("current", _SIRET, "ACCEPTED"), ("refused", _SIRET, "REFUSED")]


def _holder_request(assignment_id: str, status: str = "PENDING") -> str:
    return (
        "INSERT INTO referent_assignments (id, project_id, agent_id, status, requested_at) "
        f"VALUES ('{assignment_id}', 'holder-project', 'ag', '{status}', '{_AT}')"
    )


async def _upgraded_with_a_holder_request(url: str, assignment_id: str) -> None:
    """A 0007 database with rows, upgraded, then given a holder's project's request."""
    await migrate(url, "0007")
    await run_sql(url, *_0007_ROWS)
    await migrate(url)
    await run_sql(url, _holder_request(assignment_id))


async def test_upgrade_keeps_every_request_and_project_and_takes_a_holder_project_request(
    empty_url: str,
) -> None:
    await _upgraded_with_a_holder_request(empty_url, "holder-request")

    assignments, projects = await run_sql(
        empty_url,
        "SELECT id, siret, project_id, status FROM referent_assignments ORDER BY id",
        "SELECT id FROM projects ORDER BY id",
    )
    assert assignments == [
        ("current", _SIRET, None, "ACCEPTED"),
        ("holder-request", None, "holder-project", "PENDING"),
        ("refused", _SIRET, None, "REFUSED"),
    ]
    assert projects == [("company-project",), ("holder-project",)]


@pytest.mark.parametrize(
    "statement",
    [
        pytest.param(
            "INSERT INTO referent_assignments (id, siret, project_id, agent_id, status, "
            f"requested_at) VALUES ('both', '{_SIRET}', 'holder-project', 'ag', 'REFUSED', "
            f"'{_AT}')",
            id="both",
        ),
        pytest.param(
            "INSERT INTO referent_assignments (id, agent_id, status, requested_at) VALUES "
            f"('neither', 'ag', 'REFUSED', '{_AT}')",
            id="neither",
        ),
        pytest.param(_holder_request("second", "ACCEPTED"), id="second-current"),
    ],
)
async def test_upgraded_table_refuses_a_request_of_both_neither_or_a_second_current(
    empty_url: str, statement: str
) -> None:
    await _upgraded_with_a_holder_request(empty_url, "first")

    with pytest.raises(IntegrityError):
        await run_sql(empty_url, statement)


async def test_downgrade_to_0007_keeps_the_companies_requests_and_every_project(
    empty_url: str,
) -> None:
    await _upgraded_with_a_holder_request(empty_url, "holder-request")

    await downgrade(empty_url, "0007")

    assignments, projects, version = await run_sql(
        empty_url,
        "SELECT id, siret, status FROM referent_assignments ORDER BY id",
        "SELECT id FROM projects ORDER BY id",
        "SELECT version_num FROM alembic_version",
    )
    assert assignments == _COMPANY_ROWS
    assert projects == [("company-project",), ("holder-project",)]
    assert version == [("0007",)]
    with pytest.raises(IntegrityError):  # the company's partial unique index is back
        await run_sql(
            empty_url,
            "INSERT INTO referent_assignments (id, siret, agent_id, status, requested_at) "
            f"VALUES ('again', '{_SIRET}', 'ag', 'PENDING', '{_AT}')",
        )
