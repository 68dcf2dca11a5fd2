"""Company search: the registered companies by the agents' criteria, in one statement per
page (the count of every match and the page, like the directory search in ``_search``).

The page holds SIRETs only: the rows' fields are then read through the request's DataLoaders,
so the statements of a search do not grow with the page size."""

from __future__ import annotations

import functools
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from connectors.hubdb._search import _execution_parameters, _like, _page_statement, _paged
from connectors.hubdb.enums import CURRENT_ASSIGNMENT_STATUSES, AssignmentStatus
from connectors.hubdb.models import Agent, Company, Project, ReferentAssignment, fold
from connectors.hubdb.records import CompanyFilter, CompanySearchScope
from connectors.pagination import Page

__all__ = ["search_companies"]

_COMPANIES = Company.__table__
_ASSIGNMENTS = ReferentAssignment.__table__
_AGENTS = Agent.__table__
_PROJECTS = Project.__table__
_CURRENT = [status.value for status in CURRENT_ASSIGNMENT_STATUSES]


def _current_referents() -> sa.Select[Any]:
    # a holder's project's request has no SIRET: a NULL would make ``NOT IN`` match nothing
    return sa.select(_ASSIGNMENTS.c.siret).where(
        _ASSIGNMENTS.c.status.in_(_CURRENT), _ASSIGNMENTS.c.siret.is_not(None)
    )


def _criteria() -> dict[str, sa.ColumnElement[bool]]:
    """One condition per criterion, its value bound by name."""
    siret = _COMPANIES.c.siret
    current = _current_referents()
    of_structure = current.join_from(_ASSIGNMENTS, _AGENTS, _AGENTS.c.id == _ASSIGNMENTS.c.agent_id)
    return {
        "text": _COMPANIES.c.search_text.like(sa.bindparam("text"), escape="/"),
        "siret": siret == sa.bindparam("siret"),
        "siren": _COMPANIES.c.siren == sa.bindparam("siren"),
        "postal_code": _COMPANIES.c.postal_code == sa.bindparam("postal_code"),
        "department_code": _COMPANIES.c.department_code == sa.bindparam("department_code"),
        "naf_code": _COMPANIES.c.naf_code.like(sa.bindparam("naf_code"), escape="/"),
        "structure_id": siret.in_(
            of_structure.where(_AGENTS.c.structure_id == sa.bindparam("structure_id"))
        ),
        "referent_id": siret.in_(current.where(_ASSIGNMENTS.c.agent_id == sa.bindparam("referent_id"))),
        "has_referent": siret.in_(current),
        "no_referent": siret.not_in(current),
        "active": _COMPANIES.c.active == sa.bindparam("active", type_=sa.Boolean),
        "has_projects": siret.in_(sa.select(_PROJECTS.c.siret).where(_PROJECTS.c.siret.is_not(None))),
        "no_projects": siret.not_in(
            sa.select(_PROJECTS.c.siret).where(_PROJECTS.c.siret.is_not(None))
        ),
        "tier2_rows": siret.in_(
            sa.select(_ASSIGNMENTS.c.siret)
            .join(_AGENTS, _AGENTS.c.id == _ASSIGNMENTS.c.agent_id)
            .where(
                _ASSIGNMENTS.c.status == AssignmentStatus.ACCEPTED.value,
                sa.or_(
                    _ASSIGNMENTS.c.agent_id == sa.bindparam("tier2_agent_id"),
                    _AGENTS.c.structure_id == sa.bindparam("tier2_structure_id"),
                ),
            )
        ),
    }  # fmt: skip


def _naf_prefix(code: str) -> str:
    """ "2562A" and "25.62a" as Sirene writes them ("25.62A"); a prefix stays a prefix."""
    code = code.replace(".", "").upper()
    return code if len(code) <= 2 else f"{code[:2]}.{code[2:]}"


def _parameters(filter: CompanyFilter, scope: CompanySearchScope) -> dict[str, Any]:
    """The bound values of the criteria in use (criteria that bind nothing map to None)."""
    found: dict[str, Any] = {}
    if filter.text is not None:
        text = fold(filter.text)
        digits = "".join(text.split())
        if digits.isdigit():  # a SIRET pasted as printed ("842 156 374 00014")
            text = digits
        if text:
            found["text"] = _like(text)
    if filter.siret is not None:
        siret = "".join(filter.siret.split())
        found["siren" if len(siret) == 9 else "siret"] = siret
    for name in ("postal_code", "department_code", "structure_id", "referent_id", "active"):
        if getattr(filter, name) is not None:
            found[name] = getattr(filter, name)
    if filter.naf_code is not None:
        found["naf_code"] = _like(_naf_prefix(filter.naf_code))[1:]  # a prefix: "25.62A%"
    if filter.has_referent is not None:
        found["has_referent" if filter.has_referent else "no_referent"] = None
    if filter.has_projects is not None:
        found["has_projects" if filter.has_projects else "no_projects"] = None
    if any(getattr(filter, name) is not None for name in scope.tier2_criteria):
        found["tier2_rows"] = None
        found["tier2_agent_id"] = scope.agent_id or ""  # "" names no agent nor structure
        found["tier2_structure_id"] = scope.structure_id or ""
    return found


@functools.lru_cache(maxsize=256)
def _statement(criteria: tuple[str, ...], after: bool, dialect: str) -> sa.Select[Any]:
    conditions = _criteria()
    total, page = _page_statement(_COMPANIES, _COMPANIES.c.sort_name,
                                  [conditions[name] for name in criteria if name in conditions],
                                  after, dialect, _COMPANIES.c.siret)  # fmt: skip
    return (
        sa.select(total.c.total, page.c.page_id, page.c.page_sort_key)
        .select_from(total)
        .outerjoin(page, sa.true())
    )


def search_companies(
    connection: Connection,
    filter: CompanyFilter,
    scope: CompanySearchScope,
    first: int,
    after: str | None,
) -> Page[str]:
    """The SIRETs of the registered companies matching ``filter`` within ``scope``, by folded
    name then SIRET: ``first`` of them after the cursor ``after``, and the count of all."""
    criteria = _parameters(filter, scope)
    parameters = _execution_parameters(criteria, first, after)
    statement = _statement(tuple(criteria), after is not None, connection.dialect.name)
    rows = connection.execute(statement, parameters).all()
    return _paged(rows, {row.page_id: row.page_id for row in rows if row.page_id}, first, after)
