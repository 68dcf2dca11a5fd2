"""Relay-style connections: ``edges {node cursor}``, ``pageInfo``, ``totalCount``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

import strawberry

from auth.tiers import Tier
from auth.visibility import tiered

__all__ = ["Connection", "Edge", "PageInfo", "RecordPage"]

T = TypeVar("T")
R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)


class RecordPage(Protocol[R_co]):
    """What the repository answers for one page (``connectors.hubdb.Page``)."""

    @property
    def items(self) -> tuple[R_co, ...]: ...

    @property
    def cursors(self) -> tuple[str, ...]: ...

    @property
    def total(self) -> int: ...

    @property
    def has_next(self) -> bool: ...

    @property
    def has_previous(self) -> bool: ...


@strawberry.type(description="Where a page stands in the whole list.")
class PageInfo:
    has_next_page: bool = tiered(Tier.PUBLIC)
    has_previous_page: bool = tiered(Tier.PUBLIC)
    start_cursor: str | None = tiered(Tier.PUBLIC)
    end_cursor: str | None = tiered(Tier.PUBLIC)


@strawberry.type
class Edge(Generic[T]):
    node: T = tiered(Tier.PUBLIC)
    cursor: str = tiered(Tier.PUBLIC, description="Pass it as `after` to read on from here.")


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]] = tiered(Tier.PUBLIC)
    page_info: PageInfo = tiered(Tier.PUBLIC)
    total_count: int = tiered(Tier.PUBLIC, description="How many match the filter in all.")

    @classmethod
    def of(cls, page: RecordPage[R], node: Callable[[R], T]) -> Connection[T]:
        edges = [
            Edge(node=node(item), cursor=cursor)
            for item, cursor in zip(page.items, page.cursors, strict=True)
        ]
        return cls(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next,
                has_previous_page=page.has_previous,
                start_cursor=page.cursors[0] if page.cursors else None,
                end_cursor=page.cursors[-1] if page.cursors else None,
            ),
            total_count=page.total,
        )
