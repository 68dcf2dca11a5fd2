"""The SQL behind :class:`HubRepository`: one function per batch, each a single statement,
one module per subject (accounts, companies, projects, referent assignments, public aids).

Every function takes an open synchronous connection (Core statements, run by ``CoreRunner``)
and a chunk of distinct keys, and returns records keyed by those keys. Ordering that users
see is done here in Python, so that SQLite and PostgreSQL (whose collations differ) give the
same order.
"""

from __future__ import annotations

from connectors.hubdb._loaders.accounts import (
    load_accounts_by_email,
    load_accounts_by_id,
    load_accounts_for_sign_in,
)
from connectors.hubdb._loaders.aids import load_public_aids
from connectors.hubdb._loaders.assignments import (
    assignment_record,
    load_current_assignments_of_accounts,
    load_project_referents,
)
from connectors.hubdb._loaders.companies import load_company_facts
from connectors.hubdb._loaders.projects import (
    load_project_actors,
    load_projects,
    load_projects_by_id,
    load_projects_of_agent,
    project_record,
)

__all__ = [
    "assignment_record",
    "load_accounts_by_email",
    "load_accounts_by_id",
    "load_accounts_for_sign_in",
    "load_company_facts",
    "load_current_assignments_of_accounts",
    "load_project_actors",
    "load_project_referents",
    "load_projects",
    "load_projects_by_id",
    "load_projects_of_agent",
    "load_public_aids",
    "project_record",
]
