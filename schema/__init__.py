"""Strawberry types and the root Query. Types only: no I/O, no business rules."""

from __future__ import annotations

from schema.mutations import Mutation
from schema.query import Query
from schema.subscription import Subscription

__all__ = ["Mutation", "Query", "Subscription"]
