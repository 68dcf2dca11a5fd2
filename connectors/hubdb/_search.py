"""Directory search: filters, keyset pagination and counting, in one statement per page.

The statement reads ``(SELECT count(*) …) AS total LEFT JOIN page ON true``: the count of
every match, and the page (a CTE ordered by the sort key, limited to ``first + 1`` rows to
tell whether a next page exists) with its records' columns. It returns at least one row,
even when the page is empty. Sort keys are compared byte-wise (``COLLATE "C"`` on
PostgreSQL, SQLite's default BINARY), so both backends and Python agree on the order.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from connectors.hubdb import _directory
from connectors.hubdb.models import (
    AgentDomain,
    AgentFiliere,
    AgentRoleRow,
    AgentTerritory,
    StructureSupportKind,
    fold,
)
from connectors.hubdb.records import (
    AgentFilter,
    AgentRecord,
    StructureFilter,
    StructureRecord,
)
from connectors.pagination import Page, assemble_page, decode_cursor, encode_cursor

__all__ = [
    "department_of",
    "search_agents",
    "search_structures",
    "territory_codes",
]

_T = TypeVar("_T")
_AGENTS, _STRUCTURES = _directory.AGENTS, _directory.STRUCTURES
_ACCOUNTS = _directory.ACCOUNTS
_ROLES = AgentRoleRow.__table__
_FILIERES = AgentFiliere.__table__
_DOMAINS = AgentDomain.__table__
_TERRITORIES = AgentTerritory.__table__
_SUPPORT_KINDS = StructureSupportKind.__table__


def department_of(postal_code: str) -> str:
    """The department of a (full) postal code: "30100" -> "30", "20090" -> "2A",
    "20200" -> "2B", "97400" -> "974"."""
    if postal_code.startswith("20") and len(postal_code) >= 3:
        return "2A" if postal_code[2] in "01" else "2B"
    if postal_code.startswith(("97", "98")) and len(postal_code) >= 3:
        return postal_code[:3]
    return postal_code[:2]


def territory_codes(postal_code: str) -> set[str]:
    """The territory codes that cover ``postal_code``: its department and its prefixes
    (an agent covering "301" covers "30100")."""
    code = "".join(postal_code.split()).upper()
    if not code:
        return set()
    codes = {code[:length] for length in range(2, len(code) + 1)}
    if code.startswith("20") and len(code) < 3:
        codes |= {"2A", "2B"}
    else:
        codes.add(department_of(code))
    return codes


def _ordered(column: sa.ColumnElement[str], dialect: str) -> sa.ColumnElement[str]:
    return sa.collate(column, "C") if dialect == "postgresql" else column


def _like(text: str) -> str:
    """A LIKE pattern (escape ``/``) matching ``text`` anywhere, wildcards taken as text."""
    escaped = text.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"


def _in(name: str) -> sa.BindParameter[Any]:
    return sa.bindparam(name, expanding=True)


def _agent_criteria() -> dict[str, sa.ColumnElement[bool]]:
    """One condition per criterion, its values bound by name. Each multi-valued criterion is
    an ``id IN (SELECT agent_id …)`` over the criterion's ``(value, agent_id)`` index: the
    database reads the few matching rows once instead of probing every agent."""
    agent_id = _AGENTS.c.id

    def agents_with(table: sa.FromClause, column: str, values: sa.BindParameter[Any]) -> Any:
        return agent_id.in_(sa.select(table.c.agent_id).where(table.c[column].in_(values)))

    signed = sa.select(_STRUCTURES.c.id).where(
        _STRUCTURES.c.in_network.is_(True), _STRUCTURES.c.charter_signed.is_(True)
    )
    return {
        "name": _AGENTS.c.search_name.like(sa.bindparam("name"), escape="/"),
        "codes": agents_with(_TERRITORIES, "code", _in("codes")),
        "structure_id": _AGENTS.c.structure_id == sa.bindparam("structure_id"),
        "filieres": agents_with(_FILIERES, "filiere", _in("filieres")),
        "domains": agents_with(_DOMAINS, "domain", _in("domains")),
        "role": agents_with(_ROLES, "role", _in("role")),
        "selectable": _AGENTS.c.structure_id.in_(signed),
        "active": _AGENTS.c.deactivated_at.is_(None),
    }


def _agent_parameters(filter: AgentFilter) -> dict[str, Any]:
    """The bound values of the criteria in use (``selectable`` and ``active`` bind
    nothing). A deactivated agent is never found: it has left the network."""
    found: dict[str, Any] = {"active": None}
    if filter.name and fold(filter.name):
        found["name"] = _like(fold(filter.name))
    if filter.postal_code is not None:
        found["codes"] = sorted(territory_codes(filter.postal_code))
    if filter.structure_id is not None:
        found["structure_id"] = filter.structure_id
    if filter.filieres:
        found["filieres"] = list(filter.filieres)
    if filter.domains:
        found["domains"] = list(filter.domains)
    if filter.role is not None:
        found["role"] = [filter.role]
    if filter.selectable_only:
        found["selectable"] = None
    return found


def _structure_criteria() -> dict[str, sa.ColumnElement[bool]]:
    structures = _STRUCTURES
    offering = sa.select(_SUPPORT_KINDS.c.structure_id).where(
        _SUPPORT_KINDS.c.support_kind == sa.bindparam("support_kind")
    )
    return {
        "name": structures.c.search_name.like(sa.bindparam("name"), escape="/"),
        "kind": structures.c.kind == sa.bindparam("kind"),
        "department_code": structures.c.department_code == sa.bindparam("department_code"),
        "departments": structures.c.department_code.in_(_in("departments")),
        "in_network": structures.c.in_network == sa.bindparam("in_network", type_=sa.Boolean),
        "labelled": structures.c.labelled == sa.bindparam("labelled", type_=sa.Boolean),
        "support_kind": structures.c.id.in_(offering),
    }


def _structure_parameters(filter: StructureFilter) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if filter.name and fold(filter.name):
        found["name"] = _like(fold(filter.name))
    for name in ("kind", "department_code", "in_network", "labelled", "support_kind"):
        if getattr(filter, name) is not None:
            found[name] = getattr(filter, name)
    if filter.postal_code is not None:
        code = "".join(filter.postal_code.split()).upper()
        found["departments"] = ["2A", "2B"] if code == "20" else [department_of(code)]
    return found


def _page_statement(
    table: sa.FromClause,
    sort_column: sa.ColumnElement[str],
    conditions: list[sa.ColumnElement[bool]],
    after: bool,
    dialect: str,
    id_column: sa.ColumnElement[str] | None = None,
) -> tuple[sa.Subquery, sa.CTE]:
    """The count of every match, and the ``:limit`` matches after the cursor (bound as
    ``:after_key``, ``:after_id``). The matches are a CTE read twice (both backends
    materialise it once). ``id_column``: the rows' key, ``table.c.id`` by default."""
    key = table.c.id if id_column is None else id_column
    matches = (
        sa.select(key.label("match_id"), sort_column.label("match_sort_key"))
        .where(*conditions)
        .cte("matches")
    )
    total = sa.select(sa.func.count().label("total")).select_from(matches)
    sort_key, id_ = _ordered(matches.c.match_sort_key, dialect), _ordered(matches.c.match_id,
                                                                          dialect)  # fmt: skip
    keyset: list[sa.ColumnElement[bool]] = []
    if after:
        keyset.append(sa.tuple_(sort_key, id_) > sa.tuple_(sa.bindparam("after_key"),
                                                             sa.bindparam("after_id")))  # fmt: skip
    page = (
        sa.select(matches.c.match_id.label("page_id"),
                  matches.c.match_sort_key.label("page_sort_key"))
        .where(*keyset)
        .order_by(sort_key, id_)
        .limit(sa.bindparam("limit", type_=sa.Integer))
        .cte("page")
    )  # fmt: skip
    return total.subquery("total"), page


@functools.lru_cache(maxsize=256)
def _agent_statement(criteria: tuple[str, ...], after: bool, dialect: str) -> sa.Select[Any]:
    """Built once per shape (criteria in use, cursor or not, backend): a search then costs
    no statement construction or cache-key computation."""
    conditions = _agent_criteria()
    total, page = _page_statement(_AGENTS, _AGENTS.c.sort_name,
                                  [conditions[name] for name in criteria], after, dialect)  # fmt: skip
    attributes = _directory.agent_attributes(sa.select(page.c.page_id))
    return (
        sa.select(
            total.c.total,
            page.c.page_id,
            page.c.page_sort_key,
            *_directory.agent_columns(),
            attributes.c.attribute_kind,
            attributes.c.attribute_value,
        )
        .select_from(total)
        .outerjoin(page, sa.true())
        .outerjoin(_AGENTS, _AGENTS.c.id == page.c.page_id)
        .outerjoin(_ACCOUNTS, _ACCOUNTS.c.id == _AGENTS.c.account_id)
        .outerjoin(attributes, attributes.c.agent_id == page.c.page_id)
    )


@functools.lru_cache(maxsize=256)
def _structure_statement(criteria: tuple[str, ...], after: bool, dialect: str) -> sa.Select[Any]:
    conditions = _structure_criteria()
    total, page = _page_statement(_STRUCTURES, _STRUCTURES.c.search_name,
                                  [conditions[name] for name in criteria], after, dialect)  # fmt: skip
    return (
        sa.select(total.c.total, page.c.page_id, page.c.page_sort_key,
                  *_directory.structure_columns())
        .select_from(total)
        .outerjoin(page, sa.true())
        .outerjoin(_STRUCTURES, _STRUCTURES.c.id == page.c.page_id)
        .outerjoin(_SUPPORT_KINDS, _SUPPORT_KINDS.c.structure_id == page.c.page_id)
    )  # fmt: skip


def _execution_parameters(
    criteria: dict[str, Any], first: int, after: str | None
) -> dict[str, Any]:
    if first < 0:
        raise ValueError("first must not be negative")
    parameters = {name: value for name, value in criteria.items() if value is not None}
    parameters["limit"] = first + 1
    if after is not None:
        parameters["after_key"], parameters["after_id"] = decode_cursor(after)
    return parameters


def _paged(
    rows: Sequence[Any],
    records: dict[str, _T],
    first: int,
    after: str | None,
) -> Page[_T]:
    keys = sorted({(row.page_sort_key, row.page_id) for row in rows if row.page_id is not None})
    return assemble_page(
        keys, first, item=lambda key: records[key[1]], cursor=lambda key: encode_cursor(*key),
        total=rows[0].total if rows else 0, after=after,
    )  # fmt: skip


def search_agents(
    connection: Connection, filter: AgentFilter, first: int, after: str | None
) -> Page[AgentRecord]:
    criteria = _agent_parameters(filter)
    parameters = _execution_parameters(criteria, first, after)
    statement = _agent_statement(tuple(criteria), after is not None, connection.dialect.name)
    rows = connection.execute(statement, parameters).all()
    collected = _directory.AgentRows()
    for row in rows:
        collected.add(row)
    return _paged(rows, collected.records(), first, after)


def search_structures(
    connection: Connection, filter: StructureFilter, first: int, after: str | None
) -> Page[StructureRecord]:
    criteria = _structure_parameters(filter)
    parameters = _execution_parameters(criteria, first, after)
    statement = _structure_statement(tuple(criteria), after is not None, connection.dialect.name)
    rows = connection.execute(statement, parameters).all()
    collected = _directory.StructureRows()
    for row in rows:
        collected.add(row)
    return _paged(rows, collected.records(), first, after)
