"""Reads of the structures' offers and of the recorded interactions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from connectors.hubdb.models import Interaction, Offer, OfferProduct, Project, Structure, fold
from connectors.pagination import Page, assemble_page, decode_cursor, encode_cursor

__all__ = [
    "InteractionRecord",
    "OfferFilter",
    "OfferProductRecord",
    "OfferRecord",
    "load_interactions",
    "load_offers",
    "load_project_interactions",
    "load_structure_offers",
    "search_offers",
]

_OFFERS, _PRODUCTS = Offer.__table__, OfferProduct.__table__
_INTERACTIONS, _STRUCTURES = Interaction.__table__, Structure.__table__
_PROJECTS = Project.__table__


@dataclass(frozen=True, slots=True)
class OfferProductRecord:
    code: str | None
    title: str
    mandatory: bool
    expertise_level: str


@dataclass(frozen=True, slots=True)
class OfferRecord:
    id: str
    structure_id: str
    segment: str
    level: int
    level_title: str
    title: str
    national: bool
    products: tuple[OfferProductRecord, ...]


@dataclass(frozen=True, slots=True)
class OfferFilter:
    """Offer criteria, combined with AND; ``text``: accent- and case-insensitive substring of
    the title, the level's title or a product's; ``segments``: any of them."""

    segments: tuple[str, ...] = ()
    level: int | None = None
    structure_id: str | None = None
    text: str | None = None
    department: str | None = None


@dataclass(frozen=True, slots=True)
class InteractionRecord:
    id: str
    structure_id: str
    agent_id: str | None
    siret: str | None
    project_id: str | None
    kind: str
    channel: str
    segment: str
    offer_id: str | None
    level: int | None
    product: str | None
    occurred_on: date
    minutes: int | None


def _criteria(filter: OfferFilter) -> list[sa.ColumnElement[bool]]:
    where: list[sa.ColumnElement[bool]] = []
    if filter.segments:
        where.append(_OFFERS.c.segment.in_(filter.segments))
    if filter.level is not None:
        where.append(_OFFERS.c.level == filter.level)
    if filter.structure_id is not None:
        where.append(_OFFERS.c.structure_id == filter.structure_id)
    if filter.text:
        where.append(_OFFERS.c.search_text.contains(fold(filter.text), autoescape=True))
    if filter.department is not None:
        in_department = sa.select(_STRUCTURES.c.id).where(
            _STRUCTURES.c.department_code == filter.department.upper()
        )
        where.append(_OFFERS.c.structure_id.in_(in_department))
    return where


def search_offers(
    connection: Connection, filter: OfferFilter, first: int, after: str | None
) -> Page[OfferRecord]:
    """Offers by id (structure, segment, level), ``first`` after the cursor ``after``; two
    statements (the count, the page) and one for the page's products."""
    where = _criteria(filter)
    total = connection.execute(
        sa.select(sa.func.count()).select_from(_OFFERS).where(*where)
    ).scalar_one()
    page = sa.select(_OFFERS).where(*where).order_by(_OFFERS.c.id).limit(first + 1)
    if after is not None:
        _, after_id = decode_cursor(after)
        page = page.where(_OFFERS.c.id > after_id)
    records = _with_products(connection, connection.execute(page).all())
    return assemble_page(
        records, first, item=lambda record: record,
        cursor=lambda record: encode_cursor(record.id, record.id), total=total, after=after,
    )  # fmt: skip


def load_offers(connection: Connection, ids: Sequence[str]) -> dict[str, OfferRecord]:
    rows = connection.execute(sa.select(_OFFERS).where(_OFFERS.c.id.in_(ids))).all()
    return {record.id: record for record in _with_products(connection, rows)}


def load_structure_offers(
    connection: Connection, structure_ids: Sequence[str]
) -> dict[str, list[OfferRecord]]:
    """Each structure's offers, by segment then level."""
    rows = connection.execute(
        sa.select(_OFFERS).where(_OFFERS.c.structure_id.in_(structure_ids)).order_by(_OFFERS.c.id)
    ).all()
    found: dict[str, list[OfferRecord]] = {structure_id: [] for structure_id in structure_ids}
    for record in _with_products(connection, rows):
        found[record.structure_id].append(record)
    return found


def _with_products(connection: Connection, rows: Sequence[Any]) -> list[OfferRecord]:
    products: defaultdict[str, list[OfferProductRecord]] = defaultdict(list)
    if rows:
        for product in connection.execute(
            sa.select(_PRODUCTS)
            .where(_PRODUCTS.c.offer_id.in_([row.id for row in rows]))
            .order_by(_PRODUCTS.c.offer_id, _PRODUCTS.c.position)
        ):
            products[product.offer_id].append(
                OfferProductRecord(
                    code=product.code,
                    title=product.title,
                    mandatory=product.mandatory,
                    expertise_level=product.expertise_level,
                )
            )
    return [
        OfferRecord(
            id=row.id,
            structure_id=row.structure_id,
            segment=row.segment,
            level=row.level,
            level_title=row.level_title,
            title=row.title,
            national=row.national,
            products=tuple(products[row.id]),
        )
        for row in rows
    ]


def _interaction(row: Any) -> InteractionRecord:
    return InteractionRecord(
        id=row.id,
        structure_id=row.structure_id,
        agent_id=row.agent_id,
        siret=row.siret,
        project_id=row.project_id,
        kind=row.kind,
        channel=row.channel,
        segment=row.segment,
        offer_id=row.offer_id,
        level=row.level,
        product=row.product,
        occurred_on=row.occurred_on,
        minutes=row.minutes,
    )


_NEWEST_FIRST = (_INTERACTIONS.c.occurred_on.desc(), _INTERACTIONS.c.recorded_at.desc())


def load_interactions(
    connection: Connection, sirets: Sequence[str]
) -> dict[str, list[InteractionRecord]]:
    """Each company's recorded interactions, its projects' included, newest first."""
    company = sa.func.coalesce(_INTERACTIONS.c.siret, _PROJECTS.c.siret).label("company")
    rows = connection.execute(
        sa.select(_INTERACTIONS, company)
        .select_from(
            _INTERACTIONS.outerjoin(_PROJECTS, _PROJECTS.c.id == _INTERACTIONS.c.project_id)
        )
        .where(sa.or_(_INTERACTIONS.c.siret.in_(sirets), _PROJECTS.c.siret.in_(sirets)))
        .order_by(*_NEWEST_FIRST)
    )
    found: dict[str, list[InteractionRecord]] = {siret: [] for siret in sirets}
    for row in rows:
        found[row.company].append(_interaction(row))
    return found


def load_project_interactions(
    connection: Connection, project_ids: Sequence[str]
) -> dict[str, list[InteractionRecord]]:
    """Each project's recorded interactions, newest first."""
    rows = connection.execute(
        sa.select(_INTERACTIONS)
        .where(_INTERACTIONS.c.project_id.in_(project_ids))
        .order_by(*_NEWEST_FIRST)
    )
    found: dict[str, list[InteractionRecord]] = {project_id: [] for project_id in project_ids}
    for row in rows:
        found[row.project_id].append(_interaction(row))
    return found
